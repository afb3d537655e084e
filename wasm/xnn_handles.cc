#include "xnn_handles.h"

#include "kernel_choice.h"

namespace convscope {
namespace {

const char* StatusName(xnn_status status) {
  switch (status) {
    case xnn_status_success:
      return "success";
    case xnn_status_uninitialized:
      return "XNNPACK is not initialized";
    case xnn_status_invalid_parameter:
      return "invalid parameter";
    case xnn_status_invalid_state:
      return "invalid state";
    case xnn_status_unsupported_parameter:
      return "unsupported parameter";
    case xnn_status_unsupported_hardware:
      return "unsupported hardware";
    case xnn_status_out_of_memory:
      return "out of memory";
    case xnn_status_reallocation_required:
      return "reallocation required";
    case xnn_status_deprecated:
      return "deprecated";
  }
  return "unknown XNNPACK status";
}

}  // namespace

Status XnnCheck(xnn_status status, const char* what) {
  if (status == xnn_status_success) return Status::Ok();
  return Status::Error(std::string(what) + " failed: " + StatusName(status));
}

Status EnsureXnnInitialized() {
  static const xnn_status status = [] {
    const xnn_status s = xnn_initialize(/*allocator=*/nullptr);
    if (s == xnn_status_success) ChooseKernels();
    return s;
  }();
  return XnnCheck(status, "xnn_initialize");
}

}  // namespace convscope

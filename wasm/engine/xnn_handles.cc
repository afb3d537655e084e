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

std::atomic<size_t> g_objects_created{0};

}  // namespace

Status CreateRuntime(xnn_subgraph_t subgraph, pthreadpool_t threadpool, RuntimePtr* out) {
  xnn_runtime_t raw = nullptr;
  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_create_runtime_v3(subgraph, /*weights_cache=*/nullptr, threadpool, 0, &raw),
               "creating the runtime"));
  out->reset(raw);
  CountOperatorCreated();
  return Status::Ok();
}

void CountOperatorCreated() { g_objects_created.fetch_add(1, std::memory_order_relaxed); }

size_t XnnObjectsCreated() { return g_objects_created.load(std::memory_order_relaxed); }

Status ReshapeRuntimeInput(xnn_runtime_t runtime, uint32_t id, const std::array<size_t, 4>& dims,
                           std::array<size_t, 4>* current) {
  if (dims == *current) return Status::Ok();
  CONVSCOPE_RETURN_IF_ERROR(XnnCheck(
      xnn_reshape_external_value(runtime, id, dims.size(), dims.data()), "reshaping the input"));
  CONVSCOPE_RETURN_IF_ERROR(XnnCheck(xnn_reshape_runtime(runtime), "reshaping the runtime"));
  *current = dims;
  return Status::Ok();
}

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

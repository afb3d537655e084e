// A dataset's dimensions given as a JSON array, read into a Shape with hdf5_file.cc's messages:
// shared by the back ends of hdf5_file.h that describe datasets in JSON (h5wasm's, and the
// in-memory one the fuzzer uses).
#pragma once

#include <string>

#include "base/json_util.h"
#include "base/status.h"
#include "layers/layer.h"

namespace convscope::convert {

inline Status DatasetShapeFromJson(const Json& dims, const std::string& path, Shape* shape) {
  if (!dims.is_array() || dims.size() > 8) {
    return Status::Error("dataset " + path + " has an unsupported rank");
  }
  shape->clear();
  for (const Json& d : dims) {
    if (!d.is_number_unsigned()) return Status::Error("dataset " + path + " has an invalid shape");
    shape->push_back(d.get<size_t>());
  }
  return Status::Ok();
}

}  // namespace convscope::convert

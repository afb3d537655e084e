// libFuzzer target: the Keras reader and converter we wrote, over an HDF5 file held in memory as
// a JSON tree (hdf5_file_memory.h) instead of libhdf5 — attributes, names, paths, shapes, both
// layouts, model_config, streaming and quantization, thousands of times a second. The input's size
// picks the options (precision, --notop). Beyond "no crash": every identifier is closed again, and
// a converted file must load.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "converter.h"
#include "hdf5_file_memory.h"
#include "model/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace convert = convscope::convert;
  if (!convert::fuzzing::SetMemoryHdf5File({reinterpret_cast<const char*>(data), size})) return 0;
  convert::ConvertOptions options;
  options.input = "fuzz.h5";
  options.precision = size % 2 == 0 ? "int8" : "f32";
  options.notop = size % 4 >= 2;
  convert::ConvertResult result;
  std::vector<uint8_t> bytes;
  const convscope::Status converted = convert::ConvertToBytes(options, nullptr, &result, &bytes);
  if (convert::fuzzing::OpenMemoryHdf5Ids() != 0) {
    std::fprintf(stderr, "%zu HDF5 identifiers left open\n", convert::fuzzing::OpenMemoryHdf5Ids());
    std::abort();
  }
  if (!converted.ok()) return 0;
  std::unique_ptr<convscope::Model> model;
  if (const convscope::Status loaded = convscope::Model::Load(std::move(bytes), nullptr, &model);
      !loaded.ok()) {
    std::fprintf(stderr, "the converter wrote a file that does not load: %s\n",
                 loaded.message().c_str());
    std::abort();
  }
  return 0;
}

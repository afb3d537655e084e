// libFuzzer target: any bytes as a Keras .h5, through model_convert's reader and converter — the
// code we wrote around libhdf5 (both layouts, names, attributes, shapes, architecture from
// model_config or inferred, streaming, quantization). libhdf5 reads files, so each input is
// written to one in /dev/shm first. (libhdf5 itself is Debian's, not instrumented.)
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "converter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path =
      "/dev/shm/convscope-keras-fuzz-" + std::to_string(getpid()) + ".h5";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return 0;
  const bool written = std::fwrite(data, 1, size, f) == size;
  std::fclose(f);
  if (!written) return 0;
  convscope::convert::ConvertOptions options;
  options.input = path;
  convscope::convert::ConvertResult result;
  std::vector<uint8_t> bytes;
  (void)convscope::convert::ConvertToBytes(options, nullptr, &result, &bytes);
  return 0;
}

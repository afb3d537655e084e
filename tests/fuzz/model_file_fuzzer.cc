// libFuzzer target: any bytes as a model file. Loading validates everything (header JSON, section
// table, checksums, shapes); a file that loads must also build its engine and run an image.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "model/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<convscope::Model> model;
  if (!convscope::Model::Load(std::vector<uint8_t>(data, data + size), nullptr, &model).ok()) {
    return 0;
  }
  if (model->header().total_params > 2'000'000) return 0;  // keep each execution fast
  convscope::RgbImage image{8, 8, std::vector<uint8_t>(8 * 8 * 3, 128)};
  convscope::RunResult result;
  (void)model->Run(image, {}, &result);
  return 0;
}

// libFuzzer target: any bytes as an image file, through everything a picture meets: the header
// checks, stb_image, both resizes, preprocessing and a map drawn over it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "figures/overlay.h"
#include "images/image.h"
#include "images/preprocess.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  convscope::RgbImage image;
  if (!convscope::DecodeImage({data, size}, &image).ok()) return 0;
  for (auto mode : {convscope::ResizeMode::kKeras, convscope::ResizeMode::kCenterCrop}) {
    convscope::RgbImage resized;
    if (!convscope::ResizeImage(image, 17, 11, mode, &resized).ok()) continue;
    std::vector<float> input(17 * 11 * 3);
    convscope::Preprocess(resized, convscope::Preprocessing{}, input);
  }
  if (image.width * image.height <= 4'000'000) {
    const std::vector<float> map = {0.0f, 0.5f, 1.0f, 0.25f};
    convscope::RgbImage out;
    (void)convscope::OverlayMap(image, map, 2, 2, {}, &out);
  }
  return 0;
}

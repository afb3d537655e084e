#include "preprocess.h"

namespace convscope {

void Preprocess(const RgbImage& image, const Preprocessing& p, size_t channels,
                std::span<float> out) {
  for (size_t i = 0; i < image.width * image.height; ++i) {
    const uint8_t* pixel = &image.pixels[i * 3];
    if (channels == 1) {
      out[i] = PreprocessValue(p, Luminance(pixel), 0);
      continue;
    }
    for (size_t c = 0; c < 3; ++c) out[i * 3 + c] = PreprocessValue(p, pixel[SourceChannel(p, c)], c);
  }
}

void Deprocess(std::span<const float> input, const Preprocessing& p, size_t channels,
               std::span<float> rgb) {
  for (size_t i = 0; i * channels < input.size(); ++i) {
    for (size_t c = 0; c < 3; ++c) {
      rgb[i * 3 + (channels == 1 ? c : SourceChannel(p, c))] =
          DeprocessValue(p, input[i * channels + (channels == 1 ? 0 : c)], channels == 1 ? 0 : c);
    }
  }
}

}  // namespace convscope

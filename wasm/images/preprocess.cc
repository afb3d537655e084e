#include "preprocess.h"

namespace convscope {

void Preprocess(const RgbImage& image, const Preprocessing& p, std::span<float> out) {
  for (size_t i = 0; i < image.width * image.height; ++i) {
    for (size_t c = 0; c < 3; ++c) {
      out[i * 3 + c] = PreprocessValue(p, image.pixels[i * 3 + SourceChannel(p, c)], c);
    }
  }
}

void Deprocess(std::span<const float> input, const Preprocessing& p, std::span<float> rgb) {
  for (size_t i = 0; i < input.size(); i += 3) {
    for (size_t c = 0; c < 3; ++c)
      rgb[i + SourceChannel(p, c)] = DeprocessValue(p, input[i + c], c);
  }
}

}  // namespace convscope

#include "preprocess.h"

namespace convscope {

void Preprocess(const RgbImage& image, const Preprocessing& p, std::span<float> out) {
  const bool bgr = p.channel_order == ChannelOrder::kBGR;
  for (size_t i = 0; i < image.width * image.height; ++i) {
    for (size_t c = 0; c < 3; ++c) {
      const size_t source = bgr ? 2 - c : c;  // model channel c reads this RGB channel
      const double x = image.pixels[i * 3 + source];
      out[i * 3 + c] = static_cast<float>((x * p.scale - p.mean[c]) / p.std[c]);
    }
  }
}

}  // namespace convscope

#include "gaussian.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace convscope {

double GaussianSampler::operator()() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = (static_cast<double>(rng_()) + 1.0) / 4294967297.0;  // (0, 1]
  const double u2 = static_cast<double>(rng_()) / 4294967296.0;
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_ = r * std::sin(2 * std::numbers::pi * u2);
  has_spare_ = true;
  return r * std::cos(2 * std::numbers::pi * u2);
}

void GaussianBlur(std::span<float> x, size_t height, size_t width, size_t channels, float sigma) {
  const int radius = static_cast<int>(std::ceil(3 * sigma));
  std::vector<float> kernel(2 * radius + 1);
  float total = 0;
  for (int i = -radius; i <= radius; ++i) {
    const auto d = static_cast<float>(i);
    total += kernel[i + radius] = std::exp(-0.5f * d * d / (sigma * sigma));
  }
  for (float& k : kernel) k /= total;
  std::vector<float> tmp(x.size());
  const auto h = static_cast<int>(height), w = static_cast<int>(width);
  auto pass = [&](std::span<const float> in, std::span<float> out, bool rows) {
    for (int y = 0; y < h; ++y)
      for (int xx = 0; xx < w; ++xx)
        for (size_t k = 0; k < channels; ++k) {
          float sum = 0;
          for (int i = -radius; i <= radius; ++i) {
            const int sy = rows ? std::clamp(y + i, 0, h - 1) : y;
            const int sx = rows ? xx : std::clamp(xx + i, 0, w - 1);
            sum += kernel[i + radius] * in[static_cast<size_t>(sy * w + sx) * channels + k];
          }
          out[static_cast<size_t>(y * w + xx) * channels + k] = sum;
        }
  };
  pass(x, tmp, false);
  pass(tmp, x, true);
}

}  // namespace convscope

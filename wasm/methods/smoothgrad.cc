#include "smoothgrad.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace convscope {
namespace {

// Standard normal samples from mt19937 by Box-Muller: std::normal_distribution differs between
// standard libraries, and the native and wasm builds must draw the same noise.
class Gaussian {
 public:
  explicit Gaussian(uint32_t seed) : rng_(seed) {}
  float operator()() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = (static_cast<double>(rng_()) + 1.0) / 4294967297.0;  // (0, 1]
    const double u2 = static_cast<double>(rng_()) / 4294967296.0;
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = static_cast<float>(r * std::sin(2 * std::numbers::pi * u2));
    has_spare_ = true;
    return static_cast<float>(r * std::cos(2 * std::numbers::pi * u2));
  }

 private:
  std::mt19937 rng_;
  float spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace

Status SmoothGrad(const MethodInput& in, Explanation* out) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  const size_t samples = in.samples > 0 ? in.samples : kSmoothGradSamples;
  const auto [lo, hi] = std::minmax_element(in.image.begin(), in.image.end());
  const float sigma = static_cast<float>(in.noise) * (*hi - *lo);
  Gaussian gaussian(in.seed);
  std::vector<float> noisy(in.image.size()), gradient;
  out->raw.assign(in.image.size(), 0.0f);
  for (size_t s = 0; s < samples; ++s) {
    for (size_t i = 0; i < noisy.size(); ++i) noisy[i] = in.image[i] + sigma * gaussian();
    CONVSCOPE_RETURN_IF_ERROR(InputGradientAt(in, noisy, BackwardMode::kPlain, &gradient));
    for (size_t i = 0; i < gradient.size(); ++i)
      out->raw[i] += std::fabs(gradient[i]) / static_cast<float>(samples);
    CONVSCOPE_RETURN_IF_ERROR(
        ReportProgress(in.progress, static_cast<double>(s + 1) / static_cast<double>(samples)));
  }
  out->method = "smoothgrad";
  out->layer = 0;
  out->height = shape[0];
  out->width = shape[1];
  out->raw_shape = shape;
  out->map = MaxAbsOverChannels(out->raw, shape[2]);
  NormalizeMinMax(out->map);
  return Status::Ok();
}

}  // namespace convscope

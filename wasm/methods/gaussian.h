// Gaussian noise and Gaussian blur for the methods that add one or the other: SmoothGrad's noisy
// copies, the sanity check's random kernels, integrated gradients' blurred baseline, activation
// maximization's blur prior.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>

namespace convscope {

// Standard normal draws from mt19937 by Box-Muller: std::normal_distribution differs between
// standard libraries, and the native and wasm builds must draw the same values.
class GaussianSampler {
 public:
  explicit GaussianSampler(uint32_t seed) : rng_(seed) {}
  double operator()();

 private:
  std::mt19937 rng_;
  double spare_ = 0;
  bool has_spare_ = false;
};

// A separable Gaussian blur of an H x W x C image in place, edges clamped, the kernel cut at
// 3 sigma.
void GaussianBlur(std::span<float> x, size_t height, size_t width, size_t channels, float sigma);

}  // namespace convscope

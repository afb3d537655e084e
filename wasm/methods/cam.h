// What the class-activation methods share (Grad-CAM and its kin, as pytorch-grad-cam computes
// them): the layer's activations A (h x w x k, an Engine buffer) and the gradient G of the class
// score with respect to them, and the map made from a CAM of h x w values.
#pragma once

#include <span>
#include <vector>

#include "method_info.h"

namespace convscope {

// From zero: a CAM is >= 0 (the ReLU of its definition), and 0 means no evidence, as in the
// Grad-CAM paper's figures.
inline constexpr MapScale kCamScale = MapScale::kFromZero;

struct CamInput {
  size_t h = 0, w = 0, k = 0;
  std::span<const float> a;  // h x w x k
  std::vector<float> g;      // h x w x k
};

// A at in.layer (no gradient: Score-CAM, Ablation-CAM, Eigen-CAM); an error naming `label` when
// the layer has no spatial output.
Status CamActivationOf(const MethodInput& in, const char* label, CamInput* out);
// A and G at in.layer.
Status CamInputOf(const MethodInput& in, const char* label, CamInput* out);

// The CAM of channel weights: per position, the sum over channels of weights[k] * A_k.
std::vector<double> WeightedChannels(const CamInput& c, std::span<const double> weights);

// Per channel, the sum over positions of f(a, g), in double.
template <typename F>
std::vector<double> ChannelSums(const CamInput& c, F f) {
  std::vector<double> sums(c.k, 0.0);
  for (size_t p = 0; p < c.h * c.w; ++p) {
    for (size_t i = 0; i < c.k; ++i) sums[i] += f(c.a[p * c.k + i], c.g[p * c.k + i]);
  }
  return sums;
}

// Per position, the sum over channels of f(a, g), in double.
template <typename F>
std::vector<double> PositionSums(const CamInput& c, F f) {
  std::vector<double> sums(c.h * c.w, 0.0);
  for (size_t p = 0; p < c.h * c.w; ++p) {
    for (size_t i = 0; i < c.k; ++i) sums[p] += f(c.a[p * c.k + i], c.g[p * c.k + i]);
  }
  return sums;
}

// The explanation of `cam` (h x w, before the ReLU): raw = ReLU(cam); map = raw normalized from
// zero, then bilinearly upsampled to the input size (as pytorch-grad-cam).
void FinishCam(const MethodInput& in, const char* method, const CamInput& c,
               const std::vector<double>& cam, Explanation* out);

}  // namespace convscope

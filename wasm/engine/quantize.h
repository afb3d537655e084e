// Symmetric per-output-channel int8 quantization of weights (the format model_convert writes and
// XNNPACK's qc8w kernels read): w ≈ scale[k] * q, q in [-127, 127], one scale per output channel.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace convscope {

struct ChannelwiseInt8 {
  std::vector<int8_t> values;  // same layout as the f32 input, output channel outermost
  std::vector<float> scales;   // one per output channel; > 0 even for an all-zero channel
};

// `weights` holds `out_channels` contiguous rows (OHWI for a conv, [out, in] for a dense layer).
// Precondition: weights.size() is a multiple of out_channels and all values are finite.
ChannelwiseInt8 QuantizeChannelwise(std::span<const float> weights, size_t out_channels);
// The two steps, for callers that stream a weight (model_convert): the scale of a channel whose
// largest magnitude is max_abs, and one value at that scale.
inline float ChannelScale(float max_abs) {
  // An all-zero channel still needs a positive scale: XNNPACK rejects scale 0.
  return max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
}
inline int8_t QuantizeValue(float w, float scale) {
  return static_cast<int8_t>(std::clamp(std::nearbyint(w / scale), -127.0f, 127.0f));
}

}  // namespace convscope

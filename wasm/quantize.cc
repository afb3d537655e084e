#include "quantize.h"

#include <algorithm>
#include <cmath>

namespace convscope {

ChannelwiseInt8 QuantizeChannelwise(std::span<const float> weights, size_t out_channels) {
  ChannelwiseInt8 q;
  q.values.resize(weights.size());
  q.scales.resize(out_channels);
  const size_t row = out_channels == 0 ? 0 : weights.size() / out_channels;
  for (size_t k = 0; k < out_channels; ++k) {
    const std::span<const float> w = weights.subspan(k * row, row);
    float max_abs = 0.0f;
    for (float v : w) max_abs = std::max(max_abs, std::fabs(v));
    // An all-zero channel still needs a positive scale: XNNPACK rejects scale 0.
    const float scale = max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
    q.scales[k] = scale;
    for (size_t i = 0; i < row; ++i) {
      const float r = std::nearbyint(w[i] / scale);
      q.values[k * row + i] = static_cast<int8_t>(std::clamp(r, -127.0f, 127.0f));
    }
  }
  return q;
}

}  // namespace convscope

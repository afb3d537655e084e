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
    q.scales[k] = ChannelScale(max_abs);
    for (size_t i = 0; i < row; ++i) q.values[k * row + i] = QuantizeValue(w[i], q.scales[k]);
  }
  return q;
}

}  // namespace convscope

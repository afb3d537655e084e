#include "reference_conv.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "engine/quantize.h"

namespace convscope::testing {
namespace {

// Accumulates f(x) * g(w) over every output element's receptive field (strides, dilation,
// groups and TensorFlow's extra row and column of padding included).
template <typename F>
std::vector<double> Accumulate(const Conv2dShape& s, std::span<const float> input,
                               std::span<const float> weights, F transform) {
  const size_t oh = s.output_height(), ow = s.output_width();
  const size_t group_in = s.in_channels / s.groups, group_out = s.out_channels / s.groups;
  std::vector<double> acc(oh * ow * s.out_channels, 0.0);
  for (size_t oy = 0; oy < oh; ++oy) {
    for (size_t ox = 0; ox < ow; ++ox) {
      double* out = &acc[(oy * ow + ox) * s.out_channels];
      for (size_t ky = 0; ky < s.kernel_height; ++ky) {
        const ptrdiff_t iy = static_cast<ptrdiff_t>(oy * s.stride_height + ky * s.dilation_height) -
                             static_cast<ptrdiff_t>(s.padding_height);
        if (iy < 0 || iy >= static_cast<ptrdiff_t>(s.height)) continue;
        for (size_t kx = 0; kx < s.kernel_width; ++kx) {
          const ptrdiff_t ix = static_cast<ptrdiff_t>(ox * s.stride_width + kx * s.dilation_width) -
                               static_cast<ptrdiff_t>(s.padding_width);
          if (ix < 0 || ix >= static_cast<ptrdiff_t>(s.width)) continue;
          const float* in =
              &input[(static_cast<size_t>(iy) * s.width + static_cast<size_t>(ix)) * s.in_channels];
          for (size_t k = 0; k < s.out_channels; ++k) {
            const float* w =
                &weights[((k * s.kernel_height + ky) * s.kernel_width + kx) * group_in];
            const float* x = in + k / group_out * group_in;
            double sum = 0.0;
            for (size_t c = 0; c < group_in; ++c) sum += transform(x[c]) * transform(w[c]);
            out[k] += sum;
          }
        }
      }
    }
  }
  return acc;
}

}  // namespace

std::vector<float> ReferenceConv2d(const Conv2dShape& s, std::span<const float> input,
                                   std::span<const float> weights, std::span<const float> bias) {
  const std::vector<double> acc =
      Accumulate(s, input, weights, [](float v) { return static_cast<double>(v); });
  std::vector<float> out(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    const double v = acc[i] + bias[i % s.out_channels];
    out[i] = static_cast<float>(s.relu ? std::max(v, 0.0) : v);
  }
  return out;
}

std::vector<float> ReferenceConv2dInputGradient(const Conv2dShape& s,
                                                std::span<const float> output_gradient,
                                                std::span<const float> weights) {
  const size_t oh = s.output_height(), ow = s.output_width();
  const size_t group_in = s.in_channels / s.groups, group_out = s.out_channels / s.groups;
  std::vector<double> dx(s.height * s.width * s.in_channels, 0.0);
  for (size_t oy = 0; oy < oh; ++oy)
    for (size_t ox = 0; ox < ow; ++ox)
      for (size_t ky = 0; ky < s.kernel_height; ++ky)
        for (size_t kx = 0; kx < s.kernel_width; ++kx) {
          const ptrdiff_t iy =
              static_cast<ptrdiff_t>(oy * s.stride_height + ky * s.dilation_height) -
              static_cast<ptrdiff_t>(s.padding_height);
          const ptrdiff_t ix = static_cast<ptrdiff_t>(ox * s.stride_width + kx * s.dilation_width) -
                               static_cast<ptrdiff_t>(s.padding_width);
          if (iy < 0 || iy >= static_cast<ptrdiff_t>(s.height) || ix < 0 ||
              ix >= static_cast<ptrdiff_t>(s.width)) {
            continue;
          }
          const size_t pixel = static_cast<size_t>(iy) * s.width + static_cast<size_t>(ix);
          for (size_t k = 0; k < s.out_channels; ++k) {
            const double g = output_gradient[(oy * ow + ox) * s.out_channels + k];
            const float* w =
                &weights[((k * s.kernel_height + ky) * s.kernel_width + kx) * group_in];
            double* x = &dx[pixel * s.in_channels + k / group_out * group_in];
            for (size_t c = 0; c < group_in; ++c) x[c] += g * w[c];
          }
        }
  return {dx.begin(), dx.end()};
}

std::vector<float> AbsoluteConv2d(const Conv2dShape& s, std::span<const float> input,
                                  std::span<const float> weights) {
  const std::vector<double> acc =
      Accumulate(s, input, weights, [](float v) { return std::fabs(static_cast<double>(v)); });
  return std::vector<float>(acc.begin(), acc.end());
}

std::vector<float> Int8ErrorBound(const Conv2dShape& s, std::span<const float> input,
                                  std::span<const float> weights, std::span<const float> want) {
  const ChannelwiseInt8 q = QuantizeChannelwise(weights, s.out_channels);
  std::vector<float> dequantized(q.values.size());
  const size_t row = q.values.size() / s.out_channels;
  for (size_t j = 0; j < q.values.size(); ++j) dequantized[j] = q.scales[j / row] * q.values[j];
  const auto [lo, hi] = std::minmax_element(input.begin(), input.end());
  const float step_x = (std::max(*hi, 0.0f) - std::min(*lo, 0.0f)) / 255.0f;
  const std::vector<float> ones_w(weights.size(), 1.0f), ones_x(input.size(), 1.0f);
  const std::vector<float> sum_abs_x = AbsoluteConv2d(s, input, ones_w);
  const std::vector<float> sum_abs_w = AbsoluteConv2d(s, ones_x, dequantized);
  float max_abs = 0;
  for (float y : want) max_abs = std::max(max_abs, std::fabs(y));
  std::vector<float> bound(want.size());
  for (size_t j = 0; j < want.size(); ++j) {
    bound[j] = 0.5f * q.scales[j % s.out_channels] * sum_abs_x[j] + step_x * sum_abs_w[j] +
               1e-5f * max_abs;
  }
  return bound;
}

}  // namespace convscope::testing

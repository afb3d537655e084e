#include "reference_forward.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "reference_conv.h"

namespace convscope::testing {
namespace {

std::vector<float> Values(const TensorView& v) {
  if (v.entry->dtype == Precision::kF32) {
    const auto* f = reinterpret_cast<const float*>(v.data.data());
    return {f, f + v.data.size() / sizeof(float)};
  }
  const auto* q = reinterpret_cast<const int8_t*>(v.data.data());
  const size_t row = v.data.size() / v.scales.size();
  std::vector<float> out(v.data.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = v.scales[i / row] * q[i];
  return out;
}

}  // namespace

std::vector<std::vector<float>> ReferenceForward(const ModelFile& model,
                                                 std::span<const float> input,
                                                 std::vector<float>* logits) {
  const auto& layers = model.header().layers;
  std::vector<std::vector<float>> acts = {std::vector<float>(input.begin(), input.end())};
  for (size_t li = 1; li < layers.size(); ++li) {
    const Layer& l = layers[li].layer;
    const Shape& in = layers[li - 1].layer.output_shape;
    const std::vector<float>& x = acts.back();
    std::vector<float> y;
    const std::vector<TensorView> w = model.Weights(li);
    switch (l.kind) {
      case LayerKind::kConv2D: {
        Conv2dShape s{.height = in[0],
                      .width = in[1],
                      .in_channels = in[2],
                      .out_channels = l.units,
                      .kernel_height = l.kernel_h,
                      .kernel_width = l.kernel_w,
                      .padding_height = l.padding == Padding::kSame ? (l.kernel_h - 1) / 2 : 0,
                      .padding_width = l.padding == Padding::kSame ? (l.kernel_w - 1) / 2 : 0,
                      .relu = l.activation.plain_relu()};
        const std::vector<float> bias = w.size() > 1 ? Values(w[1]) : std::vector<float>(l.units);
        y = ReferenceConv2d(s, x, Values(w[0]), bias);
        break;
      }
      case LayerKind::kMaxPooling2D: {
        const Shape& o = l.output_shape;
        y.assign(o[0] * o[1] * o[2], -std::numeric_limits<float>::infinity());
        for (size_t oy = 0; oy < o[0]; ++oy)
          for (size_t ox = 0; ox < o[1]; ++ox)
            for (size_t ky = 0; ky < l.kernel_h; ++ky)
              for (size_t kx = 0; kx < l.kernel_w; ++kx) {
                const size_t iy = oy * l.stride_h + ky, ix = ox * l.stride_w + kx;
                if (iy >= in[0] || ix >= in[1]) continue;
                for (size_t c = 0; c < o[2]; ++c) {
                  float& m = y[(oy * o[1] + ox) * o[2] + c];
                  m = std::max(m, x[(iy * in[1] + ix) * in[2] + c]);
                }
              }
        break;
      }
      case LayerKind::kFlatten:
        y = x;
        break;
      case LayerKind::kGlobalAveragePooling2D: {
        std::vector<double> sum(in[2], 0.0);
        for (size_t i = 0; i < in[0] * in[1]; ++i)
          for (size_t c = 0; c < in[2]; ++c) sum[c] += x[i * in[2] + c];
        for (double s : sum)
          y.push_back(static_cast<float>(s / static_cast<double>(in[0] * in[1])));
        break;
      }
      case LayerKind::kDense: {
        const std::vector<float> k = Values(w[0]);
        const std::vector<float> b = w.size() > 1 ? Values(w[1]) : std::vector<float>(l.units);
        std::vector<double> z(l.units);
        for (size_t o = 0; o < l.units; ++o) {
          double acc = b[o];
          for (size_t i = 0; i < in[0]; ++i) acc += static_cast<double>(k[o * in[0] + i]) * x[i];
          z[o] = l.activation.plain_relu() ? std::max(acc, 0.0) : acc;
        }
        if (l.activation.kind == ActivationKind::kSoftmax) {
          logits->assign(z.begin(), z.end());
          const double m = *std::max_element(z.begin(), z.end());
          double total = 0;
          for (double& v : z) total += v = std::exp(v - m);
          for (double& v : z) v /= total;
        }
        y.assign(z.begin(), z.end());
        break;
      }
      case LayerKind::kInput:
        break;
      default:  // the other kinds are checked against PyTorch (tests/reference)
        std::abort();
    }
    acts.push_back(std::move(y));
  }
  if (layers.back().layer.activation.kind != ActivationKind::kSoftmax) *logits = acts.back();
  return acts;
}

}  // namespace convscope::testing

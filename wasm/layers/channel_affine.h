// Kinds that scale and shift each channel — BatchNormalization (moving statistics, gamma, beta),
// Rescaling and Normalization: y = x * scale[c] + shift[c], one PointwiseOp, and a gradient of
// g * scale[c]. Each kind says how its weights or config give the two vectors.
#pragma once

#include <vector>

#include "pointwise.h"

namespace convscope {

struct ChannelAffine {
  std::vector<float> scale, shift;  // one per channel
};
using MakeAffine = Status (*)(const Layer& layer, const std::vector<TensorView>& weights,
                              size_t channels, ChannelAffine* out);

class AffineOp final : public PointwiseOp {
 public:
  explicit AffineOp(ChannelAffine affine)
      : PointwiseOp(affine.scale.size()), affine_(std::move(affine)) {}
  void Run(const float* in, float* out, size_t rows) const override;

 private:
  ChannelAffine affine_;
};

Status AffinePointwise(const Layer& layer, const std::vector<TensorView>& weights, size_t channels,
                       MakeAffine make, std::unique_ptr<PointwiseOp>* out);
template <MakeAffine make>
Status MakeAffinePointwise(const Layer& layer, const std::vector<TensorView>& weights,
                           size_t channels, std::unique_ptr<PointwiseOp>* out) {
  return AffinePointwise(layer, weights, channels, make, out);
}

// LayerKindOps::backward of an affine kind.
Status AffineBackward(const BackwardContext& c, MakeAffine make, std::vector<float>* gradient);
template <MakeAffine make>
Status BackwardAffine(const BackwardContext& c, std::vector<float>* gradient) {
  return AffineBackward(c, make, gradient);
}

// A value per channel from one value or one per channel (Rescaling's scale, Normalization's mean).
Status PerChannel(const std::vector<double>& values, size_t channels, const std::string& what,
                  std::vector<float>* out);

}  // namespace convscope

// GlobalMaxPooling2D: the largest value of each channel over height and width (keepdims: a 1x1
// map); its gradient goes to where each maximum was (the first, on ties).
#include <limits>

#include "convolution.h"
#include "layer_kind.h"

namespace convscope {
namespace {

// Where each channel's maximum lies in `in` (h*w pixels of c channels).
std::vector<size_t> ArgMax(const float* in, size_t pixels, size_t channels) {
  std::vector<size_t> best(channels, 0);
  for (size_t p = 1; p < pixels; ++p) {
    for (size_t c = 0; c < channels; ++c) {
      if (in[p * channels + c] > in[best[c] * channels + c]) best[c] = p;
    }
  }
  return best;
}

class Forward final : public LayerForward {
 public:
  Forward(const float* in, float* out, size_t pixels, size_t channels)
      : in_(in), out_(out), pixels_(pixels), channels_(channels) {}
  Status Run() override {
    const std::vector<size_t> best = ArgMax(in_, pixels_, channels_);
    for (size_t c = 0; c < channels_; ++c) out_[c] = in_[best[c] * channels_ + c];
    return Status::Ok();
  }

 private:
  const float* in_;
  float* out_;
  size_t pixels_, channels_;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  const Shape& in = c.input_shape();
  *out = std::make_unique<Forward>(c.input(), c.output, in[0] * in[1], in[2]);
  return Status::Ok();
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const Shape& in = c.input_shape();
  const std::vector<size_t> best = ArgMax(c.input().data(), in[0] * in[1], in[2]);
  std::vector<float> routed(in[0] * in[1] * in[2], 0.0f);
  for (size_t ch = 0; ch < in[2]; ++ch) routed[best[ch] * in[2] + ch] = (*gradient)[ch];
  *gradient = std::move(routed);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& GlobalMaxPooling2DLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kGlobalMaxPooling2D,
      .keras_classes = {"GlobalMaxPooling2D", "GlobalMaxPool2D"},
      .category = "Pool",
      .description = "The largest value of each channel over the whole map.",
      .input_rank = 3,
      .from_keras = &GlobalPoolingFromKeras,
      .to_keras = &GlobalPoolingToKeras,
      .output_shape = &GlobalPoolingOutputShape,
      .forward = &BuildForward,
      .backward = &Backward};
  return ops;
}

}  // namespace convscope

// The layers that are the identity at inference: Dropout, SpatialDropout2D, AlphaDropout,
// GaussianNoise, GaussianDropout, ActivityRegularization. Kept (Keras' summary lists them, and a
// view may ask for their output); their output is a copy of their input.
#include <cstring>

#include "keras_config.h"
#include "pointwise.h"

namespace convscope {
namespace {

Status FromKeras(const Json&, const std::string&, KerasDialect, Layer*) { return Status::Ok(); }

Status OutputShape(const Layer&, const Shape& in, const std::string&, Shape* out) {
  *out = in;
  return Status::Ok();
}

class CopyOp final : public PointwiseOp {
 public:
  explicit CopyOp(size_t channels) : PointwiseOp(channels) {}
  void Run(const float* in, float* out, size_t rows) const override {
    if (in != out) std::memcpy(out, in, rows * channels() * sizeof(float));
  }
};

Status MakeOp(const Layer&, const std::vector<TensorView>&, size_t channels,
              std::unique_ptr<PointwiseOp>* out) {
  *out = std::make_unique<CopyOp>(channels);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& IdentityLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kIdentity,
      .keras_classes = {"Dropout", "SpatialDropout2D", "AlphaDropout", "GaussianNoise",
                        "GaussianDropout", "ActivityRegularization"},
      .category = "Dropout",
      .description =
          "Only acts while training (dropout, noise, a penalty): here it passes its "
          "input on unchanged.",
      .input_rank = kAnyRank,
      .from_keras = &FromKeras,
      .output_shape = &OutputShape,
      .forward = &ForwardPointwise<&MakeOp>,
      .tiles = &TilesPointwise<&MakeOp>};
  return ops;
}

}  // namespace convscope

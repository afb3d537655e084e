// The layers that are the identity at inference: Dropout, SpatialDropout2D, AlphaDropout,
// GaussianNoise, GaussianDropout, ActivityRegularization. Kept (Keras' summary lists them, and a
// view may ask for their output); their output is a copy of their input.
#include "keras_config.h"
#include "pointwise.h"

namespace convscope {
namespace {

Status FromKeras(const Json&, const std::string&, KerasDialect, Layer*) { return Status::Ok(); }

Status OutputShape(const Layer&, const Shape& in, const std::string&, Shape* out) {
  *out = in;
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
      .forward = &ForwardPointwise<&MakeCopyOp>,
      .tiles = &TilesPointwise<&MakeCopyOp>};
  return ops;
}

}  // namespace convscope

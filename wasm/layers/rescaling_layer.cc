// Rescaling: x * scale + offset (one value, or one per channel) — the preprocessing a model carries
// inside it (Rescaling(1/255), Rescaling(1/127.5, offset=-1)).
#include "channel_affine.h"
#include "keras_config.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  CONVSCOPE_RETURN_IF_ERROR(ReadNumbers(config, "scale", path, &l->factor));
  if (Find(config, "offset") == nullptr) {
    l->offset = {0.0};
    return Status::Ok();
  }
  return ReadNumbers(config, "offset", path, &l->offset);
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["scale"] = l.factor.size() == 1 ? Json(l.factor[0]) : Json(l.factor);
  (*config)["offset"] = l.offset.size() == 1 ? Json(l.offset[0]) : Json(l.offset);
}

Status Affine(const Layer& l, const std::vector<TensorView>&, size_t channels, ChannelAffine* out) {
  CONVSCOPE_RETURN_IF_ERROR(
      PerChannel(l.factor, channels, "layer " + l.name + " scale", &out->scale));
  return PerChannel(l.offset, channels, "layer " + l.name + " offset", &out->shift);
}

Status OutputShape(const Layer& l, const Shape& in, const std::string&, Shape* out) {
  ChannelAffine check;
  CONVSCOPE_RETURN_IF_ERROR(Affine(l, {}, in.back(), &check));
  *out = in;
  return Status::Ok();
}

}  // namespace

const LayerKindOps& RescalingLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kRescaling,
      .keras_classes = {"Rescaling"},
      .category = "Normalization",
      .description = "Multiplies the input by a scale and adds an offset (e.g. 1/255).",
      .input_rank = kAnyRank,
      .from_keras = &FromKeras,
      .to_keras = &ToKeras,
      .output_shape = &OutputShape,
      .forward = &ForwardPointwise<&MakeAffinePointwise<&Affine>>,
      .backward = &BackwardAffine<&Affine>,
      .tiles = &TilesPointwise<&MakeAffinePointwise<&Affine>>};
  return ops;
}

}  // namespace convscope

// BatchNormalization at inference: each channel normalized by its moving statistics, then scaled
// by gamma and shifted by beta (either left out with scale=False or center=False), as TensorFlow's
// batch_normalization computes it: x * (gamma / sqrt(variance + epsilon)) + (beta - mean * that).
#include <cmath>

#include "channel_affine.h"
#include "keras_config.h"
#include "model/model_file.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  CONVSCOPE_RETURN_IF_ERROR(ReadAxis(config, "axis", &l->axis));
  CONVSCOPE_RETURN_IF_ERROR(ReadNumber(config, "epsilon", path, 1e-3, &l->epsilon));
  if (!(l->epsilon > 0)) return Status::Error(path + ".epsilon must be positive");
  CONVSCOPE_RETURN_IF_ERROR(ReadBool(config, "center", path, true, &l->center));
  CONVSCOPE_RETURN_IF_ERROR(ReadBool(config, "scale", path, true, &l->scale));
  if (const Json* r = Find(config, "renorm"); r != nullptr && r->is_boolean() && r->get<bool>()) {
    return Unsupported("BatchNormalization renorm");
  }
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["axis"] = l.axis;
  (*config)["epsilon"] = l.epsilon;
  (*config)["center"] = l.center;
  (*config)["scale"] = l.scale;
}

Status OutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out) {
  CONVSCOPE_RETURN_IF_ERROR(CheckLastAxis(l, in, where));
  *out = in;
  return Status::Ok();
}

std::vector<WeightSpec> Weights(const Layer& l, const Shape& in) {
  const Shape c = {in.back()};
  std::vector<WeightSpec> specs;
  if (l.scale) specs.push_back({.name = "gamma", .keras_shape = c});
  if (l.center) specs.push_back({.name = "beta", .keras_shape = c});
  specs.push_back({.name = "moving_mean", .keras_shape = c, .trainable = false});
  specs.push_back({.name = "moving_variance", .keras_shape = c, .trainable = false});
  return specs;
}

Status Affine(const Layer& l, const std::vector<TensorView>& w, size_t channels,
              ChannelAffine* out) {
  size_t next = 0;
  const std::vector<float> gamma = l.scale ? ValuesAsF32(w[next++]) : std::vector<float>();
  const std::vector<float> beta = l.center ? ValuesAsF32(w[next++]) : std::vector<float>();
  const std::vector<float> mean = ValuesAsF32(w[next++]);
  const std::vector<float> variance = ValuesAsF32(w[next]);
  out->scale.resize(channels);
  out->shift.resize(channels);
  for (size_t c = 0; c < channels; ++c) {
    if (!(variance[c] + static_cast<float>(l.epsilon) > 0)) {
      return Status::Error("layer " + l.name + ": moving_variance[" + std::to_string(c) + "] is " +
                           std::to_string(variance[c]) + ": a variance is never negative");
    }
    float inv = 1.0f / std::sqrt(variance[c] + static_cast<float>(l.epsilon));
    if (l.scale) inv *= gamma[c];
    out->scale[c] = inv;
    out->shift[c] = (l.center ? beta[c] : 0.0f) - mean[c] * inv;
  }
  return Status::Ok();
}

}  // namespace

const LayerKindOps& BatchNormalizationLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kBatchNormalization,
      .keras_classes = {"BatchNormalization"},
      .category = "Normalization",
      .description =
          "Normalizes each channel by the mean and variance seen in training, then scales and "
          "shifts it.",
      .input_rank = kAnyRank,
      .from_keras = &FromKeras,
      .to_keras = &ToKeras,
      .output_shape = &OutputShape,
      .weights = &Weights,
      .forward = &ForwardPointwise<&MakeAffinePointwise<&Affine>>,
      .backward = &BackwardAffine<&Affine>,
      .tiles = &TilesPointwise<&MakeAffinePointwise<&Affine>>};
  return ops;
}

}  // namespace convscope

// Normalization: (x - mean) / max(sqrt(variance), 1e-7) per channel, from the statistics adapt()
// stored (its mean, variance and count variables) or the ones given in its config.
#include <cmath>

#include "channel_affine.h"
#include "keras_config.h"
#include "model/model_file.h"

namespace convscope {
namespace {

// Keras' backend.epsilon(), the floor of the standard deviation.
constexpr double kEpsilon = 1e-7;

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  CONVSCOPE_RETURN_IF_ERROR(ReadAxis(config, "axis", &l->axis));
  if (const Json* i = Find(config, "invert"); i != nullptr && i->is_boolean() && i->get<bool>()) {
    return Unsupported("Normalization invert=True");
  }
  const Json* mean = Find(config, "mean");
  if (mean != nullptr && !mean->is_null()) {
    CONVSCOPE_RETURN_IF_ERROR(ReadNumbers(config, "mean", path, &l->mean));
    CONVSCOPE_RETURN_IF_ERROR(ReadNumbers(config, "variance", path, &l->variance));
  }
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["axis"] = l.axis;
  if (!l.mean.empty()) {
    (*config)["mean"] = l.mean;
    (*config)["variance"] = l.variance;
  }
}

std::vector<WeightSpec> Weights(const Layer& l, const Shape& in) {
  if (!l.mean.empty()) return {};
  const Shape c = {in.back()};
  return {{.name = "mean", .keras_shape = c, .trainable = false},
          {.name = "variance", .keras_shape = c, .trainable = false},
          {.name = "count", .keras_shape = {}, .trainable = false, .stored = false}};
}

Status Affine(const Layer& l, const std::vector<TensorView>& w, size_t channels,
              ChannelAffine* out) {
  std::vector<float> mean, variance;
  if (l.mean.empty()) {
    mean = ValuesAsF32(w[0]);
    variance = ValuesAsF32(w[1]);
  } else {
    CONVSCOPE_RETURN_IF_ERROR(PerChannel(l.mean, channels, "layer " + l.name + " mean", &mean));
    CONVSCOPE_RETURN_IF_ERROR(
        PerChannel(l.variance, channels, "layer " + l.name + " variance", &variance));
  }
  out->scale.resize(channels);
  out->shift.resize(channels);
  for (size_t c = 0; c < channels; ++c) {
    if (!(variance[c] >= 0)) {
      return Status::Error("layer " + l.name + ": variance[" + std::to_string(c) + "] is " +
                           std::to_string(variance[c]) + ": a variance is never negative");
    }
    const float inv = 1.0f / std::max(std::sqrt(variance[c]), static_cast<float>(kEpsilon));
    out->scale[c] = inv;
    out->shift[c] = -mean[c] * inv;
  }
  return Status::Ok();
}

Status OutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out) {
  CONVSCOPE_RETURN_IF_ERROR(CheckLastAxis(l, in, where));
  if (!l.mean.empty()) {
    ChannelAffine check;
    CONVSCOPE_RETURN_IF_ERROR(Affine(l, {}, in.back(), &check));
  }
  *out = in;
  return Status::Ok();
}

}  // namespace

const LayerKindOps& NormalizationLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kNormalization,
      .keras_classes = {"Normalization"},
      .category = "Normalization",
      .description = "Subtracts a mean and divides by a standard deviation, per channel.",
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

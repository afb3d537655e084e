// Activation layers: Activation (any function of activation_function.h), ReLU (max_value,
// negative_slope, threshold), LeakyReLU (negative_slope in Keras 3, alpha in tf.keras), ELU and
// Softmax (over the channels). Pointwise forward; the gradient through the function, from the
// layer's input and output.
#include "keras_config.h"
#include "pointwise.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect dialect, Layer* l) {
  ActivationFn& f = l->activation;
  const std::string& c = l->keras_class;
  if (c == "Activation") return ReadActivation(config, dialect, &f);
  if (c == "ReLU") {
    f.kind = ActivationKind::kRelu;
    CONVSCOPE_RETURN_IF_ERROR(
        ReadFloatParameter(config, "max_value", path, f.max_value, &f.max_value));
    CONVSCOPE_RETURN_IF_ERROR(
        ReadFloatParameter(config, "negative_slope", path, 0.0f, &f.negative_slope));
    CONVSCOPE_RETURN_IF_ERROR(ReadFloatParameter(config, "threshold", path, 0.0f, &f.threshold));
    if (f.max_value < 0) return Status::Error(path + ".max_value must not be negative");
    return Status::Ok();
  }
  if (c == "LeakyReLU") {
    f.kind = ActivationKind::kRelu;
    // Keras' default slope of the layer (the function's is 0.2).
    constexpr float kLayerSlope = 0.3f;
    const char* key = Find(config, "negative_slope") != nullptr ? "negative_slope" : "alpha";
    return ReadFloatParameter(config, key, path, kLayerSlope, &f.negative_slope);
  }
  if (c == "ELU") {
    f.kind = ActivationKind::kElu;
    return ReadFloatParameter(config, "alpha", path, 1.0f, &f.alpha);
  }
  // Softmax
  f.kind = ActivationKind::kSoftmax;
  return ReadAxis(config, "axis", &l->axis);
}

void ToKeras(const Layer& l, Json* config) {
  const ActivationFn& f = l.activation;
  const std::string& c = l.keras_class;
  if (c == "ReLU") {
    (*config)["max_value"] =
        f.max_value == std::numeric_limits<float>::infinity() ? Json() : Json(f.max_value);
    (*config)["negative_slope"] = f.negative_slope;
    (*config)["threshold"] = f.threshold;
  } else if (c == "LeakyReLU") {
    (*config)["negative_slope"] = f.negative_slope;
  } else if (c == "ELU") {
    (*config)["alpha"] = f.alpha;
  } else if (c == "Softmax") {
    (*config)["axis"] = l.axis;
  } else {
    (*config)["activation"] = ActivationToJson(f);
  }
}

Status OutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out) {
  if (l.activation.kind == ActivationKind::kSoftmax) {
    CONVSCOPE_RETURN_IF_ERROR(CheckLastAxis(l, in, where));
  }
  *out = in;
  return Status::Ok();
}

Status MakeOp(const Layer& l, const std::vector<TensorView>&, size_t channels,
              std::unique_ptr<PointwiseOp>* out) {
  *out = std::make_unique<ActivationOp>(l.activation, channels);
  return Status::Ok();
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const Layer& l = *c.layer;
  ActivationGradient(l.activation, c.input(), c.output, ChannelsOf(c.input_shape()), c.guided,
                     *gradient);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& ActivationLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kActivation,
      .keras_classes = {"Activation", "ReLU", "LeakyReLU", "ELU", "Softmax"},
      .category = "Activation",
      .description = "Applies a function to every value: ReLU, sigmoid, softmax, ...",
      .input_rank = kAnyRank,
      .from_keras = &FromKeras,
      .to_keras = &ToKeras,
      .output_shape = &OutputShape,
      .forward = &ForwardPointwise<&MakeOp>,
      .backward = &Backward,
      .tiles = &TilesPointwise<&MakeOp>};
  return ops;
}

}  // namespace convscope

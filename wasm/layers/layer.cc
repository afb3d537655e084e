#include "layer.h"

#include <utility>

#include "base/checked_math.h"
#include "layer_kind.h"

namespace convscope {

const char* KerasClassName(LayerKind kind) { return KindOps(kind).keras_class; }

Status LayerFromKeras(const std::string& class_name, const Json& config,
                      std::optional<Layer>* layer_out) {
  layer_out->reset();
  Layer l;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(config, "name", class_name + " config", &l.name));
  if (class_name == "Dropout") return Status::Ok();  // identity at inference
  const LayerKindOps* ops = KindOpsFor(class_name);
  if (ops == nullptr) {
    return Status::Error("unsupported layer " + l.name + " of type " + class_name);
  }
  l.kind = ops->kind;
  CONVSCOPE_RETURN_IF_ERROR(ops->from_keras(config, "layer " + l.name + " config", &l));
  *layer_out = std::move(l);
  return Status::Ok();
}

Json LayerToKeras(const Layer& l) {
  const LayerKindOps& ops = KindOps(l.kind);
  Json config = {{"name", l.name}};
  if (ops.to_keras != nullptr) ops.to_keras(l, &config);
  return {{"class_name", ops.keras_class}, {"config", std::move(config)}};
}

std::vector<Shape> KerasWeightShapes(const Layer& l, const Shape& input) {
  const LayerKindOps& ops = KindOps(l.kind);
  if (ops.weight_shapes == nullptr || input.size() != ops.input_rank) return {};
  return ops.weight_shapes(l, input);
}

std::string SummaryShape(const Layer& l) {
  const LayerKindOps& ops = KindOps(l.kind);
  return ops.summary_shape != nullptr ? ops.summary_shape(l.output_shape)
                                      : ShapeString(l.output_shape);
}

namespace {

// Every weight and output must stay countable without overflow.
Status CountElements(const Shape& shape, const std::string& what, size_t* count) {
  size_t n = 1;
  for (size_t d : shape) {
    if (__builtin_mul_overflow(n, d, &n) || n > kMaxTensorElements) {
      return Status::Error(what + " would exceed " + std::to_string(kMaxTensorElements) +
                           " elements");
    }
  }
  *count = n;
  return Status::Ok();
}

}  // namespace

Status InferShapes(std::vector<Layer>* layers) {
  if (layers->empty() || layers->front().kind != LayerKind::kInput) {
    return Status::Error("the model must start with an input layer");
  }
  Shape in;
  for (size_t i = 0; i < layers->size(); ++i) {
    Layer& l = (*layers)[i];
    if (i > 0 && l.kind == LayerKind::kInput) {
      return Status::Error("layer " + l.name + ": only the first layer may be an input");
    }
    const LayerKindOps& ops = KindOps(l.kind);
    const std::string where = "layer " + l.name + " (" + ops.keras_class + ")";
    if (ops.input_rank == 3 && in.size() != 3) {
      return Status::Error(where + " needs a height x width x channels input, got " +
                           ShapeString(in));
    }
    if (ops.input_rank == 1 && in.size() != 1) {
      return Status::Error(where + " needs a flat input (add Flatten), got " + ShapeString(in));
    }
    size_t params = 0, elements = 0;
    for (const Shape& w : KerasWeightShapes(l, in)) {
      CONVSCOPE_RETURN_IF_ERROR(CountElements(w, where + ": a weight", &elements));
      params += elements;
    }
    CONVSCOPE_RETURN_IF_ERROR(ops.output_shape(l, in, where, &l.output_shape));
    CONVSCOPE_RETURN_IF_ERROR(CountElements(l.output_shape, where + ": its output", &elements));
    l.params = params;
    in = l.output_shape;
  }
  return Status::Ok();
}

LeadingPadding PaddingOf(const Layer& layer, const Shape& input) {
  if (layer.padding != Padding::kSame) return {};
  auto before = [](size_t in, size_t out, size_t stride, size_t kernel) {
    const size_t span = (out - 1) * stride + kernel;
    return span > in ? (span - in) / 2 : 0;
  };
  return {before(input[0], layer.output_shape[0], layer.stride_h, layer.kernel_h),
          before(input[1], layer.output_shape[1], layer.stride_w, layer.kernel_w)};
}

std::string ShapeString(const Shape& shape) {
  std::string s = "(None";
  for (size_t d : shape) s += ", " + std::to_string(d);
  return s + ")";
}

std::string DimsString(const Shape& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i > 0 ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace convscope

#include "layer.h"

#include <functional>
#include <numeric>
#include <utility>

#include "base/checked_math.h"
#include "layer_kind.h"

namespace convscope {

Status LayerFromKeras(const std::string& class_name, const Json& config, KerasDialect dialect,
                      Layer* layer_out) {
  Layer l;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(config, "name", class_name + " config", &l.name));
  const LayerKindOps* ops = KindOpsFor(class_name);
  if (ops == nullptr) {
    return Status::Error("unsupported layer " + l.name + " of type " + class_name);
  }
  l.kind = ops->kind;
  l.keras_class = class_name;
  if (const Status s = ops->from_keras(config, "config", dialect, &l); !s.ok()) {
    return Status::Error("layer " + l.name + " (" + class_name + "): " + s.message());
  }
  *layer_out = std::move(l);
  return Status::Ok();
}

Json LayerToKeras(const Layer& l) {
  const LayerKindOps& ops = KindOps(l.kind);
  Json config = {{"name", l.name}};
  if (ops.to_keras != nullptr) ops.to_keras(l, &config);
  return {{"class_name", l.keras_class.empty() ? ops.keras_classes.front() : l.keras_class},
          {"config", std::move(config)}};
}

std::vector<WeightSpec> WeightSpecs(const Layer& l, const Shape& input) {
  const LayerKindOps& ops = KindOps(l.kind);
  if (ops.weights == nullptr) return {};
  if (ops.input_rank != kAnyRank && input.size() != ops.input_rank) return {};
  if (input.empty()) return {};
  return ops.weights(l, input);
}

std::vector<WeightSpec> StoredWeightSpecs(const Layer& l, const Shape& input) {
  std::vector<WeightSpec> specs = WeightSpecs(l, input);
  std::erase_if(specs, [](const WeightSpec& w) { return !w.stored; });
  return specs;
}

Shape StoredShape(const WeightSpec& w) {
  const Shape& k = w.keras_shape;
  switch (w.layout) {
    case WeightLayout::kOHWI:
      return {k[3], k[0], k[1], k[2]};
    case WeightLayout::kDepthwise:
      return {k[2] * k[3], k[0], k[1], 1};
    case WeightLayout::kOI:
      return {k[1], k[0]};
    case WeightLayout::kAsIs:
      break;
  }
  return k;
}

const char* LayoutName(WeightLayout layout) {
  switch (layout) {
    case WeightLayout::kOHWI:
    case WeightLayout::kDepthwise:
      return "OHWI";
    case WeightLayout::kOI:
      return "OI";
    case WeightLayout::kAsIs:
      break;
  }
  return "O";
}

size_t StoredChannels(const WeightSpec& w) {
  const Shape stored = StoredShape(w);
  return stored.empty() ? 1 : stored.front();
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

Status CheckInputs(std::vector<Layer>* layers, size_t i, const std::string& where) {
  Layer& l = (*layers)[i];
  const LayerKindOps& ops = KindOps(l.kind);
  if (l.inputs.empty()) l.inputs = {i - 1};
  if (l.inputs.size() > kMaxLayerInputs) {
    return Status::Error(where + " reads " + std::to_string(l.inputs.size()) +
                         " inputs, more than the " + std::to_string(kMaxLayerInputs) +
                         " convscope runs");
  }
  if (l.inputs.size() < ops.min_inputs || l.inputs.size() > ops.max_inputs) {
    const std::string wanted = ops.max_inputs == 1 ? "one input"
                               : ops.min_inputs == ops.max_inputs
                                   ? std::to_string(ops.min_inputs) + " inputs"
                                   : std::to_string(ops.min_inputs) + " or more inputs";
    return Status::Error(where + " takes " + wanted + ", the model gives it " +
                         std::to_string(l.inputs.size()));
  }
  for (size_t from : l.inputs) {
    if (from >= i) {
      return Status::Error(where + " reads " +
                           (from < layers->size() ? "layer " + (*layers)[from].name : "no layer") +
                           ", which does not come before it (the layers form a cycle, or are not "
                           "in an order that runs)");
    }
  }
  return Status::Ok();
}

Status CheckRank(const LayerKindOps& ops, const Shape& in, const std::string& where) {
  if (ops.input_rank == 3 && in.size() != 3) {
    return Status::Error(where + " needs a height x width x channels input, got " +
                         ShapeString(in));
  }
  if (ops.input_rank == 1 && in.size() != 1) {
    return Status::Error(where + " needs a flat input (add Flatten), got " + ShapeString(in));
  }
  return Status::Ok();
}

// Every layer but the last feeds another: a layer whose output nothing reads would run for no
// purpose (Keras' Functional never saves one, so the file is damaged).
Status CheckEveryLayerRead(const std::vector<Layer>& layers) {
  std::vector<bool> read(layers.size(), false);
  for (const Layer& l : layers) {
    for (size_t from : l.inputs) read[from] = true;
  }
  for (size_t i = 0; i + 1 < layers.size(); ++i) {
    if (!read[i]) {
      return Status::Error("layer " + layers[i].name +
                           " leads nowhere: no layer reads it and it "
                           "is not the model's output (" +
                           layers.back().name + ")");
    }
  }
  return Status::Ok();
}

}  // namespace

Status InferShapes(std::vector<Layer>* layers) {
  if (layers->empty() || layers->front().kind != LayerKind::kInput) {
    return Status::Error("the model must start with an input layer");
  }
  for (size_t i = 0; i < layers->size(); ++i) {
    Layer& l = (*layers)[i];
    const LayerKindOps& ops = KindOps(l.kind);
    const std::string where = "layer " + l.name + " (" +
                              (l.keras_class.empty() ? ops.keras_classes[0] : l.keras_class) + ")";
    if (i > 0 && l.kind == LayerKind::kInput) {
      return Status::Error("layer " + l.name + ": only the first layer may be an input");
    }
    std::vector<Shape> ins;
    if (i > 0) {
      CONVSCOPE_RETURN_IF_ERROR(CheckInputs(layers, i, where));
      for (size_t from : l.inputs) {
        ins.push_back((*layers)[from].output_shape);
        CONVSCOPE_RETURN_IF_ERROR(CheckRank(ops, ins.back(), where));
      }
    } else {
      l.inputs.clear();
    }
    const Shape in = ins.empty() ? Shape() : ins.front();
    size_t params = 0, trainable = 0, elements = 0;
    for (const WeightSpec& w : WeightSpecs(l, in)) {
      CONVSCOPE_RETURN_IF_ERROR(CountElements(w.keras_shape, where + ": a weight", &elements));
      params += elements;
      if (w.trainable) trainable += elements;
    }
    CONVSCOPE_RETURN_IF_ERROR(ops.merged_shape != nullptr
                                  ? ops.merged_shape(l, ins, where, &l.output_shape)
                                  : ops.output_shape(l, in, where, &l.output_shape));
    CONVSCOPE_RETURN_IF_ERROR(CountElements(l.output_shape, where + ": its output", &elements));
    if (elements == 0)
      return Status::Error(where + ": its output " + ShapeString(l.output_shape) + " is empty");
    l.params = params;
    l.trainable_params = trainable;
  }
  return CheckEveryLayerRead(*layers);
}

WindowPadding PaddingOf(const Layer& layer, const Shape& input) {
  if (layer.kind == LayerKind::kZeroPadding2D) {
    const auto& m = layer.margins;
    return {m[0], m[1], m[2], m[3]};
  }
  if (layer.padding != Padding::kSame) return {};
  auto split = [](size_t in, size_t out, size_t stride, size_t window) {
    const size_t span = (out - 1) * stride + window;
    const size_t total = span > in ? span - in : 0;
    return std::pair<size_t, size_t>{total / 2, total - total / 2};
  };
  const auto [top, bottom] =
      split(input[0], layer.output_shape[0], layer.stride_h, layer.window_h());
  const auto [left, right] =
      split(input[1], layer.output_shape[1], layer.stride_w, layer.window_w());
  return {top, bottom, left, right};
}

size_t Elements(const Shape& s) {
  return std::accumulate(s.begin(), s.end(), size_t{1}, std::multiplies<>());
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

#include "layer.h"

#include <utility>

#include "checked_math.h"

namespace convscope {
namespace {

// Kernels, pools and strides beyond this are certainly not a real model, and keeping them small
// keeps the shape arithmetic below far from overflow.
constexpr size_t kMaxWindow = 1 << 16;

Status Unsupported(const std::string& name, const std::string& what) {
  return Status::Error("unsupported " + what + " in layer " + name);
}

// Keras writes sizes like kernel_size as an int or a list of two ints.
Status ReadPair(const Json& config, const char* key, const std::string& path,
                std::pair<size_t, size_t>* out) {
  const Json* v = Find(config, key);
  if (v != nullptr) {
    if (const auto n = AsSize(*v)) {
      *out = {*n, *n};
      return Status::Ok();
    }
    if (v->is_array() && v->size() == 2 && AsSize((*v)[0]) && AsSize((*v)[1])) {
      *out = {*AsSize((*v)[0]), *AsSize((*v)[1])};
      return Status::Ok();
    }
  }
  return Status::Error(path + "." + key + " must be an integer or a pair of integers");
}

Status ReadPadding(const Json& config, const std::string& path, Padding* out) {
  std::string padding;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(config, "padding", path, &padding));
  if (padding == "same") {
    *out = Padding::kSame;
  } else if (padding == "valid") {
    *out = Padding::kValid;
  } else {
    return Status::Error(path + ".padding must be 'same' or 'valid', got '" + padding + "'");
  }
  return Status::Ok();
}

Status ReadActivation(const Json& config, const std::string& name, Activation* out) {
  const Json* v = Find(config, "activation");
  const std::string activation = v == nullptr || v->is_null() ? "linear"
                                 : v->is_string()             ? v->get<std::string>()
                                                              : "(non-string)";
  if (activation == "linear") {
    *out = Activation::kLinear;
  } else if (activation == "relu") {
    *out = Activation::kRelu;
  } else if (activation == "softmax") {
    *out = Activation::kSoftmax;
  } else {
    return Unsupported(name, "activation '" + activation + "'");
  }
  return Status::Ok();
}

Status CheckChannelsLast(const Json& config, const std::string& name) {
  const Json* v = Find(config, "data_format");
  if (v != nullptr && !v->is_null() && *v != "channels_last") {
    return Unsupported(name, "data_format " + DumpJson(*v) + " (convscope needs channels_last)");
  }
  return Status::Ok();
}

bool ReadUseBias(const Json& config) {
  const Json* v = Find(config, "use_bias");
  return v == nullptr || !v->is_boolean() || v->get<bool>();
}

const char* ActivationName(Activation a) {
  switch (a) {
    case Activation::kRelu:
      return "relu";
    case Activation::kSoftmax:
      return "softmax";
    case Activation::kLinear:
      break;
  }
  return "linear";
}

}  // namespace

const char* KerasClassName(LayerKind kind) {
  switch (kind) {
    case LayerKind::kInput:
      return "InputLayer";
    case LayerKind::kConv2D:
      return "Conv2D";
    case LayerKind::kMaxPooling2D:
      return "MaxPooling2D";
    case LayerKind::kFlatten:
      return "Flatten";
    case LayerKind::kDense:
      return "Dense";
    case LayerKind::kGlobalAveragePooling2D:
      return "GlobalAveragePooling2D";
  }
  return "?";
}

Status LayerFromKeras(const std::string& class_name, const Json& config,
                      std::optional<Layer>* layer_out) {
  layer_out->reset();
  Layer l;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(config, "name", class_name + " config", &l.name));
  const std::string path = "layer " + l.name + " config";

  if (class_name == "Dropout") return Status::Ok();  // identity at inference
  if (class_name == "InputLayer") {
    l.kind = LayerKind::kInput;
    // Keras 2 writes batch_input_shape, Keras 3 batch_shape: [null, H, W, C].
    const Json* shape = Find(config, "batch_input_shape");
    if (shape == nullptr) shape = Find(config, "batch_shape");
    if (shape == nullptr || !shape->is_array() || shape->size() != 4) {
      return Status::Error(path + ": input shape must be [null, height, width, channels]");
    }
    for (size_t i = 1; i < 4; ++i) {
      const std::optional<size_t> d = AsSize((*shape)[i]);
      if (!d || *d == 0) {
        return Status::Error(path + ": input shape must be fixed and positive, got " +
                             DumpJson(*shape));
      }
      l.input_shape.push_back(*d);
    }
  } else if (class_name == "Conv2D") {
    l.kind = LayerKind::kConv2D;
    std::pair<size_t, size_t> kernel, strides{1, 1}, dilation{1, 1};
    CONVSCOPE_RETURN_IF_ERROR(ReadSize(config, "filters", path, &l.units));
    CONVSCOPE_RETURN_IF_ERROR(ReadPair(config, "kernel_size", path, &kernel));
    if (Find(config, "strides"))
      CONVSCOPE_RETURN_IF_ERROR(ReadPair(config, "strides", path, &strides));
    if (Find(config, "dilation_rate")) {
      CONVSCOPE_RETURN_IF_ERROR(ReadPair(config, "dilation_rate", path, &dilation));
    }
    CONVSCOPE_RETURN_IF_ERROR(ReadPadding(config, path, &l.padding));
    CONVSCOPE_RETURN_IF_ERROR(ReadActivation(config, l.name, &l.activation));
    CONVSCOPE_RETURN_IF_ERROR(CheckChannelsLast(config, l.name));
    if (strides != std::pair<size_t, size_t>{1, 1}) return Unsupported(l.name, "Conv2D stride");
    if (dilation != std::pair<size_t, size_t>{1, 1}) return Unsupported(l.name, "Conv2D dilation");
    if (const Json* g = Find(config, "groups"); g != nullptr && AsSize(*g) != size_t{1}) {
      return Unsupported(l.name, "Conv2D groups");
    }
    if (l.activation == Activation::kSoftmax) return Unsupported(l.name, "Conv2D softmax");
    std::tie(l.kernel_h, l.kernel_w) = kernel;
    if (l.units == 0 || l.kernel_h == 0 || l.kernel_w == 0) {
      return Status::Error(path + ": filters and kernel_size must be positive");
    }
    if (l.kernel_h > kMaxWindow || l.kernel_w > kMaxWindow) {
      return Status::Error(path + ": kernel_size larger than " + std::to_string(kMaxWindow));
    }
    if (l.padding == Padding::kSame && (l.kernel_h % 2 == 0 || l.kernel_w % 2 == 0)) {
      return Unsupported(l.name, "'same' padding with an even kernel size");
    }
    l.use_bias = ReadUseBias(config);
  } else if (class_name == "MaxPooling2D") {
    l.kind = LayerKind::kMaxPooling2D;
    std::pair<size_t, size_t> pool, strides;
    CONVSCOPE_RETURN_IF_ERROR(ReadPair(config, "pool_size", path, &pool));
    const Json* s = Find(config, "strides");
    if (s == nullptr || s->is_null()) {
      strides = pool;  // Keras: strides default to pool_size
    } else {
      CONVSCOPE_RETURN_IF_ERROR(ReadPair(config, "strides", path, &strides));
    }
    CONVSCOPE_RETURN_IF_ERROR(ReadPadding(config, path, &l.padding));
    CONVSCOPE_RETURN_IF_ERROR(CheckChannelsLast(config, l.name));
    std::tie(l.kernel_h, l.kernel_w) = pool;
    std::tie(l.stride_h, l.stride_w) = strides;
    if (l.kernel_h > kMaxWindow || l.kernel_w > kMaxWindow) {
      return Status::Error(path + ": pool_size larger than " + std::to_string(kMaxWindow));
    }
    if (l.kernel_h == 0 || l.kernel_w == 0 || l.stride_h == 0 || l.stride_w == 0) {
      return Status::Error(path + ": pool_size and strides must be positive");
    }
    if (l.stride_h > kMaxWindow || l.stride_w > kMaxWindow) {
      return Status::Error(path + ": strides larger than " + std::to_string(kMaxWindow));
    }
  } else if (class_name == "Flatten") {
    l.kind = LayerKind::kFlatten;
    CONVSCOPE_RETURN_IF_ERROR(CheckChannelsLast(config, l.name));
  } else if (class_name == "Dense") {
    l.kind = LayerKind::kDense;
    CONVSCOPE_RETURN_IF_ERROR(ReadSize(config, "units", path, &l.units));
    if (l.units == 0) return Status::Error(path + ".units must be positive");
    CONVSCOPE_RETURN_IF_ERROR(ReadActivation(config, l.name, &l.activation));
    l.use_bias = ReadUseBias(config);
  } else if (class_name == "GlobalAveragePooling2D") {
    l.kind = LayerKind::kGlobalAveragePooling2D;
    CONVSCOPE_RETURN_IF_ERROR(CheckChannelsLast(config, l.name));
    if (const Json* k = Find(config, "keepdims");
        k != nullptr && k->is_boolean() && k->get<bool>()) {
      return Unsupported(l.name, "GlobalAveragePooling2D keepdims");
    }
  } else {
    return Status::Error("unsupported layer " + l.name + " of type " + class_name);
  }
  *layer_out = std::move(l);
  return Status::Ok();
}

Json LayerToKeras(const Layer& l) {
  Json config = {{"name", l.name}};
  switch (l.kind) {
    case LayerKind::kInput:
      config["batch_input_shape"] = Json::array({nullptr});
      for (size_t d : l.input_shape) config["batch_input_shape"].push_back(d);
      break;
    case LayerKind::kConv2D:
      config["filters"] = l.units;
      config["kernel_size"] = {l.kernel_h, l.kernel_w};
      config["strides"] = {1, 1};
      config["padding"] = l.padding == Padding::kSame ? "same" : "valid";
      config["activation"] = ActivationName(l.activation);
      config["use_bias"] = l.use_bias;
      break;
    case LayerKind::kMaxPooling2D:
      config["pool_size"] = {l.kernel_h, l.kernel_w};
      config["strides"] = {l.stride_h, l.stride_w};
      config["padding"] = l.padding == Padding::kSame ? "same" : "valid";
      break;
    case LayerKind::kDense:
      config["units"] = l.units;
      config["activation"] = ActivationName(l.activation);
      config["use_bias"] = l.use_bias;
      break;
    case LayerKind::kFlatten:
    case LayerKind::kGlobalAveragePooling2D:
      break;
  }
  return {{"class_name", KerasClassName(l.kind)}, {"config", std::move(config)}};
}

std::vector<Shape> KerasWeightShapes(const Layer& l, const Shape& input) {
  std::vector<Shape> shapes;
  if (l.kind == LayerKind::kConv2D && input.size() == 3) {
    shapes.push_back({l.kernel_h, l.kernel_w, input[2], l.units});
  } else if (l.kind == LayerKind::kDense && input.size() == 1) {
    shapes.push_back({input[0], l.units});
  } else {
    return shapes;
  }
  if (l.use_bias) shapes.push_back({l.units});
  return shapes;
}

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
    const std::string where = "layer " + l.name + " (" + KerasClassName(l.kind) + ")";
    const bool spatial = in.size() == 3;
    if ((l.kind == LayerKind::kConv2D || l.kind == LayerKind::kMaxPooling2D ||
         l.kind == LayerKind::kFlatten || l.kind == LayerKind::kGlobalAveragePooling2D) &&
        !spatial) {
      return Status::Error(where + " needs a height x width x channels input, got " +
                           ShapeString(in));
    }
    // Every weight and output must stay countable without overflow.
    size_t params = 0;
    for (const Shape& w : KerasWeightShapes(l, in)) {
      size_t n = 1;
      for (size_t d : w) {
        if (__builtin_mul_overflow(n, d, &n) || n > kMaxTensorElements) {
          return Status::Error(where + ": a weight would exceed " +
                               std::to_string(kMaxTensorElements) + " elements");
        }
      }
      params += n;
    }
    switch (l.kind) {
      case LayerKind::kInput:
        l.output_shape = l.input_shape;
        break;
      case LayerKind::kConv2D: {
        const size_t pad_h = l.padding == Padding::kSame ? l.kernel_h - 1 : 0;
        const size_t pad_w = l.padding == Padding::kSame ? l.kernel_w - 1 : 0;
        if (in[0] + pad_h < l.kernel_h || in[1] + pad_w < l.kernel_w) {
          return Status::Error(where + ": kernel " + std::to_string(l.kernel_h) + "x" +
                               std::to_string(l.kernel_w) + " is larger than its input " +
                               ShapeString(in));
        }
        l.output_shape = {in[0] + pad_h - l.kernel_h + 1, in[1] + pad_w - l.kernel_w + 1, l.units};
        break;
      }
      case LayerKind::kMaxPooling2D: {
        Shape out = {0, 0, in[2]};
        for (size_t d = 0; d < 2; ++d) {
          const size_t pool = d == 0 ? l.kernel_h : l.kernel_w;
          const size_t stride = d == 0 ? l.stride_h : l.stride_w;
          if (l.padding == Padding::kSame) {
            out[d] = (in[d] + stride - 1) / stride;
          } else if (in[d] >= pool) {
            out[d] = (in[d] - pool) / stride + 1;
          } else {
            return Status::Error(where + ": pool is larger than its input " + ShapeString(in));
          }
        }
        l.output_shape = out;
        break;
      }
      case LayerKind::kFlatten:
      case LayerKind::kGlobalAveragePooling2D:
        l.output_shape = {l.kind == LayerKind::kFlatten ? in[0] * in[1] * in[2] : in[2]};
        break;
      case LayerKind::kDense:
        if (in.size() != 1) {
          return Status::Error(where + " needs a flat input (add Flatten), got " + ShapeString(in));
        }
        l.output_shape = {l.units};
        break;
    }
    size_t elements = 1;
    for (size_t d : l.output_shape) {
      if (__builtin_mul_overflow(elements, d, &elements) || elements > kMaxTensorElements) {
        return Status::Error(where + ": its output would exceed " +
                             std::to_string(kMaxTensorElements) + " elements");
      }
    }
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

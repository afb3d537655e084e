#include "keras_architecture.h"

#include <cmath>
#include <optional>

#include "base/json_util.h"

namespace convscope::convert {
namespace {

// Names of the layers feeding `layer`, in Keras 2 ([[["input_1", 0, 0, {}]]]) or Keras 3
// ({"args": [{"config": {"keras_history": ["input_layer", 0, 0]}}]}) form.
void CollectInbound(const Json& j, std::vector<std::string>* names) {
  if (j.is_object()) {
    if (const Json* h = Find(j, "keras_history");
        h && h->is_array() && !h->empty() && (*h)[0].is_string()) {
      names->push_back((*h)[0].get<std::string>());
      return;
    }
    for (const auto& [key, value] : j.items()) CollectInbound(value, names);
  } else if (j.is_array()) {
    if (!j.empty() && j[0].is_string() && j.size() >= 3 && j[1].is_number()) {
      names->push_back(
          j[0].get<std::string>());  // Keras 2 node: [name, node_index, tensor_index, kwargs]
      return;
    }
    for (const Json& e : j) CollectInbound(e, names);
  }
}

constexpr const char* kVggConvs[] = {"block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
                                     "block3_conv1", "block3_conv2", "block3_conv3", "block4_conv1",
                                     "block4_conv2", "block4_conv3", "block5_conv1", "block5_conv2",
                                     "block5_conv3"};

}  // namespace

Status ArchitectureFromModelConfig(const std::string& model_config, Architecture* out) {
  Json j;
  CONVSCOPE_RETURN_IF_ERROR(ParseJson(model_config, "model_config", &j));
  std::string class_name;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(j, "class_name", "model_config", &class_name));
  const Json* config = Find(j, "config");
  // Keras 2.0-2.1 wrote a Sequential config as the bare list of layers.
  const Json* layers = config == nullptr    ? nullptr
                       : config->is_array() ? config
                                            : Find(*config, "layers");
  if (layers == nullptr || !layers->is_array()) {
    return Status::Error("model_config has no layer list");
  }
  if (class_name != "Sequential" && class_name != "Functional" && class_name != "Model") {
    return Status::Error("unsupported model class " + class_name +
                         " (convscope reads Sequential and single-chain Functional models)");
  }
  Architecture a;
  a.name = "model";
  if (const Json* n = Find(*config, "name"); n != nullptr && n->is_string())
    a.name = n->get<std::string>();
  a.origin = "model_config (" + class_name + ")";

  std::string previous;  // the last layer, kept or not: what the next one must read from
  for (size_t i = 0; i < layers->size(); ++i) {
    const Json& jl = (*layers)[i];
    std::string layer_class;
    CONVSCOPE_RETURN_IF_ERROR(ReadString(
        jl, "class_name", "model_config.layers[" + std::to_string(i) + "]", &layer_class));
    const Json* lc = Find(jl, "config");
    if (lc == nullptr)
      return Status::Error("model_config layer " + std::to_string(i) + " has no config");
    std::optional<Layer> layer;
    CONVSCOPE_RETURN_IF_ERROR(LayerFromKeras(layer_class, *lc, &layer));
    std::string name;
    CONVSCOPE_RETURN_IF_ERROR(ReadString(*lc, "name", "model_config layer", &name));

    if (class_name != "Sequential" && layer_class != "InputLayer") {
      std::vector<std::string> inbound;
      if (const Json* nodes = Find(jl, "inbound_nodes")) CollectInbound(*nodes, &inbound);
      if (inbound != std::vector<std::string>{previous}) {
        return Status::Error("layer " + name + " does not simply follow " + previous +
                             ": only single-chain models are supported");
      }
    }
    // Keras 2 Sequential models carry the input shape on their first layer.
    if (i == 0 && layer_class != "InputLayer") {
      const Json* shape = Find(*lc, "batch_input_shape");
      if (shape == nullptr) return Status::Error("model_config does not give the input shape");
      std::optional<Layer> input;
      CONVSCOPE_RETURN_IF_ERROR(LayerFromKeras(
          "InputLayer", Json{{"name", "input_1"}, {"batch_input_shape", *shape}}, &input));
      a.layers.push_back(std::move(*input));
    }
    if (layer) a.layers.push_back(std::move(*layer));
    previous = name;
  }
  CONVSCOPE_RETURN_IF_ERROR(InferShapes(&a.layers));
  *out = std::move(a);
  return Status::Ok();
}

Status InferVgg16(const KerasFile& file, Architecture* out) {
  const auto weights_of = [&](const char* name, size_t kernel_rank,
                              const KerasLayerWeights** entry) -> Status {
    *entry = file.Find(name);
    if (*entry == nullptr) {
      return Status::Error(
          file.path() + ": layer " + name +
          " is missing (a weights-only file must be VGG16 with Keras' layer names)");
    }
    if ((*entry)->weights.size() != 2 || (*entry)->weights[0].shape.size() != kernel_rank) {
      return Status::Error(file.path() + ": layer " + name + " must hold a " +
                           std::to_string(kernel_rank) + "-D kernel and a bias");
    }
    return Status::Ok();
  };
  Architecture a;
  const KerasLayerWeights* first = nullptr;
  CONVSCOPE_RETURN_IF_ERROR(weights_of(kVggConvs[0], 4, &first));
  const bool top = file.Find("fc1") != nullptr || file.Find("predictions") != nullptr;

  std::vector<Layer> layers;
  Layer input;
  input.name = "input_1";
  input.kind = LayerKind::kInput;
  size_t channels = first->weights[0].shape[2];
  size_t side = 224;  // include_top=False files do not fix the input; Keras' default is 224
  if (top) {
    const KerasLayerWeights* fc1 = nullptr;
    CONVSCOPE_RETURN_IF_ERROR(weights_of("fc1", 2, &fc1));
    const KerasLayerWeights* last_conv = nullptr;
    CONVSCOPE_RETURN_IF_ERROR(weights_of(kVggConvs[12], 4, &last_conv));
    const size_t c5 = last_conv->weights[0].shape[3];
    const size_t cells = c5 == 0 ? 0 : fc1->weights[0].shape[0] / c5;
    const auto s = static_cast<size_t>(std::lround(std::sqrt(static_cast<double>(cells))));
    if (c5 == 0 || s == 0 || s * s * c5 != fc1->weights[0].shape[0]) {
      return Status::Error(file.path() + ": fc1's input size does not fit a square VGG16 input");
    }
    side = s * 32;
  }
  input.input_shape = {side, side, channels};
  layers.push_back(input);
  for (size_t i = 0; i < 13; ++i) {
    const KerasLayerWeights* conv = nullptr;
    CONVSCOPE_RETURN_IF_ERROR(weights_of(kVggConvs[i], 4, &conv));
    const Shape& k = conv->weights[0].shape;
    Layer l;
    l.name = kVggConvs[i];
    l.kind = LayerKind::kConv2D;
    l.units = k[3];
    l.kernel_h = k[0];
    l.kernel_w = k[1];
    l.padding = Padding::kSame;
    l.activation = Activation::kRelu;
    layers.push_back(l);
    const std::string name = kVggConvs[i];
    const bool block_end =
        i + 1 == 13 || std::string(kVggConvs[i + 1]).substr(0, 6) != name.substr(0, 6);
    if (block_end) {
      Layer pool;
      pool.name = name.substr(0, 6) + "_pool";
      pool.kind = LayerKind::kMaxPooling2D;
      pool.kernel_h = pool.kernel_w = pool.stride_h = pool.stride_w = 2;
      layers.push_back(pool);
    }
  }
  if (top) {
    Layer flatten;
    flatten.name = "flatten";
    flatten.kind = LayerKind::kFlatten;
    layers.push_back(flatten);
    for (const char* name : {"fc1", "fc2", "predictions"}) {
      const KerasLayerWeights* dense = nullptr;
      CONVSCOPE_RETURN_IF_ERROR(weights_of(name, 2, &dense));
      Layer l;
      l.name = name;
      l.kind = LayerKind::kDense;
      l.units = dense->weights[0].shape[1];
      l.activation = std::string(name) == "predictions" ? Activation::kSoftmax : Activation::kRelu;
      layers.push_back(l);
    }
  }
  // Checked as the loader will read them back (kernel sizes come from the file's shapes).
  for (const Layer& l : layers) {
    const Json keras = LayerToKeras(l);
    std::optional<Layer> read_back;
    if (Status s =
            LayerFromKeras(keras["class_name"].get<std::string>(), keras["config"], &read_back);
        !s.ok()) {
      return Status::Error(file.path() + ": " + s.message());
    }
  }
  if (Status s = InferShapes(&layers); !s.ok())
    return Status::Error(file.path() + ": " + s.message());
  a.name = top ? "vgg16" : "vgg16_notop";
  a.origin = top ? "inferred: VGG16 with top (the file has no model_config)"
                 : "inferred: VGG16 without top, input 224x224 (the file has no model_config)";
  a.layers = std::move(layers);
  *out = std::move(a);
  return Status::Ok();
}

}  // namespace convscope::convert

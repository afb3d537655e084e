#include "infer_vgg16.h"

#include <cmath>

namespace convscope::convert {
namespace {

constexpr const char* kVggConvs[] = {"block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
                                     "block3_conv1", "block3_conv2", "block3_conv3", "block4_conv1",
                                     "block4_conv2", "block4_conv3", "block5_conv1", "block5_conv2",
                                     "block5_conv3"};

}  // namespace

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
  input.keras_class = "InputLayer";
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
  input.input_shape = input.declared_shape = {side, side, channels};
  layers.push_back(input);
  for (size_t i = 0; i < 13; ++i) {
    const KerasLayerWeights* conv = nullptr;
    CONVSCOPE_RETURN_IF_ERROR(weights_of(kVggConvs[i], 4, &conv));
    const Shape& k = conv->weights[0].shape;
    Layer l;
    l.name = kVggConvs[i];
    l.kind = LayerKind::kConv2D;
    l.keras_class = "Conv2D";
    l.units = k[3];
    l.kernel_h = k[0];
    l.kernel_w = k[1];
    l.padding = Padding::kSame;
    l.activation.kind = ActivationKind::kRelu;
    layers.push_back(l);
    const std::string name = kVggConvs[i];
    const bool block_end =
        i + 1 == 13 || std::string(kVggConvs[i + 1]).substr(0, 6) != name.substr(0, 6);
    if (block_end) {
      Layer pool;
      pool.name = name.substr(0, 6) + "_pool";
      pool.kind = LayerKind::kMaxPooling2D;
      pool.keras_class = "MaxPooling2D";
      pool.kernel_h = pool.kernel_w = pool.stride_h = pool.stride_w = 2;
      layers.push_back(pool);
    }
  }
  if (top) {
    Layer flatten;
    flatten.name = "flatten";
    flatten.kind = LayerKind::kFlatten;
    flatten.keras_class = "Flatten";
    layers.push_back(flatten);
    for (const char* name : {"fc1", "fc2", "predictions"}) {
      const KerasLayerWeights* dense = nullptr;
      CONVSCOPE_RETURN_IF_ERROR(weights_of(name, 2, &dense));
      Layer l;
      l.name = name;
      l.kind = LayerKind::kDense;
      l.keras_class = "Dense";
      l.units = dense->weights[0].shape[1];
      l.activation.kind =
          std::string(name) == "predictions" ? ActivationKind::kSoftmax : ActivationKind::kRelu;
      layers.push_back(l);
    }
  }
  // Checked as the loader will read them back (kernel sizes come from the file's shapes).
  for (const Layer& l : layers) {
    const Json keras = LayerToKeras(l);
    Layer read_back;
    if (Status s = LayerFromKeras(keras["class_name"].get<std::string>(), keras["config"],
                                  KerasDialect::kKeras3, &read_back);
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

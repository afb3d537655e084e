#include "conversion_choices.h"

#include <fstream>
#include <sstream>

#include "base/json_util.h"
#include "imagenet_labels.h"
#include "images/preprocess.h"
#include "model/class_labels.h"

namespace convscope::convert {

namespace {

// keras.applications models, known by their model's name and first layer after the input: the
// mode of their preprocess_input. (EfficientNet scales its own input: the Rescaling rule.)
struct Application {
  const char* name;  // the model's name, or its start where it goes on with the width and size
  bool prefix;
  const char* first_layer;
  const char* mode;
  const char* module;  // keras.applications.<module>.preprocess_input
};
constexpr Application kApplications[] = {
    {"vgg16", true, "block1_conv1", "caffe", "vgg16"},
    {"vgg19", true, "block1_conv1", "caffe", "vgg19"},
    {"resnet50", false, "conv1_pad", "caffe", "resnet50"},
    {"resnet101", false, "conv1_pad", "caffe", "resnet"},
    {"resnet152", false, "conv1_pad", "caffe", "resnet"},
    {"resnet50v2", false, "conv1_pad", "tf", "resnet_v2"},
    {"resnet101v2", false, "conv1_pad", "tf", "resnet_v2"},
    {"resnet152v2", false, "conv1_pad", "tf", "resnet_v2"},
    {"mobilenetv2_", true, "Conv1", "tf", "mobilenet_v2"},
    {"mobilenet_", true, "conv1", "tf", "mobilenet"},
    {"densenet121", false, "zero_padding2d", "torch", "densenet"},
    {"densenet169", false, "zero_padding2d", "torch", "densenet"},
    {"densenet201", false, "zero_padding2d", "torch", "densenet"},
    {"inception_v3", false, "conv2d", "tf", "inception_v3"},
    {"xception", false, "block1_conv1", "tf", "xception"},
};

// `name` is `base`, or `base` with the "_<n>" Keras adds to an automatic name already taken in the
// session (DenseNet's first layer is "zero_padding2d_8" in a notebook that built models before).
bool SameKerasName(const std::string& name, const std::string& base) {
  if (name == base) return true;
  if (name.size() <= base.size() + 1 || name.rfind(base + "_", 0) != 0) return false;
  return name.find_first_not_of("0123456789", base.size() + 1) == std::string::npos;
}

const Application* FindApplication(const std::string& name, const std::string& first_layer) {
  for (const Application& a : kApplications) {
    const bool named = a.prefix ? name.rfind(a.name, 0) == 0 : name == a.name;
    if (named && SameKerasName(first_layer, a.first_layer)) return &a;
  }
  return nullptr;
}

// The model nested in `arch` whose layers come first (a transfer model's base), or "".
std::string FirstNestedModel(const Architecture& arch) {
  for (const KerasLayerRef& r : arch.keras_layers) {
    if (!r.layers.empty()) return r.name;
    if (r.keras_class != "InputLayer") return "";
  }
  return "";
}

}  // namespace

Status ChoosePreprocessing(const std::string& mode, const Architecture& arch,
                           PreprocessingChoice* out) {
  std::string chosen = mode;
  const std::string first = arch.layers.size() > 1 ? arch.layers[1].name : "";
  const std::string base = FirstNestedModel(arch);
  if (!mode.empty()) {
    out->note = "given (--preprocessing " + mode + ")";
    out->inferred = true;
  } else if (arch.layers.size() > 1 && (arch.layers[1].kind == LayerKind::kRescaling ||
                                        arch.layers[1].kind == LayerKind::kNormalization)) {
    chosen = "raw";
    out->note = "raw: the model scales its own input (layer " + arch.layers[1].name + ")";
    out->inferred = true;
  } else if (const Application* a = FindApplication(arch.name, first)) {
    chosen = a->mode;
    out->note = chosen + ": Keras' " + arch.name + " (keras.applications." + a->module +
                ".preprocess_input)";
    out->inferred = true;
  } else if (const Application* b = FindApplication(base, first)) {
    // A new head on a known base: most notebooks feed it the base's preprocess_input, some x / 255.
    chosen = b->mode;
    out->note = chosen + ": the model is built on Keras' " + base + " (keras.applications." +
                b->module + ".preprocess_input); check that its notebook used that";
    out->inferred = false;
  } else {
    chosen = "rescale";
    out->note =
        "rescale (x / 255), the most common for models trained in tutorials; the file does not "
        "say, so check it";
    out->inferred = false;
  }
  return PreprocessingFor(chosen, &out->preprocessing);
}

Status LoadLabels(const std::string& path, size_t classes, std::vector<std::string>* labels) {
  if (path.empty()) {
    if (classes == 1000) return ParseLabels(ImagenetClassIndexJson(), "ImageNet labels", labels);
    return Status::Ok();
  }
  std::ifstream in(path);
  if (!in) return Status::Error("cannot read labels file " + path);
  std::stringstream text;
  text << in.rdbuf();
  CONVSCOPE_RETURN_IF_ERROR(ParseLabels(text.str(), path, labels));
  if (labels->size() != classes) {
    return Status::Error(path + " has " + std::to_string(labels->size()) +
                         " labels but the model has " + std::to_string(classes) + " classes");
  }
  return Status::Ok();
}

}  // namespace convscope::convert

#include "conversion_choices.h"

#include <fstream>
#include <sstream>

#include "base/json_util.h"
#include "imagenet_labels.h"
#include "images/preprocess.h"

namespace convscope::convert {

Status ChoosePreprocessing(const std::string& mode, const Architecture& arch,
                           PreprocessingChoice* out) {
  std::string chosen = mode;
  if (!mode.empty()) {
    out->note = "given (--preprocessing " + mode + ")";
    out->inferred = true;
  } else if (arch.layers.size() > 1 && (arch.layers[1].kind == LayerKind::kRescaling ||
                                        arch.layers[1].kind == LayerKind::kNormalization)) {
    chosen = "raw";
    out->note = "raw: the model scales its own input (layer " + arch.layers[1].name + ")";
    out->inferred = true;
  } else if (arch.name.rfind("vgg16", 0) == 0 && arch.layers.size() > 1 &&
             arch.layers[1].name == "block1_conv1") {
    chosen = "caffe";
    out->note = "caffe: Keras' VGG16 (keras.applications.vgg16.preprocess_input)";
    out->inferred = true;
  } else {
    chosen = "rescale";
    out->note =
        "rescale (x / 255), the most common for models trained in tutorials; the file does not "
        "say, so check it";
    out->inferred = false;
  }
  return PreprocessingFor(chosen, &out->preprocessing);
}

Status ParseLabels(const std::string& text, const std::string& what,
                   std::vector<std::string>* labels) {
  labels->clear();
  Json j;
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (text[first] != '[' && text[first] != '{')) {
    // One name per line.
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) labels->push_back(line);
    }
    if (labels->empty()) return Status::Error(what + " holds no class names");
    return Status::Ok();
  }
  CONVSCOPE_RETURN_IF_ERROR(ParseJson(text, what, &j));
  if (j.is_array()) {
    for (const Json& e : j) {
      if (!e.is_string()) return Status::Error(what + ": every label must be a string");
      labels->push_back(e.get<std::string>());
    }
    return Status::Ok();
  }
  if (!j.is_object()) return Status::Error(what + " must be a list or a Keras class index");
  labels->resize(j.size());
  for (const auto& [key, value] : j.items()) {
    char* end = nullptr;
    const unsigned long index = std::strtoul(key.c_str(), &end, 10);
    if (*end != '\0' || index >= labels->size() || !value.is_array() || value.size() != 2 ||
        !value[1].is_string()) {
      return Status::Error(what + ": entry \"" + key + "\" is not index: [id, name]");
    }
    (*labels)[index] = value[1].get<std::string>();
  }
  return Status::Ok();
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

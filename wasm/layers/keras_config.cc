#include "keras_config.h"

namespace convscope {

Status Unsupported(const std::string& name, const std::string& what) {
  return Status::Error("unsupported " + what + " in layer " + name);
}

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

Status ReadWindow(const Json& config, const char* key, const std::string& path, size_t* height,
                  size_t* width) {
  std::pair<size_t, size_t> size;
  CONVSCOPE_RETURN_IF_ERROR(ReadPair(config, key, path, &size));
  if (size.first == 0 || size.second == 0) {
    return Status::Error(path + "." + key + " must be positive");
  }
  if (size.first > kMaxWindow || size.second > kMaxWindow) {
    return Status::Error(path + "." + key + " is larger than " + std::to_string(kMaxWindow));
  }
  std::tie(*height, *width) = size;
  return Status::Ok();
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

const char* PaddingName(Padding padding) { return padding == Padding::kSame ? "same" : "valid"; }

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

}  // namespace convscope

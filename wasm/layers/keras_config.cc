#include "keras_config.h"

#include <cmath>
#include <limits>

namespace convscope {

Status Unsupported(const std::string& what) { return Status::Error("unsupported " + what); }

std::optional<std::pair<size_t, size_t>> PairOf(const Json& v) {
  if (const auto n = AsSize(v)) return std::pair<size_t, size_t>{*n, *n};
  if (v.is_array() && v.size() == 2 && AsSize(v[0]) && AsSize(v[1])) {
    return std::pair<size_t, size_t>{*AsSize(v[0]), *AsSize(v[1])};
  }
  return std::nullopt;
}

Status ReadPair(const Json& config, const char* key, const std::string& path,
                std::pair<size_t, size_t>* out) {
  const Json* v = Find(config, key);
  const auto pair = v != nullptr ? PairOf(*v) : std::nullopt;
  if (!pair) return Status::Error(path + "." + key + " must be an integer or a pair of integers");
  *out = *pair;
  return Status::Ok();
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
  std::string padding = "valid";  // Keras' default
  if (Find(config, "padding") != nullptr) {
    CONVSCOPE_RETURN_IF_ERROR(ReadString(config, "padding", path, &padding));
  }
  if (padding == "same") {
    *out = Padding::kSame;
  } else if (padding == "valid") {
    *out = Padding::kValid;
  } else {
    return Status::Error(path + ".padding must be 'same' or 'valid', got '" + padding + "'");
  }
  return Status::Ok();
}

Status ReadActivation(const Json& config, KerasDialect dialect, ActivationFn* out) {
  const Json* v = Find(config, "activation");
  return ActivationFromJson(v == nullptr ? Json() : *v, dialect, out);
}

Status CheckChannelsLast(const Json& config) {
  const Json* v = Find(config, "data_format");
  if (v != nullptr && !v->is_null() && *v != "channels_last") {
    return Unsupported("data_format " + DumpJson(*v) + " (convscope needs channels_last)");
  }
  return Status::Ok();
}

bool ReadUseBias(const Json& config) {
  const Json* v = Find(config, "use_bias");
  return v == nullptr || !v->is_boolean() || v->get<bool>();
}

const char* PaddingName(Padding padding) { return padding == Padding::kSame ? "same" : "valid"; }

Status ReadBool(const Json& config, const char* key, const std::string& path, bool fallback,
                bool* out) {
  const Json* v = Find(config, key);
  if (v == nullptr || v->is_null()) {
    *out = fallback;
  } else if (v->is_boolean()) {
    *out = v->get<bool>();
  } else {
    return Status::Error(path + "." + key + " must be true or false");
  }
  return Status::Ok();
}

Status ReadFloatParameter(const Json& config, const char* key, const std::string& path,
                          float fallback, float* out) {
  double v = 0;
  CONVSCOPE_RETURN_IF_ERROR(ReadNumber(config, key, path, fallback, &v));
  // 1e300 is finite, but no float: it would become infinity (no cap, a NaN slope). JSON has no
  // infinity, so an infinite v is the fallback (max_value's "no cap").
  if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max()) {
    return Status::Error(path + "." + key + " is beyond a float's range");
  }
  *out = static_cast<float>(v);
  return Status::Ok();
}

Status ReadNumber(const Json& config, const char* key, const std::string& path, double fallback,
                  double* out) {
  const Json* v = Find(config, key);
  if (v == nullptr || v->is_null()) {
    *out = fallback;
    return Status::Ok();
  }
  return ReadFloat(config, key, path, out);
}

Status ReadNumbers(const Json& config, const char* key, const std::string& path,
                   std::vector<double>* out) {
  const Json* v = Find(config, key);
  out->clear();
  const auto add = [&](const Json& e) {
    if (!e.is_number() || !std::isfinite(e.get<double>())) return false;
    out->push_back(e.get<double>());
    return true;
  };
  if (v != nullptr && v->is_array() && !v->empty() && v->size() <= kMaxWindow) {
    for (const Json& e : *v) {
      if (!add(e)) break;
    }
    if (out->size() == v->size()) return Status::Ok();
  } else if (v != nullptr && add(*v)) {
    return Status::Ok();
  }
  return Status::Error(path + "." + key + " must be a number or a list of numbers");
}

Status ReadAxis(const Json& config, const char* key, int* out) {
  const Json* v = Find(config, key);
  if (v == nullptr) {
    *out = -1;
    return Status::Ok();
  }
  const Json* axis = v->is_array() && v->size() == 1 ? &(*v)[0] : v;
  if (axis->is_number_integer() && axis->get<int64_t>() >= -1 && axis->get<int64_t>() <= 3) {
    *out = static_cast<int>(axis->get<int64_t>());
    return Status::Ok();
  }
  return Unsupported(std::string(key) + " " + DumpJson(*v) +
                     " (convscope normalizes the channels, the last axis)");
}

Status CheckLastAxis(const Layer& l, const Shape& input, const std::string& where) {
  if (l.axis == -1 || l.axis == static_cast<int>(input.size())) return Status::Ok();
  return Status::Error(where + ": axis " + std::to_string(l.axis) + " of an input " +
                       ShapeString(input) + " is not the channels (convscope needs the last axis)");
}

}  // namespace convscope

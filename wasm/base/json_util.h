// Reading JSON that comes from files a user dropped: nlohmann::json without exceptions (the wasm
// build has none, and an exception would abort). Every accessor checks the type first and reports
// what it expected, naming the field by its path.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "status.h"

namespace convscope {

using Json = nlohmann::json;

// Parses `text`; on a syntax error returns a Status naming `what`.
inline Status ParseJson(std::string_view text, const std::string& what, Json* out) {
  *out = Json::parse(text.begin(), text.end(), /*callback=*/nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) return Status::Error(what + " is not valid JSON");
  return Status::Ok();
}

// Serializes without ever throwing: invalid UTF-8 (e.g. a layer name read from a file) is replaced.
inline std::string DumpJson(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

// How errors name a field: "path.key", or "key" for an object that is a file of its own (path "").
inline std::string FieldName(const std::string& path, const char* key) {
  return path.empty() ? std::string(key) : path + "." + key;
}

// j[key] if j is an object holding key, else nullptr.
inline const Json* Find(const Json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

inline Status ReadString(const Json& j, const char* key, const std::string& path,
                         std::string* out) {
  const Json* v = Find(j, key);
  if (v == nullptr || !v->is_string())
    return Status::Error(FieldName(path, key) + " must be a string");
  *out = v->get_ref<const std::string&>();
  return Status::Ok();
}

// A non-negative integer that fits in size_t (JSON numbers may be floats, negative or huge, and
// size_t has 32 bits in wasm).
inline std::optional<size_t> AsSize(const Json& v) {
  uint64_t n = 0;
  if (v.is_number_unsigned()) {
    n = v.get<uint64_t>();
  } else if (v.is_number_integer() && v.get<int64_t>() >= 0) {
    n = static_cast<uint64_t>(v.get<int64_t>());
  } else {
    return std::nullopt;
  }
  if (n > std::numeric_limits<size_t>::max()) return std::nullopt;
  return static_cast<size_t>(n);
}

inline Status ReadSize(const Json& j, const char* key, const std::string& path, size_t* out) {
  const Json* v = Find(j, key);
  const std::optional<size_t> n = v ? AsSize(*v) : std::nullopt;
  if (!n) return Status::Error(FieldName(path, key) + " must be a non-negative integer");
  *out = *n;
  return Status::Ok();
}

inline Status ReadFloat(const Json& j, const char* key, const std::string& path, double* out) {
  const Json* v = Find(j, key);
  if (v == nullptr || !v->is_number() || !std::isfinite(v->get<double>())) {
    return Status::Error(FieldName(path, key) + " must be a finite number");
  }
  *out = v->get<double>();
  return Status::Ok();
}

inline Status ReadSizeList(const Json& j, const char* key, const std::string& path,
                           std::vector<size_t>* out) {
  const Json* v = Find(j, key);
  if (v == nullptr || !v->is_array()) {
    return Status::Error(FieldName(path, key) + " must be a list of non-negative integers");
  }
  out->clear();
  for (const Json& e : *v) {
    const std::optional<size_t> n = AsSize(e);
    if (!n) return Status::Error(FieldName(path, key) + " must be a list of non-negative integers");
    out->push_back(*n);
  }
  return Status::Ok();
}

}  // namespace convscope

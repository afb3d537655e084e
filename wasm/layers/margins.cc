#include "margins.h"

#include <algorithm>

#include "keras_config.h"

namespace convscope {

Status ReadMargins(const Json& config, const char* key, const std::string& path,
                   std::array<size_t, 4>* out) {
  const Json* v = Find(config, key);
  bool ok = false;
  if (v != nullptr && AsSize(*v)) {
    out->fill(*AsSize(*v));
    ok = true;
  } else if (v != nullptr && v->is_array() && v->size() == 2) {
    const auto rows = PairOf((*v)[0]), columns = PairOf((*v)[1]);
    ok = rows && columns;
    if (ok) *out = {rows->first, rows->second, columns->first, columns->second};
  }
  if (!ok) {
    return Status::Error(path + "." + key +
                         " must be an int, (rows, columns) or ((top, bottom), (left, right))");
  }
  for (size_t m : *out) {
    if (m > kMaxWindow)
      return Status::Error(path + "." + key + " is larger than " + std::to_string(kMaxWindow));
  }
  return CheckChannelsLast(config);
}

Json MarginsToKeras(const std::array<size_t, 4>& m) {
  return Json::array({Json::array({m[0], m[1]}), Json::array({m[2], m[3]})});
}

void PlaceInside(std::span<const float> small, const Shape& s, const std::array<size_t, 4>& m,
                 std::span<float> large) {
  const size_t lw = s[1] + m[2] + m[3], c = s[2];
  std::fill(large.begin(), large.end(), 0.0f);
  for (size_t y = 0; y < s[0]; ++y) {
    std::copy_n(small.begin() + static_cast<ptrdiff_t>(y * s[1] * c), s[1] * c,
                large.begin() + static_cast<ptrdiff_t>(((y + m[0]) * lw + m[2]) * c));
  }
}

void CutOut(std::span<const float> large, const Shape& s, const std::array<size_t, 4>& m,
            std::span<float> small) {
  const size_t lw = s[1] + m[2] + m[3], c = s[2];
  for (size_t y = 0; y < s[0]; ++y) {
    std::copy_n(large.begin() + static_cast<ptrdiff_t>(((y + m[0]) * lw + m[2]) * c), s[1] * c,
                small.begin() + static_cast<ptrdiff_t>(y * s[1] * c));
  }
}

}  // namespace convscope

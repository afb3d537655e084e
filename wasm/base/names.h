// The names of an enum's values, as files, options and messages spell them: each enum keeps one
// table (kColormapNames, kResizeModeNames, kPrecisionNames, ...) in its order, the parsers look
// names up in it, the messages list it, and the catalog (catalog.h) hands it to JavaScript.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace convscope {

// The index of `name` in `names`, or nullopt.
inline std::optional<size_t> IndexOfName(std::span<const char* const> names,
                                         const std::string& name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (name == names[i]) return i;
  }
  return std::nullopt;
}

// The name of an enum's value, from its table (tables are in the enum's order).
template <typename Enum, size_t N>
const char* NameOf(const std::array<const char*, N>& names, Enum value) {
  return names[static_cast<size_t>(value)];
}

// "'a', 'b' or 'c'" (unquoted: "a, b or c"): a list of names for messages.
inline std::string OneOf(std::span<const char* const> names, bool quoted = true) {
  const std::string q = quoted ? "'" : "";
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += q + names[i] + q;
  }
  return out;
}

}  // namespace convscope

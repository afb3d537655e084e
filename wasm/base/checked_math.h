// Overflow-safe size arithmetic for shapes that come from users (JS arguments, model files).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>

namespace convscope {

// Every tensor the core allocates stays below this many elements (1 GiB of f32), far above
// VGG16's largest activation (224*224*64 = 3.2 M) and its largest weight (fc1, 102.8 M).
inline constexpr size_t kMaxTensorElements = size_t{1} << 28;

// Product of `dims`, or nullopt if it overflows size_t or exceeds kMaxTensorElements.
inline std::optional<size_t> ElementCount(std::initializer_list<size_t> dims) {
  size_t n = 1;
  for (size_t d : dims) {
    if (__builtin_mul_overflow(n, d, &n) || n > kMaxTensorElements) return std::nullopt;
  }
  return n;
}

}  // namespace convscope

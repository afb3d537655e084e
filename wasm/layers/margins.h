// What ZeroPadding2D and Cropping2D share: Keras' margins (an int, (rows, columns), or
// ((top, bottom), (left, right))), and copying a map into a larger one or out of it — the one
// kind's forward pass is the other's backward pass.
#pragma once

#include <array>
#include <span>

#include "layer_kind.h"

namespace convscope {

// Reads `key` (padding, cropping) into top, bottom, left, right.
Status ReadMargins(const Json& config, const char* key, const std::string& path,
                   std::array<size_t, 4>* out);
Json MarginsToKeras(const std::array<size_t, 4>& m);

// `small` (h x w x c) placed at row m[0], column m[2] of `large` ((h + m[0] + m[1]) x
// (w + m[2] + m[3]) x c), the rest zero; or the reverse, cut out.
void PlaceInside(std::span<const float> small, const Shape& small_shape,
                 const std::array<size_t, 4>& m, std::span<float> large);
void CutOut(std::span<const float> large, const Shape& small_shape, const std::array<size_t, 4>& m,
            std::span<float> small);

}  // namespace convscope

// 256-entry colour lookup tables for maps drawn in the core (feature maps, filters, heatmaps):
// one table lookup a pixel instead of a colour conversion a pixel.
#pragma once

#include <array>
#include <cstdint>

namespace convscope {

// coolwarm (Moreland's diverging map: blue, light grey at the middle, red) is for signed maps,
// whose middle is zero.
enum class Colormap { kGray, kViridis, kJet, kCoolwarm };
inline constexpr std::array<const char*, 4> kColormapNames = {"gray", "viridis", "jet", "coolwarm"};

using ColorLut = std::array<std::array<uint8_t, 3>, 256>;

const ColorLut& Lut(Colormap map);

}  // namespace convscope

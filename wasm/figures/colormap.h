// 256-entry colour lookup tables for maps drawn in the core (feature maps, filters, heatmaps):
// one table lookup a pixel instead of a colour conversion a pixel.
#pragma once

#include <array>
#include <cstdint>

namespace convscope {

enum class Colormap { kGray, kViridis, kJet };
inline constexpr std::array<const char*, 3> kColormapNames = {"gray", "viridis", "jet"};

using ColorLut = std::array<std::array<uint8_t, 3>, 256>;

const ColorLut& Lut(Colormap map);

}  // namespace convscope

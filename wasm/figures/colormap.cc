#include "colormap.h"

#include <algorithm>
#include <cmath>

#include "images/image.h"

namespace convscope {
namespace {

// Viridis at nine evenly spaced stops (its published values at 0, 1/8, ..., 1), interpolated
// linearly in between: indistinguishable from the full table at heatmap sizes.
constexpr std::array<std::array<int, 3>, 9> kViridisStops = {{{68, 1, 84},
                                                              {71, 45, 123},
                                                              {59, 82, 139},
                                                              {44, 114, 142},
                                                              {33, 145, 140},
                                                              {40, 174, 128},
                                                              {94, 201, 98},
                                                              {173, 220, 48},
                                                              {253, 231, 37}}};

// Moreland's coolwarm at five evenly spaced stops, interpolated linearly in between.
constexpr std::array<std::array<int, 3>, 5> kCoolwarmStops = {
    {{59, 76, 192}, {141, 176, 254}, {221, 221, 221}, {244, 154, 123}, {180, 4, 38}}};

// The colour at t in [0, 1] of stops evenly spaced over [0, 1].
template <size_t N>
std::array<uint8_t, 3> Between(const std::array<std::array<int, 3>, N>& stops, double t) {
  const double pos = t * (N - 1);
  const auto k = static_cast<size_t>(std::min(static_cast<double>(N - 2), std::floor(pos)));
  const double f = pos - static_cast<double>(k);
  std::array<uint8_t, 3> c{};
  for (size_t ch = 0; ch < 3; ++ch)
    c[ch] = PixelByte(stops[k][ch] * (1 - f) + stops[k + 1][ch] * f);
  return c;
}

ColorLut MakeLut(Colormap map) {
  ColorLut lut{};
  for (int i = 0; i < 256; ++i) {
    const double t = i / 255.0;
    auto& c = lut[static_cast<size_t>(i)];
    switch (map) {
      case Colormap::kGray:
        c = {static_cast<uint8_t>(i), static_cast<uint8_t>(i), static_cast<uint8_t>(i)};
        break;
      case Colormap::kViridis:
        c = Between(kViridisStops, t);
        break;
      case Colormap::kCoolwarm:
        c = Between(kCoolwarmStops, t);
        break;
      case Colormap::kJet:  // the classic MATLAB ramp: blue, cyan, yellow, red
        c = {PixelByte(255 * std::min(4 * t - 1.5, -4 * t + 4.5)),
             PixelByte(255 * std::min(4 * t - 0.5, -4 * t + 3.5)),
             PixelByte(255 * std::min(4 * t + 0.5, -4 * t + 2.5))};
        break;
    }
  }
  return lut;
}

}  // namespace

const ColorLut& Lut(Colormap map) {
  static const ColorLut gray = MakeLut(Colormap::kGray);
  static const ColorLut viridis = MakeLut(Colormap::kViridis);
  static const ColorLut jet = MakeLut(Colormap::kJet);
  static const ColorLut coolwarm = MakeLut(Colormap::kCoolwarm);
  switch (map) {
    case Colormap::kGray:
      return gray;
    case Colormap::kViridis:
      return viridis;
    case Colormap::kCoolwarm:
      return coolwarm;
    case Colormap::kJet:
      break;
  }
  return jet;
}

}  // namespace convscope

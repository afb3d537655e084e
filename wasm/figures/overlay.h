// Explanation maps drawn over the picture they explain, at the picture's own size (not the model's
// input size): the map is resampled through the same region ResizeImage took the input from.
#pragma once

#include <cstddef>
#include <span>

#include "base/status.h"
#include "colormap.h"
#include "images/image.h"

namespace convscope {

struct OverlayOptions {
  ResizeMode resize = ResizeMode::kKeras;  // how the picture became the model's input
  Colormap colormap = Colormap::kJet;
  float alpha = 0.5f;  // heatmap opacity
  // Instead of a heatmap, the classic occlusion view: the picture where the map is at least
  // `threshold`, elsewhere a grey checkerboard (HiddenPixel) that no dark or light object in the
  // picture merges with.
  bool mask = false;
  float threshold = 0.5f;
};

// `map` is map_height x map_width values in [0, 1] over the model's input. Parts of the picture the
// input did not cover (centre crop) are shown dimmed (masked: hidden).
// What the masked view shows at (x, y) where the picture is hidden: 8-pixel squares of two greys.
uint8_t HiddenPixel(size_t x, size_t y);

Status OverlayMap(const RgbImage& image, std::span<const float> map, size_t map_height,
                  size_t map_width, const OverlayOptions& options, RgbImage* out);

}  // namespace convscope

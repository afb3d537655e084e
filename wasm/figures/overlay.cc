#include "overlay.h"

#include <algorithm>
#include <cmath>

#include "images/resample.h"

namespace convscope {

uint8_t HiddenPixel(size_t x, size_t y) { return (x / 8 + y / 8) % 2 == 0 ? 140 : 190; }

Status OverlayMap(const RgbImage& image, std::span<const float> map, size_t map_height,
                  size_t map_width, const OverlayOptions& options, RgbImage* out) {
  if (map_height == 0 || map_width == 0 || map.size() != map_height * map_width) {
    return Status::Error("the map must have map_height x map_width values");
  }
  if (image.width == 0 || image.height == 0) return Status::Error("the image is empty");
  if (!(options.alpha >= 0 && options.alpha <= 1) ||
      !(options.threshold >= 0 && options.threshold <= 1)) {
    return Status::Error("alpha and threshold must be between 0 and 1");
  }
  const ImageRegion r =
      InputRegion(image.width, image.height, map_width, map_height, options.resize);
  // Picture pixel x (centre x + 0.5) lies at map coordinate (x + 0.5 - left) * scale - 0.5.
  auto axis = [](double left, double extent, size_t cells) {
    const double scale = static_cast<double>(cells) / extent;
    return AxisMap{scale, (0.5 - left) * scale - 0.5};
  };
  // A map coarser than the picture is drawn as its blocks (a 32 x 32 map over a photo is 32 x 32
  // squares, not smooth blobs that hide its resolution); a finer one is averaged down.
  const bool blocks =
      r.height > static_cast<double>(map_height) || r.width > static_cast<double>(map_width);
  const std::vector<float> values = (blocks ? ResampleNearest : ResampleBilinear)(
      map, map_height, map_width, image.height, image.width, axis(r.top, r.height, map_height),
      axis(r.left, r.width, map_width));
  // Under the colours, the picture lightened toward grey as the colours get more opaque: mixed
  // with dark pixels, a colormap's colours turn muddy (jet's yellow olive, its red maroon) and no
  // longer match the legend.
  const float lift = std::min(1.0f, 2 * options.alpha);
  const ColorLut& lut = Lut(options.colormap);
  out->width = image.width;
  out->height = image.height;
  out->pixels.resize(image.pixels.size());
  for (size_t y = 0; y < image.height; ++y) {
    const double cy = static_cast<double>(y) + 0.5;
    const bool row_inside = cy >= r.top && cy < r.top + r.height;
    for (size_t x = 0; x < image.width; ++x) {
      const double cx = static_cast<double>(x) + 0.5;
      const size_t p = y * image.width + x;
      const uint8_t* src = &image.pixels[3 * p];
      uint8_t* dst = &out->pixels[3 * p];
      if (!row_inside || cx < r.left || cx >= r.left + r.width) {
        for (int c = 0; c < 3; ++c) {
          dst[c] = options.mask ? HiddenPixel(x, y) : static_cast<uint8_t>(src[c] / 3);
        }
        continue;
      }
      const float v = std::clamp(values[p], 0.0f, 1.0f);
      if (options.mask) {
        for (int c = 0; c < 3; ++c) dst[c] = v >= options.threshold ? src[c] : HiddenPixel(x, y);
        continue;
      }
      const auto& color = lut[static_cast<size_t>(std::lround(v * 255.0f))];
      for (int c = 0; c < 3; ++c) {
        const float under = src[c] + lift * (128 + 0.5f * src[c] - src[c]);
        dst[c] = static_cast<uint8_t>(
            std::lround((1 - options.alpha) * under + options.alpha * color[c]));
      }
    }
  }
  return Status::Ok();
}

}  // namespace convscope

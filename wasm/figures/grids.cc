#include "grids.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "images/image.h"

namespace convscope {
namespace {

// Grid geometry for `count` tiles of tile_w x tile_h (already scaled), 1-pixel gaps.
struct Grid {
  size_t columns, rows, tile_w, tile_h;
  size_t width() const { return columns * (tile_w + 1) - 1; }
  size_t height() const { return rows * (tile_h + 1) - 1; }
};

Grid MakeGrid(size_t count, size_t tile_w, size_t tile_h) {
  const auto columns = static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(count))));
  return {columns, (count + columns - 1) / columns, tile_w, tile_h};
}

Status Allocate(const Grid& g, size_t count, RgbaImage* out) {
  constexpr size_t kMaxGridPixels = 16'000'000;
  if (g.width() * g.height() > kMaxGridPixels) {
    return Status::Error("the grid would be " + std::to_string(g.width()) + "x" +
                         std::to_string(g.height()) + " pixels: use a smaller scale");
  }
  out->width = g.width();
  out->height = g.height();
  out->rgba.assign(out->width * out->height * 4, 0);  // gaps stay transparent
  out->tiles = count;
  out->columns = g.columns;
  out->tile_width = g.tile_w;
  out->tile_height = g.tile_h;
  return Status::Ok();
}

// Paints tile `index`'s pixel (x, y) (unscaled) with `color`, repeated scale x scale times.
void Paint(RgbaImage* img, const Grid& g, size_t index, size_t scale, size_t x, size_t y,
           const std::array<uint8_t, 3>& color) {
  const size_t x0 = (index % g.columns) * (g.tile_w + 1) + x * scale;
  const size_t y0 = (index / g.columns) * (g.tile_h + 1) + y * scale;
  for (size_t dy = 0; dy < scale; ++dy) {
    uint8_t* p = &img->rgba[((y0 + dy) * img->width + x0) * 4];
    for (size_t dx = 0; dx < scale; ++dx, p += 4) {
      p[0] = color[0], p[1] = color[1], p[2] = color[2], p[3] = 255;
    }
  }
}

uint8_t ToByte(float v, float lo, float hi) {
  const float t = hi > lo ? (v - lo) / (hi - lo) : 0.0f;  // a constant (e.g. dead) map is dark
  return PixelByte(t * 255.0f);
}

}  // namespace

Status FilterGrid(const TensorView& kernel, const FilterGridOptions& o, RgbaImage* out) {
  const Shape& s = kernel.entry->shape;  // O, kh, kw, I
  if (s.size() != 4) return Status::Error("filter grids need a Conv2D kernel");
  const size_t filters = s[0], kh = s[1], kw = s[2], in = s[3];
  const bool color = o.channel < 0 && in == 3;
  const size_t channel = o.channel < 0 ? 0 : static_cast<size_t>(o.channel);
  if (!color && channel >= in) {
    return Status::Error("channel " + std::to_string(o.channel) +
                         " is out of range: the kernel has " + std::to_string(in) +
                         " input channels");
  }
  if (o.scale == 0 || o.scale > 64) return Status::Error("scale must be between 1 and 64");
  const size_t per_filter = kh * kw * in;
  auto value = [&](size_t i) {
    if (kernel.entry->dtype == Precision::kF32)
      return reinterpret_cast<const float*>(kernel.data.data())[i];
    return kernel.scales[i / per_filter] *
           static_cast<float>(reinterpret_cast<const int8_t*>(kernel.data.data())[i]);
  };
  const Grid g = MakeGrid(filters, kw * o.scale, kh * o.scale);
  CONVSCOPE_RETURN_IF_ERROR(Allocate(g, filters, out));
  const ColorLut& lut = Lut(o.colormap);
  for (size_t f = 0; f < filters; ++f) {
    const size_t base = f * per_filter;
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (size_t i = 0; i < per_filter; ++i) {
      if (!color && i % in != channel) continue;
      lo = std::min(lo, value(base + i)), hi = std::max(hi, value(base + i));
    }
    for (size_t y = 0; y < kh; ++y) {
      for (size_t x = 0; x < kw; ++x) {
        const size_t tap = base + (y * kw + x) * in;
        std::array<uint8_t, 3> rgb;
        if (color) {
          for (size_t c = 0; c < 3; ++c) {
            // Kernel input channel k sees model channel k; with BGR input that is colour 2 - k.
            rgb[c] = ToByte(value(tap + (o.bgr_input ? 2 - c : c)), lo, hi);
          }
        } else {
          rgb = lut[ToByte(value(tap + channel), lo, hi)];
        }
        Paint(out, g, f, o.scale, x, y, rgb);
      }
    }
  }
  return Status::Ok();
}

Status FeatureMapGrid(std::span<const float> a, size_t height, size_t width, size_t channels,
                      const FeatureMapGridOptions& o, RgbaImage* out) {
  if (a.size() != height * width * channels || channels == 0) {
    return Status::Error("feature maps need a height x width x channels activation");
  }
  if (o.scale == 0 || o.scale > 64) return Status::Error("scale must be between 1 and 64");
  const size_t maps = std::min(channels, std::max<size_t>(o.max_maps, 1));
  const Grid g = MakeGrid(maps, width * o.scale, height * o.scale);
  CONVSCOPE_RETURN_IF_ERROR(Allocate(g, maps, out));
  std::vector<float> lo(maps, std::numeric_limits<float>::infinity()), hi(maps, -lo[0]);
  for (size_t i = 0; i < height * width; ++i) {
    for (size_t c = 0; c < maps; ++c) {
      lo[c] = std::min(lo[c], a[i * channels + c]), hi[c] = std::max(hi[c], a[i * channels + c]);
    }
  }
  if (o.normalization == Normalization::kLayer) {
    const float all_lo = *std::min_element(lo.begin(), lo.end());
    const float all_hi = *std::max_element(hi.begin(), hi.end());
    std::fill(lo.begin(), lo.end(), all_lo);
    std::fill(hi.begin(), hi.end(), all_hi);
  }
  const ColorLut& lut = Lut(o.colormap);
  for (size_t y = 0; y < height; ++y) {
    for (size_t x = 0; x < width; ++x) {
      const float* px = &a[(y * width + x) * channels];
      for (size_t c = 0; c < maps; ++c)
        Paint(out, g, c, o.scale, x, y, lut[ToByte(px[c], lo[c], hi[c])]);
    }
  }
  return Status::Ok();
}

}  // namespace convscope

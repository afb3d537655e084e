#include "resample.h"

#include <algorithm>
#include <cmath>

namespace convscope {

std::vector<float> ResampleNearest(std::span<const float> map, size_t height, size_t width,
                                   size_t out_height, size_t out_width, AxisMap rows,
                                   AxisMap cols) {
  auto source = [](size_t d, AxisMap axis, size_t in) {
    const double s = std::round(static_cast<double>(d) * axis.scale + axis.offset);
    return static_cast<size_t>(std::clamp(s, 0.0, static_cast<double>(in - 1)));
  };
  std::vector<float> out(out_height * out_width);
  for (size_t y = 0; y < out_height; ++y) {
    const size_t row = source(y, rows, height) * width;
    for (size_t x = 0; x < out_width; ++x)
      out[y * out_width + x] = map[row + source(x, cols, width)];
  }
  return out;
}

std::vector<float> ResampleBilinear(std::span<const float> map, size_t height, size_t width,
                                    size_t out_height, size_t out_width, AxisMap rows,
                                    AxisMap cols) {
  auto source = [](size_t d, AxisMap axis, size_t in, size_t* i0, size_t* i1, float* t) {
    const double s = std::clamp(static_cast<double>(d) * axis.scale + axis.offset, 0.0,
                                static_cast<double>(in - 1));
    *i0 = static_cast<size_t>(std::floor(s));
    *i1 = std::min(*i0 + 1, in - 1);
    *t = static_cast<float>(s - static_cast<double>(*i0));
  };
  std::vector<float> out(out_height * out_width);
  for (size_t y = 0; y < out_height; ++y) {
    size_t y0, y1;
    float ty;
    source(y, rows, height, &y0, &y1, &ty);
    for (size_t x = 0; x < out_width; ++x) {
      size_t x0, x1;
      float tx;
      source(x, cols, width, &x0, &x1, &tx);
      const float top = map[y0 * width + x0] * (1 - tx) + map[y0 * width + x1] * tx;
      const float bottom = map[y1 * width + x0] * (1 - tx) + map[y1 * width + x1] * tx;
      out[y * out_width + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

std::vector<float> ResizeBilinear(std::span<const float> map, size_t height, size_t width,
                                  size_t out_height, size_t out_width) {
  // Source coordinate of output pixel d: (d + 0.5) * in / out - 0.5.
  auto half_pixel = [](size_t in, size_t out) {
    const double scale = static_cast<double>(in) / static_cast<double>(out);
    return AxisMap{scale, 0.5 * scale - 0.5};
  };
  return ResampleBilinear(map, height, width, out_height, out_width, half_pixel(height, out_height),
                          half_pixel(width, out_width));
}

}  // namespace convscope

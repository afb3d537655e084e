// Bilinear resampling of single-channel maps: how a method's coarse map (Grad-CAM's 14x14,
// occlusion's grid) reaches the image's size, and how a figure lays a map over a letterboxed image.
// Below the methods and the figures, which both use it.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace convscope {

// Output pixel d samples the source at d * scale + offset (clamped to the source).
struct AxisMap {
  double scale = 1;
  double offset = 0;
};

// Bilinear resampling of a single-channel map under the given coordinate maps.
std::vector<float> ResampleBilinear(std::span<const float> map, size_t height, size_t width,
                                    size_t out_height, size_t out_width, AxisMap rows,
                                    AxisMap cols);

// Nearest-neighbour resampling under the same coordinate maps: a map's cells drawn as the blocks
// they are where each covers several output pixels.
std::vector<float> ResampleNearest(std::span<const float> map, size_t height, size_t width,
                                   size_t out_height, size_t out_width, AxisMap rows, AxisMap cols);

// Bilinear resize of a single-channel map with pixel centres aligned (half-pixel offsets, as
// OpenCV's INTER_LINEAR and PyTorch's align_corners=False): a 14x14 map does not shift on 224x224.
std::vector<float> ResizeBilinear(std::span<const float> map, size_t height, size_t width,
                                  size_t out_height, size_t out_width);

}  // namespace convscope

// Filter and feature-map grids rendered in the core as RGBA, so JavaScript only blits ImageData.
// Tiles are laid out in a near-square grid with a 1-pixel gap, each pixel repeated `scale` times.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "colormap.h"
#include "model/model_file.h"

namespace convscope {

struct RgbaImage {
  size_t width = 0;
  size_t height = 0;
  std::vector<uint8_t> rgba;
  // The grid's layout: `tiles` tiles of tile_width x tile_height in `columns` columns, tile i at
  // ((i % columns) * (tile_width + 1), (i / columns) * (tile_height + 1)).
  size_t tiles = 0, columns = 0, tile_width = 0, tile_height = 0;
};

struct FilterGridOptions {
  // For a kernel with 3 input channels (a first layer on RGB), -1 draws each filter in colour.
  // Otherwise the input channel to draw, in grayscale through `colormap` (default 0).
  int channel = -1;
  size_t scale = 8;
  Colormap colormap = Colormap::kGray;
  bool bgr_input = true;  // the model's channel order is BGR (VGG16's caffe preprocessing)
};

// One tile per filter of a Conv2D kernel (OHWI, f32 or int8 dequantized), each normalized to its
// own min..max.
Status FilterGrid(const TensorView& kernel, const FilterGridOptions& options, RgbaImage* out);

// How a feature-map grid scales its tiles: each map from its own min..max, or all of them from the
// whole layer's.
enum class Normalization { kMap, kLayer };
inline constexpr std::array<const char*, 2> kNormalizationNames = {"map", "layer"};  // by value

struct FeatureMapGridOptions {
  Normalization normalization = Normalization::kMap;
  Colormap colormap = Colormap::kViridis;
  size_t scale = 1;
  size_t max_maps = 1024;
};

// One tile per channel of an H x W x C activation.
Status FeatureMapGrid(std::span<const float> activation, size_t height, size_t width,
                      size_t channels, const FeatureMapGridOptions& options, RgbaImage* out);

}  // namespace convscope

// The JSON header of a model file (docs/model-format.md) as C++ values, with the one reader and
// the one writer of it: the converter writes through HeaderToJson, the core reads through
// HeaderFromJson, so the two cannot drift apart.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "base/names.h"
#include "base/precision.h"
#include "base/status.h"
#include "layers/layer.h"

namespace convscope {

struct WeightEntry {
  std::string name;   // "kernel" or "bias"
  Shape keras_shape;  // as Keras stores it: conv (kh, kw, in, out), dense (in, out), bias (out)
  Shape shape;        // as stored here: conv OHWI (out, kh, kw, in), dense OI (out, in), bias (out)
  std::string layout;  // "OHWI", "OI" or "O"
  Precision dtype = Precision::kF32;
  size_t data_section = 0;
  std::optional<size_t> scales_section;  // int8: one f32 scale per output channel
  Json stats;         // statistics of the original f32 weights (min, max, mean, std, histogram)
  Json quantization;  // int8: {"sqnr_db", "max_abs_error_relative"}; null for f32
};

struct LayerEntry {
  Layer layer;  // output_shape and params filled in
  std::vector<WeightEntry> weights;
};

// Pixel preprocessing, applied to RGB values in [0, 255] after resizing:
//   reorder to channel_order, then x' = (x * scale - mean[c]) / std[c].
// The mode names where the numbers came from (Keras' preprocess_input modes, or custom); the
// numbers are what runs.
enum class PreprocessingMode { kCaffe, kTf, kTorch, kCustom };
inline constexpr std::array<const char*, 4> kPreprocessingModes = {"caffe", "tf", "torch",
                                                                   "custom"};  // by the enum
enum class ChannelOrder { kRGB, kBGR };
inline constexpr std::array<const char*, 2> kChannelOrders = {"RGB", "BGR"};  // by ChannelOrder

struct Preprocessing {
  PreprocessingMode mode = PreprocessingMode::kCaffe;
  ChannelOrder channel_order = ChannelOrder::kBGR;
  double scale = 1.0;
  std::array<double, 3> mean = {103.939, 116.779, 123.68};
  std::array<double, 3> std = {1.0, 1.0, 1.0};
};

struct SectionEntry {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t crc32 = 0;
};

struct ModelHeader {
  std::string name;
  Precision precision = Precision::kF32;
  Json source;     // where the model came from (file, layout, keras_version, ...)
  Json converter;  // {"name", "version"}
  Preprocessing preprocessing;
  std::vector<std::string> labels;  // empty or one per output unit
  std::vector<LayerEntry> layers;
  std::vector<SectionEntry> sections;
  uint64_t total_params = 0;
};

// The class's label, or "class N" where the file has none.
std::string ClassLabel(const ModelHeader& header, size_t index);

Json HeaderToJson(const ModelHeader& header);

// Reads and cross-checks a header: known format, layers that fit together (re-derived shapes and
// parameter counts must equal the stored ones), weights whose shapes follow from the layers, and
// section references in range. Does not look at the sections' bytes (see ModelFile).
Status HeaderFromJson(const Json& json, ModelHeader* out);

// OHWI / OI / O shape for a Keras weight shape.
Shape StoredShape(const Shape& keras_shape);
const char* StoredLayout(const Shape& keras_shape);

}  // namespace convscope

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
#include "head.h"
#include "layers/layer.h"
#include "model_format.h"
#include "training_pictures.h"

namespace convscope {

struct WeightEntry {
  std::string name;   // "kernel", "bias", "gamma", ... (the kind's WeightSpec)
  Shape keras_shape;  // as Keras stores it: conv (kh, kw, in, out), dense (in, out), bias (out)
  Shape shape;        // as stored here: conv OHWI (out, kh, kw, in), dense OI (out, in), bias (out)
  std::string layout;  // "OHWI", "OI" or "O"
  bool trainable = true;
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

// Pixel preprocessing, applied to RGB values in [0, 255] after resizing (a grayscale model reads
// the luminance, 0.2989 R + 0.5870 G + 0.1140 B, as tf.image.rgb_to_grayscale):
//   reorder to channel_order, then x' = (x * scale - mean[c]) / std[c].
// The mode names where the numbers came from (Keras' preprocess_input modes; rescale: x / 255, what
// most tutorial models were trained on; raw: 0-255 as is, for models with their own Rescaling; or
// custom); the numbers are what runs.
enum class PreprocessingMode { kCaffe, kTf, kTorch, kRescale, kRaw, kCustom };
inline constexpr std::array<const char*, 6> kPreprocessingModes = {
    "caffe", "tf", "torch", "rescale", "raw", "custom"};  // by the enum
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
  uint32_t format_version = kChainFormatVersion;  // model_format.h: 2 for a graph
  std::string name;
  // The Keras version that saved it ("3.13.2", "2.10.0"; empty when unknown), which decides how
  // its summary is printed, and whether it was a Sequential or a Functional model.
  std::string keras_version;
  bool sequential = false;
  Precision precision = Precision::kF32;
  Json source;     // where the model came from (file, layout, keras_version, ...)
  Json converter;  // {"name", "version"}
  Preprocessing preprocessing;
  std::vector<std::string> labels;                    // empty or one per output unit
  std::optional<TrainingPictures> training_pictures;  // where the file has them
  std::vector<LayerEntry> layers;
  std::vector<SectionEntry> sections;
  uint64_t total_params = 0;
  uint64_t trainable_params = 0;
  Head head;  // what the output means (derived from the layers)
};

// The class's label, or "class N" where the file has none.
std::string ClassLabel(const ModelHeader& header, size_t index);

Json HeaderToJson(const ModelHeader& header);

// Reads and cross-checks a header: known format, layers that fit together (re-derived shapes and
// parameter counts must equal the stored ones), weights whose shapes follow from the layers, and
// section references in range. Does not look at the sections' bytes (see ModelFile).
Status HeaderFromJson(const Json& json, ModelHeader* out);

}  // namespace convscope

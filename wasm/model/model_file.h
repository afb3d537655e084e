// A model file opened in place: validates the whole file up front (preamble, header, every
// section's bounds, alignment, size and CRC-32), then hands out views into the caller's buffer —
// nothing is copied. The buffer must outlive the ModelFile and start on a 4-byte boundary.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "model_format.h"
#include "model_header.h"

namespace convscope {

struct TensorView {
  const WeightEntry* entry = nullptr;
  std::span<const uint8_t> data;  // entry->dtype elements in entry->shape
  std::span<const float> scales;  // int8 only: one per output channel
};

// Reads a weight tensor's values one at a time as f32, dequantized when the file stores int8.
struct WeightReader {
  explicit WeightReader(const TensorView& v)
      : f32(v.entry->dtype == Precision::kF32 ? reinterpret_cast<const float*>(v.data.data())
                                              : nullptr),
        q(reinterpret_cast<const int8_t*>(v.data.data())),
        scales(v.scales),
        row(f32 != nullptr ? 1 : v.data.size() / v.scales.size()) {}
  float operator()(size_t index) const {
    return f32 != nullptr ? f32[index] : scales[index / row] * static_cast<float>(q[index]);
  }
  const float* f32;  // f32 values, or null for int8 ones:
  const int8_t* q;   // int8 values, scales[i / row] * q[i]
  std::span<const float> scales;
  size_t row;  // values per output channel
};

// A weight tensor's values as f32: a copy, dequantized when the file stores int8.
std::vector<float> ValuesAsF32(const TensorView& v);

class ModelFile {
 public:
  static Status Open(std::span<const uint8_t> bytes, std::unique_ptr<ModelFile>* out);

  const ModelHeader& header() const { return header_; }
  // Views of layer `layer_index`'s weights (index < header().layers.size()), kernel then bias.
  std::vector<TensorView> Weights(size_t layer_index) const;

 private:
  ModelFile() = default;

  std::span<const uint8_t> bytes_;
  ModelHeader header_;
};

}  // namespace convscope

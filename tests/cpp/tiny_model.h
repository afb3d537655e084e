// A small but complete model file built in memory (input 6x6x3 -> Conv2D(4) -> MaxPooling2D ->
// Flatten -> Dense(3) with labels), for loader tests that must not depend on the converter.
#pragma once

#include <cstdint>
#include <vector>

#include "json_util.h"
#include "model_builder.h"
#include "model_header.h"

namespace convscope::testing {

struct TinyModel {
  ModelHeader header;
  std::vector<std::vector<uint8_t>> sections;  // the bytes of each section, by index
  std::vector<float> conv_kernel_ohwi, conv_bias, dense_kernel_oi, dense_bias;
};

// int8 = false stores every weight as f32; true stores kernels as int8 + per-channel scales.
TinyModel MakeTinyModel(bool int8);

// The file for `header` (usually TinyModel's, possibly edited) and the model's sections.
std::vector<uint8_t> BuildFile(const TinyModel& model, const Json& header);

}  // namespace convscope::testing

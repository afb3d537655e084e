// The model input from an image already at the input size, following the model header's
// preprocessing (wasm/model_header.h): channel order, then x' = (x * scale - mean[c]) / std[c].
#pragma once

#include <span>

#include "image.h"
#include "model_header.h"

namespace convscope {

// `out` has width * height * 3 floats, NHWC.
void Preprocess(const RgbImage& image, const Preprocessing& p, std::span<float> out);

}  // namespace convscope

// Statistics of a weight tensor for the page's layer inspector (stored in the model header so the
// page never touches the tensors for them), and the error int8 quantization introduced.
#pragma once

#include <span>

#include "json_util.h"
#include "quantize.h"

namespace convscope::convert {

inline constexpr size_t kHistogramBins = 64;

// {"min", "max", "mean", "std", "histogram": {"min", "max", "counts": [64]}}
Json WeightStats(std::span<const float> values);

// {"sqnr_db", "max_abs_error_relative"} of `quantized` (rows of `original`, one per output
// channel): the signal-to-quantization-noise ratio of the dequantized weights, and the largest
// absolute error relative to the tensor's largest magnitude.
Json QuantizationError(std::span<const float> original, const ChannelwiseInt8& quantized);

}  // namespace convscope::convert

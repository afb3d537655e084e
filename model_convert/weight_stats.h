// Statistics of a weight tensor for the page's layer inspector (stored in the model header so the
// page never touches the tensors for them), and the error int8 quantization introduced. Both are
// accumulated block by block while the converter streams a weight, which it reads twice at most.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "base/json_util.h"

namespace convscope::convert {

inline constexpr size_t kHistogramBins = 64;

// {"min", "max", "mean", "std", "histogram": {"min", "max", "counts": [64]}}: first every value
// through AddMoments, then every value through AddToHistogram (its bins need the range).
class WeightStatsBuilder {
 public:
  void AddMoments(std::span<const float> values);
  void AddToHistogram(std::span<const float> values);
  Json Finish() const;

 private:
  double lo_ = std::numeric_limits<double>::infinity(), hi_ = -lo_, sum_ = 0, sum_sq_ = 0;
  uint64_t n_ = 0;
  std::vector<uint64_t> counts_ = std::vector<uint64_t>(kHistogramBins, 0);
};

// {"sqnr_db", "max_abs_error_relative"}: the signal-to-quantization-noise ratio of the dequantized
// weights, and the largest absolute error relative to the tensor's largest magnitude.
class QuantizationErrorBuilder {
 public:
  // `original` quantized to q at `scale`.
  void Add(float original, float scale, int8_t q) {
    const double e = static_cast<double>(original) - static_cast<double>(scale) * q;
    signal_ += static_cast<double>(original) * original;
    noise_ += e * e;
    max_err_ = std::max(max_err_, e < 0 ? -e : e);
    max_abs_ = std::max(max_abs_, static_cast<double>(original < 0 ? -original : original));
  }
  Json Finish() const;

 private:
  double signal_ = 0, noise_ = 0, max_err_ = 0, max_abs_ = 0;
};

}  // namespace convscope::convert

#include "weight_stats.h"

#include <algorithm>
#include <cmath>

namespace convscope::convert {

void WeightStatsBuilder::AddMoments(std::span<const float> values) {
  for (float x : values) {
    lo_ = std::min<double>(lo_, x);
    hi_ = std::max<double>(hi_, x);
    sum_ += x;
    sum_sq_ += static_cast<double>(x) * x;
  }
  n_ += values.size();
}

void WeightStatsBuilder::AddToHistogram(std::span<const float> values) {
  const double width = (hi_ - lo_) / kHistogramBins;
  for (float x : values) {
    const size_t bin = width > 0 ? static_cast<size_t>((x - lo_) / width) : 0;
    ++counts_[std::min(bin, kHistogramBins - 1)];
  }
}

Json WeightStatsBuilder::Finish() const {
  const double n = static_cast<double>(n_);
  const double mean = n_ == 0 ? 0 : sum_ / n;
  const double var = n_ == 0 ? 0 : std::max(0.0, sum_sq_ / n - mean * mean);
  const double lo = n_ == 0 ? 0 : lo_, hi = n_ == 0 ? 0 : hi_;
  return {{"min", lo},
          {"max", hi},
          {"mean", mean},
          {"std", std::sqrt(var)},
          {"histogram", {{"min", lo}, {"max", hi}, {"counts", counts_}}}};
}

Json QuantizationErrorBuilder::Finish() const {
  // A lossless tensor (all zeros, say) has no finite SQNR; JSON has no infinity, so cap it.
  const double sqnr = noise_ > 0 ? 10 * std::log10(signal_ / noise_) : 999.0;
  return {{"sqnr_db", sqnr}, {"max_abs_error_relative", max_abs_ > 0 ? max_err_ / max_abs_ : 0.0}};
}

}  // namespace convscope::convert

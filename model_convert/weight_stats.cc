#include "weight_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace convscope::convert {

Json WeightStats(std::span<const float> v) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0, sum_sq = 0;
  for (float x : v) {
    lo = std::min<double>(lo, x);
    hi = std::max<double>(hi, x);
    sum += x;
    sum_sq += static_cast<double>(x) * x;
  }
  const double n = static_cast<double>(v.size());
  const double mean = v.empty() ? 0 : sum / n;
  const double var = v.empty() ? 0 : std::max(0.0, sum_sq / n - mean * mean);
  if (v.empty()) lo = hi = 0;
  std::vector<uint64_t> counts(kHistogramBins, 0);
  const double width = (hi - lo) / kHistogramBins;
  for (float x : v) {
    const size_t bin = width > 0 ? static_cast<size_t>((x - lo) / width) : 0;
    ++counts[std::min(bin, kHistogramBins - 1)];
  }
  return {{"min", lo},
          {"max", hi},
          {"mean", mean},
          {"std", std::sqrt(var)},
          {"histogram", {{"min", lo}, {"max", hi}, {"counts", counts}}}};
}

Json QuantizationError(std::span<const float> original, const ChannelwiseInt8& q) {
  double signal = 0, noise = 0, max_err = 0, max_abs = 0;
  const size_t row = q.scales.empty() ? 1 : original.size() / q.scales.size();
  for (size_t i = 0; i < original.size(); ++i) {
    const double dequantized = static_cast<double>(q.scales[i / row]) * q.values[i];
    const double e = static_cast<double>(original[i]) - dequantized;
    signal += static_cast<double>(original[i]) * original[i];
    noise += e * e;
    max_err = std::max(max_err, std::fabs(e));
    max_abs = std::max(max_abs, std::fabs(static_cast<double>(original[i])));
  }
  // A lossless tensor (all zeros, say) has no finite SQNR; JSON has no infinity, so cap it.
  const double sqnr = noise > 0 ? 10 * std::log10(signal / noise) : 999.0;
  return {{"sqnr_db", sqnr}, {"max_abs_error_relative", max_abs > 0 ? max_err / max_abs : 0.0}};
}

}  // namespace convscope::convert

#include "predictions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace convscope {

std::vector<Prediction> TopK(std::span<const float> probabilities, std::span<const float> logits,
                             size_t k) {
  std::vector<size_t> order(probabilities.size());
  std::iota(order.begin(), order.end(), 0);
  k = std::min(k, order.size());
  // NaN logits (a NaN input carries through) rank last: the order must stay a strict weak one.
  auto key = [&](size_t i) {
    return std::isnan(logits[i]) ? -std::numeric_limits<float>::infinity() : logits[i];
  };
  std::partial_sort(
      order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
      [&](size_t a, size_t b) { return key(a) > key(b) || (key(a) == key(b) && a < b); });
  std::vector<Prediction> top;
  for (size_t i = 0; i < k; ++i)
    top.push_back({order[i], probabilities[order[i]], logits[order[i]]});
  return top;
}

std::vector<float> Softmax(std::span<const float> logits) {
  const float max = logits.empty() ? 0.0f : *std::max_element(logits.begin(), logits.end());
  std::vector<float> p(logits.size());
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) sum += p[i] = std::exp(logits[i] - max);
  for (float& v : p) v = static_cast<float>(v / sum);
  return p;
}

}  // namespace convscope

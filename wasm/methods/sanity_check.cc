#include "sanity_check.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "gaussian.h"
#include "model/layer_roles.h"

namespace convscope {
namespace {

std::vector<double> Ranks(std::span<const float> v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = average;
    i = j + 1;
  }
  return ranks;
}

template <typename T>
double StdDev(std::span<const T> v) {
  double sum = 0, squares = 0;
  for (T x : v) sum += static_cast<double>(x), squares += static_cast<double>(x) * x;
  const double n = static_cast<double>(v.size()), mean = sum / n;
  return std::sqrt(std::max(0.0, squares / n - mean * mean));
}

}  // namespace

std::vector<size_t> TopWeightedLayers(const ModelHeader& header, size_t count) {
  std::vector<size_t> out;
  for (size_t i = header.layers.size(); i-- > 0 && out.size() < count;) {
    if (KernelWeight(header, i)) out.push_back(i);
  }
  return out;
}

void RandomizeKernel(const ModelFile& file, size_t layer, uint32_t seed, std::span<uint8_t> bytes) {
  const TensorView kernel = file.Weights(layer)[*KernelWeight(file.header(), layer)];
  uint8_t* data = bytes.data() + (kernel.data.data() - bytes.data());
  GaussianSampler normal(seed);
  if (kernel.entry->dtype == Precision::kF32) {
    const size_t n = kernel.data.size() / sizeof(float);
    std::vector<float> values(n);
    std::memcpy(values.data(), data, n * sizeof(float));
    const double sd = StdDev<float>(values);
    for (float& v : values) v = static_cast<float>(sd * normal());
    std::memcpy(data, values.data(), n * sizeof(float));
  } else {
    const std::span<int8_t> q(reinterpret_cast<int8_t*>(data), kernel.data.size());
    const double sd = StdDev<int8_t>(q);
    for (int8_t& v : q)
      v = static_cast<int8_t>(std::clamp(std::lround(sd * normal()), -127L, 127L));
  }
}

double SpearmanCorrelation(std::span<const float> a, std::span<const float> b) {
  const std::vector<double> ra = Ranks(a), rb = Ranks(b);
  const double mean = (static_cast<double>(a.size()) - 1.0) / 2.0;
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    ab += (ra[i] - mean) * (rb[i] - mean);
    aa += (ra[i] - mean) * (ra[i] - mean);
    bb += (rb[i] - mean) * (rb[i] - mean);
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

}  // namespace convscope

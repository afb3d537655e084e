// The class probability of perturbed copies of the image, made one batch at a time: what every
// faithfulness metric measures.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "metric_info.h"

namespace convscope {

// Writes copy i (preprocessed, the image's shape) into `copy`.
using MakeCopyFn = std::function<void(size_t i, std::span<float> copy)>;

// The class probability of each of `count` copies, in order; progress from `from` to `to`.
Status CopyProbabilities(const MetricInput& in, size_t count, const MakeCopyFn& make, double from,
                         double to, std::vector<float>* probabilities);

// Pixel indices (row-major) from the largest value of `map` to the smallest; ties in index order.
std::vector<size_t> PixelOrder(std::span<const float> map);

}  // namespace convscope

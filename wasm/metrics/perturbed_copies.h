// The class probability of perturbed copies of the image, made one batch at a time: what every
// faithfulness metric measures.
#pragma once

#include <span>
#include <vector>

#include "metric_info.h"

namespace convscope {

// The class probability of each of `count` copies, in order, appended; progress from 0 to 1.
Status CopyProbabilities(const MetricInput& in, size_t count, const MakeCopyFn& make,
                         std::vector<float>* probabilities);

// Pixel indices (row-major) from the largest value of `map` to the smallest; ties in index order.
std::vector<size_t> PixelOrder(std::span<const float> map);

}  // namespace convscope

// Naive convolution used as ground truth by the tests: plain loops, double accumulation.
#pragma once

#include <span>
#include <vector>

#include "engine/conv2d.h"

namespace convscope::testing {

// NHWC input, OHWI weights, same conventions as convscope::Conv2d.
std::vector<float> ReferenceConv2d(const Conv2dShape& shape, std::span<const float> input,
                                   std::span<const float> weights, std::span<const float> bias);

// d(sum of output * output_gradient) / d input: what the backward pass computes for a
// convolution.
std::vector<float> ReferenceConv2dInputGradient(const Conv2dShape& shape,
                                                std::span<const float> output_gradient,
                                                std::span<const float> weights);

// The same loops over |input| and |weights|, without bias or ReLU. With all-ones weights it sums
// |x| over each receptive field, with an all-ones input it sums |w| over the taps inside the image:
// the two sums that bound the quantization error of each output element.
std::vector<float> AbsoluteConv2d(const Conv2dShape& shape, std::span<const float> input,
                                  std::span<const float> weights);

}  // namespace convscope::testing

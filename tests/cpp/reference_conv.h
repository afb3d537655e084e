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

// How far convscope's int8 convolution (qd8-f32-qc8w) may be from ReferenceConv2d, per output
// element o with receptive field R(o):
//   |y_int8 - y| <= 1/2 * s_w[k] * sum_R |x|  +  s_x * sum_R |w_q * s_w[k]|  +  slack
// s_w[k]: the weight scale of output channel k (rounding error <= s_w/2 per weight).
// s_x = (max(x, 0) - min(x, 0)) / 255: XNNPACK's per-image activation step; an activation is off
// by at most one full step, since XNNPACK rounds the zero point (half a step) before rounding x.
// ReLU is 1-Lipschitz, so the bound holds after it. slack: float rounding, 1e-5 x max|y|.
std::vector<float> Int8ErrorBound(const Conv2dShape& shape, std::span<const float> input,
                                  std::span<const float> weights, std::span<const float> want);

}  // namespace convscope::testing

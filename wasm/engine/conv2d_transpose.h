// The transpose of a convolution (XNNPACK's deconvolution): what takes a gradient back through a
// strided, dilated, grouped (depthwise) or asymmetrically padded Conv2d, built once from the
// convolution's shape and f32 weights and reused. A plain convolution's transpose is itself a
// convolution (ConvInputGradient, layers/convolution.h), which runs faster (Winograd where it
// suits).
#pragma once

#include <pthreadpool.h>

#include <memory>
#include <span>

#include "base/status.h"
#include "conv2d_shape.h"
#include "xnn_handles.h"

namespace convscope {

class Conv2dTranspose {
 public:
  // `forward` is the convolution's shape, `weights` its OHWI kernel (groups x out/groups x kh x
  // kw x in/groups), packed here (the caller may drop them).
  static Status Create(const Conv2dShape& forward, std::span<const float> weights,
                       pthreadpool_t threadpool, std::unique_ptr<Conv2dTranspose>* out);

  // `output_gradient` (the convolution's output shape, followed by XNN_EXTRA_BYTES that XNNPACK
  // may read) to the gradient of its input, `input_gradient` (the convolution's input shape).
  Status Run(std::span<const float> output_gradient, std::span<float> input_gradient);

 private:
  Conv2dTranspose() = default;
  Conv2dShape forward_;
  RuntimePtr runtime_;
};

}  // namespace convscope

// The shape of a 2-D convolution as convscope runs them (NHWC, batch 1, stride 1, symmetric zero
// padding, optional fused ReLU): shared by the ways a convolution is computed.
#pragma once

#include <cstddef>

namespace convscope {

struct Conv2dShape {
  size_t height = 0;  // input rows
  size_t width = 0;   // input columns
  size_t in_channels = 0;
  size_t out_channels = 0;
  size_t kernel_height = 3;
  size_t kernel_width = 3;
  size_t padding_height = 1;  // zero rows added above and below
  size_t padding_width = 1;   // zero columns added left and right
  bool relu = true;           // fused into the convolution's output clamp

  size_t output_height() const { return height + 2 * padding_height - kernel_height + 1; }
  size_t output_width() const { return width + 2 * padding_width - kernel_width + 1; }
};

}  // namespace convscope

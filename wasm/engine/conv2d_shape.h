// The shape of a 2-D convolution as convscope runs them (NHWC, batch 1, zero padding, optional
// fused ReLU): shared by the ways a convolution is computed.
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
  size_t padding_height = 1;  // zero rows added above, and below (plus padding_bottom_extra)
  size_t padding_width = 1;   // zero columns added left, and right (plus padding_right_extra)
  bool relu = true;           // fused into the convolution's output clamp
  size_t stride_height = 1;
  size_t stride_width = 1;
  size_t dilation_height = 1;
  size_t dilation_width = 1;
  // Depthwise: in_channels groups of one input channel and out_channels / groups outputs each.
  size_t groups = 1;
  // TensorFlow's SAME padding puts its odd row and column below and to the right.
  size_t padding_bottom_extra = 0;
  size_t padding_right_extra = 0;

  size_t window_height() const { return (kernel_height - 1) * dilation_height + 1; }
  size_t window_width() const { return (kernel_width - 1) * dilation_width + 1; }
  size_t padded_height() const { return height + 2 * padding_height + padding_bottom_extra; }
  size_t padded_width() const { return width + 2 * padding_width + padding_right_extra; }
  size_t output_height() const { return (padded_height() - window_height()) / stride_height + 1; }
  size_t output_width() const { return (padded_width() - window_width()) / stride_width + 1; }
  size_t group_in_channels() const { return in_channels / groups; }
  // Stride 1, no dilation, one group, symmetric padding: the convolutions VGG16 has.
  bool plain() const {
    return stride_height == 1 && stride_width == 1 && dilation_height == 1 && dilation_width == 1 &&
           groups == 1 && padding_bottom_extra == 0 && padding_right_extra == 0;
  }
};

}  // namespace convscope

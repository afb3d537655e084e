// A 3x3, stride-1 f32 convolution (NHWC; zero padding 1, or none) by Winograd's minimal
// filtering F(2x2, 3x3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2015):
// each 2x2 block of outputs takes 16 multiplications per input/output channel pair instead of 36,
// so the 3x3 convolutions that are all of VGG16's work need 4/9 of the multiplications. XNNPACK
// has no Winograd path; it does the part that costs, the 16 matrix products per block of tiles
// (one batch-matrix-multiply operator with the transformed weights packed once), and the input and
// output transforms around it are ours, split among the pool's threads.
//
// Results differ from a direct convolution by rounding only (a few units in the last place of the
// largest terms); every output element is computed in a fixed order whatever the thread count, so
// threaded results equal single-threaded ones bit for bit.
#pragma once

#include <pthreadpool.h>

#include <memory>
#include <span>
#include <vector>

#include "base/status.h"
#include "conv2d_shape.h"
#include "xnn_handles.h"

namespace convscope {

class WinogradConv {
 public:
  // Whether `shape` is one this class computes (3x3 kernel, the same padding of 0 or 1 on every
  // side) and gains by it: with few input or output channels (an RGB image, its gradient) the
  // transforms would cost more than the products they save.
  static bool Suits(const Conv2dShape& shape);

  // `weights` OHWI and `bias` (out_channels values, or none) are transformed and packed here;
  // neither is kept. The shape must suit (Suits).
  static Status Create(const Conv2dShape& shape, std::span<const float> weights,
                       std::span<const float> bias, pthreadpool_t threadpool,
                       std::unique_ptr<WinogradConv>* out);

  // input: [height][width][in_channels] of the shape given to Create; output: [output_height]
  // [output_width][out_channels].
  Status Run(const float* input, float* output);
  // The same on `batch` images of another size (its channels, padding and ReLU are the shape's).
  Status Run(const float* input, size_t batch, size_t height, size_t width, float* output);

 private:
  WinogradConv() = default;

  Conv2dShape shape_;
  std::vector<float> bias_;
  pthreadpool_t threadpool_ = nullptr;
  size_t block_ = 0;          // at most this many tiles are transformed and multiplied at a time
  size_t reshaped_rows_ = 0;  // the block size the operator was last reshaped for
  OperatorPtr products_;      // 16 matrix products: [16][tiles][in] x [16][in][out]
};

}  // namespace convscope

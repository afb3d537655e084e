// A single 2-D convolution (NHWC, batch 1, stride 1, symmetric zero padding, optional fused ReLU),
// built once in Create and reused by every Run.
//
// Two precisions:
//   f32  — f32 weights and activations. 3x3 kernels with padding 1 on more than a few input
//          channels (all of VGG16's but the first) run by Winograd's F(2x2, 3x3)
//          (winograd_conv.h), the others through an XNNPACK subgraph.
//   int8 — per-output-channel int8 weights (qc8w) with activations dynamically quantized to int8
//          per image (XNNPACK's qd8-f32-qc8w path); input and output stay f32. Chosen over static
//          qs8 because it is faster here (see docs/measurements.md) and needs no calibration.
#pragma once

#include <pthreadpool.h>

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/precision.h"
#include "base/status.h"
#include "conv2d_shape.h"
#include "layer_weights.h"
#include "quantize.h"
#include "winograd_conv.h"
#include "xnn_handles.h"

namespace convscope {

// Who holds the input and output: the convolution (input(), output(), Run) or the caller (RunOn),
// for callers that keep many convolutions but run one at a time (the backward passes).
enum class Conv2dBuffers { kOwn, kCaller };

class Conv2d {
 public:
  // `weights` (OHWI [out_channels][kernel_height][kernel_width][in_channels], f32 or int8 with a
  // scale per output channel, and out_channels bias values) are packed here; the caller may drop
  // them afterwards. The model's layers, from the file's weights in place.
  static Status Create(const Conv2dShape& shape, const LayerWeights& weights,
                       pthreadpool_t threadpool, std::unique_ptr<Conv2d>* conv_out,
                       Conv2dBuffers buffers = Conv2dBuffers::kOwn);
  // The same from f32 weights, quantized per output channel first with Precision::kInt8; the
  // values are checked (the JavaScript surface and the backward passes).
  static Status Create(const Conv2dShape& shape, Precision precision,
                       std::span<const float> weights, std::span<const float> bias,
                       pthreadpool_t threadpool, std::unique_ptr<Conv2d>* conv_out,
                       Conv2dBuffers buffers = Conv2dBuffers::kOwn);

  ~Conv2d();
  Conv2d(const Conv2d&) = delete;
  Conv2d& operator=(const Conv2d&) = delete;

  const Conv2dShape& shape() const { return shape_; }
  Precision precision() const { return precision_; }
  // Whether it runs by Winograd's F(2x2, 3x3) (winograd_conv.h) rather than XNNPACK's direct
  // convolution.
  bool winograd() const { return winograd_ != nullptr; }

  // Input NHWC [1][height][width][in_channels]: fill it, then call Run.
  // (Empty with Conv2dBuffers::kCaller, as is output().)
  std::span<float> input() { return {input_.data(), input_.empty() ? 0 : input_size_}; }
  // Output NHWC [1][output_height][output_width][out_channels], valid after a successful Run.
  std::span<const float> output() const { return output_; }

  Status Run();
  // With Conv2dBuffers::kCaller: runs on `input` (its shape, followed by XNN_EXTRA_BYTES that
  // XNNPACK may read) into `output`.
  Status RunOn(std::span<const float> input, std::span<float> output);
  // With Conv2dBuffers::kCaller: runs `batch` images of height x width (at least the kernel's size
  // less twice the padding) with the shape's channels, padding and ReLU, from `input` (followed by
  // XNN_EXTRA_BYTES XNNPACK may read) into `output`, both NHWC: the occlusion trunk's batches of
  // tiles (incremental_forward.h). Each output element is computed as in a run at the created
  // size.
  Status RunBatch(const float* input, size_t batch, size_t height, size_t width, float* output);

 private:
  Conv2d() = default;
  Status Build(const LayerWeights& weights, pthreadpool_t threadpool);
  // Reshapes the runtime for `batch` images of height x width where it was shaped otherwise, and
  // sets it up on the buffers.
  Status Setup(const float* input, size_t batch, size_t height, size_t width, float* output);

  Conv2dShape shape_;
  Precision precision_ = Precision::kF32;
  size_t input_size_ = 0, output_size_ = 0;
  std::vector<float> input_;  // input_size_ + XNN_EXTRA_BYTES of tail padding XNNPACK may read
  std::vector<float> output_;
  // Declared after the buffers they reference so that they are destroyed first. One of the two.
  RuntimePtr runtime_;
  std::array<size_t, 4> runtime_input_dims_{};  // what the runtime was last reshaped for
  std::unique_ptr<WinogradConv> winograd_;
};

// Checks a shape and the buffer sizes that go with it; the message names the offending argument.
Status ValidateConv2d(const Conv2dShape& shape, size_t weights_size, size_t bias_size);

}  // namespace convscope

// A single 2-D convolution (NHWC, batch 1, stride 1, symmetric zero padding, optional fused ReLU)
// run through an XNNPACK subgraph. The runtime is built once in Create and reused by every Run.
//
// Two precisions:
//   f32  — f32 weights and activations.
//   int8 — per-output-channel int8 weights (qc8w) with activations dynamically quantized to int8
//          per image (XNNPACK's qd8-f32-qc8w path); input and output stay f32. Chosen over static
//          qs8 because it is faster here (see docs/measurements.md) and needs no calibration.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "precision.h"
#include "quantize.h"
#include "status.h"
#include "xnn_handles.h"

namespace convscope {

struct Conv2dShape {
  size_t height = 0;  // input rows
  size_t width = 0;   // input columns
  size_t in_channels = 0;
  size_t out_channels = 0;
  size_t kernel_height = 3;
  size_t kernel_width = 3;
  size_t padding = 1;  // zero rows/columns added on every side
  bool relu = true;    // fused into the convolution's output clamp

  size_t output_height() const { return height + 2 * padding - kernel_height + 1; }
  size_t output_width() const { return width + 2 * padding - kernel_width + 1; }
};

// Who holds the input and output: the convolution (input(), output(), Run) or the caller (RunOn),
// for callers that keep many convolutions but run one at a time (the backward passes).
enum class Conv2dBuffers { kOwn, kCaller };

class Conv2d {
 public:
  // `weights` is OHWI [out_channels][kernel_height][kernel_width][in_channels]; `bias` has
  // out_channels values. XNNPACK packs them when the runtime is built; neither the caller's
  // buffers nor a copy are kept.
  // With Precision::kInt8 the f32 weights are quantized per output channel first.
  static Status Create(const Conv2dShape& shape, Precision precision,
                       std::span<const float> weights, std::span<const float> bias,
                       pthreadpool_t threadpool, std::unique_ptr<Conv2d>* conv_out,
                       Conv2dBuffers buffers = Conv2dBuffers::kOwn);

  ~Conv2d();
  Conv2d(const Conv2d&) = delete;
  Conv2d& operator=(const Conv2d&) = delete;

  const Conv2dShape& shape() const { return shape_; }
  Precision precision() const { return precision_; }

  // Input NHWC [1][height][width][in_channels]: fill it, then call Run.
  // (Empty with Conv2dBuffers::kCaller, as is output().)
  std::span<float> input() { return {input_.data(), input_.empty() ? 0 : input_size_}; }
  // Output NHWC [1][output_height][output_width][out_channels], valid after a successful Run.
  std::span<const float> output() const { return output_; }

  Status Run();
  // With Conv2dBuffers::kCaller: runs on `input` (its shape, followed by XNN_EXTRA_BYTES that
  // XNNPACK may read) into `output`.
  Status RunOn(std::span<const float> input, std::span<float> output);

 private:
  Conv2d() = default;
  Status Build(pthreadpool_t threadpool);
  Status Setup(const float* input, float* output);

  Conv2dShape shape_;
  Precision precision_ = Precision::kF32;
  std::vector<float> weights_f32_;  // only until Build has run
  ChannelwiseInt8 weights_int8_;
  std::vector<float> bias_;
  size_t input_size_ = 0, output_size_ = 0;
  std::vector<float> input_;  // input_size_ + XNN_EXTRA_BYTES of tail padding XNNPACK may read
  std::vector<float> output_;
  // Declared after the buffers it references so that it is destroyed first.
  RuntimePtr runtime_;
};

// Checks a shape and the buffer sizes that go with it; the message names the offending argument.
Status ValidateConv2d(const Conv2dShape& shape, size_t weights_size, size_t bias_size);

}  // namespace convscope

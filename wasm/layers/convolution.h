// What the convolution kinds (Conv2D, SeparableConv2D) share: reading Keras' window fields, the
// output shape, the Conv2dShape of a layer, the engine's runner, the gradient through a
// convolution, and the activation that follows a tile runner. Pooling kinds share the window
// fields too, and the two global poolings their config.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "engine/conv2d.h"
#include "engine/conv2d_transpose.h"
#include "layer_kind.h"

namespace convscope {

// A convolution's kernel_size, strides, dilation_rate and padding, or a pooling's pool_size,
// strides (default: the pool size) and padding.
enum class WindowOf { kConvolution, kPooling };
Status ReadConvolutionWindow(const Json& config, const std::string& path, WindowOf what, Layer* l);
void ConvolutionWindowToKeras(const Layer& l, WindowOf what, Json* config);
// A depthwise convolution's config (DepthwiseConv2D, SeparableConv2D's first step):
// depth_multiplier, the window, the activation and use_bias.
Status ReadDepthwiseConfig(const Json& config, const std::string& path, KerasDialect dialect,
                           Layer* l);
void DepthwiseConfigToKeras(const Layer& l, Json* config);
// Output rows (or columns) of a window sliding over `in`: Keras' 'same' gives ceil(in / stride),
// 'valid' floor((in - window) / stride) + 1; 0 when the window does not fit.
size_t WindowOutputSize(size_t in, size_t window, size_t stride, Padding padding);
// {rows, columns, units}: the output of a Conv2D or SeparableConv2D.
Status ConvolutionOutputShape(const Layer& l, const Shape& in, const std::string& where,
                              Shape* out);

// {rows, columns, channels}: the output of a pooling.
Status PoolingOutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out);

// GlobalAveragePooling2D's and GlobalMaxPooling2D's Keras config (keepdims) and output shape.
Status GlobalPoolingFromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l);
void GlobalPoolingToKeras(const Layer& l, Json* config);
Status GlobalPoolingOutputShape(const Layer& l, const Shape& in, const std::string& where,
                                Shape* out);

// The layer's window as a Conv2dShape on an input of shape `in` with `out_channels` outputs in
// `groups` groups; `valid` drops the padding (the occlusion trunk's tiles hold their halo).
Conv2dShape ConvShapeOf(const Layer& l, const Shape& in, size_t out_channels, size_t groups,
                        bool relu, bool valid);

// A Conv2d on the engine's buffers.
class ConvForward final : public LayerForward {
 public:
  ConvForward(std::unique_ptr<Conv2d> conv, const float* input, size_t input_size, float* output)
      : conv_(std::move(conv)),
        input_(input, input_size + XNN_EXTRA_BYTES / sizeof(float)),
        output_(output, conv_->shape().output_height() * conv_->shape().output_width() *
                            conv_->shape().out_channels) {}
  Status Run() override { return conv_->RunOn(input_, output_); }

 private:
  std::unique_ptr<Conv2d> conv_;
  std::span<const float> input_;  // with XNN_EXTRA_BYTES of padding
  std::span<float> output_;
};

// The gradient of a convolution's input from that of its output, built on first use and kept as
// the layer's BackwardState: a convolution with the kernel flipped in space and transposed in
// channels where the convolution is plain (Conv2dShape::plain; Winograd where it suits), XNNPACK's
// deconvolution otherwise.
class ConvInputGradient final : public BackwardState {
 public:
  // `shape` is the forward convolution's, `weights` its OHWI kernel.
  static Status Create(const Conv2dShape& shape, std::span<const float> weights,
                       pthreadpool_t threadpool, std::unique_ptr<BackwardState>* out);
  // `gradient`: the output's on entry, the input's on return; `scratch` holds a padded copy.
  Status Run(std::vector<float>* gradient, std::vector<float>* scratch);

 private:
  Conv2dShape shape_;
  std::unique_ptr<Conv2d> flipped_;
  std::unique_ptr<Conv2dTranspose> transpose_;
};

// The occlusion trunk's tile runner of convolution layer `index` (Conv2D: `groups` 1;
// DepthwiseConv2D: one group per input channel), in f32 whatever the file.
Status ConvolutionTiles(const ModelFile& model, size_t index, size_t out_channels, size_t groups,
                        pthreadpool_t threadpool, std::unique_ptr<TileRunner>* out);

// `runner` as the layer's tile runner, followed by the layer's activation where it is neither
// linear nor the plain ReLU the runner fused.
Status WithActivationTiles(const Layer& l, std::unique_ptr<TileRunner> runner,
                           std::unique_ptr<TileRunner>* out);

}  // namespace convscope

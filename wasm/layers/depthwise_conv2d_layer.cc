// DepthwiseConv2D: each input channel convolved on its own by depth_multiplier filters (output
// channel c * depth_multiplier + m), strides, dilation and padding as Conv2D, with bias and any
// activation (MobileNet's and EfficientNet's blocks). Keras 3 names the kernel `kernel`, tf.keras
// `depthwise_kernel`; the converter takes weights by position, the file stores it as
// `depthwise_kernel` in the depthwise layout. A grouped convolution in the engine, always in f32:
// XNNPACK's dynamically quantized (qd8) path has no grouped convolution, and a depthwise layer is a
// small part of a model's work (one multiplication per weight and output instead of one per input
// channel).
#include "convolution.h"
#include "keras_config.h"
#include "model/model_file.h"

namespace convscope {
namespace {

size_t OutputChannels(const Layer& l, const Shape& in) { return in[2] * l.depth_multiplier; }

Status OutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out) {
  Layer window = l;
  window.units = OutputChannels(l, in);
  return ConvolutionOutputShape(window, in, where, out);
}

std::vector<WeightSpec> Weights(const Layer& l, const Shape& in) {
  std::vector<WeightSpec> specs = {
      {.name = "depthwise_kernel",
       .keras_shape = {l.kernel_h, l.kernel_w, in[2], l.depth_multiplier},
       .layout = WeightLayout::kDepthwise}};
  if (l.use_bias) specs.push_back({.name = "bias", .keras_shape = {OutputChannels(l, in)}});
  return specs;
}

Conv2dShape ShapeOf(const Layer& l, const Shape& in, bool relu) {
  return ConvShapeOf(l, in, OutputChannels(l, in), in[2], relu, /*valid=*/false);
}

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  const Layer& l = *c.layer;
  const Shape& in = c.input_shape();
  const std::vector<float> kernel = ValuesAsF32((*c.views)[0]);
  std::unique_ptr<Conv2d> conv;
  const Status s =
      Conv2d::Create(ShapeOf(l, in, c.fuse_relu), {.kernel_f32 = kernel, .bias = c.weights->bias},
                     c.threadpool, &conv, Conv2dBuffers::kCaller);
  if (!s.ok()) return Status::Error("layer " + l.name + " (DepthwiseConv2D): " + s.message());
  *out = std::make_unique<ConvForward>(std::move(conv), c.input(), Elements(in), c.output);
  return Status::Ok();
}

Status BuildBackwardState(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                          std::unique_ptr<BackwardState>* out) {
  const Layer& l = model.header().layers[index].layer;
  const Shape& in = model.header().layers[l.inputs[0]].layer.output_shape;
  return ConvInputGradient::Create(ShapeOf(l, in, false), ValuesAsF32(model.Weights(index)[0]),
                                   threadpool, out);
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  if (!*c.state) {
    CONVSCOPE_RETURN_IF_ERROR(BuildBackwardState(*c.model, c.index, c.threadpool, c.state));
  }
  return static_cast<ConvInputGradient&>(**c.state).Run(gradient, c.scratch);
}

Status BuildTiles(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                  std::unique_ptr<TileRunner>* out) {
  const Layer& l = model.header().layers[index].layer;
  const Shape& in = model.header().layers[l.inputs[0]].layer.output_shape;
  return ConvolutionTiles(model, index, OutputChannels(l, in), in[2], threadpool, out);
}

}  // namespace

const LayerKindOps& DepthwiseConv2DLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kDepthwiseConv2D,
      .keras_classes = {"DepthwiseConv2D"},
      .category = "Layer",
      .description = "A convolution of each channel on its own: no mixing across channels.",
      .input_rank = 3,
      .from_keras = &ReadDepthwiseConfig,
      .to_keras = &DepthwiseConfigToKeras,
      .output_shape = &OutputShape,
      .weights = &Weights,
      .forward = &BuildForward,
      .has_activation = true,
      .fuses_relu = true,
      .has_filters = true,
      .backward = &Backward,
      .backward_state = &BuildBackwardState,
      .tiles = &BuildTiles};
  return ops;
}

}  // namespace convscope

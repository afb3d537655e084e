// SeparableConv2D: a depthwise convolution (each input channel on its own, depth_multiplier
// filters each; strides, dilation, padding as Conv2D) followed by a 1x1 convolution across the
// channels, with bias and any activation. Two Conv2d in the engine (the depthwise one in f32: it
// is small, and XNNPACK's dynamically quantized path has no grouped convolution), their
// transposes in the backward pass.
#include "convolution.h"
#include "keras_config.h"
#include "model/model_file.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect dialect, Layer* l) {
  CONVSCOPE_RETURN_IF_ERROR(ReadSize(config, "filters", path, &l->units));
  if (l->units == 0) return Status::Error(path + ".filters must be positive");
  return ReadDepthwiseConfig(config, path, dialect, l);
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["filters"] = l.units;
  DepthwiseConfigToKeras(l, config);
}

std::vector<WeightSpec> Weights(const Layer& l, const Shape& in) {
  const size_t dm = l.depth_multiplier;
  std::vector<WeightSpec> specs = {{.name = "depthwise_kernel",
                                    .keras_shape = {l.kernel_h, l.kernel_w, in[2], dm},
                                    .layout = WeightLayout::kDepthwise},
                                   {.name = "pointwise_kernel",
                                    .keras_shape = {1, 1, in[2] * dm, l.units},
                                    .layout = WeightLayout::kOHWI,
                                    .quantizable = true}};
  if (l.use_bias) specs.push_back({.name = "bias", .keras_shape = {l.units}});
  return specs;
}

Conv2dShape DepthwiseShape(const Layer& l, const Shape& in) {
  return ConvShapeOf(l, in, in[2] * l.depth_multiplier, in[2], false, /*valid=*/false);
}

Conv2dShape PointwiseShape(const Layer& l, const Shape& in, bool relu) {
  return {.height = l.output_shape[0],
          .width = l.output_shape[1],
          .in_channels = in[2] * l.depth_multiplier,
          .out_channels = l.units,
          .kernel_height = 1,
          .kernel_width = 1,
          .padding_height = 0,
          .padding_width = 0,
          .relu = relu};
}

class Forward final : public LayerForward {
 public:
  Status Run() override {
    CONVSCOPE_RETURN_IF_ERROR(depthwise->RunOn(input, middle));
    return pointwise->RunOn(middle, output);
  }
  std::unique_ptr<Conv2d> depthwise, pointwise;
  std::span<const float> input;
  std::vector<float> middle;  // the depthwise output, with XNN_EXTRA_BYTES of padding
  std::span<float> output;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  const Layer& l = *c.layer;
  const Shape& in = c.input_shape();
  auto f = std::make_unique<Forward>();
  const std::vector<float> depthwise = ValuesAsF32((*c.views)[0]);
  Status s = Conv2d::Create(DepthwiseShape(l, in), {.kernel_f32 = depthwise}, c.threadpool,
                            &f->depthwise, Conv2dBuffers::kCaller);
  if (s.ok()) {
    s = Conv2d::Create(PointwiseShape(l, in, c.fuse_relu), *c.weights, c.threadpool, &f->pointwise,
                       Conv2dBuffers::kCaller);
  }
  if (!s.ok()) return Status::Error("layer " + l.name + " (SeparableConv2D): " + s.message());
  const size_t middle = l.output_shape[0] * l.output_shape[1] * in[2] * l.depth_multiplier;
  f->input = {c.input(), Elements(in) + XNN_EXTRA_BYTES / sizeof(float)};
  f->middle.assign(middle + XNN_EXTRA_BYTES / sizeof(float), 0.0f);
  f->output = {c.output, Elements(l.output_shape)};
  *out = std::move(f);
  return Status::Ok();
}

struct Gradients final : BackwardState {
  std::unique_ptr<BackwardState> pointwise, depthwise;
};

Status BuildBackwardState(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                          std::unique_ptr<BackwardState>* out) {
  const Layer& l = model.header().layers[index].layer;
  const Shape& in = model.header().layers[l.inputs[0]].layer.output_shape;
  auto g = std::make_unique<Gradients>();
  const std::vector<TensorView> w = model.Weights(index);
  CONVSCOPE_RETURN_IF_ERROR(ConvInputGradient::Create(
      PointwiseShape(l, in, false), ValuesAsF32(w[1]), threadpool, &g->pointwise));
  CONVSCOPE_RETURN_IF_ERROR(ConvInputGradient::Create(DepthwiseShape(l, in), ValuesAsF32(w[0]),
                                                      threadpool, &g->depthwise));
  *out = std::move(g);
  return Status::Ok();
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  if (!*c.state) {
    CONVSCOPE_RETURN_IF_ERROR(BuildBackwardState(*c.model, c.index, c.threadpool, c.state));
  }
  auto& g = static_cast<Gradients&>(**c.state);
  CONVSCOPE_RETURN_IF_ERROR(static_cast<ConvInputGradient&>(*g.pointwise).Run(gradient, c.scratch));
  return static_cast<ConvInputGradient&>(*g.depthwise).Run(gradient, c.scratch);
}

}  // namespace

const LayerKindOps& SeparableConv2DLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kSeparableConv2D,
      .keras_classes = {"SeparableConv2D", "SeparableConvolution2D"},
      .category = "Layer",
      .description =
          "A convolution in two steps: each channel filtered on its own, then the "
          "channels mixed by a 1x1 convolution.",
      .input_rank = 3,
      .from_keras = &FromKeras,
      .to_keras = &ToKeras,
      .output_shape = &ConvolutionOutputShape,
      .weights = &Weights,
      .forward = &BuildForward,
      .has_activation = true,
      .fuses_relu = true,
      .has_filters = true,
      .backward = &Backward,
      .backward_state = &BuildBackwardState};
  return ops;
}

}  // namespace convscope

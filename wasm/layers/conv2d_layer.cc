// Conv2D: any kernel, strides and dilation, 'valid' or 'same' padding exactly as Keras pads (the
// odd row or column of padding below and to the right), with or without bias, any activation. Run
// by a Conv2d (conv2d.h) in the engine and the occlusion trunk (valid, on batches of tiles), and
// by its transpose in the backward pass (ConvInputGradient, convolution.h).
#include "convolution.h"
#include "keras_config.h"
#include "layer_kind.h"
#include "model/model_file.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect dialect, Layer* l) {
  CONVSCOPE_RETURN_IF_ERROR(ReadSize(config, "filters", path, &l->units));
  if (l->units == 0) return Status::Error(path + ".filters must be positive");
  CONVSCOPE_RETURN_IF_ERROR(ReadConvolutionWindow(config, path, WindowOf::kConvolution, l));
  CONVSCOPE_RETURN_IF_ERROR(ReadActivation(config, dialect, &l->activation));
  if (const Json* g = Find(config, "groups"); g != nullptr && AsSize(*g) != size_t{1}) {
    return Unsupported("Conv2D groups");
  }
  l->use_bias = ReadUseBias(config);
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["filters"] = l.units;
  ConvolutionWindowToKeras(l, WindowOf::kConvolution, config);
  (*config)["activation"] = ActivationToJson(l.activation);
  (*config)["use_bias"] = l.use_bias;
}

std::vector<WeightSpec> Weights(const Layer& l, const Shape& in) {
  std::vector<WeightSpec> specs = {{.name = "kernel",
                                    .keras_shape = {l.kernel_h, l.kernel_w, in[2], l.units},
                                    .layout = WeightLayout::kOHWI,
                                    .quantizable = true}};
  if (l.use_bias) specs.push_back({.name = "bias", .keras_shape = {l.units}});
  return specs;
}

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  const Layer& l = *c.layer;
  const Shape& in = c.input_shape();
  const Conv2dShape shape = ConvShapeOf(l, in, l.units, 1, c.fuse_relu, /*valid=*/false);
  std::unique_ptr<Conv2d> conv;
  const Status s = Conv2d::Create(shape, *c.weights, c.threadpool, &conv, Conv2dBuffers::kCaller);
  if (!s.ok()) return Status::Error("layer " + l.name + " (Conv2D): " + s.message());
  *out = std::make_unique<ConvForward>(std::move(conv), c.input(), Elements(in), c.output);
  return Status::Ok();
}

Status BuildBackwardState(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                          std::unique_ptr<BackwardState>* out) {
  const Layer& l = model.header().layers[index].layer;
  const Shape& in = model.header().layers[l.inputs[0]].layer.output_shape;
  return ConvInputGradient::Create(ConvShapeOf(l, in, l.units, 1, false, /*valid=*/false),
                                   ValuesAsF32(model.Weights(index)[0]), threadpool, out);
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
  return ConvolutionTiles(model, index, l.units, 1, threadpool, out);
}

}  // namespace

const LayerKindOps& Conv2DLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kConv2D,
      .keras_classes = {"Conv2D", "Convolution2D"},
      .category = "Layer",
      .description = "A 2-D convolution: each filter slides over the input and sums what it sees.",
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
      .backward_state = &BuildBackwardState,
      .tiles = &BuildTiles};
  return ops;
}

}  // namespace convscope

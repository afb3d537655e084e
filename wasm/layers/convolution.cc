#include "convolution.h"

#include <algorithm>
#include <functional>

#include "keras_config.h"
#include "model/model_file.h"
#include "pointwise.h"

namespace convscope {

Status ReadConvolutionWindow(const Json& config, const std::string& path, WindowOf what, Layer* l) {
  const bool pooling = what == WindowOf::kPooling;
  CONVSCOPE_RETURN_IF_ERROR(
      ReadWindow(config, pooling ? "pool_size" : "kernel_size", path, &l->kernel_h, &l->kernel_w));
  const Json* s = Find(config, "strides");
  if (s == nullptr || s->is_null()) {  // Keras: a pooling's strides default to its pool size
    l->stride_h = pooling ? l->kernel_h : 1;
    l->stride_w = pooling ? l->kernel_w : 1;
  } else {
    CONVSCOPE_RETURN_IF_ERROR(ReadWindow(config, "strides", path, &l->stride_h, &l->stride_w));
  }
  if (!pooling && Find(config, "dilation_rate")) {
    CONVSCOPE_RETURN_IF_ERROR(
        ReadWindow(config, "dilation_rate", path, &l->dilation_h, &l->dilation_w));
  }
  if ((l->dilation_h > 1 || l->dilation_w > 1) && (l->stride_h > 1 || l->stride_w > 1)) {
    // Keras refuses it too: TensorFlow has no strided dilated convolution.
    return Unsupported("strides > 1 together with dilation_rate > 1");
  }
  CONVSCOPE_RETURN_IF_ERROR(ReadPadding(config, path, &l->padding));
  return CheckChannelsLast(config);
}

void ConvolutionWindowToKeras(const Layer& l, WindowOf what, Json* config) {
  const bool pooling = what == WindowOf::kPooling;
  (*config)[pooling ? "pool_size" : "kernel_size"] = {l.kernel_h, l.kernel_w};
  (*config)["strides"] = {l.stride_h, l.stride_w};
  (*config)["padding"] = PaddingName(l.padding);
  if (!pooling) (*config)["dilation_rate"] = {l.dilation_h, l.dilation_w};
}

Status ReadDepthwiseConfig(const Json& config, const std::string& path, KerasDialect dialect,
                           Layer* l) {
  CONVSCOPE_RETURN_IF_ERROR(ReadSize(config, "depth_multiplier", path, &l->depth_multiplier));
  if (l->depth_multiplier == 0 || l->depth_multiplier > kMaxWindow) {
    return Status::Error(path + ".depth_multiplier must be 1 to " + std::to_string(kMaxWindow));
  }
  CONVSCOPE_RETURN_IF_ERROR(ReadConvolutionWindow(config, path, WindowOf::kConvolution, l));
  CONVSCOPE_RETURN_IF_ERROR(ReadActivation(config, dialect, &l->activation));
  l->use_bias = ReadUseBias(config);
  return Status::Ok();
}

void DepthwiseConfigToKeras(const Layer& l, Json* config) {
  (*config)["depth_multiplier"] = l.depth_multiplier;
  ConvolutionWindowToKeras(l, WindowOf::kConvolution, config);
  (*config)["activation"] = ActivationToJson(l.activation);
  (*config)["use_bias"] = l.use_bias;
}

size_t WindowOutputSize(size_t in, size_t window, size_t stride, Padding padding) {
  if (padding == Padding::kSame) return (in + stride - 1) / stride;
  return in >= window ? (in - window) / stride + 1 : 0;
}

Status ConvolutionOutputShape(const Layer& l, const Shape& in, const std::string& where,
                              Shape* out) {
  const size_t h = WindowOutputSize(in[0], l.window_h(), l.stride_h, l.padding);
  const size_t w = WindowOutputSize(in[1], l.window_w(), l.stride_w, l.padding);
  if (h == 0 || w == 0) {
    return Status::Error(where + ": its " + std::to_string(l.window_h()) + "x" +
                         std::to_string(l.window_w()) + " window is larger than its input " +
                         ShapeString(in));
  }
  *out = {h, w, l.units};
  return Status::Ok();
}

Status PoolingOutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out) {
  Layer window = l;
  window.units = in[2];
  return ConvolutionOutputShape(window, in, where, out);
}

Status GlobalPoolingFromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  CONVSCOPE_RETURN_IF_ERROR(CheckChannelsLast(config));
  return ReadBool(config, "keepdims", path, false, &l->keepdims);
}

void GlobalPoolingToKeras(const Layer& l, Json* config) { (*config)["keepdims"] = l.keepdims; }

Status GlobalPoolingOutputShape(const Layer& l, const Shape& in, const std::string&, Shape* out) {
  *out = l.keepdims ? Shape{1, 1, in[2]} : Shape{in[2]};
  return Status::Ok();
}

Conv2dShape ConvShapeOf(const Layer& l, const Shape& in, size_t out_channels, size_t groups,
                        bool relu, bool valid) {
  const WindowPadding pad = valid ? WindowPadding{} : PaddingOf(l, in);
  return {.height = in[0],
          .width = in[1],
          .in_channels = in[2],
          .out_channels = out_channels,
          .kernel_height = l.kernel_h,
          .kernel_width = l.kernel_w,
          .padding_height = pad.top,
          .padding_width = pad.left,
          .relu = relu,
          .stride_height = l.stride_h,
          .stride_width = l.stride_w,
          .dilation_height = l.dilation_h,
          .dilation_width = l.dilation_w,
          .groups = groups,
          .padding_bottom_extra = pad.bottom - pad.top,
          .padding_right_extra = pad.right - pad.left};
}

Status ConvInputGradient::Create(const Conv2dShape& shape, std::span<const float> weights,
                                 pthreadpool_t threadpool, std::unique_ptr<BackwardState>* out) {
  auto g = std::make_unique<ConvInputGradient>();
  g->shape_ = shape;
  if (!shape.plain() || shape.padding_height >= shape.kernel_height ||
      shape.padding_width >= shape.kernel_width) {
    CONVSCOPE_RETURN_IF_ERROR(Conv2dTranspose::Create(shape, weights, threadpool, &g->transpose_));
    *out = std::move(g);
    return Status::Ok();
  }
  // x_grad = conv(g, K') with K'[i][ky][kx][o] = K[o][kh-1-ky][kw-1-kx][i], padding k-1-p.
  const size_t kh = shape.kernel_height, kw = shape.kernel_width;
  const size_t o_ch = shape.out_channels, i_ch = shape.in_channels;
  std::vector<float> flipped(weights.size());
  for (size_t o = 0; o < o_ch; ++o)
    for (size_t y = 0; y < kh; ++y)
      for (size_t x = 0; x < kw; ++x)
        for (size_t i = 0; i < i_ch; ++i) {
          flipped[((i * kh + (kh - 1 - y)) * kw + (kw - 1 - x)) * o_ch + o] =
              weights[((o * kh + y) * kw + x) * i_ch + i];
        }
  const Conv2dShape transposed{.height = shape.output_height(),
                               .width = shape.output_width(),
                               .in_channels = o_ch,
                               .out_channels = i_ch,
                               .kernel_height = kh,
                               .kernel_width = kw,
                               .padding_height = kh - 1 - shape.padding_height,
                               .padding_width = kw - 1 - shape.padding_width,
                               .relu = false};
  const std::vector<float> zero_bias(i_ch, 0.0f);
  CONVSCOPE_RETURN_IF_ERROR(Conv2d::Create(transposed, Precision::kF32, flipped, zero_bias,
                                           threadpool, &g->flipped_, Conv2dBuffers::kCaller));
  *out = std::move(g);
  return Status::Ok();
}

Status ConvInputGradient::Run(std::vector<float>* gradient, std::vector<float>* scratch) {
  // One padded input buffer for all layers: VGG16's own buffers per layer would be 116 MB.
  const size_t padded = gradient->size() + XNN_EXTRA_BYTES / sizeof(float);
  if (scratch->size() < padded) scratch->resize(padded);
  std::copy(gradient->begin(), gradient->end(), scratch->begin());
  gradient->assign(shape_.height * shape_.width * shape_.in_channels, 0.0f);
  if (transpose_) return transpose_->Run(*scratch, *gradient);
  return flipped_->RunOn(*scratch, *gradient);
}

namespace {

// A tile runner followed by an activation on its output.
class ActivatedTiles final : public TileRunner {
 public:
  ActivatedTiles(const Layer& l, std::unique_ptr<TileRunner> runner)
      : layer_(l), runner_(std::move(runner)), op_(l.activation, l.output_shape.back()) {
    padding = runner_->padding;
    alignment = runner_->alignment;
  }
  Status Run(const float* input, size_t batch, size_t height, size_t width,
             float* output) override {
    CONVSCOPE_RETURN_IF_ERROR(runner_->Run(input, batch, height, width, output));
    const size_t rows = (height - layer_.window_h()) / layer_.stride_h + 1;
    const size_t cols = (width - layer_.window_w()) / layer_.stride_w + 1;
    op_.Run(output, output, batch * rows * cols);
    return Status::Ok();
  }

 private:
  const Layer& layer_;
  std::unique_ptr<TileRunner> runner_;
  ActivationOp op_;
};

}  // namespace

Status ConvolutionTiles(const ModelFile& model, size_t index, size_t out_channels, size_t groups,
                        pthreadpool_t threadpool, std::unique_ptr<TileRunner>* out) {
  const Layer& l = model.header().layers[index].layer;
  const Shape& in = model.header().layers[l.inputs[0]].layer.output_shape;
  const std::vector<TensorView> w = model.Weights(index);
  const std::vector<float> kernel = ValuesAsF32(w[0]);
  const std::vector<float> bias = w.size() > 1 ? ValuesAsF32(w[1]) : std::vector<float>();
  // Made for the smallest tile (one output), reshaped for each batch; f32 whatever the file
  // (incremental_forward.h says why). XNNPACK packs the weights here: the copies can go. The
  // activation, unless a plain ReLU, follows on the tiles (WithActivationTiles).
  const Shape tile = {l.window_h(), l.window_w(), in[2]};
  std::unique_ptr<Conv2d> conv;
  CONVSCOPE_RETURN_IF_ERROR(Conv2d::Create(
      ConvShapeOf(l, tile, out_channels, groups, l.activation.plain_relu(), /*valid=*/true),
      {.kernel_f32 = kernel, .bias = bias}, threadpool, &conv, Conv2dBuffers::kCaller));
  // Winograd computes each output in a 2x2 block with arithmetic that depends on where in its
  // block it lies: tiles that start on even rows and columns compute every output as the whole
  // image's pass does, bit for bit.
  const size_t alignment = conv->winograd() ? 2 : 1;
  return WithActivationTiles(
      l, std::make_unique<RunsTiles<Conv2d>>(std::move(conv), 0.0f, alignment), out);
}

Status WithActivationTiles(const Layer& l, std::unique_ptr<TileRunner> runner,
                           std::unique_ptr<TileRunner>* out) {
  if (l.activation.linear() || l.activation.plain_relu()) {
    *out = std::move(runner);
  } else {
    *out = std::make_unique<ActivatedTiles>(l, std::move(runner));
  }
  return Status::Ok();
}

}  // namespace convscope

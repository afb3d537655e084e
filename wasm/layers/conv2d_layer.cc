// Conv2D: stride 1, 'valid' or 'same' padding (odd kernels), optional ReLU. Run by a Conv2d
// (conv2d.h) in the engine, in the backward pass (its transposed convolution) and in the occlusion
// trunk (valid, on batches of tiles).
#include <algorithm>

#include "engine/conv2d.h"
#include "keras_config.h"
#include "layer_kind.h"
#include "model/model_file.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, Layer* l) {
  std::pair<size_t, size_t> strides{1, 1}, dilation{1, 1};
  CONVSCOPE_RETURN_IF_ERROR(ReadSize(config, "filters", path, &l->units));
  if (l->units == 0) return Status::Error(path + ".filters must be positive");
  CONVSCOPE_RETURN_IF_ERROR(ReadWindow(config, "kernel_size", path, &l->kernel_h, &l->kernel_w));
  if (Find(config, "strides")) {
    CONVSCOPE_RETURN_IF_ERROR(ReadPair(config, "strides", path, &strides));
  }
  if (Find(config, "dilation_rate")) {
    CONVSCOPE_RETURN_IF_ERROR(ReadPair(config, "dilation_rate", path, &dilation));
  }
  CONVSCOPE_RETURN_IF_ERROR(ReadPadding(config, path, &l->padding));
  CONVSCOPE_RETURN_IF_ERROR(ReadActivation(config, l->name, &l->activation));
  CONVSCOPE_RETURN_IF_ERROR(CheckChannelsLast(config, l->name));
  if (strides != std::pair<size_t, size_t>{1, 1}) return Unsupported(l->name, "Conv2D stride");
  if (dilation != std::pair<size_t, size_t>{1, 1}) return Unsupported(l->name, "Conv2D dilation");
  if (const Json* g = Find(config, "groups"); g != nullptr && AsSize(*g) != size_t{1}) {
    return Unsupported(l->name, "Conv2D groups");
  }
  if (l->activation == Activation::kSoftmax) return Unsupported(l->name, "Conv2D softmax");
  if (l->padding == Padding::kSame && (l->kernel_h % 2 == 0 || l->kernel_w % 2 == 0)) {
    return Unsupported(l->name, "'same' padding with an even kernel size");
  }
  l->use_bias = ReadUseBias(config);
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["filters"] = l.units;
  (*config)["kernel_size"] = {l.kernel_h, l.kernel_w};
  (*config)["strides"] = {1, 1};
  (*config)["padding"] = PaddingName(l.padding);
  (*config)["activation"] = ActivationName(l.activation);
  (*config)["use_bias"] = l.use_bias;
}

Status OutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out) {
  const size_t pad_h = l.padding == Padding::kSame ? l.kernel_h - 1 : 0;
  const size_t pad_w = l.padding == Padding::kSame ? l.kernel_w - 1 : 0;
  if (in[0] + pad_h < l.kernel_h || in[1] + pad_w < l.kernel_w) {
    return Status::Error(where + ": kernel " + std::to_string(l.kernel_h) + "x" +
                         std::to_string(l.kernel_w) + " is larger than its input " +
                         ShapeString(in));
  }
  *out = {in[0] + pad_h - l.kernel_h + 1, in[1] + pad_w - l.kernel_w + 1, l.units};
  return Status::Ok();
}

std::vector<Shape> WeightShapes(const Layer& l, const Shape& in) {
  std::vector<Shape> shapes = {{l.kernel_h, l.kernel_w, in[2], l.units}};
  if (l.use_bias) shapes.push_back({l.units});
  return shapes;
}

// The layer as a Conv2d on an input of height x width: Keras' 'same' with stride 1 and an odd
// kernel pads (k - 1) / 2 on every side; `valid` forces no padding (the occlusion trunk's tiles).
Conv2dShape ShapeOf(const Layer& l, size_t height, size_t width, size_t in_channels, bool valid) {
  const bool same = l.padding == Padding::kSame && !valid;
  return {.height = height,
          .width = width,
          .in_channels = in_channels,
          .out_channels = l.units,
          .kernel_height = l.kernel_h,
          .kernel_width = l.kernel_w,
          .padding_height = same ? (l.kernel_h - 1) / 2 : 0,
          .padding_width = same ? (l.kernel_w - 1) / 2 : 0,
          .relu = l.activation == Activation::kRelu};
}

class Forward final : public LayerForward {
 public:
  Forward(std::unique_ptr<Conv2d> conv, std::span<const float> input, std::span<float> output)
      : conv_(std::move(conv)), input_(input), output_(output) {}
  Status Run() override { return conv_->RunOn(input_, output_); }

 private:
  std::unique_ptr<Conv2d> conv_;
  std::span<const float> input_;  // with XNN_EXTRA_BYTES of padding
  std::span<float> output_;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  const Layer& l = *c.layer;
  const Shape& in = *c.input_shape;
  const Conv2dShape shape = ShapeOf(l, in[0], in[1], in[2], /*valid=*/false);
  std::unique_ptr<Conv2d> conv;
  const Status s = Conv2d::Create(shape, *c.weights, c.threadpool, &conv, Conv2dBuffers::kCaller);
  if (!s.ok()) return Status::Error("layer " + l.name + " (Conv2D): " + s.message());
  const size_t in_size = in[0] * in[1] * in[2] + XNN_EXTRA_BYTES / sizeof(float);
  const size_t out_size = shape.output_height() * shape.output_width() * shape.out_channels;
  *out = std::make_unique<Forward>(std::move(conv), std::span<const float>(c.input, in_size),
                                   std::span<float>(c.output, out_size));
  return Status::Ok();
}

// The input gradient is a convolution of the output gradient with the kernel flipped in space and
// transposed in channels, built on first use and kept.
struct Transposed final : BackwardState {
  std::unique_ptr<Conv2d> conv;
};

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const Layer& l = c.model->header().layers[c.index].layer;
  const Shape& in = *c.input_shape;
  if (!*c.state) {
    if (l.kernel_h != l.kernel_w) {
      return Status::Error("gradients through the non-square kernel of layer " + l.name +
                           " are not supported");
    }
    // x_grad = conv(g, K') with K'[i][ky][kx][o] = K[o][kh-1-ky][kw-1-kx][i], padding k-1-p.
    const size_t k = l.kernel_h, o_ch = l.units, i_ch = in[2];
    const WeightReader w(c.model->Weights(c.index)[0]);
    std::vector<float> flipped(o_ch * k * k * i_ch);
    for (size_t o = 0; o < o_ch; ++o)
      for (size_t y = 0; y < k; ++y)
        for (size_t x = 0; x < k; ++x)
          for (size_t i = 0; i < i_ch; ++i) {
            flipped[((i * k + (k - 1 - y)) * k + (k - 1 - x)) * o_ch + o] =
                w(((o * k + y) * k + x) * i_ch + i);
          }
    const Conv2dShape forward = ShapeOf(l, in[0], in[1], i_ch, /*valid=*/false);
    const Conv2dShape shape{.height = l.output_shape[0],
                            .width = l.output_shape[1],
                            .in_channels = o_ch,
                            .out_channels = i_ch,
                            .kernel_height = k,
                            .kernel_width = k,
                            .padding_height = k - 1 - forward.padding_height,
                            .padding_width = k - 1 - forward.padding_width,
                            .relu = false};
    const std::vector<float> zero_bias(i_ch, 0.0f);
    auto transposed = std::make_unique<Transposed>();
    CONVSCOPE_RETURN_IF_ERROR(Conv2d::Create(shape, Precision::kF32, flipped, zero_bias,
                                             c.threadpool, &transposed->conv,
                                             Conv2dBuffers::kCaller));
    *c.state = std::move(transposed);
  }
  // One padded input buffer for all layers: VGG16's own buffers per layer would be 116 MB.
  std::vector<float>& scratch = *c.scratch;
  const size_t padded = gradient->size() + XNN_EXTRA_BYTES / sizeof(float);
  if (scratch.size() < padded) scratch.resize(padded);
  std::copy(gradient->begin(), gradient->end(), scratch.begin());
  gradient->resize(in[0] * in[1] * in[2]);
  return static_cast<Transposed&>(**c.state).conv->RunOn(scratch, *gradient);
}

Status BuildTiles(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                  std::unique_ptr<TileRunner>* out) {
  const Layer& l = model.header().layers[index].layer;
  const size_t in_channels = model.header().layers[index - 1].layer.output_shape[2];
  const std::vector<TensorView> w = model.Weights(index);
  const std::vector<float> kernel = ValuesAsF32(w[0]);
  const std::vector<float> bias = w.size() > 1 ? ValuesAsF32(w[1]) : std::vector<float>();
  // Made for the smallest tile (one output), reshaped for each batch; f32 whatever the file
  // (incremental_forward.h says why). XNNPACK packs the weights here: the copies can go.
  std::unique_ptr<Conv2d> conv;
  CONVSCOPE_RETURN_IF_ERROR(Conv2d::Create(
      ShapeOf(l, l.kernel_h, l.kernel_w, in_channels, /*valid=*/true),
      {.kernel_f32 = kernel, .bias = bias}, threadpool, &conv, Conv2dBuffers::kCaller));
  // Winograd computes each output in a 2x2 block with arithmetic that depends on where in its
  // block it lies: tiles that start on even rows and columns compute every output as the whole
  // image's pass does, bit for bit.
  const size_t alignment = conv->winograd() ? 2 : 1;
  *out = std::make_unique<RunsTiles<Conv2d>>(std::move(conv), 0.0f, alignment);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& Conv2DLayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kConv2D,
                                .keras_class = "Conv2D",
                                .input_rank = 3,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = &OutputShape,
                                .weight_shapes = &WeightShapes,
                                .forward = &BuildForward,
                                .backward = &Backward,
                                .tiles = &BuildTiles};
  return ops;
}

}  // namespace convscope

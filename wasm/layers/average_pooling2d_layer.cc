// AveragePooling2D: the mean of each window, any pool and strides, 'valid' or 'same' padding,
// where (as in TensorFlow) a window's mean counts only the inputs inside the map. Its gradient is
// each output's share spread back over its window. Tiles of the occlusion trunk with 'valid'
// padding (with 'same', a window at the edge counts fewer inputs than a tile could know).
#include "convolution.h"
#include "keras_config.h"
#include "model/model_file.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  return ReadConvolutionWindow(config, path, WindowOf::kPooling, l);
}

void ToKeras(const Layer& l, Json* config) {
  ConvolutionWindowToKeras(l, WindowOf::kPooling, config);
}

// Calls fn(input index, output index, 1 / count) for every input of every output window.
template <typename Fn>
void ForEachWindow(const Layer& l, size_t batch, const Shape& in, const Shape& out,
                   const WindowPadding& pad, Fn fn) {
  const size_t c = in[2];
  for (size_t b = 0; b < batch; ++b)
    for (size_t oy = 0; oy < out[0]; ++oy)
      for (size_t ox = 0; ox < out[1]; ++ox) {
        // The window's rows and columns inside the map.
        const size_t y0 = std::max(oy * l.stride_h, pad.top) - pad.top;
        const size_t y1 = std::min(oy * l.stride_h + l.kernel_h, pad.top + in[0]) - pad.top;
        const size_t x0 = std::max(ox * l.stride_w, pad.left) - pad.left;
        const size_t x1 = std::min(ox * l.stride_w + l.kernel_w, pad.left + in[1]) - pad.left;
        const float share = 1.0f / static_cast<float>((y1 - y0) * (x1 - x0));
        const size_t o = ((b * out[0] + oy) * out[1] + ox) * c;
        for (size_t y = y0; y < y1; ++y)
          for (size_t x = x0; x < x1; ++x) fn(((b * in[0] + y) * in[1] + x) * c, o, share);
      }
}

void Pool(const Layer& l, const float* input, size_t batch, const Shape& in, const Shape& out,
          const WindowPadding& pad, float* output) {
  const size_t c = in[2];
  std::fill_n(output, batch * out[0] * out[1] * c, 0.0f);
  // Sums first, then one division: the arithmetic of a mean.
  std::vector<float> shares(batch * out[0] * out[1]);
  ForEachWindow(l, batch, in, out, pad, [&](size_t i, size_t o, float share) {
    for (size_t k = 0; k < c; ++k) output[o + k] += input[i + k];
    shares[o / c] = share;
  });
  for (size_t p = 0; p < shares.size(); ++p)
    for (size_t k = 0; k < c; ++k) output[p * c + k] *= shares[p];
}

class Forward final : public LayerForward {
 public:
  Forward(const Layer& l, const Shape& in, const float* input, float* output)
      : layer_(l), in_(in), pad_(PaddingOf(l, in)), input_(input), output_(output) {}
  Status Run() override {
    Pool(layer_, input_, 1, in_, layer_.output_shape, pad_, output_);
    return Status::Ok();
  }

 private:
  const Layer& layer_;
  Shape in_;
  WindowPadding pad_;
  const float* input_;
  float* output_;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  *out = std::make_unique<Forward>(*c.layer, c.input_shape(), c.input(), c.output);
  return Status::Ok();
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const Layer& l = *c.layer;
  const Shape& in = c.input_shape();
  std::vector<float> spread(c.input().size(), 0.0f);
  const size_t ch = in[2];
  ForEachWindow(l, 1, in, l.output_shape, PaddingOf(l, in), [&](size_t i, size_t o, float share) {
    for (size_t k = 0; k < ch; ++k) spread[i + k] += (*gradient)[o + k] * share;
  });
  *gradient = std::move(spread);
  return Status::Ok();
}

class Tiles final : public TileRunner {
 public:
  explicit Tiles(const Layer& l) : layer_(l) {}
  Status Run(const float* input, size_t batch, size_t height, size_t width,
             float* output) override {
    const Shape in = {height, width, layer_.output_shape[2]};
    const Shape out = {(height - layer_.kernel_h) / layer_.stride_h + 1,
                       (width - layer_.kernel_w) / layer_.stride_w + 1, in[2]};
    Pool(layer_, input, batch, in, out, {}, output);
    return Status::Ok();
  }

 private:
  const Layer& layer_;
};

Status BuildTiles(const ModelFile& model, size_t index, pthreadpool_t,
                  std::unique_ptr<TileRunner>* out) {
  const Layer& l = model.header().layers[index].layer;
  if (l.padding == Padding::kSame) return Status::Ok();  // no tiles: the trunk ends here
  *out = std::make_unique<Tiles>(l);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& AveragePooling2DLayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kAveragePooling2D,
                                .keras_classes = {"AveragePooling2D", "AvgPool2D"},
                                .category = "Pool",
                                .description = "The mean of each window.",
                                .input_rank = 3,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = &PoolingOutputShape,
                                .forward = &BuildForward,
                                .backward = &Backward,
                                .tiles = &BuildTiles};
  return ops;
}

}  // namespace convscope

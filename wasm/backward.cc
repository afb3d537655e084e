#include "backward.h"

#include <algorithm>
#include <string>

namespace convscope {
namespace {

// The kernel value at `index` of a stored weight, dequantized when int8.
struct KernelReader {
  explicit KernelReader(const TensorView& v)
      : f32(v.entry->dtype == Precision::kF32 ? reinterpret_cast<const float*>(v.data.data())
                                              : nullptr),
        q(reinterpret_cast<const int8_t*>(v.data.data())),
        scales(v.scales),
        row(v.entry->dtype == Precision::kF32 ? 1 : v.data.size() / v.scales.size()) {}
  float operator()(size_t index) const {
    return f32 != nullptr ? f32[index] : scales[index / row] * static_cast<float>(q[index]);
  }
  const float* f32;
  const int8_t* q;
  std::span<const float> scales;
  size_t row;
};

// The gradient through an activation, from the layer's stored output; ranges of elements on the
// pool's threads (element-wise, so any split gives the same values).
struct ActivationTask {
  std::span<const float> output;
  BackwardMode mode;
  float* g;
};

void ActivationRange(void* context, size_t begin, size_t count) {
  const auto& t = *static_cast<const ActivationTask*>(context);
  for (size_t i = begin; i < begin + count; ++i) {
    float& v = t.g[i];
    if (t.output[i] <= 0 || (t.mode == BackwardMode::kGuided && v < 0)) v = 0;
  }
}

void ActivationBackward(const Layer& l, std::span<const float> output, BackwardMode mode,
                        std::vector<float>* g, pthreadpool_t threadpool) {
  if (l.activation != Activation::kRelu) return;
  ActivationTask task{output, mode, g->data()};
  pthreadpool_parallelize_1d_tile_1d(threadpool, ActivationRange, &task, g->size(), 16384,
                                     /*flags=*/0);
}

// in[k] = sum over o of g[o] * W[o][k], split among the pool's threads by ranges of k: each k
// still sums its rows in the same order, so any thread count gives the same bits.
struct DenseBackwardTask {
  const KernelReader* w;
  std::span<const float> g;
  size_t inputs;
  float* in;
};

void DenseBackwardRange(void* context, size_t begin, size_t count) {
  const auto& t = *static_cast<const DenseBackwardTask*>(context);
  float* in = t.in + begin;
  for (size_t o = 0; o < t.g.size(); ++o) {
    if (t.g[o] == 0) continue;  // ReLU masks make most rows irrelevant
    if (t.w->f32 != nullptr) {
      const float* row = t.w->f32 + o * t.inputs + begin;
      for (size_t k = 0; k < count; ++k) in[k] += t.g[o] * row[k];
    } else {
      const float s = t.g[o] * t.w->scales[o];
      const int8_t* row = t.w->q + o * t.inputs + begin;
      for (size_t k = 0; k < count; ++k) in[k] += s * static_cast<float>(row[k]);
    }
  }
}

std::vector<float> DenseBackward(const TensorView& kernel, std::span<const float> g, size_t inputs,
                                 pthreadpool_t threadpool) {
  const KernelReader w(kernel);
  std::vector<float> in(inputs, 0.0f);
  DenseBackwardTask task{&w, g, inputs, in.data()};
  // A few ranges per thread balance the rows' uneven sparsity; 1,024 columns keep each row's
  // stretch of a range in contiguous cache lines.
  const size_t tile =
      std::max<size_t>(1024, inputs / (4 * pthreadpool_get_threads_count(threadpool)));
  pthreadpool_parallelize_1d_tile_1d(threadpool, DenseBackwardRange, &task, inputs, tile,
                                     /*flags=*/0);
  return in;
}

// Routes each pooled gradient to the input its window's maximum came from. Rows of outputs go to
// the pool's threads when their windows cannot overlap (stride >= pool height: every input row
// belongs to one output row), so no two threads add into one input; overlapping windows run on
// the calling thread.
struct MaxPoolTask {
  const Layer* l;
  const Shape* in_shape;
  LeadingPadding pad;
  std::span<const float> in, g;
  float* result;
};

void MaxPoolRows(void* context, size_t oy) {
  const auto& t = *static_cast<const MaxPoolTask*>(context);
  const Layer& l = *t.l;
  const Shape& in_shape = *t.in_shape;
  const Shape& out = l.output_shape;
  const size_t channels = out[2];
  for (size_t ox = 0; ox < out[1]; ++ox) {
    for (size_t c = 0; c < channels; ++c) {
      size_t best = SIZE_MAX;
      for (size_t ky = 0; ky < l.kernel_h; ++ky) {
        const size_t y = oy * l.stride_h + ky;
        if (y < t.pad.top || y - t.pad.top >= in_shape[0]) continue;
        for (size_t kx = 0; kx < l.kernel_w; ++kx) {
          const size_t x = ox * l.stride_w + kx;
          if (x < t.pad.left || x - t.pad.left >= in_shape[1]) continue;
          const size_t i = ((y - t.pad.top) * in_shape[1] + (x - t.pad.left)) * channels + c;
          if (best == SIZE_MAX || t.in[i] > t.in[best]) best = i;  // ties: the first, as XNNPACK
        }
      }
      if (best != SIZE_MAX) t.result[best] += t.g[(oy * out[1] + ox) * channels + c];
    }
  }
}

std::vector<float> MaxPoolBackward(const Layer& l, const Shape& in_shape, std::span<const float> in,
                                   std::span<const float> g, pthreadpool_t threadpool) {
  std::vector<float> result(in.size(), 0.0f);
  MaxPoolTask task{&l, &in_shape, PaddingOf(l, in_shape), in, g, result.data()};
  if (l.stride_h >= l.kernel_h) {
    pthreadpool_parallelize_1d(threadpool, MaxPoolRows, &task, l.output_shape[0], /*flags=*/0);
  } else {
    for (size_t oy = 0; oy < l.output_shape[0]; ++oy) MaxPoolRows(&task, oy);
  }
  return result;
}

}  // namespace

Backward::Backward(const ModelFile& model, pthreadpool_t threadpool)
    : model_(model), threadpool_(threadpool) {}

Backward::~Backward() = default;

Status Backward::ConvInputGradient(size_t layer, std::span<const float> output_gradient,
                                   std::vector<float>* input_gradient) {
  const auto& layers = model_.header().layers;
  const Layer& l = layers[layer].layer;
  const Shape& in = layers[layer - 1].layer.output_shape;
  std::unique_ptr<Conv2d>& conv = transposed_[layer];
  if (!conv) {
    if (l.kernel_h != l.kernel_w) {
      return Status::Error("gradients through the non-square kernel of layer " + l.name +
                           " are not supported");
    }
    // x_grad = conv(g, K') with K'[i][ky][kx][o] = K[o][kh-1-ky][kw-1-kx][i], padding k-1-p.
    const size_t k = l.kernel_h, o_ch = l.units, i_ch = in[2];
    const size_t pad = l.padding == Padding::kSame ? (k - 1) / 2 : 0;
    const KernelReader w(model_.Weights(layer)[0]);
    std::vector<float> flipped(o_ch * k * k * i_ch);
    for (size_t o = 0; o < o_ch; ++o)
      for (size_t y = 0; y < k; ++y)
        for (size_t x = 0; x < k; ++x)
          for (size_t i = 0; i < i_ch; ++i) {
            flipped[((i * k + (k - 1 - y)) * k + (k - 1 - x)) * o_ch + o] =
                w(((o * k + y) * k + x) * i_ch + i);
          }
    const Conv2dShape shape{.height = l.output_shape[0],
                            .width = l.output_shape[1],
                            .in_channels = o_ch,
                            .out_channels = i_ch,
                            .kernel_height = k,
                            .kernel_width = k,
                            .padding_height = k - 1 - pad,
                            .padding_width = k - 1 - pad,
                            .relu = false};
    const std::vector<float> zero_bias(i_ch, 0.0f);
    CONVSCOPE_RETURN_IF_ERROR(Conv2d::Create(shape, Precision::kF32, flipped, zero_bias,
                                             threadpool_, &conv, Conv2dBuffers::kCaller));
  }
  // One padded input buffer for all layers: VGG16's own buffers per layer would be 116 MB.
  const size_t padded = output_gradient.size() + XNN_EXTRA_BYTES / sizeof(float);
  if (scratch_.size() < padded) scratch_.resize(padded);
  std::copy(output_gradient.begin(), output_gradient.end(), scratch_.begin());
  input_gradient->resize(in[0] * in[1] * in[2]);
  return conv->RunOn(scratch_, *input_gradient);
}

Status Backward::Gradient(const Engine& engine, size_t class_index, size_t target,
                          BackwardMode mode, std::vector<float>* gradient) {
  const auto& layers = model_.header().layers;
  const size_t last = layers.size() - 1;
  const Layer& top = layers[last].layer;
  if (top.kind != LayerKind::kDense) {
    return Status::Error("gradients need a model that ends in a Dense layer of class scores");
  }
  if (class_index >= top.units) {
    return Status::Error("class " + std::to_string(class_index) +
                         " is out of range: the model has " + std::to_string(top.units) +
                         " classes");
  }
  if (target > last) return Status::Error("no layer " + std::to_string(target));
  // d logit / d logits: one-hot, with respect to the last layer's values before its softmax.
  gradient->assign(top.units, 0.0f);
  (*gradient)[class_index] = 1.0f;
  return Propagate(engine, last, target, mode, gradient);
}

Status Backward::Propagate(const Engine& engine, size_t from, size_t target, BackwardMode mode,
                           std::vector<float>* gradient) {
  const auto& layers = model_.header().layers;
  // Below, `g` is the gradient with respect to layer i's output, except at `from`, where it is
  // with respect to the values before its activation function.
  std::vector<float> g = std::move(*gradient);
  for (size_t i = from; i > target; --i) {
    const Layer& l = layers[i].layer;
    const Shape& in_shape = layers[i - 1].layer.output_shape;
    if (i != from) ActivationBackward(l, engine.activation(i), mode, &g, threadpool_);
    switch (l.kind) {
      case LayerKind::kDense:
        g = DenseBackward(model_.Weights(i)[0], g, in_shape[0], threadpool_);
        break;
      case LayerKind::kConv2D: {
        std::vector<float> in_gradient;
        CONVSCOPE_RETURN_IF_ERROR(ConvInputGradient(i, g, &in_gradient));
        g = std::move(in_gradient);
        break;
      }
      case LayerKind::kMaxPooling2D:
        g = MaxPoolBackward(l, in_shape, engine.activation(i - 1), g, threadpool_);
        break;
      case LayerKind::kGlobalAveragePooling2D: {
        std::vector<float> spread(in_shape[0] * in_shape[1] * in_shape[2]);
        const float n = static_cast<float>(in_shape[0] * in_shape[1]);
        for (size_t j = 0; j < spread.size(); ++j) spread[j] = g[j % in_shape[2]] / n;
        g = std::move(spread);
        break;
      }
      case LayerKind::kFlatten:
      case LayerKind::kInput:
        break;
    }
  }
  *gradient = std::move(g);
  return Status::Ok();
}

}  // namespace convscope

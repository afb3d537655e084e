// MaxPooling2D: any pool and strides, 'valid' or 'same' padding. Run by XNNPACK's max pooling (a
// LayerRuntime) in the engine and the occlusion trunk; its gradient is routed by hand.
#include <limits>

#include "convolution.h"
#include "engine/layer_runtime.h"
#include "layer_kind.h"
#include "model/model_file.h"

namespace convscope {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  return ReadConvolutionWindow(config, path, WindowOf::kPooling, l);
}

void ToKeras(const Layer& l, Json* config) {
  ConvolutionWindowToKeras(l, WindowOf::kPooling, config);
}

Status Define(xnn_subgraph_t g, const Layer& l, const Shape&, uint32_t input_id,
              uint32_t output_id) {
  return XnnCheck(
      xnn_define_max_pooling_2d(
          g, 0, 0, 0, 0, static_cast<uint32_t>(l.kernel_h), static_cast<uint32_t>(l.kernel_w),
          static_cast<uint32_t>(l.stride_h), static_cast<uint32_t>(l.stride_w), 1, 1, -kInf, kInf,
          input_id, output_id, l.padding == Padding::kSame ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0),
      "defining the max pooling");
}

// Routes each pooled gradient to the input its window's maximum came from. Rows of outputs go to
// the pool's threads when their windows cannot overlap (stride >= pool height: every input row
// belongs to one output row), so no two threads add into one input; overlapping windows run on
// the calling thread.
struct RouteTask {
  const Layer* l;
  const Shape* in_shape;
  WindowPadding pad;
  std::span<const float> in, g;
  float* result;
};

void RouteRow(void* context, size_t oy) {
  const auto& t = *static_cast<const RouteTask*>(context);
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

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const Layer& l = c.model->header().layers[c.index].layer;
  std::vector<float> result(c.input().size(), 0.0f);
  RouteTask task{&l,        &c.input_shape(), PaddingOf(l, c.input_shape()),
                 c.input(), *gradient,        result.data()};
  if (l.stride_h >= l.kernel_h) {
    pthreadpool_parallelize_1d(c.threadpool, RouteRow, &task, l.output_shape[0], /*flags=*/0);
  } else {
    for (size_t oy = 0; oy < l.output_shape[0]; ++oy) RouteRow(&task, oy);
  }
  *gradient = std::move(result);
  return Status::Ok();
}

Status BuildTiles(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                  std::unique_ptr<TileRunner>* out) {
  // Valid pooling on tiles that hold their padding as -infinity, made for the smallest tile (one
  // output) and reshaped for each batch.
  Layer valid = model.header().layers[index].layer;
  const size_t channels = valid.output_shape[2];
  valid.padding = Padding::kValid;
  valid.output_shape = {1, 1, channels};
  std::unique_ptr<LayerRuntime> runtime;
  CONVSCOPE_RETURN_IF_ERROR(LayerRuntime::Create(valid, {valid.kernel_h, valid.kernel_w, channels},
                                                 &Define, threadpool, nullptr, nullptr, &runtime));
  *out = std::make_unique<RunsTiles<LayerRuntime>>(std::move(runtime), -kInf, 1);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& MaxPooling2DLayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kMaxPooling2D,
                                .keras_classes = {"MaxPooling2D", "MaxPool2D"},
                                .category = "Pool",
                                .description = "Keeps the largest value of each window.",
                                .input_rank = 3,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = &PoolingOutputShape,
                                .forward = &ForwardByRuntime<&Define>,
                                .backward = &Backward,
                                .tiles = &BuildTiles};
  return ops;
}

}  // namespace convscope

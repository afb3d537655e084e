// Dense: a fully connected layer on a flat input, optional ReLU or softmax. Run by convscope's own
// kernel on the file's weights (dense_layer.h); its gradient is W^T g.
#include "engine/dense_layer.h"

#include <algorithm>

#include "keras_config.h"
#include "layer_kind.h"
#include "model/model_file.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, Layer* l) {
  CONVSCOPE_RETURN_IF_ERROR(ReadSize(config, "units", path, &l->units));
  if (l->units == 0) return Status::Error(path + ".units must be positive");
  CONVSCOPE_RETURN_IF_ERROR(ReadActivation(config, l->name, &l->activation));
  l->use_bias = ReadUseBias(config);
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["units"] = l.units;
  (*config)["activation"] = ActivationName(l.activation);
  (*config)["use_bias"] = l.use_bias;
}

Status OutputShape(const Layer& l, const Shape&, const std::string&, Shape* out) {
  *out = {l.units};
  return Status::Ok();
}

std::vector<Shape> WeightShapes(const Layer& l, const Shape& in) {
  std::vector<Shape> shapes = {{in[0], l.units}};
  if (l.use_bias) shapes.push_back({l.units});
  return shapes;
}

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  std::unique_ptr<DenseLayer> dense;
  CONVSCOPE_RETURN_IF_ERROR(DenseLayer::Create(*c.layer, (*c.input_shape)[0], *c.weights,
                                               c.precision == Precision::kInt8, c.threadpool,
                                               c.input, c.output, c.logits, &dense));
  *out = std::make_unique<RunsLayer<DenseLayer>>(std::move(dense));
  return Status::Ok();
}

// in[k] = sum over o of g[o] * W[o][k], split among the pool's threads by ranges of k: each k
// still sums its rows in the same order, so any thread count gives the same bits.
struct BackwardTask {
  const WeightReader* w;
  std::span<const float> g;
  size_t inputs;
  float* in;
};

void BackwardRange(void* context, size_t begin, size_t count) {
  const auto& t = *static_cast<const BackwardTask*>(context);
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

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const WeightReader w(c.model->Weights(c.index)[0]);
  const size_t inputs = (*c.input_shape)[0];
  std::vector<float> in(inputs, 0.0f);
  BackwardTask task{&w, *gradient, inputs, in.data()};
  // A few ranges per thread balance the rows' uneven sparsity; 1,024 columns keep each row's
  // stretch of a range in contiguous cache lines.
  const size_t tile =
      std::max<size_t>(1024, inputs / (4 * pthreadpool_get_threads_count(c.threadpool)));
  pthreadpool_parallelize_1d_tile_1d(c.threadpool, BackwardRange, &task, inputs, tile,
                                     /*flags=*/0);
  *gradient = std::move(in);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& DenseLayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kDense,
                                .keras_class = "Dense",
                                .input_rank = 1,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = &OutputShape,
                                .weight_shapes = &WeightShapes,
                                .forward = &BuildForward,
                                .reads_weights_when_running = true,
                                .backward = &Backward};
  return ops;
}

}  // namespace convscope

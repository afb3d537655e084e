// Dense: a fully connected layer on a flat input, any activation. Run by convscope's own
// kernel on the file's weights (dense_layer.h); its gradient is W^T g.
#include "engine/dense_layer.h"

#include <algorithm>
#include <array>
#include <type_traits>

#include "engine/widen.h"
#include "keras_config.h"
#include "layer_kind.h"
#include "model/model_file.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect dialect, Layer* l) {
  CONVSCOPE_RETURN_IF_ERROR(ReadSize(config, "units", path, &l->units));
  if (l->units == 0) return Status::Error(path + ".units must be positive");
  CONVSCOPE_RETURN_IF_ERROR(ReadActivation(config, dialect, &l->activation));
  l->use_bias = ReadUseBias(config);
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["units"] = l.units;
  (*config)["activation"] = ActivationToJson(l.activation);
  (*config)["use_bias"] = l.use_bias;
}

Status OutputShape(const Layer& l, const Shape&, const std::string&, Shape* out) {
  *out = {l.units};
  return Status::Ok();
}

std::vector<WeightSpec> Weights(const Layer& l, const Shape& in) {
  std::vector<WeightSpec> specs = {{.name = "kernel",
                                    .keras_shape = {in[0], l.units},
                                    .layout = WeightLayout::kOI,
                                    .quantizable = true}};
  if (l.use_bias) specs.push_back({.name = "bias", .keras_shape = {l.units}});
  return specs;
}

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  std::unique_ptr<DenseLayer> dense;
  CONVSCOPE_RETURN_IF_ERROR(DenseLayer::Create(*c.layer, c.input_shape()[0], *c.weights,
                                               c.precision == Precision::kInt8, c.fuse_relu,
                                               c.threadpool, c.input(), c.output, &dense));
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

// in[k] += s[j] * rows[j][k] for j = 0..N-1, one product after another (the bits of adding the rows
// one by one), with in[k] loaded and stored once for the N rows instead of once per row. The same
// bits also need each product rounded before its sum: the core is compiled without relaxed SIMD,
// and wasm has no other fused multiply-add.
template <size_t N, typename W>
void AddRows(const std::array<const W*, N>& rows, const std::array<float, N>& s, float* in,
             size_t count) {
  size_t k = 0;
#ifdef __wasm_simd128__
  // By hand: clang converts int8 weights one lane at a time.
  for (; k + 16 <= count; k += 16) {
    v128_t v[4];
    for (int i = 0; i < 4; ++i) v[i] = wasm_v128_load(in + k + 4 * i);
    for (size_t j = 0; j < N; ++j) {
      v128_t w[4];
      Widen(rows[j] + k, w);
      const v128_t scale = wasm_f32x4_splat(s[j]);
      for (int i = 0; i < 4; ++i) v[i] = wasm_f32x4_add(v[i], wasm_f32x4_mul(scale, w[i]));
    }
    for (int i = 0; i < 4; ++i) wasm_v128_store(in + k + 4 * i, v[i]);
  }
#endif
  for (; k < count; ++k) {
    float v = in[k];
    for (size_t j = 0; j < N; ++j) v += s[j] * static_cast<float>(rows[j][k]);
    in[k] = v;
  }
}

// The rows with a nonzero gradient (ReLU masks make most rows irrelevant), in order, four at a
// time; f32 weights scaled by g[o], int8 ones by g[o] times the row's scale.
template <typename W>
void AddNonzeroRows(const BackwardTask& t, const W* weights, size_t begin, size_t count) {
  constexpr size_t kRows = 4;
  std::array<const W*, kRows> rows;
  std::array<float, kRows> s;
  size_t n = 0;
  for (size_t o = 0; o < t.g.size(); ++o) {
    if (t.g[o] == 0) continue;
    rows[n] = weights + o * t.inputs + begin;
    if constexpr (std::is_same_v<W, float>) {
      s[n] = t.g[o];
    } else {
      s[n] = t.g[o] * t.w->scales[o];
    }
    if (++n == kRows) {
      AddRows<kRows>(rows, s, t.in + begin, count);
      n = 0;
    }
  }
  for (size_t j = 0; j < n; ++j) AddRows<1, W>({rows[j]}, {s[j]}, t.in + begin, count);
}

void BackwardRange(void* context, size_t begin, size_t count) {
  const auto& t = *static_cast<const BackwardTask*>(context);
  if (t.w->f32 != nullptr) {
    AddNonzeroRows(t, t.w->f32, begin, count);
  } else {
    AddNonzeroRows(t, t.w->q, begin, count);
  }
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const WeightReader w(c.model->Weights(c.index)[0]);
  const size_t inputs = c.input_shape()[0];
  std::vector<float> in(inputs, 0.0f);
  BackwardTask task{&w, *gradient, inputs, in.data()};
  // Every column has the same rows to sum, so one range per thread balances the work, and each
  // row's stretch is as long as it can be, which streams best: Grad-CAM on int8 VGG16 took 31.3 ms
  // on one thread with 6,272-column ranges and 28.6 ms with whole rows; on two threads 17.4 ms with
  // 3,136-column ranges and 16.1 ms with one range each.
  const size_t threads = std::max<size_t>(1, pthreadpool_get_threads_count(c.threadpool));
  const size_t tile = std::max<size_t>(1024, (inputs + threads - 1) / threads);
  pthreadpool_parallelize_1d_tile_1d(c.threadpool, BackwardRange, &task, inputs, tile,
                                     /*flags=*/0);
  *gradient = std::move(in);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& DenseLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kDense,
      .keras_classes = {"Dense"},
      .category = "Layer",
      .description = "Fully connected: every output is a weighted sum of every input.",
      .input_rank = 1,
      .from_keras = &FromKeras,
      .to_keras = &ToKeras,
      .output_shape = &OutputShape,
      .weights = &Weights,
      .forward = &BuildForward,
      .has_activation = true,
      .fuses_relu = true,
      .reads_weights_when_running = true,
      .backward = &Backward};
  return ops;
}

}  // namespace convscope

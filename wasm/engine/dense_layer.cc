#include "dense_layer.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include "widen.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace convscope {
namespace {

// An int32 lane gains at most 4 * 128 * 32767 per 16 inputs; flushing to int64 every 1,024 inputs
// keeps each lane below 2^30, and the four lanes are summed in int64.
constexpr size_t kInt32Span = 1024;

// Inputs whose largest magnitude lies outside this range are not quantized (a NaN or infinity
// has no int16 value; below it the scale would be denormal): the layer then runs the f32 pass
// over the dequantized weights, which carries NaN and infinity through as an f32 layer would.
constexpr float kSmallestQuantizable = 1e-30f;

#ifdef __wasm_simd128__
float Sum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) +
         wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}
#endif

// sum of w[k] * x[k] in f32, for f32 weights or int8 ones (before the row's scale).
template <typename W>
float Dot(const W* w, const float* x, size_t n) {
  size_t k = 0;
  float sum = 0;
#ifdef __wasm_simd128__
  v128_t acc[4] = {wasm_f32x4_splat(0), wasm_f32x4_splat(0), wasm_f32x4_splat(0),
                   wasm_f32x4_splat(0)};
  for (; k + 16 <= n; k += 16) {
    v128_t wide[4];
    Widen(w + k, wide);
    for (int j = 0; j < 4; ++j) {
      acc[j] = wasm_f32x4_add(acc[j], wasm_f32x4_mul(wide[j], wasm_v128_load(x + k + 4 * j)));
    }
  }
  sum = Sum(wasm_f32x4_add(wasm_f32x4_add(acc[0], acc[1]), wasm_f32x4_add(acc[2], acc[3])));
#endif
  for (; k < n; ++k) sum += static_cast<float>(w[k]) * x[k];
  return sum;
}

// Row r's sum of w[r * stride + k] * q[k], exact (int64 over int32 spans), then rounded once to
// f32. The rows share each load of q: a matrix-vector product is bound by its loads, and q's two
// loads per 16 weights would otherwise outnumber the weights' one.
template <size_t R>
void DotsInt8Int16(const int8_t* w, size_t stride, const int16_t* q, size_t n, float* out) {
  int64_t sum[R] = {};
  for (size_t begin = 0; begin < n; begin += kInt32Span) {
    const size_t end = std::min(n, begin + kInt32Span);
    size_t k = begin;
    int64_t span_sum[R] = {};
#ifdef __wasm_simd128__
    v128_t acc[R];
    for (v128_t& a : acc) a = wasm_i32x4_splat(0);
    for (; k + 16 <= end; k += 16) {
      const v128_t q_low = wasm_v128_load(q + k), q_high = wasm_v128_load(q + k + 8);
      for (size_t r = 0; r < R; ++r) {
        const v128_t bytes = wasm_v128_load(w + r * stride + k);
        acc[r] =
            wasm_i32x4_add(acc[r], wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(bytes), q_low));
        acc[r] = wasm_i32x4_add(acc[r],
                                wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(bytes), q_high));
      }
    }
    for (size_t r = 0; r < R; ++r) {
      span_sum[r] = int64_t{wasm_i32x4_extract_lane(acc[r], 0)} +
                    wasm_i32x4_extract_lane(acc[r], 1) + wasm_i32x4_extract_lane(acc[r], 2) +
                    wasm_i32x4_extract_lane(acc[r], 3);
    }
#endif
    for (size_t r = 0; r < R; ++r) {
      for (size_t j = k; j < end; ++j)
        span_sum[r] += static_cast<int32_t>(w[r * stride + j]) * q[j];
      sum[r] += span_sum[r];
    }
  }
  for (size_t r = 0; r < R; ++r) out[r] = static_cast<float>(sum[r]);
}

// How many rows DotsInt8Int16 sums at once: of 1, 4 and 8, 4 measured fastest
// (docs/measurements.md).
constexpr size_t kRowsAtOnce = 4;

}  // namespace

Status DenseLayer::Create(const Layer& layer, size_t inputs, const LayerWeights& weights,
                          bool int16_input, bool relu, pthreadpool_t threadpool, const float* input,
                          float* output, std::unique_ptr<DenseLayer>* out) {
  const bool int8 = !weights.kernel_int8.empty();
  const size_t size = int8 ? weights.kernel_int8.size() : weights.kernel_f32.size();
  if (layer.kind != LayerKind::kDense || size != layer.units * inputs ||
      (int8 && weights.scales.size() != layer.units) ||
      (!weights.bias.empty() && weights.bias.size() != layer.units)) {
    return Status::Error("layer " + layer.name + " (Dense): its weights do not match " +
                         std::to_string(inputs) + " inputs and " + std::to_string(layer.units) +
                         " units");
  }
  std::unique_ptr<DenseLayer> d(new DenseLayer());
  d->weights_ = weights;
  d->relu_ = relu;
  d->int16_input_ = int8 && int16_input;
  d->inputs_ = inputs;
  d->units_ = layer.units;
  d->threadpool_ = threadpool;
  d->input_ = input;
  d->output_ = output;
  if (d->int16_input_) d->quantized_.resize(inputs);
  *out = std::move(d);
  return Status::Ok();
}

void DenseLayer::RunRows(void* context, size_t begin, size_t count) {
  const DenseLayer& d = *static_cast<const DenseLayer*>(context);
  const LayerWeights& w = d.weights_;
  const auto store = [&d, &w](size_t o, float y) {
    if (!w.bias.empty()) y += w.bias[o];
    d.output_[o] = d.relu_ ? std::max(y, 0.0f) : y;
  };
  size_t o = begin;
  const size_t end = begin + count;
  if (w.kernel_f32.empty() && d.int16_input_ && d.input_scale_ > 0) {
    const auto dots = [&](auto rows, size_t first) {
      constexpr size_t kRows = decltype(rows)::value;
      float y[kRows];
      DotsInt8Int16<kRows>(w.kernel_int8.data() + first * d.inputs_, d.inputs_, d.quantized_.data(),
                           d.inputs_, y);
      for (size_t r = 0; r < kRows; ++r)
        store(first + r, w.scales[first + r] * d.input_scale_ * y[r]);
    };
    for (; o + kRowsAtOnce <= end; o += kRowsAtOnce) {
      dots(std::integral_constant<size_t, kRowsAtOnce>(), o);
    }
    for (; o < end; ++o) dots(std::integral_constant<size_t, 1>(), o);
    return;
  }
  for (; o < end; ++o) {
    const float y =
        w.kernel_f32.empty()
            ? w.scales[o] * Dot(w.kernel_int8.data() + o * d.inputs_, d.input_, d.inputs_)
            : Dot(w.kernel_f32.data() + o * d.inputs_, d.input_, d.inputs_);
    store(o, y);
  }
}

Status DenseLayer::Run() {
  if (int16_input_) {
    float largest = 0;
    bool finite = true;
    for (size_t k = 0; k < inputs_; ++k) {
      finite = finite && std::isfinite(input_[k]);
      largest = std::max(largest, std::fabs(input_[k]));
    }
    // A scale of 0 marks this run as unquantized (see kSmallestQuantizable).
    const bool quantizable = finite && (largest == 0 || largest >= kSmallestQuantizable);
    input_scale_ = !quantizable ? 0.0f : largest > 0 ? largest / 32767.0f : 1.0f;
    if (quantizable) {
      for (size_t k = 0; k < inputs_; ++k) {
        quantized_[k] = static_cast<int16_t>(std::lrintf(input_[k] / input_scale_));
      }
    }
  }
  // A few row ranges per thread even out the threads' speeds; whole groups of kRowsAtOnce rows.
  const size_t threads = std::max<size_t>(1, pthreadpool_get_threads_count(threadpool_));
  const size_t rows = std::max<size_t>(8, units_ / (4 * threads));
  const size_t tile = (rows + kRowsAtOnce - 1) / kRowsAtOnce * kRowsAtOnce;
  pthreadpool_parallelize_1d_tile_1d(threadpool_, RunRows, this, units_, tile, /*flags=*/0);
  return Status::Ok();
}

}  // namespace convscope

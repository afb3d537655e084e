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

// Inputs whose largest magnitude lies outside this range are not quantized (DenseLayer::Quantize).
constexpr float kSmallestQuantizable = 1e-30f;

#ifdef __wasm_simd128__
// Inputs per chunk of a row: while every copy of a batch reads the chunk's weights (at most 4 KiB
// of f32) they stay in the cache, so memory delivers each weight once per batch.
constexpr size_t kChunk = 1024;

float Sum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) +
         wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}
#endif

// out[b] = sum of w[k] * x[b * n + k] in f32 for the `copies` inputs x, for f32 weights or int8
// ones (before the row's scale). Each copy's sum is accumulated in the same lanes and order
// whatever the batch, so a copy gets the same bits in a batch as alone.
template <typename W>
void Dots(const W* w, const float* x, size_t n, size_t copies, float* out) {
  size_t vector_end = 0;
#ifdef __wasm_simd128__
  vector_end = n / 16 * 16;
  v128_t acc[kMaxDenseCopies][4];
  for (size_t b = 0; b < copies; ++b) {
    for (v128_t& a : acc[b]) a = wasm_f32x4_splat(0);
  }
  for (size_t begin = 0; begin < vector_end; begin += kChunk) {
    const size_t end = std::min(vector_end, begin + kChunk);
    for (size_t b = 0; b < copies; ++b) {
      const float* xb = x + b * n;
      v128_t a[4] = {acc[b][0], acc[b][1], acc[b][2], acc[b][3]};
      for (size_t k = begin; k < end; k += 16) {
        v128_t wide[4];
        Widen(w + k, wide);
        for (int j = 0; j < 4; ++j) {
          a[j] = wasm_f32x4_add(a[j], wasm_f32x4_mul(wide[j], wasm_v128_load(xb + k + 4 * j)));
        }
      }
      for (int j = 0; j < 4; ++j) acc[b][j] = a[j];
    }
  }
#endif
  for (size_t b = 0; b < copies; ++b) {
    float sum = 0;
#ifdef __wasm_simd128__
    sum = Sum(
        wasm_f32x4_add(wasm_f32x4_add(acc[b][0], acc[b][1]), wasm_f32x4_add(acc[b][2], acc[b][3])));
#endif
    const float* xb = x + b * n;
    for (size_t k = vector_end; k < n; ++k) sum += static_cast<float>(w[k]) * xb[k];
    out[b] = sum;
  }
}

// Row r's sum of w[r * stride + k] * q[b * n + k] for each copy b, exact (int64 over int32 spans),
// then rounded once to f32 into out[b * R + r]. The rows share each load of q: a matrix-vector
// product is bound by its loads, and q's two loads per 16 weights would otherwise outnumber the
// weights' one. A span's weights stay in the cache while every copy reads them.
template <size_t R>
void DotsInt8Int16(const int8_t* w, size_t stride, const int16_t* q, size_t n, size_t copies,
                   float* out) {
  int64_t sum[kMaxDenseCopies][R] = {};
  for (size_t begin = 0; begin < n; begin += kInt32Span) {
    const size_t end = std::min(n, begin + kInt32Span);
    for (size_t b = 0; b < copies; ++b) {
      const int16_t* qb = q + b * n;
      size_t k = begin;
      int64_t span_sum[R] = {};
#ifdef __wasm_simd128__
      v128_t acc[R];
      for (v128_t& a : acc) a = wasm_i32x4_splat(0);
      for (; k + 16 <= end; k += 16) {
        const v128_t q_low = wasm_v128_load(qb + k), q_high = wasm_v128_load(qb + k + 8);
        for (size_t r = 0; r < R; ++r) {
          const v128_t bytes = wasm_v128_load(w + r * stride + k);
          acc[r] = wasm_i32x4_add(acc[r],
                                  wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(bytes), q_low));
          acc[r] = wasm_i32x4_add(
              acc[r], wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(bytes), q_high));
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
          span_sum[r] += static_cast<int32_t>(w[r * stride + j]) * qb[j];
        sum[b][r] += span_sum[r];
      }
    }
  }
  for (size_t b = 0; b < copies; ++b) {
    for (size_t r = 0; r < R; ++r) out[b * R + r] = static_cast<float>(sum[b][r]);
  }
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
  d->bound_input_ = input;
  d->bound_output_ = output;
  if (d->int16_input_) {
    d->quantized_.resize(inputs);
    d->input_scales_.resize(1);
  }
  *out = std::move(d);
  return Status::Ok();
}

void DenseLayer::RunRows(void* context, size_t begin, size_t count) {
  const DenseLayer& d = *static_cast<const DenseLayer*>(context);
  const LayerWeights& w = d.weights_;
  const size_t copies = d.copies_;
  // sums[b * kRowsAtOnce + r]: copy b's sum of row o + r, before scales and bias.
  float sums[kMaxDenseCopies * kRowsAtOnce];
  const auto store = [&](size_t first, size_t rows, const auto& scale) {
    for (size_t b = 0; b < copies; ++b) {
      for (size_t r = 0; r < rows; ++r) {
        const size_t o = first + r;
        float y = scale(b, o) * sums[b * rows + r];
        if (!w.bias.empty()) y += w.bias[o];
        d.output_[b * d.units_ + o] = d.relu_ ? std::max(y, 0.0f) : y;
      }
    }
  };
  size_t o = begin;
  const size_t end = begin + count;
  if (w.kernel_f32.empty() && d.int16_input_ && d.all_quantized_) {
    const auto scale = [&](size_t b, size_t row) { return w.scales[row] * d.input_scales_[b]; };
    const auto dots = [&](auto rows, size_t first) {
      constexpr size_t kRows = decltype(rows)::value;
      DotsInt8Int16<kRows>(w.kernel_int8.data() + first * d.inputs_, d.inputs_, d.quantized_.data(),
                           d.inputs_, copies, sums);
      store(first, kRows, scale);
    };
    for (; o + kRowsAtOnce <= end; o += kRowsAtOnce) {
      dots(std::integral_constant<size_t, kRowsAtOnce>(), o);
    }
    for (; o < end; ++o) dots(std::integral_constant<size_t, 1>(), o);
    return;
  }
  const auto scale = [&w](size_t, size_t row) {
    return w.kernel_f32.empty() ? w.scales[row] : 1.0f;
  };
  for (; o < end; ++o) {
    if (w.kernel_f32.empty()) {
      Dots(w.kernel_int8.data() + o * d.inputs_, d.input_, d.inputs_, copies, sums);
    } else {
      Dots(w.kernel_f32.data() + o * d.inputs_, d.input_, d.inputs_, copies, sums);
    }
    store(o, 1, scale);
  }
}

Status DenseLayer::Run() { return RunBatch(bound_input_, 1, bound_output_); }

Status DenseLayer::RunBatch(const float* input, size_t copies, float* output) {
  for (size_t first = 0; first < copies; first += kMaxDenseCopies) {
    const size_t n = std::min(kMaxDenseCopies, copies - first);
    const float* x = input + first * inputs_;
    float* y = output + first * units_;
    if (Quantize(x, n) || n == 1) {
      RunCopies(x, n, y);
    } else {
      // Some copies run the f32 pass: each alone, so that every copy gets its own arithmetic.
      for (size_t b = 0; b < n; ++b) {
        Quantize(x + b * inputs_, 1);
        RunCopies(x + b * inputs_, 1, y + b * units_);
      }
    }
  }
  // Only one copy's room is kept for Run (allocated at creation): a batch's goes with it.
  if (quantized_.size() > inputs_) {
    quantized_.resize(inputs_);
    quantized_.shrink_to_fit();
    input_scales_.resize(1);
    input_scales_.shrink_to_fit();
  }
  return Status::Ok();
}

bool DenseLayer::Quantize(const float* input, size_t copies) {
  all_quantized_ = int16_input_;
  if (!int16_input_) return true;
  quantized_.resize(copies * inputs_);
  input_scales_.resize(copies);
  for (size_t b = 0; b < copies; ++b) {
    const float* x = input + b * inputs_;
    float largest = 0;
    bool finite = true;
    for (size_t k = 0; k < inputs_; ++k) {
      finite = finite && std::isfinite(x[k]);
      largest = std::max(largest, std::fabs(x[k]));
    }
    const bool quantizable = finite && (largest == 0 || largest >= kSmallestQuantizable);
    all_quantized_ = all_quantized_ && quantizable;
    input_scales_[b] = largest > 0 ? largest / 32767.0f : 1.0f;
    for (size_t k = 0; quantizable && k < inputs_; ++k) {
      quantized_[b * inputs_ + k] = static_cast<int16_t>(std::lrintf(x[k] / input_scales_[b]));
    }
  }
  return all_quantized_;
}

void DenseLayer::RunCopies(const float* input, size_t copies, float* output) {
  input_ = input;
  output_ = output;
  copies_ = copies;
  // A few row ranges per thread even out the threads' speeds; whole groups of kRowsAtOnce rows.
  const size_t threads = std::max<size_t>(1, pthreadpool_get_threads_count(threadpool_));
  const size_t rows = std::max<size_t>(8, units_ / (4 * threads));
  const size_t tile = (rows + kRowsAtOnce - 1) / kRowsAtOnce * kRowsAtOnce;
  pthreadpool_parallelize_1d_tile_1d(threadpool_, RunRows, this, units_, tile, /*flags=*/0);
}

}  // namespace convscope

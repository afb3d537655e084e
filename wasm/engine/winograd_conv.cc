#include "winograd_conv.h"

#include <xnnpack.h>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#else
#include <immintrin.h>
#endif

#include <algorithm>
#include <limits>
#include <string>

namespace convscope {
namespace {

constexpr size_t kPoints = 16;  // a 4x4 input tile gives a 2x2 output block
// Tiles per block: enough rows that each pass over the packed weights (16 * in * out values)
// does at least 256 rows of work, few enough that the block's transformed input and products stay
// near the cache on the narrow early layers.
constexpr size_t kMinBlock = 256;
constexpr size_t kBlockValues = size_t{1} << 20;  // per 16-point plane set of one side

// U = G g G^T for one 3x3 filter g (row-major), G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1].
void TransformFilter(const double g[9], double u[kPoints]) {
  double t[4][3];  // G g
  for (size_t c = 0; c < 3; ++c) {
    t[0][c] = g[c];
    t[1][c] = 0.5 * (g[c] + g[3 + c] + g[6 + c]);
    t[2][c] = 0.5 * (g[c] - g[3 + c] + g[6 + c]);
    t[3][c] = g[6 + c];
  }
  for (size_t r = 0; r < 4; ++r) {
    u[r * 4 + 0] = t[r][0];
    u[r * 4 + 1] = 0.5 * (t[r][0] + t[r][1] + t[r][2]);
    u[r * 4 + 2] = 0.5 * (t[r][0] - t[r][1] + t[r][2]);
    u[r * 4 + 3] = t[r][2];
  }
}

struct Transforms {
  const Conv2dShape* shape;  // channels, padding and ReLU (not the sizes)
  size_t height, width;      // of each input image
  size_t out_height, out_width;
  size_t tiles_h, tiles_w;  // per image
  size_t first_tile;        // of the block, counting over the images
  size_t rows;              // tiles in the block
  const float* input;
  float* output;
  float* v;        // [16][rows][in]
  const float* m;  // [16][rows][out]
  const float* bias;
  const float* zeros;  // in_channels zeros, read for the padding around the image
};

// Four channels at a time in SIMD registers (wasm SIMD in the modules, SSE natively), the rest
// one by one: the compiler does not vectorize these loops by itself (16 input streams).
#if defined(__wasm_simd128__)
using F4 = v128_t;
inline F4 Load(const float* p) { return wasm_v128_load(p); }
inline void Store(float* p, F4 v) { wasm_v128_store(p, v); }
inline F4 Add(F4 a, F4 b) { return wasm_f32x4_add(a, b); }
inline F4 Sub(F4 a, F4 b) { return wasm_f32x4_sub(a, b); }
inline F4 Max(F4 a, F4 b) { return wasm_f32x4_pmax(a, b); }
inline F4 Splat(float x) { return wasm_f32x4_splat(x); }
#else
using F4 = __m128;
inline F4 Load(const float* p) { return _mm_loadu_ps(p); }
inline void Store(float* p, F4 v) { _mm_storeu_ps(p, v); }
inline F4 Add(F4 a, F4 b) { return _mm_add_ps(a, b); }
inline F4 Sub(F4 a, F4 b) { return _mm_sub_ps(a, b); }
inline F4 Max(F4 a, F4 b) { return _mm_max_ps(a, b); }
inline F4 Splat(float x) { return _mm_set1_ps(x); }
#endif
// The scalar twins, for the channels left over.
inline float Add(float a, float b) { return a + b; }
inline float Sub(float a, float b) { return a - b; }
inline float Max(float a, float b) { return std::max(a, b); }

// V = B^T d B for channels [ch, ch + lanes) of one 4x4 input tile, B^T = [1 0 -1 0; 0 1 1 0;
// 0 -1 1 0; 0 1 0 -1]; V[k] goes to out[k * plane].
template <typename V, typename LoadFn, typename StoreFn>
inline void InputPoints(const float* const d[4][4], size_t ch, float* out, size_t plane,
                        LoadFn load, StoreFn store) {
  V b[4][4];  // B^T d
  for (size_t c = 0; c < 4; ++c) {
    const V d0 = load(d[0][c] + ch), d1 = load(d[1][c] + ch);
    const V d2 = load(d[2][c] + ch), d3 = load(d[3][c] + ch);
    b[0][c] = Sub(d0, d2);
    b[1][c] = Add(d1, d2);
    b[2][c] = Sub(d2, d1);
    b[3][c] = Sub(d1, d3);
  }
  for (size_t r = 0; r < 4; ++r) {
    store(out + (r * 4 + 0) * plane + ch, Sub(b[r][0], b[r][2]));
    store(out + (r * 4 + 1) * plane + ch, Add(b[r][1], b[r][2]));
    store(out + (r * 4 + 2) * plane + ch, Sub(b[r][2], b[r][1]));
    store(out + (r * 4 + 3) * plane + ch, Sub(b[r][1], b[r][3]));
  }
}

void InputTransform(void* context, size_t tile) {
  const auto& t = *static_cast<const Transforms*>(context);
  const Conv2dShape& s = *t.shape;
  const size_t c_in = s.in_channels, global = t.first_tile + tile;
  const size_t per_image = t.tiles_h * t.tiles_w, in_image = global % per_image;
  const float* image = t.input + global / per_image * t.height * t.width * c_in;
  const auto pad = static_cast<ptrdiff_t>(s.padding_height);
  const auto y0 = static_cast<ptrdiff_t>(2 * (in_image / t.tiles_w)) - pad;
  const auto x0 = static_cast<ptrdiff_t>(2 * (in_image % t.tiles_w)) - pad;
  const float* d[4][4];
  for (ptrdiff_t r = 0; r < 4; ++r) {
    for (ptrdiff_t c = 0; c < 4; ++c) {
      // Outside the image: the zero padding, or (without padding) values that only the outputs
      // past an odd-sized map read, which are dropped.
      const ptrdiff_t y = y0 + r, x = x0 + c;
      const bool inside = y >= 0 && x >= 0 && y < static_cast<ptrdiff_t>(t.height) &&
                          x < static_cast<ptrdiff_t>(t.width);
      d[r][c] = inside ? image + (static_cast<size_t>(y) * t.width + static_cast<size_t>(x)) * c_in
                       : t.zeros;
    }
  }
  const size_t plane = t.rows * c_in;
  float* out = t.v + tile * c_in;
  size_t ch = 0;
  for (; ch + 4 <= c_in; ch += 4) {
    InputPoints<F4>(
        d, ch, out, plane, [](const float* p) { return Load(p); },
        [](float* p, F4 v) { Store(p, v); });
  }
  for (; ch < c_in; ++ch) {
    InputPoints<float>(
        d, ch, out, plane, [](const float* p) { return *p; }, [](float* p, float v) { *p = v; });
  }
}

// Y = A^T M A + bias for channels [ch, ch + lanes) of one block, A^T = [1 1 1 0; 0 1 -1 -1],
// clamped below at `low`; y[r][c] is null for an output outside an odd-sized image.
template <typename V, typename LoadFn, typename StoreFn>
inline void OutputPoints(const float* m, size_t plane, size_t ch, const float* bias, V low,
                         float* const y[2][2], LoadFn load, StoreFn store) {
  V a[2][4];  // A^T M
  for (size_t c = 0; c < 4; ++c) {
    const V m0 = load(m + (0 * 4 + c) * plane + ch), m1 = load(m + (1 * 4 + c) * plane + ch);
    const V m2 = load(m + (2 * 4 + c) * plane + ch), m3 = load(m + (3 * 4 + c) * plane + ch);
    a[0][c] = Add(Add(m0, m1), m2);
    a[1][c] = Sub(Sub(m1, m2), m3);
  }
  const V b = load(bias + ch);
  for (size_t r = 0; r < 2; ++r) {
    const V v0 = Add(Add(Add(a[r][0], a[r][1]), a[r][2]), b);
    const V v1 = Add(Sub(Sub(a[r][1], a[r][2]), a[r][3]), b);
    if (y[r][0] != nullptr) store(y[r][0] + ch, Max(v0, low));
    if (y[r][1] != nullptr) store(y[r][1] + ch, Max(v1, low));
  }
}

void OutputTransform(void* context, size_t tile) {
  const auto& t = *static_cast<const Transforms*>(context);
  const Conv2dShape& s = *t.shape;
  const size_t c_out = s.out_channels, global = t.first_tile + tile;
  const size_t per_image = t.tiles_h * t.tiles_w, in_image = global % per_image;
  float* image = t.output + global / per_image * t.out_height * t.out_width * c_out;
  const size_t y0 = 2 * (in_image / t.tiles_w), x0 = 2 * (in_image % t.tiles_w);
  const size_t plane = t.rows * c_out;
  const float* m = t.m + tile * c_out;
  const float low = s.relu ? 0.0f : -std::numeric_limits<float>::infinity();
  float* y[2][2];
  for (size_t r = 0; r < 2; ++r)
    for (size_t c = 0; c < 2; ++c) {
      y[r][c] = y0 + r < t.out_height && x0 + c < t.out_width
                    ? image + ((y0 + r) * t.out_width + x0 + c) * c_out
                    : nullptr;
    }
  size_t ch = 0;
  for (; ch + 4 <= c_out; ch += 4) {
    OutputPoints<F4>(
        m, plane, ch, t.bias, Splat(low), y, [](const float* p) { return Load(p); },
        [](float* p, F4 v) { Store(p, v); });
  }
  for (; ch < c_out; ++ch) {
    OutputPoints<float>(
        m, plane, ch, t.bias, low, y, [](const float* p) { return *p; },
        [](float* p, float v) { *p = v; });
  }
}

}  // namespace

bool WinogradConv::Suits(const Conv2dShape& s) {
  return s.plain() && s.kernel_height == 3 && s.kernel_width == 3 &&
         s.padding_height == s.padding_width && s.padding_height <= 1 && s.in_channels >= 16 &&
         s.out_channels >= 16;
}

Status WinogradConv::Create(const Conv2dShape& shape, std::span<const float> weights,
                            std::span<const float> bias, pthreadpool_t threadpool,
                            std::unique_ptr<WinogradConv>* out) {
  if (!Suits(shape)) {
    return Status::Error(
        "Winograd F(2x2, 3x3) needs a 3x3 kernel, padding 0 or 1, 16+ channels in and out");
  }
  const size_t c_in = shape.in_channels, c_out = shape.out_channels;
  if (weights.size() != c_out * 9 * c_in || (!bias.empty() && bias.size() != c_out)) {
    return Status::Error("Winograd convolution: weights or bias of the wrong size");
  }
  CONVSCOPE_RETURN_IF_ERROR(EnsureXnnInitialized());
  std::unique_ptr<WinogradConv> w(new WinogradConv());
  w->shape_ = shape;
  w->bias_.assign(bias.begin(), bias.end());
  w->bias_.resize(c_out, 0.0f);  // no bias: zeros
  w->threadpool_ = threadpool;
  w->block_ = std::max(kMinBlock, kBlockValues / (kPoints * std::max(c_in, c_out)));

  // The 16 transformed filters as the B side of the products: [16][in][out].
  std::vector<float> u(kPoints * c_in * c_out);
  double g[9], t[kPoints];
  for (size_t o = 0; o < c_out; ++o) {
    for (size_t i = 0; i < c_in; ++i) {
      for (size_t k = 0; k < 9; ++k) g[k] = weights[(o * 9 + k) * c_in + i];
      TransformFilter(g, t);
      for (size_t p = 0; p < kPoints; ++p) u[(p * c_in + i) * c_out + o] = static_cast<float>(t[p]);
    }
  }
  xnn_operator_t op = nullptr;
  CONVSCOPE_RETURN_IF_ERROR(XnnCheck(
      xnn_create_batch_matrix_multiply_nc_f32_const_weights(kPoints, c_in, c_out, u.data(), 0, &op),
      "creating the Winograd products"));
  w->products_.reset(op);
  CountOperatorCreated();
  *out = std::move(w);
  return Status::Ok();
}

Status WinogradConv::Run(const float* input, float* output) {
  return Run(input, 1, shape_.height, shape_.width, output);
}

Status WinogradConv::Run(const float* input, size_t batch, size_t height, size_t width,
                         float* output) {
  const Conv2dShape& s = shape_;
  const size_t pad = s.padding_height;
  if (height + 2 * pad < 3 || width + 2 * pad < 3) {
    return Status::Error("Winograd convolution: the input is smaller than the kernel");
  }
  Transforms t{.shape = &s, .height = height, .width = width};
  t.out_height = height + 2 * pad - 2;
  t.out_width = width + 2 * pad - 2;
  t.tiles_h = (t.out_height + 1) / 2;
  t.tiles_w = (t.out_width + 1) / 2;
  const size_t tiles = batch * t.tiles_h * t.tiles_w, block = std::min(block_, tiles);
  const size_t c_in = s.in_channels, c_out = s.out_channels;
  // The products read XNN_EXTRA_BYTES past the transformed input.
  const size_t v_values = kPoints * block * c_in + XNN_EXTRA_BYTES / sizeof(float);
  // Scratch for the transformed input and the products, only while running: kept per layer it
  // would add up over VGG16's 12 layers, and allocating it costs nothing next to the products.
  const std::unique_ptr<float[]> scratch(new float[v_values + kPoints * block * c_out + c_in]);
  t.input = input;
  t.output = output;
  t.v = scratch.get();
  float* m = t.v + v_values;
  t.m = m;
  float* zeros = m + kPoints * block * c_out;
  std::fill(zeros, zeros + c_in, 0.0f);
  t.zeros = zeros;
  t.bias = bias_.data();
  for (size_t first = 0; first < tiles; first += block) {
    t.first_tile = first;
    t.rows = std::min(block, tiles - first);
    if (t.rows != reshaped_rows_) {
      const size_t batch_dims = kPoints;
      CONVSCOPE_RETURN_IF_ERROR(XnnCheck(xnn_reshape_batch_matrix_multiply_nc_f32(
                                             products_.get(), 1, &batch_dims, &batch_dims, t.rows,
                                             c_in, c_out, nullptr, nullptr, threadpool_),
                                         "reshaping the Winograd products"));
      reshaped_rows_ = t.rows;
    }
    pthreadpool_parallelize_1d(threadpool_, InputTransform, &t, t.rows, 0);
    CONVSCOPE_RETURN_IF_ERROR(
        XnnCheck(xnn_setup_batch_matrix_multiply_nc_f32(products_.get(), nullptr, t.v, nullptr, m),
                 "setting up the Winograd products"));
    CONVSCOPE_RETURN_IF_ERROR(
        XnnCheck(xnn_run_operator(products_.get(), threadpool_), "running the Winograd products"));
    pthreadpool_parallelize_1d(threadpool_, OutputTransform, &t, t.rows, 0);
  }
  return Status::Ok();
}

}  // namespace convscope

// Winograd's F(2x2, 3x3) against the naive convolution, on the shapes where its tiling has edges:
// odd and tiny images (blocks cut by the border), channel counts that are no multiple of the SIMD
// width, more tiles than one block, no bias, with and without ReLU, with padding and without, on
// one image and on several at once; and threads give the same bits.
#include "engine/winograd_conv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/conv2d.h"
#include "reference_conv.h"
#include "test_seed.h"

namespace convscope {
namespace {

using testing::RandomVector;
using testing::ReferenceConv2d;

struct PoolDeleter {
  void operator()(pthreadpool_t p) const { pthreadpool_destroy(p); }
};

// `batch` images of s.height x s.width.
std::vector<float> RunWinograd(const Conv2dShape& s, size_t batch, std::span<const float> input,
                               std::span<const float> weights, std::span<const float> bias,
                               pthreadpool_t pool) {
  std::unique_ptr<WinogradConv> conv;
  const Status created = WinogradConv::Create(s, weights, bias, pool, &conv);
  EXPECT_TRUE(created.ok()) << created.message();
  if (!created.ok()) return {};
  std::vector<float> padded(input.begin(), input.end());
  padded.resize(padded.size() + XNN_EXTRA_BYTES / sizeof(float));
  std::vector<float> out(batch * s.output_height() * s.output_width() * s.out_channels, NAN);
  const Status ran = batch == 1 ? conv->Run(padded.data(), out.data())
                                : conv->Run(padded.data(), batch, s.height, s.width, out.data());
  EXPECT_TRUE(ran.ok()) << ran.message();
  return out;
}

TEST(WinogradConv, MatchesNaiveReferenceWhereTheTilingHasEdges) {
  const uint32_t seed = testing::TestSeed();
  std::mt19937 rng(seed);
  // 90x90 with 16 channels is two blocks of tiles and a part.
  const struct {
    size_t h, w, in, out, padding, batch;
    bool relu, bias;
  } cases[] = {{1, 1, 16, 17, 1, 1, false, true},  {2, 3, 17, 18, 1, 1, true, true},
               {7, 5, 23, 21, 1, 1, true, false},  {14, 14, 32, 33, 1, 1, false, true},
               {90, 90, 16, 20, 1, 1, true, true}, {9, 16, 64, 64, 1, 1, true, true},
               {3, 3, 16, 19, 0, 1, true, true},   {8, 7, 20, 22, 0, 3, false, true},
               {5, 6, 16, 16, 1, 4, true, true},   {60, 40, 16, 16, 0, 2, true, false}};
  std::unique_ptr<pthreadpool, PoolDeleter> pool(pthreadpool_create(2));
  for (const auto& c : cases) {
    const Conv2dShape s{.height = c.h,
                        .width = c.w,
                        .in_channels = c.in,
                        .out_channels = c.out,
                        .padding_height = c.padding,
                        .padding_width = c.padding,
                        .relu = c.relu};
    SCOPED_TRACE(testing::SeedTrace(seed) + ", " + std::to_string(c.batch) + " x " +
                 std::to_string(c.h) + "x" + std::to_string(c.w) + "x" + std::to_string(c.in) +
                 " -> " + std::to_string(c.out) + ", padding " + std::to_string(c.padding));
    ASSERT_TRUE(WinogradConv::Suits(s));
    const size_t in_size = c.h * c.w * c.in;
    const std::vector<float> input = RandomVector(rng, c.batch * in_size, -1.0f, 1.0f);
    std::vector<float> weights = RandomVector(rng, c.out * 9 * c.in, -1.0f, 1.0f);
    for (float& w : weights) w /= std::sqrt(static_cast<float>(9 * c.in));
    const std::vector<float> bias =
        c.bias ? RandomVector(rng, c.out, -0.1f, 0.1f) : std::vector<float>();
    const std::vector<float> got = RunWinograd(s, c.batch, input, weights, bias, nullptr);
    std::vector<float> want;
    for (size_t n = 0; n < c.batch; ++n) {
      const std::vector<float> one =
          ReferenceConv2d(s, std::span(input).subspan(n * in_size, in_size), weights,
                          c.bias ? bias : std::vector<float>(c.out, 0.0f));
      want.insert(want.end(), one.begin(), one.end());
    }
    ASSERT_EQ(got.size(), want.size());
    float largest = 0;
    for (float v : want) largest = std::max(largest, std::fabs(v));
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_LE(std::fabs(got[i] - want[i]), 1e-5f * largest) << "output element " << i;
    }
    if (pool != nullptr && pthreadpool_get_threads_count(pool.get()) > 1) {
      EXPECT_EQ(RunWinograd(s, c.batch, input, weights, bias, pool.get()), got)
          << "2 threads, other bits";
    }
  }
}

TEST(WinogradConv, ServesTheF32ConvolutionsItSuits) {
  // in, out, precision, padding (2: a 5x5 kernel), whether Conv2d runs it by Winograd.
  for (const auto& [in, out, precision, padding, winograd] :
       {std::tuple{16, 16, Precision::kF32, 1, true}, std::tuple{3, 16, Precision::kF32, 1, false},
        std::tuple{16, 3, Precision::kF32, 1, false},
        std::tuple{16, 16, Precision::kInt8, 1, false},
        std::tuple{16, 16, Precision::kF32, 2, false}}) {
    const size_t k = padding == 2 ? 5 : 3;
    const Conv2dShape s{.height = 6,
                        .width = 6,
                        .in_channels = static_cast<size_t>(in),
                        .out_channels = static_cast<size_t>(out),
                        .kernel_height = k,
                        .kernel_width = k,
                        .padding_height = static_cast<size_t>(padding),
                        .padding_width = static_cast<size_t>(padding)};
    const std::vector<float> weights(s.out_channels * k * k * s.in_channels, 0.01f);
    const std::vector<float> bias(s.out_channels, 0.0f);
    std::unique_ptr<Conv2d> conv;
    ASSERT_TRUE(Conv2d::Create(s, precision, weights, bias, nullptr, &conv).ok());
    EXPECT_EQ(conv->winograd(), winograd)
        << in << " -> " << out << " channels, padding " << padding;
  }
}

}  // namespace
}  // namespace convscope

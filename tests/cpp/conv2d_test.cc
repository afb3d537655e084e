#include "engine/conv2d.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "reference_conv.h"
#include "test_seed.h"

namespace convscope {
namespace {

using testing::RandomVector;
using testing::ReferenceConv2d;

struct Case {
  Conv2dShape shape;
  std::vector<float> input, weights, bias;
};

Case RandomCase(std::mt19937& rng) {
  auto pick = [&](size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>(lo, hi)(rng);
  };
  Case c;
  Conv2dShape& s = c.shape;
  s.kernel_height = pick(1, 3);
  s.kernel_width = pick(1, 3);
  s.padding_height = pick(0, s.kernel_height - 1);
  s.padding_width = pick(0, s.kernel_width - 1);
  s.height = pick(s.kernel_height, 13);
  s.width = pick(s.kernel_width, 13);
  s.in_channels = pick(1, 40);
  s.out_channels = pick(1, 40);
  s.relu = pick(0, 1) == 1;
  const float fan_in = static_cast<float>(s.kernel_height * s.kernel_width * s.in_channels);
  c.input = RandomVector(rng, s.height * s.width * s.in_channels, -1.0f, 1.0f);
  c.weights = RandomVector(rng, s.out_channels * s.kernel_height * s.kernel_width * s.in_channels,
                           -1.0f, 1.0f);
  for (float& w : c.weights) w /= std::sqrt(fan_in);
  c.bias = RandomVector(rng, s.out_channels, -0.1f, 0.1f);
  return c;
}

std::string ShapeTrace(const Conv2dShape& s) {
  return "shape " + std::to_string(s.height) + "x" + std::to_string(s.width) + "x" +
         std::to_string(s.in_channels) + " -> " + std::to_string(s.out_channels) + ", kernel " +
         std::to_string(s.kernel_height) + "x" + std::to_string(s.kernel_width) + ", padding " +
         std::to_string(s.padding_height) + "x" + std::to_string(s.padding_width) +
         (s.relu ? ", relu" : "");
}

std::vector<float> RunConv(const Case& c, Precision precision) {
  std::unique_ptr<Conv2d> conv;
  const Status st = Conv2d::Create(c.shape, precision, c.weights, c.bias, nullptr, &conv);
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  std::copy(c.input.begin(), c.input.end(), conv->input().begin());
  const Status run = conv->Run();
  EXPECT_TRUE(run.ok()) << run.message();
  return {conv->output().begin(), conv->output().end()};
}

float MaxAbs(std::span<const float> v) {
  float m = 0.0f;
  for (float x : v) m = std::max(m, std::fabs(x));
  return m;
}

// f32: max error <= 1e-5 x the output's max magnitude.
void ExpectF32MatchesReference(const Case& c) {
  const std::vector<float> got = RunConv(c, Precision::kF32);
  const std::vector<float> want = ReferenceConv2d(c.shape, c.input, c.weights, c.bias);
  ASSERT_EQ(got.size(), want.size());
  const float tolerance = 1e-5f * MaxAbs(want);
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_LE(std::fabs(got[i] - want[i]), tolerance) << "output element " << i;
  }
}

TEST(Conv2d, F32MatchesNaiveReferenceOnRandomShapes) {
  const uint32_t seed = testing::TestSeed();
  std::mt19937 rng(seed);
  for (int i = 0; i < 40; ++i) {
    const Case c = RandomCase(rng);
    SCOPED_TRACE(testing::SeedTrace(seed) + ", case " + std::to_string(i) + ": " +
                 ShapeTrace(c.shape));
    ExpectF32MatchesReference(c);
  }
}

// The layer the benchmark times (VGG16's block3 shape): 3x3, 256 -> 256 on 56x56.
TEST(Conv2d, F32MatchesNaiveReferenceOnVggBlock3Layer) {
  const uint32_t seed = testing::TestSeed();
  SCOPED_TRACE(testing::SeedTrace(seed));
  std::mt19937 rng(seed);
  Case c;
  c.shape = {.height = 56, .width = 56, .in_channels = 256, .out_channels = 256};
  c.input = RandomVector(rng, 56 * 56 * 256, -1.0f, 1.0f);
  c.weights = RandomVector(rng, 256 * 9 * 256, -1.0f / 48, 1.0f / 48);
  c.bias = RandomVector(rng, 256, -0.1f, 0.1f);
  ExpectF32MatchesReference(c);
}

// testing::Int8ErrorBound says why the bound holds.
TEST(Conv2d, Int8StaysWithinQuantizationErrorBound) {
  const uint32_t seed = testing::TestSeed();
  std::mt19937 rng(seed + 1);
  for (int i = 0; i < 30; ++i) {
    const Case c = RandomCase(rng);
    SCOPED_TRACE(testing::SeedTrace(seed) + ", case " + std::to_string(i) + ": " +
                 ShapeTrace(c.shape));
    const Conv2dShape& s = c.shape;
    const std::vector<float> got = RunConv(c, Precision::kInt8);
    const std::vector<float> want = ReferenceConv2d(s, c.input, c.weights, c.bias);
    ASSERT_EQ(got.size(), want.size());
    const std::vector<float> bound = testing::Int8ErrorBound(s, c.input, c.weights, want);
    for (size_t j = 0; j < want.size(); ++j) {
      ASSERT_LE(std::fabs(got[j] - want[j]), bound[j]) << "output element " << j;
    }
  }
}

TEST(Conv2d, RuntimeIsReusedAcrossRuns) {
  const uint32_t seed = testing::TestSeed();
  SCOPED_TRACE(testing::SeedTrace(seed));
  std::mt19937 rng(seed + 2);
  Case c = RandomCase(rng);
  std::unique_ptr<Conv2d> conv;
  ASSERT_TRUE(Conv2d::Create(c.shape, Precision::kF32, c.weights, c.bias, nullptr, &conv).ok());
  for (int run = 0; run < 3; ++run) {
    c.input = RandomVector(rng, c.input.size(), -1.0f, 1.0f);
    std::copy(c.input.begin(), c.input.end(), conv->input().begin());
    ASSERT_TRUE(conv->Run().ok());
    const std::vector<float> want = ReferenceConv2d(c.shape, c.input, c.weights, c.bias);
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_NEAR(conv->output()[i], want[i], 1e-5f * MaxAbs(want) + 1e-30f) << "run " << run;
    }
  }
}

TEST(Conv2d, RunsOnTheCallersBuffers) {
  const uint32_t seed = testing::TestSeed();
  SCOPED_TRACE(testing::SeedTrace(seed));
  std::mt19937 rng(seed + 3);
  Case c = RandomCase(rng);
  std::unique_ptr<Conv2d> conv;
  ASSERT_TRUE(Conv2d::Create(c.shape, Precision::kF32, c.weights, c.bias, nullptr, &conv,
                             Conv2dBuffers::kCaller)
                  .ok());
  EXPECT_TRUE(conv->input().empty());
  EXPECT_FALSE(conv->Run().ok());
  const std::vector<float> want = ReferenceConv2d(c.shape, c.input, c.weights, c.bias);
  std::vector<float> input = c.input, output(want.size());
  EXPECT_FALSE(conv->RunOn(input, output).ok()) << "an input without XNNPACK's padding";
  input.resize(input.size() + XNN_EXTRA_BYTES / sizeof(float));
  // Twice, into different outputs: the runtime follows the buffers it is given.
  for (int run = 0; run < 2; ++run) {
    std::vector<float> out(want.size(), -1.0f);
    ASSERT_TRUE(conv->RunOn(input, out).ok());
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_NEAR(out[i], want[i], 1e-5f * MaxAbs(want) + 1e-30f) << "run " << run;
    }
  }
}

struct BadCase {
  const char* name;
  Conv2dShape shape;
  size_t weights_size;  // SIZE_MAX: the size the shape asks for
  size_t bias_size;
  float poison;  // written into the first weight
  const char* expected;
};

TEST(Conv2d, RejectsBadArgumentsWithMessagesNamingThem) {
  const Conv2dShape ok{.height = 4, .width = 4, .in_channels = 2, .out_channels = 3};
  auto with = [&](auto edit) {
    Conv2dShape s = ok;
    edit(s);
    return s;
  };
  constexpr size_t kAuto = SIZE_MAX;
  const BadCase cases[] = {
      {"zero height", with([](auto& s) { s.height = 0; }), kAuto, 3, 0, "height must be positive"},
      {"zero width", with([](auto& s) { s.width = 0; }), kAuto, 3, 0, "width must be positive"},
      {"zero channels", with([](auto& s) { s.in_channels = 0; }), kAuto, 3, 0,
       "inChannels must be positive"},
      {"zero filters", with([](auto& s) { s.out_channels = 0; }), kAuto, 0, 0,
       "outChannels must be positive"},
      {"short weights", ok, 5, 3, 0, "weights has 5 elements, expected 54"},
      {"short bias", ok, kAuto, 2, 0, "bias has 2 elements, expected 3"},
      {"NaN weight", ok, kAuto, 3, std::numeric_limits<float>::quiet_NaN(), "weights contain NaN"},
      {"infinite weight", ok, kAuto, 3, std::numeric_limits<float>::infinity(),
       "weights contain NaN"},
      {"kernel larger than input", with([](auto& s) { s.height = 1, s.padding_height = 0; }), kAuto,
       3, 0, "the kernel is larger than the padded input"},
      {"padding too large", with([](auto& s) { s.padding_height = s.padding_width = 3; }), kAuto, 3,
       0, "padding 3 must be smaller than the kernel"},
      {"overflowing size", with([](auto& s) { s.height = SIZE_MAX / 4, s.width = SIZE_MAX / 4; }),
       0, 3, 0, "would exceed"},
  };
  for (const BadCase& bad : cases) {
    SCOPED_TRACE(bad.name);
    const Conv2dShape& s = bad.shape;
    const size_t n = bad.weights_size != kAuto
                         ? bad.weights_size
                         : s.out_channels * s.kernel_height * s.kernel_width * s.in_channels;
    std::vector<float> weights(n, 0.1f), bias(bad.bias_size, 0.0f);
    if (!weights.empty()) weights[0] += bad.poison;
    std::unique_ptr<Conv2d> conv;
    const Status st = Conv2d::Create(s, Precision::kF32, weights, bias, nullptr, &conv);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find(bad.expected), std::string::npos) << st.message();
    EXPECT_EQ(conv, nullptr);
  }
  // The library is still usable after every failure.
  std::vector<float> weights(54, 0.1f), bias(3, 0.0f);
  std::unique_ptr<Conv2d> conv;
  ASSERT_TRUE(Conv2d::Create(ok, Precision::kInt8, weights, bias, nullptr, &conv).ok());
  std::fill(conv->input().begin(), conv->input().end(), 1.0f);
  ASSERT_TRUE(conv->Run().ok());
  EXPECT_NEAR(conv->output()[0], 0.8f, 0.01f);  // corner: 2x2 taps x 2 channels x 0.1
}

}  // namespace
}  // namespace convscope

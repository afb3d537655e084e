// Convolutions as users' Keras models have them — strides, dilation, depthwise groups and
// TensorFlow's 'same' padding with its odd row and column below and to the right — against naive
// loops, forward in f32 and int8 (within the quantization error bound, with up to 48 input
// channels per group, past XNNPACK's 16-channel blocks) and backward (the gradient of the input,
// by XNNPACK's deconvolution or the flipped kernel: layers/convolution.h).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/conv2d.h"
#include "layers/convolution.h"
#include "reference_conv.h"
#include "test_seed.h"

namespace convscope {
namespace {

using testing::RandomVector;

// A random shape with the options Keras allows (no strides with dilation), with up to
// `group_inputs` input channels per group.
Conv2dShape RandomShape(std::mt19937& rng, size_t group_inputs = 4) {
  auto pick = [&](size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>(lo, hi)(rng);
  };
  Conv2dShape s;
  s.kernel_height = pick(1, 4);
  s.kernel_width = pick(1, 4);
  if (pick(0, 1) == 1) {
    s.stride_height = pick(1, 3);
    s.stride_width = pick(1, 3);
  } else {
    s.dilation_height = pick(1, 3);
    s.dilation_width = pick(1, 3);
  }
  s.padding_height = pick(0, s.window_height() - 1);
  s.padding_width = pick(0, s.window_width() - 1);
  s.padding_bottom_extra = pick(0, 1);
  s.padding_right_extra = pick(0, 1);
  s.height = pick(s.window_height(), 14);
  s.width = pick(s.window_width(), 14);
  s.groups = pick(0, 2) == 0 ? pick(1, 6) : 1;  // depthwise-like in a third of the cases
  s.in_channels = s.groups * pick(1, group_inputs);
  s.out_channels = s.groups * pick(1, 5);
  s.relu = pick(0, 1) == 1;
  return s;
}

std::string Trace(const Conv2dShape& s) {
  auto pair = [](size_t a, size_t b) { return std::to_string(a) + "x" + std::to_string(b); };
  return "input " + pair(s.height, s.width) + "x" + std::to_string(s.in_channels) + ", out " +
         std::to_string(s.out_channels) + ", kernel " + pair(s.kernel_height, s.kernel_width) +
         ", stride " + pair(s.stride_height, s.stride_width) + ", dilation " +
         pair(s.dilation_height, s.dilation_width) + ", padding " +
         pair(s.padding_height, s.padding_width) + " +" +
         pair(s.padding_bottom_extra, s.padding_right_extra) + ", groups " +
         std::to_string(s.groups);
}

float MaxAbs(std::span<const float> v) {
  float m = 0;
  for (float x : v) m = std::max(m, std::fabs(x));
  return m;
}

TEST(Conv2dGeneral, StridedDilatedGroupedPaddedMatchNaiveLoops) {
  const uint32_t seed = testing::TestSeed();
  std::mt19937 rng(seed);
  for (int i = 0; i < 60; ++i) {
    const Conv2dShape s = RandomShape(rng);
    SCOPED_TRACE(testing::SeedTrace(seed) + ", case " + std::to_string(i) + ": " + Trace(s));
    const std::vector<float> input = RandomVector(rng, s.height * s.width * s.in_channels, -1, 1);
    const std::vector<float> weights = RandomVector(
        rng, s.out_channels * s.kernel_height * s.kernel_width * s.group_in_channels(), -1, 1);
    const std::vector<float> bias = RandomVector(rng, s.out_channels, -0.1f, 0.1f);
    std::unique_ptr<Conv2d> conv;
    const Status created = Conv2d::Create(s, Precision::kF32, weights, bias, nullptr, &conv);
    ASSERT_TRUE(created.ok()) << created.message();
    std::copy(input.begin(), input.end(), conv->input().begin());
    ASSERT_TRUE(conv->Run().ok());
    const std::vector<float> want = testing::ReferenceConv2d(s, input, weights, bias);
    ASSERT_EQ(conv->output().size(), want.size());
    const float tolerance = 1e-5f * std::max(MaxAbs(want), 1.0f);
    for (size_t k = 0; k < want.size(); ++k) {
      ASSERT_NEAR(conv->output()[k], want[k], tolerance) << "output " << k;
    }
  }
}

TEST(Conv2dGeneral, Int8StaysWithinQuantizationErrorBound) {
  const uint32_t seed = testing::TestSeed();
  std::mt19937 rng(seed + 2);
  for (int i = 0; i < 40; ++i) {
    const Conv2dShape s = RandomShape(rng, 48);
    SCOPED_TRACE(testing::SeedTrace(seed) + ", case " + std::to_string(i) + ": " + Trace(s));
    const std::vector<float> input = RandomVector(rng, s.height * s.width * s.in_channels, -1, 1);
    std::vector<float> weights = RandomVector(
        rng, s.out_channels * s.kernel_height * s.kernel_width * s.group_in_channels(), -1, 1);
    for (float& w : weights) w /= std::sqrt(static_cast<float>(weights.size() / s.out_channels));
    const std::vector<float> bias = RandomVector(rng, s.out_channels, -0.1f, 0.1f);
    std::unique_ptr<Conv2d> conv;
    const Status created = Conv2d::Create(s, Precision::kInt8, weights, bias, nullptr, &conv);
    ASSERT_TRUE(created.ok()) << created.message();
    std::copy(input.begin(), input.end(), conv->input().begin());
    ASSERT_TRUE(conv->Run().ok());
    const std::vector<float> want = testing::ReferenceConv2d(s, input, weights, bias);
    ASSERT_EQ(conv->output().size(), want.size());
    const std::vector<float> bound = testing::Int8ErrorBound(s, input, weights, want);
    for (size_t k = 0; k < want.size(); ++k) {
      ASSERT_LE(std::fabs(conv->output()[k] - want[k]), bound[k]) << "output " << k;
    }
  }
}

TEST(Conv2dGeneral, InputGradientMatchesNaiveLoops) {
  const uint32_t seed = testing::TestSeed();
  std::mt19937 rng(seed + 1);
  for (int i = 0; i < 60; ++i) {
    Conv2dShape s = RandomShape(rng);
    s.relu = false;
    SCOPED_TRACE(testing::SeedTrace(seed) + ", case " + std::to_string(i) + ": " + Trace(s));
    const std::vector<float> weights = RandomVector(
        rng, s.out_channels * s.kernel_height * s.kernel_width * s.group_in_channels(), -1, 1);
    const size_t outputs = s.output_height() * s.output_width() * s.out_channels;
    std::vector<float> gradient = RandomVector(rng, outputs, -1, 1);
    const std::vector<float> want = testing::ReferenceConv2dInputGradient(s, gradient, weights);
    std::unique_ptr<BackwardState> state;
    const Status created = ConvInputGradient::Create(s, weights, nullptr, &state);
    ASSERT_TRUE(created.ok()) << created.message();
    std::vector<float> scratch;
    ASSERT_TRUE(static_cast<ConvInputGradient&>(*state).Run(&gradient, &scratch).ok());
    ASSERT_EQ(gradient.size(), want.size());
    const float tolerance = 1e-5f * std::max(MaxAbs(want), 1.0f);
    for (size_t k = 0; k < want.size(); ++k) {
      ASSERT_NEAR(gradient[k], want[k], tolerance) << "input " << k;
    }
  }
}

}  // namespace
}  // namespace convscope

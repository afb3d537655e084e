#include "engine/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "test_seed.h"

namespace convscope {
namespace {

using testing::RandomVector;

TEST(QuantizeChannelwise, DequantizedErrorIsAtMostHalfAStep) {
  const uint32_t seed = testing::TestSeed();
  SCOPED_TRACE(testing::SeedTrace(seed));
  std::mt19937 rng(seed);
  const size_t channels = 17, row = 3 * 3 * 29;
  std::vector<float> w = RandomVector(rng, channels * row, -0.3f, 0.3f);
  for (size_t i = 0; i < row; ++i) w[5 * row + i] *= 100.0f;  // one channel far larger

  const ChannelwiseInt8 q = QuantizeChannelwise(w, channels);
  ASSERT_EQ(q.values.size(), w.size());
  ASSERT_EQ(q.scales.size(), channels);
  for (size_t k = 0; k < channels; ++k) {
    float max_abs = 0.0f;
    int max_q = 0;
    for (size_t i = 0; i < row; ++i) {
      const float deq = q.scales[k] * q.values[k * row + i];
      EXPECT_LE(std::fabs(deq - w[k * row + i]), q.scales[k] / 2 * (1 + 1e-6f))
          << "channel " << k << " element " << i;
      max_abs = std::max(max_abs, std::fabs(w[k * row + i]));
      max_q = std::max(max_q, std::abs(static_cast<int>(q.values[k * row + i])));
    }
    EXPECT_FLOAT_EQ(q.scales[k], max_abs / 127.0f) << "channel " << k;
    EXPECT_EQ(max_q, 127) << "the largest weight of channel " << k << " must use the full range";
  }
}

TEST(QuantizeChannelwise, AllZeroChannelGetsPositiveScale) {
  const std::vector<float> w = {0, 0, 0, 0, 1, -2, 0.5f, 0};
  const ChannelwiseInt8 q = QuantizeChannelwise(w, 2);
  EXPECT_GT(q.scales[0], 0.0f);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(q.values[i], 0);
  EXPECT_EQ(q.values[5], -127);
  EXPECT_EQ(q.values[4], 64);  // 1 / (2/127) = 63.5 rounds to even
}

}  // namespace
}  // namespace convscope

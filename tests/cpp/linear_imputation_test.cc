// ROAD's noisy linear imputation: without noise every removed pixel is the weighted mean of its
// neighbours inside the image (1/6 beside, 1/12 diagonal) — checked row by row, whatever the solver
// — kept pixels are untouched, and the noise has the standard deviation asked for.
#include "metrics/linear_imputation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "test_seed.h"

namespace convscope {
namespace {

using testing::RandomVector;
using testing::SeedTrace;
using testing::TestSeed;

// The largest gap between a removed pixel and the weighted mean of its neighbours.
double LargestGap(const std::vector<float>& image, size_t h, size_t w, size_t channels,
                  const std::vector<uint8_t>& removed) {
  double largest = 0;
  for (size_t y = 0; y < h; ++y) {
    for (size_t x = 0; x < w; ++x) {
      if (removed[y * w + x] == 0) continue;
      for (size_t c = 0; c < channels; ++c) {
        double sum = 0, weights = 0;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const long ny = static_cast<long>(y) + dy, nx = static_cast<long>(x) + dx;
            if ((dy == 0 && dx == 0) || ny < 0 || nx < 0 || ny >= static_cast<long>(h) ||
                nx >= static_cast<long>(w)) {
              continue;
            }
            const double weight = dy != 0 && dx != 0 ? 1.0 / 12 : 1.0 / 6;
            sum += weight *
                   image[(static_cast<size_t>(ny) * w + static_cast<size_t>(nx)) * channels + c];
            weights += weight;
          }
        }
        largest = std::max(largest, std::abs(sum / weights - image[(y * w + x) * channels + c]));
      }
    }
  }
  return largest;
}

struct Case {
  size_t h, w, channels;
  std::vector<float> image;
  std::vector<uint8_t> removed;
};

// Values in [-2, 2]; `share` of the pixels removed at random, or a block when `block`.
Case MakeCase(std::mt19937& rng, size_t h, size_t w, size_t channels, double share, bool block) {
  Case c{h, w, channels, RandomVector(rng, h * w * channels, -2, 2), std::vector<uint8_t>(h * w)};
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t i = 0; i < h * w; ++i) {
    const size_t y = i / w, x = i % w;
    c.removed[i] = block ? (y >= h / 8 && x < w * 7 / 8) : u(rng) < share;
  }
  return c;
}

TEST(LinearImputation, RemovedPixelsAreTheirNeighboursMean) {
  const uint32_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  std::mt19937 rng(seed);
  // Scattered holes, most of a small image, and a large block that goes through the coarser grids.
  for (Case c : {MakeCase(rng, 9, 7, 3, 0.4, false), MakeCase(rng, 12, 13, 1, 0.9, false),
                 MakeCase(rng, 96, 80, 3, 0, true)}) {
    const std::vector<float> before = c.image;
    const std::vector<float> no_noise(c.channels, 0);
    ImputeLinear(c.image, c.h, c.w, c.removed, no_noise, 1);
    EXPECT_LT(LargestGap(c.image, c.h, c.w, c.channels, c.removed), 1e-4) << c.h << " x " << c.w;
    for (size_t i = 0; i < c.image.size(); ++i) {
      if (c.removed[i / c.channels] == 0) ASSERT_EQ(c.image[i], before[i]) << "kept value " << i;
    }
  }
}

TEST(LinearImputation, NoiseHasTheStandardDeviationAskedFor) {
  std::mt19937 rng(TestSeed());
  const Case c = MakeCase(rng, 64, 64, 2, 0, true);
  std::vector<float> plain = c.image, noisy = c.image, again = c.image;
  const std::vector<float> none(2, 0), sd = {0.5f, 0.05f};
  ImputeLinear(plain, c.h, c.w, c.removed, none, 7);
  ImputeLinear(noisy, c.h, c.w, c.removed, sd, 7);
  ImputeLinear(again, c.h, c.w, c.removed, sd, 7);
  EXPECT_EQ(noisy, again) << "the same seed, the same noise";
  for (size_t channel = 0; channel < 2; ++channel) {
    double sum = 0, squares = 0, n = 0;
    for (size_t i = 0; i < c.h * c.w; ++i) {
      if (c.removed[i] == 0) continue;
      const double d = noisy[i * 2 + channel] - plain[i * 2 + channel];
      sum += d;
      squares += d * d;
      n += 1;
    }
    const double mean = sum / n, sd_seen = std::sqrt(squares / n - mean * mean);
    EXPECT_NEAR(sd_seen, sd[channel], sd[channel] * 0.05) << "channel " << channel;
    EXPECT_NEAR(mean, 0, sd[channel] * 0.05) << "channel " << channel;
  }
}

}  // namespace
}  // namespace convscope

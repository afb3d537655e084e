// The Dense kernel (wasm/engine/dense_layer.h) at the edges of its int8 x int16 arithmetic: sums
// that overflow int32, inputs that have no int16 value, and rows summed several at once.
#include "engine/dense_layer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

namespace convscope {
namespace {

struct Units {
  explicit Units(size_t inputs, size_t units = 1)
      : input(inputs), kernel(inputs * units), scale(units, 1.0f), output(units) {}

  // Runs the layer in the int8 engine's arithmetic; returns the first unit's output.
  float Run() {
    Layer layer;
    layer.name = "d";
    layer.kind = LayerKind::kDense;
    layer.units = output.size();
    LayerWeights weights;
    weights.kernel_int8 = kernel;
    weights.scales = scale;
    std::unique_ptr<DenseLayer> dense;
    const Status created =
        DenseLayer::Create(layer, input.size(), weights, /*int16_input=*/true, nullptr,
                           input.data(), output.data(), nullptr, &dense);
    EXPECT_TRUE(created.ok()) << created.message();
    EXPECT_TRUE(dense->Run().ok());
    return output[0];
  }

  std::vector<float> input;
  std::vector<int8_t> kernel;  // OI
  std::vector<float> scale;
  std::vector<float> output;
};

// -128 x 32767 over 25,088 inputs (VGG16's fc1) is -1.05e11: far past int32 in any one lane, in
// the sum of the lanes, and in a span's scalar tail.
TEST(DenseLayer, SumsPastInt32Exactly) {
  for (size_t inputs : {25088u, 2047u, 4095u}) {
    Units d(inputs);
    std::fill(d.input.begin(), d.input.end(), 1.0f);
    std::fill(d.kernel.begin(), d.kernel.end(), int8_t{-128});
    EXPECT_FLOAT_EQ(d.Run(), -128.0f * static_cast<float>(inputs)) << inputs << " inputs";
  }
}

// 11 units: rows taken four at a time (sharing the input's loads) and one at a time, each its own
// exact sum. Inputs are whole numbers up to 32767, so their int16 values are the inputs themselves.
TEST(DenseLayer, SumsEachRowOfAGroupExactly) {
  const size_t inputs = 2083, units = 11;  // spans of 1,024 and a tail of 35
  Units d(inputs, units);
  for (size_t k = 0; k < inputs; ++k) d.input[k] = static_cast<float>((k * 7919) % 65535) - 32767;
  for (size_t i = 0; i < d.kernel.size(); ++i) {
    d.kernel[i] = static_cast<int8_t>(static_cast<int>((i * 104729) % 256) - 128);
  }
  d.Run();
  for (size_t o = 0; o < units; ++o) {
    int64_t sum = 0;
    for (size_t k = 0; k < inputs; ++k) {
      sum += int64_t{d.kernel[o * inputs + k]} * static_cast<int64_t>(d.input[k]);
    }
    EXPECT_EQ(d.output[o], static_cast<float>(sum)) << "unit " << o;
  }
}

TEST(DenseLayer, CarriesNanAndInfinityLikeAnF32Layer) {
  Units d(40);
  std::fill(d.input.begin(), d.input.end(), 0.5f);
  std::fill(d.kernel.begin(), d.kernel.end(), int8_t{2});
  d.input[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(d.Run()));
  d.input[3] = std::numeric_limits<float>::infinity();
  EXPECT_EQ(d.Run(), std::numeric_limits<float>::infinity());
}

// Inputs so small that their int16 scale would be a denormal of a few bits (1e-40 / 32767 is two
// steps of the smallest float) still give their products, to the inputs' own precision.
TEST(DenseLayer, KeepsTinyInputs) {
  Units d(40);
  std::fill(d.input.begin(), d.input.end(), 1e-40f);
  std::fill(d.kernel.begin(), d.kernel.end(), int8_t{100});
  d.scale = {1e20f};
  const float expected = 40 * 100 * 1e-40f * 1e20f;
  EXPECT_NEAR(d.Run(), expected, 1e-4f * expected);
}

}  // namespace
}  // namespace convscope

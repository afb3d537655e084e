// The Dense kernel (wasm/engine/dense_layer.h) at the edges of its int8 x int16 arithmetic: sums
// that overflow int32, and inputs that have no int16 value.
#include "engine/dense_layer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

namespace convscope {
namespace {

struct OneUnit {
  explicit OneUnit(size_t inputs) : input(inputs), kernel(inputs) {}

  // Runs the one-unit layer in the int8 engine's arithmetic; returns the unit's output.
  float Run() {
    Layer layer;
    layer.name = "d";
    layer.kind = LayerKind::kDense;
    layer.units = 1;
    LayerWeights weights;
    weights.kernel_int8 = kernel;
    weights.scales = scale;
    std::unique_ptr<DenseLayer> dense;
    const Status created = DenseLayer::Create(layer, input.size(), weights, /*int16_input=*/true,
                                              nullptr, input.data(), &output, nullptr, &dense);
    EXPECT_TRUE(created.ok()) << created.message();
    EXPECT_TRUE(dense->Run().ok());
    return output;
  }

  std::vector<float> input;
  std::vector<int8_t> kernel;
  std::vector<float> scale = {1.0f};
  float output = 0;
};

// -128 x 32767 over 25,088 inputs (VGG16's fc1) is -1.05e11: far past int32 in any one lane, in
// the sum of the lanes, and in a span's scalar tail.
TEST(DenseLayer, SumsPastInt32Exactly) {
  for (size_t inputs : {25088u, 2047u, 4095u}) {
    OneUnit d(inputs);
    std::fill(d.input.begin(), d.input.end(), 1.0f);
    std::fill(d.kernel.begin(), d.kernel.end(), int8_t{-128});
    EXPECT_FLOAT_EQ(d.Run(), -128.0f * static_cast<float>(inputs)) << inputs << " inputs";
  }
}

TEST(DenseLayer, CarriesNanAndInfinityLikeAnF32Layer) {
  OneUnit d(40);
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
  OneUnit d(40);
  std::fill(d.input.begin(), d.input.end(), 1e-40f);
  std::fill(d.kernel.begin(), d.kernel.end(), int8_t{100});
  d.scale = {1e20f};
  const float expected = 40 * 100 * 1e-40f * 1e20f;
  EXPECT_NEAR(d.Run(), expected, 1e-4f * expected);
}

}  // namespace
}  // namespace convscope

// The Dense kernel (wasm/engine/dense_layer.h) at the edges of its int8 x int16 arithmetic: sums
// that overflow int32, inputs that have no int16 value, and rows summed several at once; and the
// Dense backward step (wasm/layers/dense_layer.cc), which adds several rows at once too.
#include "engine/dense_layer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "layers/layer_kind.h"
#include "model/model_file.h"
#include "test_models.h"

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
        DenseLayer::Create(layer, input.size(), weights, /*int16_input=*/true, /*relu=*/false,
                           nullptr, input.data(), output.data(), &dense);
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

// A batch gives every copy the bits it gets alone, in each of the three arithmetics: 19 copies
// (a full batch of kMaxDenseCopies and 3 more), 1,061 inputs (more than one chunk of a row, and a
// tail after the SIMD blocks), 7 units (one group of four rows and three single ones); in the int8
// engine the first 16 copies run as one int16 batch, and copy 17 holds a NaN, so its group runs
// copy by copy while the others stay int16.
TEST(DenseLayer, BatchGivesEachCopyItsOwnBits) {
  const size_t inputs = 1061, units = 7, copies = 19;
  std::vector<float> input(copies * inputs);
  for (size_t i = 0; i < input.size(); ++i) {
    input[i] = std::sin(static_cast<float>(i) * 0.37f) * static_cast<float>(1 + i % 5);
  }
  input[17 * inputs + 10] = std::numeric_limits<float>::quiet_NaN();
  std::fill_n(input.begin() + 5 * inputs, inputs, 0.0f);
  std::vector<int8_t> kernel_int8(units * inputs);
  std::vector<float> kernel_f32(units * inputs), scales(units), bias(units);
  for (size_t i = 0; i < kernel_int8.size(); ++i) {
    kernel_int8[i] = static_cast<int8_t>(static_cast<int>((i * 104729) % 255) - 127);
    kernel_f32[i] = std::cos(static_cast<float>(i) * 0.11f);
  }
  for (size_t o = 0; o < units; ++o) {
    scales[o] = 0.01f * static_cast<float>(o + 1);
    bias[o] = 0.5f - static_cast<float>(o);
  }
  Layer layer;
  layer.name = "d";
  layer.kind = LayerKind::kDense;
  layer.units = units;
  for (const char* arithmetic : {"f32", "int8 weights in f32", "int8 x int16"}) {
    const bool f32 = std::string(arithmetic) == "f32";
    LayerWeights weights;
    if (f32) {
      weights.kernel_f32 = kernel_f32;
    } else {
      weights.kernel_int8 = kernel_int8;
      weights.scales = scales;
    }
    weights.bias = bias;
    std::vector<float> one(inputs), alone(units), batch(copies * units);
    std::unique_ptr<DenseLayer> dense;
    ASSERT_TRUE(DenseLayer::Create(layer, inputs, weights,
                                   std::string(arithmetic) == "int8 x int16", /*relu=*/false,
                                   nullptr, one.data(), alone.data(), &dense)
                    .ok());
    ASSERT_TRUE(dense->RunBatch(input.data(), copies, batch.data()).ok());
    for (size_t b = 0; b < copies; ++b) {
      std::copy_n(input.begin() + static_cast<ptrdiff_t>(b * inputs), inputs, one.begin());
      ASSERT_TRUE(dense->Run().ok());
      for (size_t o = 0; o < units; ++o) {
        const float got = batch[b * units + o];
        if (std::isnan(alone[o])) {
          EXPECT_TRUE(std::isnan(got)) << arithmetic << " copy " << b << " unit " << o;
        } else {
          EXPECT_EQ(got, alone[o]) << arithmetic << " copy " << b << " unit " << o;
        }
      }
    }
    EXPECT_NE(batch[3 * units], batch[4 * units]) << arithmetic << ": copies differ";
  }
}

// The backward step adds the rows whose gradient is nonzero four at a time: each input's gradient
// must still be the row-by-row sum, bit for bit, with f32 and int8 weights. 9 nonzero rows of 11
// (two groups and one left over), 37 inputs (two SIMD blocks of 16 and a tail of 5).
TEST(DenseLayer, BackwardAddsTheRowsInOrderBitForBit) {
  const std::vector<float> g = {0.5f, -1.25f, 0, 2, 0.75f, 0.1f, -0.5f, 3, 1e-3f, 0, -2};
  const size_t inputs = 37;
  for (const bool int8 : {false, true}) {
    const testing::OpenedModel model(testing::MakeModel(
        {{{"class_name", "InputLayer"},
          {"config", {{"name", "in"}, {"batch_input_shape", {nullptr, 1, 1, inputs}}}}},
         {{"class_name", "Flatten"}, {"config", {{"name", "flatten"}}}},
         {{"class_name", "Dense"}, {"config", {{"name", "d"}, {"units", g.size()}}}}},
        int8, 5));
    ASSERT_NE(model.file, nullptr);
    const Shape shape = {inputs};
    const std::vector<float> input(inputs, 1.0f);
    std::unique_ptr<BackwardState> state;
    std::vector<float> scratch;
    std::vector<float> gradient = g;
    std::vector<std::vector<float>> more;
    const BackwardContext context{.model = model.file.get(),
                                  .index = 2,
                                  .layer = &model.file->header().layers[2].layer,
                                  .input_shapes = {&shape},
                                  .inputs = {input},
                                  .output = {},
                                  .guided = false,
                                  .threadpool = nullptr,
                                  .state = &state,
                                  .scratch = &scratch,
                                  .more_gradients = &more};
    ASSERT_TRUE(DenseLayerKind().backward(context, &gradient).ok());
    ASSERT_EQ(gradient.size(), inputs);
    const WeightReader w(model.file->Weights(2)[0]);
    for (size_t k = 0; k < inputs; ++k) {
      float expected = 0;
      for (size_t o = 0; o < g.size(); ++o) {
        if (g[o] == 0) continue;
        expected += int8 ? g[o] * w.scales[o] * static_cast<float>(w.q[o * inputs + k])
                         : g[o] * w.f32[o * inputs + k];
      }
      EXPECT_EQ(gradient[k], expected) << (int8 ? "int8" : "f32") << " input " << k;
    }
  }
}

}  // namespace
}  // namespace convscope

// The engine against a naive forward pass: every layer's activation and the logits, f32 within
// 1e-4 of the largest value, on small VGG16 variants and on full-size VGG16; int8 close to f32.
#include "engine/engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/xnn_handles.h"
#include "reference_forward.h"
#include "test_models.h"
#include "test_seed.h"

namespace convscope {
namespace {

float MaxAbs(std::span<const float> v) {
  float m = 0;
  for (float x : v) m = std::max(m, std::fabs(x));
  return m;
}

double Cosine(std::span<const float> a, std::span<const float> b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
  return ab / std::sqrt(aa * bb);
}

// A caffe-preprocessed-like input: pixel values minus the ImageNet mean.
std::vector<float> RandomInput(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  return testing::RandomVector(rng, n, -120.0f, 150.0f);
}

void ExpectEngineMatchesReference(const testing::TestModel& m, Precision precision,
                                  float tolerance) {
  const testing::OpenedModel opened(m);
  ASSERT_NE(opened.file, nullptr);
  const ModelFile* file = opened.file.get();
  std::unique_ptr<Engine> engine;
  const Status created = Engine::Create(*file, precision, nullptr, &engine);
  ASSERT_TRUE(created.ok()) << created.message();

  const std::vector<float> input = RandomInput(engine->input().size(), testing::TestSeed());
  std::copy(input.begin(), input.end(), engine->input().begin());
  const Status ran = engine->Run();
  ASSERT_TRUE(ran.ok()) << ran.message();

  std::vector<float> want_logits;
  const auto want = testing::ReferenceForward(*file, input, &want_logits);
  const auto& layers = file->header().layers;
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::span<const float> got = engine->activation(i);
    ASSERT_EQ(got.size(), want[i].size()) << layers[i].layer.name;
    const float limit = tolerance * MaxAbs(want[i]);
    float worst = 0;
    for (size_t j = 0; j < got.size(); ++j) worst = std::max(worst, std::fabs(got[j] - want[i][j]));
    EXPECT_LE(worst, limit) << layers[i].layer.name << ": max error " << worst << " vs max |value| "
                            << MaxAbs(want[i]);
  }
  const std::vector<float> logits = engine->scores();
  ASSERT_EQ(logits.size(), want_logits.size());
  float worst = 0;
  for (size_t j = 0; j < logits.size(); ++j)
    worst = std::max(worst, std::fabs(logits[j] - want_logits[j]));
  EXPECT_LE(worst, tolerance * MaxAbs(want_logits)) << "logits";
}

TEST(Engine, F32MatchesReferenceOnEveryLayerOfSmallVgg16) {
  SCOPED_TRACE(testing::SeedTrace(testing::TestSeed()));
  ExpectEngineMatchesReference(testing::MakeVgg16({}), Precision::kF32, 1e-4f);
}

TEST(Engine, F32MatchesReferenceOnAnInt8FileWithDequantizedWeights) {
  SCOPED_TRACE(testing::SeedTrace(testing::TestSeed()));
  ExpectEngineMatchesReference(testing::MakeVgg16({.int8 = true, .seed = 2}), Precision::kF32,
                               1e-4f);
}

TEST(Engine, F32MatchesReferenceOnWiderVgg16At64Pixels) {
  SCOPED_TRACE(testing::SeedTrace(testing::TestSeed()));
  ExpectEngineMatchesReference(
      testing::MakeVgg16(
          {.input = 64, .width_divisor = 4, .fc_units = 256, .classes = 100, .seed = 3}),
      Precision::kF32, 1e-4f);
}

// The synthetic full-size VGG16 (138,357,544 parameters, 224x224): the case that matters.
TEST(Engine, F32MatchesReferenceOnFullSizeVgg16) {
  SCOPED_TRACE(testing::SeedTrace(testing::TestSeed()));
  const testing::TestModel m = testing::MakeVgg16(
      {.input = 224, .width_divisor = 1, .fc_units = 4096, .classes = 1000, .seed = 4});
  ASSERT_EQ(m.header.total_params, 138357544u);
  ExpectEngineMatchesReference(m, Precision::kF32, 1e-4f);
}

TEST(Engine, Int8TracksF32) {
  for (bool int8_file : {false, true}) {
    SCOPED_TRACE(int8_file ? "int8 file" : "f32 file");
    const testing::TestModel m = testing::MakeVgg16({.input = 64,
                                                     .width_divisor = 4,
                                                     .fc_units = 256,
                                                     .classes = 100,
                                                     .int8 = int8_file,
                                                     .seed = 5});
    const testing::OpenedModel opened(m);
    ASSERT_NE(opened.file, nullptr);
    const ModelFile* file = opened.file.get();
    std::unique_ptr<Engine> f32, int8;
    ASSERT_TRUE(Engine::Create(*file, Precision::kF32, nullptr, &f32).ok());
    ASSERT_TRUE(Engine::Create(*file, Precision::kInt8, nullptr, &int8).ok());
    // Weights are used in place when the precisions agree. Converted convolution kernels live
    // only until XNNPACK has packed them, and Dense layers read an int8 file's weights in place
    // in either precision; only an f32 file's Dense weights, quantized for int8, are kept.
    EXPECT_EQ(f32->owned_weight_bytes(), 0u);
    if (int8_file) {
      EXPECT_EQ(int8->owned_weight_bytes(), 0u);
    } else {
      const size_t fc1 = 256u * (2 * 2 * 128), fc2 = 256u * 256, predictions = 100u * 256;
      EXPECT_EQ(int8->owned_weight_bytes(), fc1 + fc2 + predictions + (256u + 256 + 100) * 4);
    }
    for (uint32_t image = 0; image < 3; ++image) {
      const std::vector<float> input = RandomInput(f32->input().size(), 100 + image);
      std::copy(input.begin(), input.end(), f32->input().begin());
      std::copy(input.begin(), input.end(), int8->input().begin());
      ASSERT_TRUE(f32->Run().ok());
      ASSERT_TRUE(int8->Run().ok());
      const double cosine = Cosine(f32->scores(), int8->scores());
      std::printf("int8 vs f32 logits cosine (%s, input %u): %.6f\n",
                  int8_file ? "int8 file" : "f32 file", image, cosine);
      EXPECT_GE(cosine, 0.99);
    }
  }
}

TEST(Engine, ReusesItsRuntimesAcrossImages) {
  const testing::TestModel m = testing::MakeVgg16({});
  const testing::OpenedModel opened(m);
  ASSERT_NE(opened.file, nullptr);
  std::unique_ptr<Engine> engine;
  const size_t before = XnnObjectsCreated();
  ASSERT_TRUE(Engine::Create(*opened.file, Precision::kF32, nullptr, &engine).ok());
  const size_t built = XnnObjectsCreated() - before;
  EXPECT_GT(built, 0u);  // the counter sees the engine's runtimes and operators
  std::vector<std::vector<float>> first;
  for (int pass = 0; pass < 3; ++pass) {
    const std::vector<float> input = RandomInput(engine->input().size(), pass % 2);
    std::copy(input.begin(), input.end(), engine->input().begin());
    ASSERT_TRUE(engine->Run().ok());
    const std::vector<float> logits = engine->scores();
    if (pass < 2) {
      first.emplace_back(logits.begin(), logits.end());
    } else {
      EXPECT_EQ(first[0], std::vector<float>(logits.begin(), logits.end()));  // same image again
      EXPECT_NE(first[0], first[1]);
    }
  }
  // Three images, and not one runtime or operator more than the engine built for the model.
  EXPECT_EQ(XnnObjectsCreated() - before, built);
}

}  // namespace
}  // namespace convscope

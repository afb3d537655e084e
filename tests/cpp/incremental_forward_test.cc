// Incremental inference against the engine: each occluded copy's trunk output (computed from
// tiles) must equal the engine's whole forward pass on that occluded image, on odd sizes, every
// kind of window (same/valid, 1x1 to 5x5 kernels, strides, zero padding, 2x2 and 3x3 pools, linear
// and ReLU), boxes at corners, edges, 1x1 and the whole image, mixed in one batch.
#include "engine/incremental_forward.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "engine/engine.h"
#include "test_models.h"
#include "test_seed.h"

namespace convscope {
namespace {

Json Conv(const std::string& name, size_t filters, size_t k, const char* padding,
          const char* activation) {
  return {{"class_name", "Conv2D"},
          {"config",
           {{"name", name},
            {"filters", filters},
            {"kernel_size", {k, k}},
            {"padding", padding},
            {"activation", activation}}}};
}

Json Pool(const std::string& name, size_t size, size_t stride, const char* padding) {
  return {{"class_name", "MaxPooling2D"},
          {"config",
           {{"name", name},
            {"pool_size", {size, size}},
            {"strides", {stride, stride}},
            {"padding", padding}}}};
}

testing::TestModel MixedModel(bool int8) {
  return testing::MakeModel(
      {{{"class_name", "InputLayer"},
        {"config", {{"name", "input_1"}, {"batch_input_shape", {nullptr, 23, 19, 3}}}}},
       Conv("c1", 8, 3, "same", "relu"),
       // ResNet's stem: uneven zero margins, then a strided 'valid' convolution.
       {{"class_name", "ZeroPadding2D"},
        {"config", {{"name", "pad"}, {"padding", {{1, 2}, {3, 0}}}}}},
       {{"class_name", "Conv2D"},
        {"config",
         {{"name", "strided"},
          {"filters", 7},
          {"kernel_size", {3, 3}},
          {"strides", {2, 2}},
          {"padding", "valid"},
          {"activation", "relu"}}}},
       Conv("c2", 6, 5, "valid", "linear"),
       Pool("p1", 2, 2, "valid"),
       Conv("c3", 16, 3, "same", "relu"),
       Pool("p2", 3, 2, "same"),
       Conv("c4", 5, 1, "valid", "relu"),
       {{"class_name", "Flatten"}, {"config", {{"name", "flatten"}}}},
       {{"class_name", "Dense"},
        {"config", {{"name", "predictions"}, {"units", 4}, {"activation", "softmax"}}}}},
      int8, 11);
}

void ExpectMatchesEngine(const testing::TestModel& m, uint32_t seed) {
  const testing::OpenedModel opened(m);
  ASSERT_NE(opened.file, nullptr);
  const ModelFile* file = opened.file.get();
  std::unique_ptr<Engine> engine;
  ASSERT_TRUE(Engine::Create(*file, Precision::kF32, nullptr, &engine).ok());
  const Shape& in = file->header().layers[0].layer.output_shape;
  std::mt19937 rng(seed);
  const std::vector<float> image = testing::RandomVector(rng, in[0] * in[1] * in[2], -120, 150);

  std::unique_ptr<IncrementalForward> trunk;
  const Status created = IncrementalForward::Create(*file, image, nullptr, &trunk);
  ASSERT_TRUE(created.ok()) << created.message();
  const size_t last = trunk->last_layer();
  ASSERT_EQ(file->header().layers[last + 1].layer.kind, LayerKind::kFlatten);
  std::copy(image.begin(), image.end(), engine->input().begin());
  ASSERT_TRUE(engine->Run().ok());
  for (size_t l = 1; l <= last; ++l) {
    const std::span<const float> want = engine->activation(l), got = trunk->base(l);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-3) << "layer " << l;
  }

  const size_t h = in[0], w = in[1];
  std::vector<Box> boxes = {{0, 0, 1, 1},         {0, 0, h, w},     {h - 4, w - 7, 4, 7},
                            {5, 0, 9, 3},         {0, w - 2, h, 2}, {h / 2, w / 2, 5, 5},
                            {h - 1, w - 1, 1, 1}, {3, 4, 1, 11}};
  std::uniform_int_distribution<size_t> side(1, 9);
  for (int i = 0; i < 8; ++i) {
    const size_t bh = side(rng), bw = side(rng);
    boxes.push_back({std::uniform_int_distribution<size_t>(0, h - bh)(rng),
                     std::uniform_int_distribution<size_t>(0, w - bw)(rng), bh, bw});
  }
  const float fill = 0.5f;  // not the padding's zeros
  for (bool whole : {false, true}) {
    ASSERT_TRUE(trunk->Run(boxes, fill, whole).ok());
    std::vector<float> got(engine->activation(last).size());
    for (size_t b = 0; b < boxes.size(); ++b) {
      std::vector<float> occluded = image;
      for (size_t y = boxes[b].top; y < boxes[b].top + boxes[b].height; ++y)
        for (size_t x = boxes[b].left; x < boxes[b].left + boxes[b].width; ++x)
          std::fill_n(occluded.begin() + static_cast<ptrdiff_t>((y * w + x) * in[2]), in[2], fill);
      std::copy(occluded.begin(), occluded.end(), engine->input().begin());
      ASSERT_TRUE(engine->Run().ok());
      const std::span<const float> want = engine->activation(last);
      trunk->Output(b, got);
      float scale = 0, worst = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        scale = std::max(scale, std::fabs(want[i]));
        worst = std::max(worst, std::fabs(got[i] - want[i]));
      }
      EXPECT_LE(worst, 1e-5f * scale) << "box " << b << (whole ? " (whole)" : "");
    }
  }
}

TEST(IncrementalForward, EqualsTheEngineOnOccludedImagesThroughEveryKindOfWindow) {
  ExpectMatchesEngine(MixedModel(false), testing::TestSeed());
}

TEST(IncrementalForward, EqualsTheEngineOnSmallVgg16WithDequantizedInt8Weights) {
  ExpectMatchesEngine(testing::MakeVgg16({.input = 40, .int8 = true}), testing::TestSeed() + 1);
}

TEST(IncrementalForward, RefusesBoxesOutsideTheImageAndCopiesTheImageWithoutATrunk) {
  const testing::OpenedModel opened(MixedModel(false));
  ASSERT_NE(opened.file, nullptr);
  std::unique_ptr<IncrementalForward> trunk;
  ASSERT_TRUE(IncrementalForward::Create(*opened.file, std::vector<float>(23 * 19 * 3, 1.0f),
                                         nullptr, &trunk)
                  .ok());
  for (const Box& bad : {Box{0, 0, 0, 3}, Box{20, 0, 4, 1}, Box{0, 18, 1, 2}}) {
    const Status s = trunk->Run(std::vector<Box>{bad}, 0);
    EXPECT_EQ(s.message(), "an occluding box must be non-empty and inside the image");
  }
  EXPECT_TRUE(trunk->Run(std::vector<Box>{{22, 18, 1, 1}}, 0).ok()) << "usable after errors";

  const testing::OpenedModel dense(testing::MakeModel(
      {{{"class_name", "InputLayer"},
        {"config", {{"name", "input_1"}, {"batch_input_shape", {nullptr, 2, 2, 3}}}}},
       {{"class_name", "Flatten"}, {"config", {{"name", "flatten"}}}},
       {{"class_name", "Dense"}, {"config", {{"name", "d"}, {"units", 2}}}}},
      false, 3));
  ASSERT_NE(dense.file, nullptr);
  // No layer runs tiles: the trunk is the image itself, and a copy is the image with its box.
  std::vector<float> image(12);
  for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<float>(i);
  ASSERT_TRUE(IncrementalForward::Create(*dense.file, image, nullptr, &trunk).ok());
  EXPECT_EQ(trunk->last_layer(), 0u);
  ASSERT_TRUE(trunk->Run(std::vector<Box>{{1, 0, 1, 2}}, -1).ok());
  std::vector<float> copy(12);
  trunk->Output(0, copy);
  for (size_t i = 0; i < image.size(); ++i) EXPECT_EQ(copy[i], i >= 6 ? -1.0f : image[i]) << i;
}

}  // namespace
}  // namespace convscope

// The Model façade on the sample photos: full-size VGG16 (synthetic weights) in int8 against f32,
// predictions, and the grids drawn from weights and activations.
#include "model/model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "figures/grids.h"
#include "test_models.h"

namespace convscope {
namespace {

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path << " (run from the repository root)";
  return {std::istreambuf_iterator<char>(in), {}};
}

double Cosine(std::span<const float> a, std::span<const float> b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
  return ab / std::sqrt(aa * bb);
}

double SqnrDb(std::span<const float> reference, std::span<const float> test) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < reference.size(); ++i) {
    signal += reference[i] * reference[i];
    noise += (reference[i] - test[i]) * (reference[i] - test[i]);
  }
  return noise > 0 ? 10 * std::log10(signal / noise) : 999;
}

std::unique_ptr<Model> LoadModel(const testing::TestModel& m) {
  std::unique_ptr<Model> model;
  const Status s = Model::Load(testing::BuildFile(m), nullptr, &model);
  EXPECT_TRUE(s.ok()) << s.message();
  return model;
}

const char* const kPhotos[] = {"chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg",
                               "camera.png"};

TEST(Model, Int8AgreesWithF32OnTheSamplePhotos) {
  // The synthetic full-size VGG16, with int8 weights as model_convert writes them by default.
  const std::unique_ptr<Model> model = LoadModel(testing::MakeVgg16({.input = 224,
                                                                     .width_divisor = 1,
                                                                     .fc_units = 4096,
                                                                     .classes = 1000,
                                                                     .int8 = true,
                                                                     .seed = 6}));
  ASSERT_NE(model, nullptr);
  const auto& layers = model->header().layers;
  for (const char* photo : kPhotos) {
    SCOPED_TRACE(photo);
    RgbImage image;
    ASSERT_TRUE(DecodeImage(ReadFile(std::string("tests/data/images/") + photo), &image).ok());
    RunResult f32, int8;
    ASSERT_TRUE(model->Run(image, {.precision = Precision::kF32}, &f32).ok());
    std::vector<std::vector<float>> f32_acts;
    for (size_t i = 0; i < layers.size(); ++i) {
      const auto a = model->last_engine()->activation(i);
      f32_acts.emplace_back(a.begin(), a.end());
    }
    const auto f32_logits = model->last_engine()->scores();
    const std::vector<float> logits(f32_logits.begin(), f32_logits.end());
    ASSERT_TRUE(model->Run(image, {}, &int8).ok());  // the file's precision: int8
    EXPECT_EQ(int8.precision, Precision::kInt8);
    const double cosine = Cosine(logits, model->last_engine()->scores());
    std::printf("%-14s int8 vs f32: logits cosine %.6f, top-1 %zu vs %zu; SQNR dB per layer:",
                photo, cosine, int8.predictions[0].index, f32.predictions[0].index);
    for (size_t i = 1; i < layers.size(); ++i) {
      std::printf(" %.1f", SqnrDb(f32_acts[i], model->last_engine()->activation(i)));
    }
    std::printf("\n");
    EXPECT_GE(cosine, 0.999);
    EXPECT_EQ(int8.predictions[0].index, f32.predictions[0].index);
    ASSERT_EQ(int8.predictions.size(), 5u);
    for (size_t k = 1; k < 5; ++k)
      EXPECT_GE(int8.predictions[k - 1].probability, int8.predictions[k].probability);
    EXPECT_EQ(int8.layer_ms.size(), layers.size());
  }
}

// After an int8 run, gradient methods run on the f32 pass over the same weights: one pass serves
// every gradient method on the image, until a method that runs other inputs (SmoothGrad) or a new
// image makes it stale; the maps stay those of a fresh pass.
TEST(Model, GradientMethodsShareTheImagesF32Pass) {
  const std::unique_ptr<Model> model = LoadModel(testing::MakeVgg16(
      {.input = 32, .width_divisor = 16, .fc_units = 64, .classes = 10, .int8 = true, .seed = 3}));
  ASSERT_NE(model, nullptr);
  RgbImage image;
  ASSERT_TRUE(DecodeImage(ReadFile("tests/data/images/chelsea.png"), &image).ok());
  RunResult run;
  ASSERT_TRUE(model->Run(image, {}, &run).ok());
  const auto explain = [&](const std::string& method, OptionMap options = {}) {
    Explanation e;
    const Status s = model->Explain({.method = method, .options = std::move(options)}, &e);
    EXPECT_TRUE(s.ok()) << method << ": " << s.message();
    return e.map;
  };
  const auto passes = [&] { return model->engine(Precision::kF32)->passes(); };
  const std::vector<float> gradcam = explain("gradcam");
  const size_t first = passes();
  const std::vector<float> saliency = explain("saliency");
  EXPECT_EQ(explain("gradcam"), gradcam);
  EXPECT_EQ(passes(), first) << "saliency and Grad-CAM again reused the pass";
  explain("smoothgrad", {{"samples", 2.0}});
  const size_t after_smoothgrad = passes();
  EXPECT_EQ(explain("saliency"), saliency) << "the pass was made again after SmoothGrad";
  EXPECT_EQ(passes(), after_smoothgrad + 1);
  ASSERT_TRUE(model->Run(image, {}, &run).ok());
  EXPECT_EQ(explain("gradcam"), gradcam);
  EXPECT_EQ(passes(), after_smoothgrad + 2) << "a new run makes the pass stale";
}

TEST(Model, RefusesModelsThatDoNotTakePictures) {
  const testing::TestModel two = testing::MakeModel(
      {Json::parse(
           R"({"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 4, 4, 2]}})"),
       Json::parse(R"({"class_name": "Flatten", "config": {"name": "flatten"}})")},
      false, 1);
  std::unique_ptr<Model> model;
  const Status s = Model::Load(testing::BuildFile(two), nullptr, &model);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("RGB (height x width x 3) or grayscale (height x width x 1)"),
            std::string::npos)
      << s.message();
}

TEST(Grids, FilterGridDrawsEveryFilterInColourForRgbKernels) {
  const testing::TestModel m = testing::MakeTinyModel(true);
  const std::unique_ptr<Model> model = LoadModel(m);
  const std::vector<TensorView> conv = model->Weights(1);
  RgbaImage grid;
  ASSERT_TRUE(FilterGrid(conv[0], {.scale = 8}, &grid).ok());
  // 4 filters -> 2x2 tiles of 3x3 pixels scaled 8x, 1-pixel gaps.
  EXPECT_EQ(grid.width, 2u * 24 + 1);
  EXPECT_EQ(grid.height, 2u * 24 + 1);
  // Each tile spans its own min..max: some channel reaches 0 and some reaches 255.
  for (size_t tile = 0; tile < 4; ++tile) {
    uint8_t lo = 255, hi = 0;
    for (size_t y = 0; y < 24; ++y)
      for (size_t x = 0; x < 24; ++x)
        for (size_t c = 0; c < 3; ++c) {
          const uint8_t v =
              grid.rgba[(((tile / 2) * 25 + y) * grid.width + (tile % 2) * 25 + x) * 4 + c];
          lo = std::min(lo, v), hi = std::max(hi, v);
        }
    EXPECT_EQ(lo, 0);
    EXPECT_EQ(hi, 255);
  }
  // BGR kernels are drawn as RGB: tile 0's top-left red is kernel channel 2 (blue in BGR order).
  const std::vector<float>& k = m.weights[1][0];
  const float red = k[2], blue = k[0];
  EXPECT_EQ(grid.rgba[0] > grid.rgba[2], red > blue);
  EXPECT_FALSE(FilterGrid(conv[0], {.channel = 3}, &grid).ok());
  ASSERT_TRUE(FilterGrid(conv[0], {.channel = 1, .scale = 2}, &grid).ok());
  EXPECT_EQ(grid.rgba[0], grid.rgba[1]);  // grayscale
}

TEST(Grids, FeatureMapGridNormalizesEachMap) {
  // 2x2x3: channel c holds c * (0, 1, 2, 3).
  std::vector<float> a;
  for (int i = 0; i < 4; ++i)
    for (int c = 0; c < 3; ++c) a.push_back(static_cast<float>(c * i));
  RgbaImage grid;
  ASSERT_TRUE(FeatureMapGrid(a, 2, 2, 3, {.colormap = Colormap::kGray}, &grid).ok());
  EXPECT_EQ(grid.width, 2u * 3 - 1);  // 2 columns of 2-pixel tiles
  EXPECT_EQ(grid.height, 2u * 3 - 1);
  auto pixel = [&](size_t x, size_t y) { return grid.rgba[(y * grid.width + x) * 4]; };
  EXPECT_EQ(pixel(0, 0), 0);    // channel 0 is constant: dark
  EXPECT_EQ(pixel(3, 0), 0);    // channel 1, value 0
  EXPECT_EQ(pixel(4, 1), 255);  // channel 1, value 3: its own maximum
  ASSERT_TRUE(FeatureMapGrid(a, 2, 2, 3,
                             {.normalization = Normalization::kLayer, .colormap = Colormap::kGray},
                             &grid)
                  .ok());
  EXPECT_EQ(pixel(4, 1), 128);  // 3 of the layer's 0..6
  EXPECT_FALSE(FeatureMapGrid(a, 2, 2, 4, {}, &grid).ok());
}

}  // namespace
}  // namespace convscope

// The training pictures' statistics a model file may carry: read and checked like the rest of the
// header, kept when the header is rewritten, and scored on every run.
#include "model/training_pictures.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model/model.h"
#include "model/model_edit.h"
#include "test_models.h"

namespace convscope {
namespace {

// Statistics for the tiny model's 6x6x3 input: mean 0 and deviation 1 everywhere.
Json Pictures(double threshold = 100) {
  return {{"about", "six pictures of nothing"},
          {"shape", {6, 6, 3}},
          {"mean", std::vector<double>(108, 0.0)},
          {"std", std::vector<double>(108, 1.0)},
          {"threshold", threshold},
          {"quantile", 0.99}};
}

std::vector<uint8_t> TinyFileWith(const Json& pictures, Status* status) {
  const std::vector<uint8_t> plain = testing::BuildFile(testing::MakeTinyModel(false));
  std::vector<uint8_t> out;
  testing::AlignedBytes aligned(plain);
  *status = WithTrainingPictures(aligned.span, pictures, &out);
  return out;
}

TEST(TrainingPictures, ScoresEachRunAndSaysWhenAPictureIsUnlikeThem) {
  for (double threshold : {100.0, 20000.0}) {
    Status s = Status::Ok();
    const std::vector<uint8_t> bytes = TinyFileWith(Pictures(threshold), &s);
    ASSERT_TRUE(s.ok()) << s.message();
    std::unique_ptr<Model> model;
    ASSERT_TRUE(Model::Load(bytes, nullptr, &model).ok());
    ASSERT_TRUE(model->header().training_pictures.has_value());
    EXPECT_EQ(model->header().training_pictures->about, "six pictures of nothing");
    // A black picture after caffe preprocessing is minus ImageNet's mean in each channel: with
    // mean 0 and deviation 1, its score is the mean of those squares.
    const RgbImage black{.width = 6, .height = 6, .pixels = std::vector<uint8_t>(108, 0)};
    RunResult result;
    ASSERT_TRUE(model->Run(black, {}, &result).ok());
    ASSERT_TRUE(result.unlike_score.has_value());
    const double expected = (103.939 * 103.939 + 116.779 * 116.779 + 123.68 * 123.68) / 3;
    EXPECT_NEAR(*result.unlike_score, expected, 1e-2);
    const std::string sentence = UnlikeSentence(*model->header().training_pictures, expected);
    EXPECT_EQ(sentence.rfind("This picture is unlike", 0), 0u) << sentence;
    EXPECT_NE(sentence.find("six pictures of nothing"), std::string::npos) << sentence;
    EXPECT_NE(sentence.find("99%"), std::string::npos) << sentence;
  }
}

TEST(TrainingPictures, AFileWithoutThemScoresNothing) {
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::Load(testing::BuildFile(testing::MakeTinyModel(false)), nullptr, &model).ok());
  const RgbImage black{.width = 6, .height = 6, .pixels = std::vector<uint8_t>(108, 0)};
  RunResult result;
  ASSERT_TRUE(model->Run(black, {}, &result).ok());
  EXPECT_FALSE(result.unlike_score.has_value());
}

TEST(TrainingPictures, AModelTrainedOnGrayIsMaximizedInGray) {
  for (bool gray : {true, false}) {
    SCOPED_TRACE(gray ? "gray" : "colour");
    Json pictures = Pictures();
    pictures["gray"] = gray;
    Status s = Status::Ok();
    std::unique_ptr<Model> model;
    ASSERT_TRUE(Model::Load(TinyFileWith(pictures, &s), nullptr, &model).ok());
    ASSERT_TRUE(s.ok()) << s.message();
    const RgbImage black{.width = 6, .height = 6, .pixels = std::vector<uint8_t>(108, 0)};
    RunResult run;
    ASSERT_TRUE(model->Run(black, {}, &run).ok());
    MaximizeResult result;
    ASSERT_TRUE(model->Maximize({.layer = 1, .unit = 0, .steps = 5}, &result).ok());
    size_t colourful = 0;
    for (size_t i = 0; i < result.rgb.size(); i += 3) {
      colourful += result.rgb[i] != result.rgb[i + 1] || result.rgb[i] != result.rgb[i + 2];
    }
    if (gray) {
      EXPECT_EQ(colourful, 0u);
    } else {
      EXPECT_GT(colourful, 0u);
    }
  }
}

TEST(TrainingPictures, FollowTheModelToAnotherPreprocessing) {
  // Statistics of the same pictures, caffe (BGR, ImageNet mean): the tiny model's default.
  Json pictures = Pictures();
  for (size_t i = 0; i < 108; ++i) {
    pictures["mean"][i] = -100.0 + static_cast<double>(i);
    pictures["std"][i] = 3.0 + static_cast<double>(i % 3);
  }
  Status s = Status::Ok();
  std::vector<uint8_t> caffe = TinyFileWith(pictures, &s);
  ASSERT_TRUE(s.ok()) << s.message();
  std::vector<uint8_t> rescaled;
  testing::AlignedBytes aligned(caffe);
  ASSERT_TRUE(WithPreprocessing(aligned.span, "rescale", &rescaled).ok());
  // A picture scores the same under either: the statistics moved with the inputs.
  RgbImage picture{.width = 6, .height = 6, .pixels = std::vector<uint8_t>(108)};
  for (size_t i = 0; i < 108; ++i) picture.pixels[i] = static_cast<uint8_t>(37 * i % 251);
  std::vector<double> scores;
  for (std::vector<uint8_t>* bytes : {&caffe, &rescaled}) {
    std::unique_ptr<Model> model;
    ASSERT_TRUE(Model::Load(*bytes, nullptr, &model).ok());
    RunResult run;
    ASSERT_TRUE(model->Run(picture, {}, &run).ok());
    scores.push_back(*run.unlike_score);
  }
  EXPECT_NEAR(scores[1], scores[0], 1e-6 * scores[0]);
}

TEST(TrainingPictures, RefusesStatisticsThatDoNotFitTheModel) {
  const std::vector<std::pair<std::function<void(Json*)>, std::string>> cases = {
      {[](Json* j) {
         (*j)["shape"] = {28, 28, 1};
       },
       "is not the model's input"},
      {[](Json* j) { (*j)["mean"].erase(0); }, "mean must be a list of 108 numbers"},
      {[](Json* j) { (*j)["std"][5] = 0.0; }, "std must hold finite numbers above 0"},
      {[](Json* j) { (*j)["mean"][3] = "a"; }, "mean must hold finite numbers"},
      {[](Json* j) { (*j)["quantile"] = 1.0; }, "quantile between 0 and 1"},
      {[](Json* j) { j->erase("about"); }, "about must be a string"},
      {[](Json* j) { (*j)["gray"] = "yes"; }, "gray must be true or false"},
  };
  for (const auto& [edit, expected] : cases) {
    Json pictures = Pictures();
    edit(&pictures);
    Status s = Status::Ok();
    TinyFileWith(pictures, &s);
    ASSERT_FALSE(s.ok()) << expected;
    EXPECT_NE(s.message().find(expected), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace convscope

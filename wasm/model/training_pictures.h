// What the pictures a model was trained on look like, stored in its header by whoever had them
// (the default model's trainer; model_convert --training-pictures), so that a picture unlike all
// of them is said to be: a classifier names every picture one of its classes, and on a picture
// unlike its training pictures that name says little.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "base/status.h"
#include "layers/layer.h"

namespace convscope {

struct TrainingPictures {
  std::string about;  // what they were: "Fashion-MNIST training set, 60,000 pictures"
  Shape shape;        // the model's input, (height, width, channels)
  // Per input value (height * width * channels, NHWC), after preprocessing: the training
  // pictures' mean and standard deviation (floored by whoever wrote them: never 0).
  std::vector<double> mean, std;
  // The score (UnlikeScore) that `quantile` of the training pictures stay under: a picture
  // scoring more is unlike them.
  double threshold = 0, quantile = 0;
  // Every training picture was gray (R = G = B) though the model takes three channels, as the
  // default model's Fashion-MNIST: pictures made for it (activation maximization) are gray too.
  bool gray = false;
};

// The mean over input values of ((x - mean) / std)^2: about 1 for a typical training picture.
double UnlikeScore(const TrainingPictures& t, std::span<const float> input);

// "This picture is unlike the pictures this model was trained on (...)": what the page, the
// widget and the CLI say beside the predictions of a picture scoring above the threshold.
std::string UnlikeSentence(const TrainingPictures& t, double score);

// Reads header.training_pictures (docs/model-format.md) for a model whose input is `input`.
Status TrainingPicturesFromJson(const Json& j, const Shape& input, TrainingPictures* out);
Json TrainingPicturesToJson(const TrainingPictures& t);

}  // namespace convscope

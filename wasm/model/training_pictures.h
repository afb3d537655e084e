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

struct Preprocessing;  // model_header.h, which holds a TrainingPictures

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

// The statistics of the same pictures under preprocessing `to` instead of `from` (a user's choice
// of preprocessing, model_edit.h): each value moves by the same affine map as the inputs do, so
// every picture's score, and the threshold, stay as they were.
void ChangePreprocessing(const Preprocessing& from, const Preprocessing& to, TrainingPictures* t);

// Reads the statistics (docs/model-format.md: header.training_pictures) for a model whose input is
// `input`; errors name each field under `path` ("header.training_pictures", or "" for a file of
// its own).
Status TrainingPicturesFromJson(const Json& j, const Shape& input, const std::string& path,
                                TrainingPictures* out);
Json TrainingPicturesToJson(const TrainingPictures& t);

}  // namespace convscope

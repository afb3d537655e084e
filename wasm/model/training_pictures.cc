#include "training_pictures.h"

#include <cmath>
#include <cstdio>

namespace convscope {

namespace {

Status ReadNumberList(const Json& j, const char* key, size_t size, bool positive,
                      std::vector<double>* out) {
  const Json* v = Find(j, key);
  const std::string path = std::string("header.training_pictures.") + key;
  if (v == nullptr || !v->is_array() || v->size() != size) {
    return Status::Error(path + " must be a list of " + std::to_string(size) +
                         " numbers (one per input value)");
  }
  out->clear();
  for (const Json& e : *v) {
    const double x = e.is_number() ? e.get<double>() : NAN;
    if (!std::isfinite(x) || (positive && x <= 0)) {
      return Status::Error(path + " must hold finite numbers" +
                           (positive ? std::string(" above 0") : std::string()));
    }
    out->push_back(x);
  }
  return Status::Ok();
}

std::string Short(double x) {
  char text[32];
  std::snprintf(text, sizeof text, x < 10 ? "%.1f" : "%.0f", x);
  return text;
}

}  // namespace

double UnlikeScore(const TrainingPictures& t, std::span<const float> input) {
  if (input.size() != t.mean.size() || input.empty()) return NAN;
  double sum = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    const double z = (input[i] - t.mean[i]) / t.std[i];
    sum += z * z;
  }
  return sum / static_cast<double>(input.size());
}

std::string UnlikeSentence(const TrainingPictures& t, double score) {
  return "This picture is unlike the pictures this model was trained on (" + t.about +
         "): it scores " + Short(score) + " where " + Short(100 * t.quantile) +
         "% of them score under " + Short(t.threshold) +
         ", so its predictions say little about it.";
}

Status TrainingPicturesFromJson(const Json& j, const Shape& input, TrainingPictures* out) {
  const std::string path = "header.training_pictures";
  TrainingPictures t;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(j, "about", path, &t.about));
  CONVSCOPE_RETURN_IF_ERROR(ReadSizeList(j, "shape", path, &t.shape));
  if (t.shape != input) {
    return Status::Error(path + ".shape " + DimsString(t.shape) + " is not the model's input " +
                         DimsString(input));
  }
  size_t size = 1;
  for (size_t d : input) size *= d;
  CONVSCOPE_RETURN_IF_ERROR(ReadNumberList(j, "mean", size, false, &t.mean));
  CONVSCOPE_RETURN_IF_ERROR(ReadNumberList(j, "std", size, true, &t.std));
  CONVSCOPE_RETURN_IF_ERROR(ReadFloat(j, "threshold", path, &t.threshold));
  CONVSCOPE_RETURN_IF_ERROR(ReadFloat(j, "quantile", path, &t.quantile));
  if (t.threshold <= 0 || t.quantile <= 0 || t.quantile >= 1) {
    return Status::Error(path + ": threshold must be above 0 and quantile between 0 and 1");
  }
  if (const Json* gray = Find(j, "gray")) {
    if (!gray->is_boolean() || (gray->get<bool>() && input.back() != 3)) {
      return Status::Error(path + ".gray must be true or false (true only for a 3-channel input)");
    }
    t.gray = gray->get<bool>();
  }
  *out = std::move(t);
  return Status::Ok();
}

Json TrainingPicturesToJson(const TrainingPictures& t) {
  Json j = {{"about", t.about}, {"shape", t.shape},         {"mean", t.mean},
            {"std", t.std},     {"threshold", t.threshold}, {"quantile", t.quantile}};
  if (t.gray) j["gray"] = true;
  return j;
}

}  // namespace convscope

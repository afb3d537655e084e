#include "training_pictures.h"

#include <cmath>
#include <cstdio>

#include "model_header.h"

namespace convscope {

namespace {

Status ReadNumberList(const Json& j, const char* key, const std::string& path, size_t size,
                      bool positive, std::vector<double>* out) {
  const Json* v = Find(j, key);
  const std::string name = FieldName(path, key);
  if (v == nullptr || !v->is_array() || v->size() != size) {
    return Status::Error(name + " must be a list of " + std::to_string(size) +
                         " numbers (one per input value)");
  }
  out->clear();
  for (const Json& e : *v) {
    const double x = e.is_number() ? e.get<double>() : NAN;
    if (!std::isfinite(x) || (positive && x <= 0)) {
      return Status::Error(name + " must hold finite numbers" +
                           (positive ? std::string(" above 0") : std::string()));
    }
    out->push_back(x);
  }
  return Status::Ok();
}

// Two decimals below 10 (a score just above a threshold of 2.94 must not read "under 2.9"),
// whole numbers above.
std::string Short(double x) {
  char text[32];
  std::snprintf(text, sizeof text, x < 10 ? "%.2f" : "%.0f", x);
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
         "): its pixels differ from theirs by " + Short(score) + " (mean squared z-score), where " +
         Short(100 * t.quantile) + "% of them differ by less than " + Short(t.threshold) +
         ", so its predictions say little about it.";
}

void ChangePreprocessing(const Preprocessing& from, const Preprocessing& to, TrainingPictures* t) {
  const size_t c = t->shape.back();
  // Model channel k holds colour channel k, or 2 - k in BGR order (3 channels only).
  auto colour = [c](const Preprocessing& p, size_t k) {
    return c == 3 && p.channel_order == ChannelOrder::kBGR ? 2 - k : k;
  };
  std::vector<double> mean(t->mean.size()), std(t->std.size());
  for (size_t k = 0; k < c; ++k) {
    size_t old = 0;  // the old model channel of the same colour
    while (colour(from, old) != colour(to, k)) ++old;
    // x_new = a x_old + b: back to the pixel, then forward with the new numbers.
    const double a = from.std[old] * to.scale / (from.scale * to.std[k]);
    const double b = (from.mean[old] * to.scale / from.scale - to.mean[k]) / to.std[k];
    for (size_t i = 0; i < mean.size(); i += c) {
      mean[i + k] = a * t->mean[i + old] + b;
      std[i + k] = std::abs(a) * t->std[i + old];
    }
  }
  t->mean = std::move(mean);
  t->std = std::move(std);
}

Status TrainingPicturesFromJson(const Json& j, const Shape& input, const std::string& path,
                                TrainingPictures* out) {
  TrainingPictures t;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(j, "about", path, &t.about));
  CONVSCOPE_RETURN_IF_ERROR(ReadSizeList(j, "shape", path, &t.shape));
  if (t.shape != input) {
    return Status::Error(FieldName(path, "shape") + " " + DimsString(t.shape) +
                         " is not the model's input " + DimsString(input));
  }
  size_t size = 1;
  for (size_t d : input) size *= d;
  CONVSCOPE_RETURN_IF_ERROR(ReadNumberList(j, "mean", path, size, false, &t.mean));
  CONVSCOPE_RETURN_IF_ERROR(ReadNumberList(j, "std", path, size, true, &t.std));
  CONVSCOPE_RETURN_IF_ERROR(ReadFloat(j, "threshold", path, &t.threshold));
  CONVSCOPE_RETURN_IF_ERROR(ReadFloat(j, "quantile", path, &t.quantile));
  if (t.threshold <= 0 || t.quantile <= 0 || t.quantile >= 1) {
    return Status::Error(FieldName(path, "threshold") + " must be above 0 and " +
                         FieldName(path, "quantile") + " between 0 and 1");
  }
  if (const Json* gray = Find(j, "gray")) {
    if (!gray->is_boolean() || (gray->get<bool>() && input.back() != 3)) {
      return Status::Error(FieldName(path, "gray") +
                           " must be true or false (true only for a 3-channel input)");
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

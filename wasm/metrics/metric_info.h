// Faithfulness metrics: how much a map's most important pixels matter to the model, measured by
// perturbing the image in the map's order (Petsiuk et al. 2018's deletion and insertion, Rong et
// al. 2022's ROAD, Chattopadhay et al. 2018's confidence change), each beside the same measure for
// a random map (and for the sanity check's randomized model's map) so that a number means
// something. Described once, like the methods (methods/method_info.h): the
// catalog hands these descriptions to the page, the widget, the CLI and convscope.d.ts.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "methods/explanation.h"
#include "methods/options.h"
#include "model/model_header.h"

namespace convscope {

struct MetricInput {
  const ModelHeader* header = nullptr;
  // Has just run `image`; the metric runs perturbed copies through it (Model::Measure restores
  // the image's pass afterwards).
  Engine* engine = nullptr;
  std::span<const float> image;  // preprocessed, H x W x C
  size_t class_index = 0;
  MethodOptions options;  // MetricInfo::options, checked, defaults filled in
  ProgressFn progress;    // may be empty
};

// A map's measure: the class probability after each perturbation and the number they give.
struct MetricCurve {
  std::vector<float> probabilities;
  double score = 0;
};

// Writes perturbed copy i of the image (preprocessed, the image's shape) into `copy`.
using MakeCopyFn = std::function<void(size_t i, std::span<float> copy)>;

struct MetricInfo {
  const char* name;      // as the page and the CLI call it
  const char* label;     // as menus show it
  const char* help;      // what it does, for a reader who has not met it
  const char* score;     // what the score is, for legends and reports
  bool lower_is_better;  // whether a more faithful map scores lower
  const char* x;         // what the probabilities are plotted against ("" when not a curve)
  // How many perturbed copies of the image one map is measured on, for `in`'s options.
  size_t (*count)(const MetricInput& in);
  // What writes the copies for `map` (H x W, larger values more important: a method's normalized
  // map); it keeps what it needs, such as the map's pixel order.
  MakeCopyFn (*copies)(const MetricInput& in, std::span<const float> map);
  // The number that the class probabilities of a map's copies, in order, give.
  double (*score_of)(std::span<const float> probabilities);
  // The x of each of `curve`'s points, for `in`'s options (empty when not a curve).
  std::vector<float> (*x_values)(const MetricInput& in);
  std::vector<OptionSpec> options;
};

// The `seed` option every metric takes: its random map's.
OptionSpec RandomMapSeedOption();

const std::vector<MetricInfo>& Metrics();
const MetricInfo* FindMetric(const std::string& name);
// "deletion, insertion, road-morf, ...", for messages.
std::string MetricNames();

// A measurement: the map's, a random map's (uniform noise, from the `seed` option) and, when asked,
// the sanity check's randomized model's map's (the same method on a model with random kernels in
// its top layers: a map no better than that one does not depend on what the model learned).
struct Measurement {
  std::string metric;
  size_t class_index = 0;
  std::vector<float> x;  // MetricInfo::x_values
  MetricCurve map, random;
  std::optional<MetricCurve> randomized_model;
};

// The maps of a measurement: `map`, a random map and, when not empty, `randomized_model_map`.
// Their copies, in that order, are what a measurement runs; workers can share them out.

// The class probability of each copy in part `part` of `parts` (equal shares of all the maps'
// copies, in order), with progress from 0 to 1 of the part.
Status MeasurePart(const MetricInfo& metric, const MetricInput& in, std::span<const float> map,
                   std::span<const float> randomized_model_map, size_t part, size_t parts,
                   std::vector<float>* probabilities);

// The measurement from every part's probabilities, in part order (the same maps).
Status CombineMeasurement(const MetricInfo& metric, const MetricInput& in,
                          std::span<const float> map, std::span<const float> randomized_model_map,
                          std::span<const std::vector<float>> parts, Measurement* out);

// Both, in one part.
Status Measure(const MetricInfo& metric, const MetricInput& in, std::span<const float> map,
               std::span<const float> randomized_model_map, Measurement* out);

}  // namespace convscope

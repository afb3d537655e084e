// Faithfulness metrics: how much a map's most important pixels matter to the model, measured by
// perturbing the image in the map's order (Petsiuk et al. 2018's deletion and insertion,
// Chattopadhay et al. 2018's confidence change), each beside the same measure for a random map so
// that a number means something. Described once, like the methods (methods/method_info.h): the
// catalog hands these descriptions to the page, the widget, the CLI and convscope.d.ts.
#pragma once

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

// Measures `map` (H x W, larger values more important; a method's normalized map). `progress`
// goes from `from` to `to` of the whole measurement.
using MetricFn = Status (*)(const MetricInput& in, std::span<const float> map, double from,
                            double to, MetricCurve* out);

struct MetricInfo {
  const char* name;      // as the page and the CLI call it
  const char* label;     // as menus show it
  const char* help;      // what it does, for a reader who has not met it
  const char* score;     // what the score is, for legends and reports
  bool lower_is_better;  // whether a more faithful map scores lower
  const char* x;         // what the probabilities are plotted against ("" when not a curve)
  MetricFn run;
  // The x of each of `curve`'s points, for `in`'s options (empty when not a curve).
  std::vector<float> (*x_values)(const MetricInput& in);
  std::vector<OptionSpec> options;
};

// The `seed` option every metric takes: its random map's.
OptionSpec RandomMapSeedOption();

const std::vector<MetricInfo>& Metrics();
const MetricInfo* FindMetric(const std::string& name);
// "deletion, insertion, confidence", for messages.
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

// Measures `map`, a random map and, when not empty, `randomized_model_map` with `metric`.
Status Measure(const MetricInfo& metric, const MetricInput& in, std::span<const float> map,
               std::span<const float> randomized_model_map, Measurement* out);

}  // namespace convscope

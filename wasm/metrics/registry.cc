#include <cmath>
#include <random>

#include "confidence.h"
#include "metric_info.h"
#include "pixel_curves.h"
#include "road.h"

namespace convscope {

OptionSpec RandomMapSeedOption() {
  return IntegerOption("seed", 1, 0, 4294967295.0, "",
                       "Seed of the random map measured beside the map.");
}

const std::vector<MetricInfo>& Metrics() {
  static const std::vector<MetricInfo> metrics = {
      DeletionMetric(), InsertionMetric(), RoadMostRelevantFirstMetric(),
      RoadLeastRelevantFirstMetric(), ConfidenceMetric()};
  return metrics;
}

const MetricInfo* FindMetric(const std::string& name) {
  for (const MetricInfo& m : Metrics()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

std::string MetricNames() {
  std::string names;
  for (const MetricInfo& m : Metrics()) names += (names.empty() ? "" : ", ") + std::string(m.name);
  return names;
}

namespace {

// Why `map` (what: "the map") cannot be measured by `metric`, or Ok.
Status CheckMap(const MetricInfo& metric, const Shape& input, std::span<const float> map,
                const char* what) {
  if (map.size() != input[0] * input[1]) {
    return Status::Error(std::string(what) + " has " + std::to_string(map.size()) + " values; " +
                         metric.name + " needs one per pixel of the model's input (" +
                         std::to_string(input[0]) + " x " + std::to_string(input[1]) + ")");
  }
  for (const float v : map) {
    if (!std::isfinite(v)) {
      return Status::Error(std::string(what) + " holds " + (std::isnan(v) ? "NaN" : "an infinity") +
                           ": " + metric.name + " ranks pixels by finite values");
    }
  }
  return Status::Ok();
}

}  // namespace

Status Measure(const MetricInfo& metric, const MetricInput& in, std::span<const float> map,
               std::span<const float> randomized_model_map, Measurement* out) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  CONVSCOPE_RETURN_IF_ERROR(CheckMap(metric, shape, map, "the map"));
  const bool against_model = !randomized_model_map.empty();
  if (against_model) {
    CONVSCOPE_RETURN_IF_ERROR(
        CheckMap(metric, shape, randomized_model_map, "the randomized model's map"));
  }
  if (in.header->head.kind == HeadKind::kNone) {
    return Status::Error(std::string(metric.name) +
                         " needs a model whose output is a vector of class scores");
  }
  // Uniform in [0, 1) from mt19937's words (its distributions differ between standard libraries).
  std::mt19937 rng(static_cast<uint32_t>(in.options.Integer("seed")));
  std::vector<float> random(map.size());
  for (float& r : random) r = static_cast<float>(rng() >> 8) / static_cast<float>(1 << 24);
  out->metric = metric.name;
  out->class_index = in.class_index;
  out->x = metric.x_values != nullptr ? metric.x_values(in) : std::vector<float>{};
  // Progress in equal shares, one per map measured.
  const double share = against_model ? 1.0 / 3 : 0.5;
  CONVSCOPE_RETURN_IF_ERROR(metric.run(in, map, 0, share, &out->map));
  CONVSCOPE_RETURN_IF_ERROR(metric.run(in, random, share, 2 * share, &out->random));
  out->randomized_model.reset();
  if (!against_model) return Status::Ok();
  out->randomized_model.emplace();
  return metric.run(in, randomized_model_map, 2 * share, 1, &*out->randomized_model);
}

}  // namespace convscope

#include <cmath>
#include <random>

#include "confidence.h"
#include "metric_info.h"
#include "perturbed_copies.h"
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

// Checks the maps and the model, and lists the maps measured: `map`, a random map (kept in
// `random`) and the randomized model's map when given.
Status MapsOf(const MetricInfo& metric, const MetricInput& in, std::span<const float> map,
              std::span<const float> randomized_model_map, std::vector<float>* random,
              std::vector<std::span<const float>>* maps) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  CONVSCOPE_RETURN_IF_ERROR(CheckMap(metric, shape, map, "the map"));
  if (!randomized_model_map.empty()) {
    CONVSCOPE_RETURN_IF_ERROR(
        CheckMap(metric, shape, randomized_model_map, "the randomized model's map"));
  }
  if (in.header->head.kind == HeadKind::kNone) {
    return Status::Error(std::string(metric.name) +
                         " needs a model whose output is a vector of class scores");
  }
  // Uniform in [0, 1) from mt19937's words (its distributions differ between standard libraries).
  std::mt19937 rng(static_cast<uint32_t>(in.options.Integer("seed")));
  random->resize(map.size());
  for (float& r : *random) r = static_cast<float>(rng() >> 8) / static_cast<float>(1 << 24);
  *maps = {map, *random};
  if (!randomized_model_map.empty()) maps->push_back(randomized_model_map);
  return Status::Ok();
}

}  // namespace

Status MeasurePart(const MetricInfo& metric, const MetricInput& in, std::span<const float> map,
                   std::span<const float> randomized_model_map, size_t part, size_t parts,
                   std::vector<float>* probabilities) {
  CONVSCOPE_RETURN_IF_ERROR(CheckParts(part, parts));
  std::vector<float> random;
  std::vector<std::span<const float>> maps;
  CONVSCOPE_RETURN_IF_ERROR(MapsOf(metric, in, map, randomized_model_map, &random, &maps));
  const size_t count = metric.count(in);
  // Copy i of all the maps' (the map's first) is the part's when i % parts == part: the slow
  // copies of every map (ROAD's most removed) spread over the parts.
  const PassParts mine{part, parts};
  std::vector<MakeCopyFn> makers(maps.size());  // each map's, made when first needed
  const auto make = [&](size_t i, std::span<float> copy) {
    const size_t copy_index = part + i * parts, which = copy_index / count;
    if (!makers[which]) makers[which] = metric.copies(in, maps[which]);
    makers[which](copy_index % count, copy);
  };
  probabilities->clear();
  return CopyProbabilities(in, mine.Count(count * maps.size()), make, probabilities);
}

Status CombineMeasurement(const MetricInfo& metric, const MetricInput& in,
                          std::span<const float> map, std::span<const float> randomized_model_map,
                          std::span<const std::vector<float>> parts, Measurement* out) {
  std::vector<float> random;
  std::vector<std::span<const float>> maps;
  CONVSCOPE_RETURN_IF_ERROR(MapsOf(metric, in, map, randomized_model_map, &random, &maps));
  CONVSCOPE_RETURN_IF_ERROR(CheckParts(0, parts.size()));
  const size_t count = metric.count(in), total = count * maps.size();
  for (size_t k = 0; k < parts.size(); ++k) {
    const size_t expected = PassParts{k, parts.size()}.Count(total);
    if (parts[k].size() != expected) {
      return Status::Error("part " + std::to_string(k) + " of " + std::to_string(parts.size()) +
                           " holds " + std::to_string(parts[k].size()) + " probabilities; " +
                           metric.name + " of " + std::to_string(maps.size()) + " maps gives it " +
                           std::to_string(expected) + ": was it made with the same options?");
    }
  }
  std::vector<MetricCurve> curves(maps.size());
  for (size_t m = 0; m < maps.size(); ++m) {
    for (size_t i = m * count; i < (m + 1) * count; ++i) {
      curves[m].probabilities.push_back(parts[i % parts.size()][i / parts.size()]);
    }
    curves[m].score = metric.score_of(curves[m].probabilities);
  }
  out->metric = metric.name;
  out->class_index = in.class_index;
  out->x = metric.x_values != nullptr ? metric.x_values(in) : std::vector<float>{};
  out->map = std::move(curves[0]);
  out->random = std::move(curves[1]);
  out->randomized_model.reset();
  if (curves.size() == 3) out->randomized_model = std::move(curves[2]);
  return Status::Ok();
}

Status Measure(const MetricInfo& metric, const MetricInput& in, std::span<const float> map,
               std::span<const float> randomized_model_map, Measurement* out) {
  std::vector<std::vector<float>> parts(1);
  CONVSCOPE_RETURN_IF_ERROR(MeasurePart(metric, in, map, randomized_model_map, 0, 1, &parts[0]));
  return CombineMeasurement(metric, in, map, randomized_model_map, parts, out);
}

}  // namespace convscope

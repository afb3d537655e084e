// Embind for the faithfulness metrics (Model::Measure, MeasurePart, CombineMeasurement):
// registered by model_bindings.cc as the Model's tryMeasure, tryMeasurePart and
// tryCombineMeasurement.
#include <array>

#include "explain_bindings.h"

namespace convscope::bindings {
namespace {

// The keys measure takes besides its metric's options.
constexpr std::array<const char*, 5> kMeasureKeys = {"class", "randomizedModelMap", "part", "parts",
                                                     "onProgress"};

val CurveToJs(const MetricCurve& c) {
  val out = val::object();
  out.set("probabilities", CopyFloats(c.probabilities));
  out.set("score", c.score);
  return out;
}

// A measure request's metric, map and options, checked; nullopt (with the error set) if not.
struct MeasureRequest {
  MeasureOptions options;
  std::vector<float> map;
};

std::optional<MeasureRequest> ReadMeasureRequest(val metric, val map, val options) {
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return FailWith("options must be an object, got " + TypeName(options));
  if (metric.typeOf().as<std::string>() != "string") {
    return FailWith("the metric must be a string, got " + TypeName(metric));
  }
  MeasureRequest r;
  MeasureOptions& m = r.options;
  m.metric = metric.as<std::string>();
  const MetricInfo* info = FindMetric(m.metric);
  if (info == nullptr) {
    return FailWith("unknown metric '" + m.metric + "' (metrics: " + MetricNames() + ")");
  }
  if (!IsInstance(map, "Float32Array")) {
    return FailWith("the map must be a Float32Array (an explanation's map), got " + TypeName(map));
  }
  // Options of other metrics are let through (one object can serve several), typos are not.
  const val keys = val::global("Object").call<val>("keys", o);
  for (size_t i = 0; i < keys["length"].as<size_t>(); ++i) {
    const std::string key = keys[i].as<std::string>();
    bool known = IndexOfName(kMeasureKeys, key).has_value();
    for (const MetricInfo& other : Metrics()) {
      known = known || FindOption(other.options, key) != nullptr;
    }
    if (!known) {
      std::string own;
      for (const OptionSpec& spec : info->options) own += std::string(", ") + spec.name;
      return FailWith("unknown option '" + key + "' (" + m.metric + " takes class" + own +
                      ", randomizedModelMap, onProgress)");
    }
  }
  if (!ReadOptionValues(info->options, o, &m.options)) return std::nullopt;
  std::string error;
  if (!o["class"].isUndefined()) {
    const auto c = ReadSize(o, "class", std::nullopt, &error);
    if (!c) return FailWith(error);
    m.class_index = *c;
  }
  if (const val against = o["randomizedModelMap"]; !against.isUndefined()) {
    if (!IsInstance(against, "Float32Array")) {
      return FailWith(
          "randomizedModelMap must be a Float32Array (the sanity check's randomized map), got " +
          TypeName(against));
    }
    m.randomized_model_map = CopyFloat32Array(against);
  }
  const auto part = ReadSize(o, "part", 0, &error);
  const auto parts = part ? ReadSize(o, "parts", 1, &error) : std::nullopt;
  if (!parts) return FailWith(error);
  m.part = *part;
  m.parts = *parts;
  m.progress = ReadProgress(o);
  r.map = CopyFloat32Array(map);
  return r;
}

val MeasurementToJs(const Measurement& r) {
  val out = val::object();
  out.set("metric", r.metric);
  out.set("classIndex", r.class_index);
  out.set("x", CopyFloats(r.x));
  out.set("map", CurveToJs(r.map));
  out.set("random", CurveToJs(r.random));
  out.set("randomizedModel", r.randomized_model ? CurveToJs(*r.randomized_model) : val::null());
  return out;
}

// measure and combineMeasurement are of the whole (part and parts are measurePart's).
bool Whole(const MeasureOptions& m) {
  if (m.part == 0 && m.parts == 1) return true;
  Fail("part and parts are for measurePart: measure and combineMeasurement take the whole");
  return false;
}

}  // namespace

val TryMeasure(Model& model, val metric, val map, val options) {
  const std::optional<MeasureRequest> r = ReadMeasureRequest(metric, map, options);
  if (!r || !Whole(r->options)) return val::null();
  Measurement m;
  if (const Status s = model.Measure(r->options, r->map, &m); !s.ok()) return Fail(s.message());
  return MeasurementToJs(m);
}

val TryMeasurePart(Model& model, val metric, val map, val options) {
  const std::optional<MeasureRequest> r = ReadMeasureRequest(metric, map, options);
  if (!r) return val::null();
  std::vector<float> probabilities;
  if (const Status s = model.MeasurePart(r->options, r->map, &probabilities); !s.ok()) {
    return Fail(s.message());
  }
  return CopyFloats(probabilities);
}

val TryCombineMeasurement(Model& model, val metric, val map, val options, val parts) {
  const std::optional<MeasureRequest> r = ReadMeasureRequest(metric, map, options);
  if (!r || !Whole(r->options)) return val::null();
  const std::optional<std::vector<std::vector<float>>> data = ReadParts(parts);
  if (!data) return val::null();
  Measurement m;
  if (const Status s = model.CombineMeasurement(r->options, r->map, *data, &m); !s.ok()) {
    return Fail(s.message());
  }
  return MeasurementToJs(m);
}

}  // namespace convscope::bindings

// Embind for the faithfulness metrics (Model::Measure): registered by model_bindings.cc as the
// Model's tryMeasure.
#include <array>

#include "explain_bindings.h"

namespace convscope::bindings {
namespace {

// The keys measure takes besides its metric's options.
constexpr std::array<const char*, 3> kMeasureKeys = {"class", "randomizedModelMap", "onProgress"};

val CurveToJs(const MetricCurve& c) {
  val out = val::object();
  out.set("probabilities", CopyFloats(c.probabilities));
  out.set("score", c.score);
  return out;
}

}  // namespace

val TryMeasure(Model& model, val metric, val map, val options) {
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return Fail("options must be an object, got " + TypeName(options));
  if (metric.typeOf().as<std::string>() != "string") {
    return Fail("the metric must be a string, got " + TypeName(metric));
  }
  MeasureOptions m;
  m.metric = metric.as<std::string>();
  const MetricInfo* info = FindMetric(m.metric);
  if (info == nullptr) {
    return Fail("unknown metric '" + m.metric + "' (metrics: " + MetricNames() + ")");
  }
  if (!IsInstance(map, "Float32Array")) {
    return Fail("the map must be a Float32Array (an explanation's map), got " + TypeName(map));
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
      return Fail("unknown option '" + key + "' (" + m.metric + " takes class" + own +
                  ", randomizedModelMap, onProgress)");
    }
  }
  if (!ReadOptionValues(info->options, o, &m.options)) return val::null();
  std::string error;
  if (!o["class"].isUndefined()) {
    const auto c = ReadSize(o, "class", std::nullopt, &error);
    if (!c) return Fail(error);
    m.class_index = *c;
  }
  if (const val against = o["randomizedModelMap"]; !against.isUndefined()) {
    if (!IsInstance(against, "Float32Array")) {
      return Fail(
          "randomizedModelMap must be a Float32Array (the sanity check's randomized map), got " +
          TypeName(against));
    }
    m.randomized_model_map = CopyFloat32Array(against);
  }
  m.progress = ReadProgress(o);
  Measurement r;
  if (const Status s = model.Measure(m, CopyFloat32Array(map), &r); !s.ok()) {
    return Fail(s.message());
  }
  val out = val::object();
  out.set("metric", r.metric);
  out.set("classIndex", r.class_index);
  out.set("x", CopyFloats(r.x));
  out.set("map", CurveToJs(r.map));
  out.set("random", CurveToJs(r.random));
  out.set("randomizedModel", r.randomized_model ? CurveToJs(*r.randomized_model) : val::null());
  return out;
}

}  // namespace convscope::bindings

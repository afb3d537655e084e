#include "explain_bindings.h"

#include <emscripten/bind.h>

#include <array>
#include <cmath>

#include "catalog.h"
#include "methods/registry.h"
#include "methods/sanity_check.h"
#include "model_marshal.h"

namespace convscope::bindings {
namespace {

// An explanation as the JS object of convscope.d.ts (copies: explanations are small).
val ExplanationToJs(const Model& model, const Explanation& x) {
  const ModelHeader& h = model.header();
  val out = val::object();
  out.set("method", x.method);
  out.set("classIndex", x.class_index);
  out.set("label", ClassLabel(h, x.class_index));
  out.set("layer", h.layers[x.layer].layer.name);
  out.set("precision", std::string(PrecisionName(model.last_engine()->precision())));
  out.set("weights", std::string(PrecisionName(x.weights)));
  out.set("activations", std::string(PrecisionName(x.activations)));
  out.set("arithmetic", ArithmeticLabel(x));
  out.set("computation", x.computation);
  out.set("width", x.width);
  out.set("height", x.height);
  out.set("map", CopyFloats(x.map));
  val range = val::array();
  range.call<void>("push", x.value_range.min);
  range.call<void>("push", x.value_range.max);
  out.set("valueRange", range);
  const MethodInfo* info = FindMethod(x.method);
  out.set("value", !x.value.empty() ? x.value : std::string(info != nullptr ? info->value : ""));
  val raw = val::object();
  raw.set("shape", ShapeArray(x.raw_shape));
  raw.set("data", CopyFloats(x.raw));
  out.set("raw", raw);
  return out;
}

// The keys every method takes besides its own options (the sanity check's are read by it).
constexpr std::array<const char*, 9> kCommonKeys = {"class",     "layer",      "part",
                                                    "parts",     "onProgress", "onPartial",
                                                    "topLayers", "randomSeed", "randomizedOnly"};

// Fails on a key that no method takes (for a known method) (a typo would otherwise be ignored);
// keys of other methods are let through, so that one options object can serve several methods.
bool CheckKeys(const std::string& method, const val& o) {
  if (FindMethod(method) == nullptr) return true;  // the core names the methods first
  const val keys = val::global("Object").call<val>("keys", o);
  const auto count = keys["length"].as<size_t>();
  for (size_t i = 0; i < count; ++i) {
    const std::string key = keys[i].as<std::string>();
    if (IndexOfName(kCommonKeys, key)) continue;
    bool known = false;
    for (const MethodInfo& m : Methods()) known = known || FindOption(m.options, key) != nullptr;
    if (known) continue;
    std::string own;
    for (const OptionSpec& spec : FindMethod(method)->options) {
      own += std::string(own.empty() ? "" : ", ") + spec.name;
    }
    Fail("unknown option '" + key + "' (" + method + " takes " +
         (own.empty() ? "no options" : own) +
         "; every method also takes class, layer, part, parts, onProgress, onPartial)");
    return false;
  }
  return true;
}

// The options of `method` in `o` (ReadOptionValues).
bool ReadMethodOptions(const std::string& method, const val& o, OptionMap* out) {
  const MethodInfo* info = FindMethod(method);
  if (info == nullptr) return true;  // the core names the methods
  return ReadOptionValues(info->options, o, out);
}

// Reads tryExplain's (method, options); nullopt after Fail.
std::optional<ExplainOptions> ReadExplainOptions(const Model& model, const val& method,
                                                 const val& o) {
  if (method.typeOf().as<std::string>() != "string") {
    return FailWith("the method must be a string, got " + TypeName(method));
  }
  ExplainOptions e;
  e.method = method.as<std::string>();
  if (!CheckKeys(e.method, o) || !ReadMethodOptions(e.method, o, &e.options)) return std::nullopt;
  std::string error;
  if (!o["class"].isUndefined()) {
    const auto c = ReadSize(o, "class", std::nullopt, &error);
    if (!c) return FailWith(error);
    e.class_index = *c;
  }
  if (!o["layer"].isUndefined()) {
    e.layer = FindLayer(model, o["layer"]);
    if (!e.layer) return std::nullopt;
  }
  const auto part = ReadSize(o, "part", 0, &error);
  const auto parts = part ? ReadSize(o, "parts", 1, &error) : std::nullopt;
  if (!parts) return FailWith(error);
  e.part = *part;
  e.parts = *parts;
  e.progress = ReadProgress(o);
  const val on_partial = o["onPartial"];
  if (on_partial.typeOf().as<std::string>() == "function") {
    e.partial = [on_partial, &model](const Explanation& so_far) {
      return on_partial(ExplanationToJs(model, so_far)).as<bool>();
    };
  }
  return e;
}

}  // namespace

val TryExplain(Model& model, val method, val options) {
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return Fail("options must be an object, got " + TypeName(options));
  const std::optional<ExplainOptions> e = ReadExplainOptions(model, method, o);
  if (!e) return val::null();
  Explanation x;
  if (const Status s = model.Explain(*e, &x); !s.ok()) return Fail(s.message());
  return ExplanationToJs(model, x);
}

std::optional<std::vector<std::vector<float>>> ReadParts(val parts) {
  if (!IsInstance(parts, "Array"))
    return FailWith("parts must be an Array, got " + TypeName(parts));
  const auto count = parts["length"].as<size_t>();
  if (count > kMaxParts) return FailWith("at most " + std::to_string(kMaxParts) + " parts");
  std::vector<std::vector<float>> data;
  for (size_t i = 0; i < count; ++i) {
    if (!IsInstance(parts[i], "Float32Array")) {
      return FailWith("part " + std::to_string(i) + " must be a Float32Array, got " +
                      TypeName(parts[i]));
    }
    data.push_back(CopyFloat32Array(parts[i]));
  }
  return data;
}

val TryCombine(Model& model, val method, val options, val parts) {
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return Fail("options must be an object, got " + TypeName(options));
  const std::optional<ExplainOptions> e = ReadExplainOptions(model, method, o);
  if (!e) return val::null();
  const std::optional<std::vector<std::vector<float>>> data = ReadParts(parts);
  if (!data) return val::null();
  const PartResults results(data->begin(), data->end());
  ExplainOptions whole = *e;
  whole.parts = data->size();
  Explanation x;
  if (const Status s = model.Combine(whole, results, &x); !s.ok()) return Fail(s.message());
  return ExplanationToJs(model, x);
}

val TrySanityCheck(Model& model, val method, val options) {
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return Fail("options must be an object, got " + TypeName(options));
  const std::optional<ExplainOptions> e = ReadExplainOptions(model, method, o);
  if (!e) return val::null();
  std::string error;
  const auto top = ReadSize(o, "topLayers", 1, &error);
  const auto seed = top ? ReadSize(o, "randomSeed", 1, &error) : std::nullopt;
  const auto only = seed ? ReadBool(o, "randomizedOnly", false, &error) : std::nullopt;
  if (!only) return Fail(error);
  const bool randomized_only = *only;
  SanityCheckResult r;
  if (const Status s =
          model.SanityCheck(*e, *top, static_cast<uint32_t>(*seed), &r, randomized_only);
      !s.ok()) {
    return Fail(s.message());
  }
  val out = val::object();
  out.set("original", randomized_only ? val::null() : ExplanationToJs(model, r.original));
  out.set("randomized", ExplanationToJs(model, r.randomized));
  val layers = val::array();
  for (size_t i : r.layers) layers.call<void>("push", model.header().layers[i].layer.name);
  out.set("randomizedLayers", layers);
  out.set("spearman", randomized_only ? val::null() : val(r.spearman));
  return out;
}

val CatalogToJs() { return ToJs(Catalog()); }

val TrySpearmanCorrelation(val a, val b) {
  if (!IsInstance(a, "Float32Array") || !IsInstance(b, "Float32Array")) {
    return Fail("spearmanCorrelation takes two Float32Arrays, got " + TypeName(a) + " and " +
                TypeName(b));
  }
  const std::vector<float> x = CopyFloat32Array(a), y = CopyFloat32Array(b);
  if (x.size() != y.size() || x.empty()) {
    return Fail("spearmanCorrelation needs two maps of the same non-zero size, got " +
                std::to_string(x.size()) + " and " + std::to_string(y.size()) + " values");
  }
  return val(SpearmanCorrelation(x, y));
}

}  // namespace convscope::bindings

EMSCRIPTEN_BINDINGS(convscope_explain) {
  emscripten::function("trySpearmanCorrelation", &convscope::bindings::TrySpearmanCorrelation);
  emscripten::function("catalog", &convscope::bindings::CatalogToJs);
}

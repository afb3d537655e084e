// Embind: a loaded model (wasm/model/model.h) — summary, configs, weights, runs, activations,
// grids; its explanations are marshalled in explain_bindings.cc. Marshalling only. Keep in sync
// with convscope.d.ts and module_api.js.
#include <emscripten/bind.h>

#include <cmath>
#include <functional>
#include <memory>
#include <span>

#include "engine/thread_pool.h"
#include "explain_bindings.h"
#include "figures/grids.h"
#include "layers/layer_kind.h"
#include "marshal.h"
#include "methods/activation_maximization.h"
#include "model/layer_roles.h"
#include "model/model.h"
#include "model/model_edit.h"
#include "model/model_summary.h"
#include "model_marshal.h"

namespace convscope::bindings {
namespace {

Model* TryLoad(val bytes) {
  if (!IsInstance(bytes, "Uint8Array") && !IsInstance(bytes, "ArrayBuffer")) {
    Fail("model bytes must be a Uint8Array or an ArrayBuffer, got " + TypeName(bytes));
    return nullptr;
  }
  std::unique_ptr<Model> model;
  if (const Status s = Model::Load(CopyBytes(bytes), CurrentThreadPool(), &model); !s.ok()) {
    Fail(s.message());
    return nullptr;
  }
  return model.release();  // Embind owns it; JS frees it with delete()
}

val Info(const Model& model) {
  const ModelHeader& h = model.header();
  const Preprocessing& p = h.preprocessing;
  val info = val::object();
  info.set("name", h.name);
  info.set("precision", std::string(PrecisionName(h.precision)));
  info.set("fileSize", model.file_size());
  info.set("params", static_cast<double>(h.total_params));
  info.set("inputShape", ShapeArray(h.layers.front().layer.output_shape));
  info.set("outputShape", ShapeArray(h.layers.back().layer.output_shape));
  info.set("labels", ToJs(h.labels));
  info.set("preprocessing", ToJs({{"mode", NameOf(kPreprocessingModes, p.mode)},
                                  {"channelOrder", NameOf(kChannelOrders, p.channel_order)},
                                  {"scale", p.scale},
                                  {"mean", p.mean},
                                  {"std", p.std}}));
  info.set("source", ToJs(h.source));
  // What the output means, and the layer Grad-CAM and its kin default to.
  const bool head = h.head.kind != HeadKind::kNone;
  info.set("head", ToJs({{"kind", NameOf(kHeadKindNames, h.head.kind)},
                         {"classes", h.head.classes},
                         {"layer", head ? Json(h.layers[h.head.layer].layer.name) : Json()}}));
  const size_t cam = DefaultCamLayer(h.layers);
  info.set("camLayer", cam == 0 ? val::null() : val(h.layers[cam].layer.name));
  info.set("converter", ToJs(h.converter));
  // What runs it: this module's build and the threads XNNPACK uses for it.
  info.set("variant", std::string(CONVSCOPE_VARIANT));
  info.set("threads", model.thread_count());
  return info;
}

val Summary(const Model& model) {
  const ModelHeader& h = model.header();
  val rows = val::array();
  for (const LayerEntry& e : h.layers) {
    const Layer& l = e.layer;
    const LayerKindOps& kind = KindOps(l.kind);
    val row = val::object();
    row.set("name", l.name);
    row.set("type", l.keras_class);
    // What the layer is, from its kind (the catalog's layerKinds): views choose layers by these.
    row.set("kind", std::string(kind.keras_classes.front()));
    row.set("category", std::string(kind.category));
    row.set("spatial", HasSpatialOutput(l));
    row.set("hasFilters", HasFilters(l));
    if (HasFilters(l)) {
      val kernel = val::array();
      kernel.call<void>("push", l.kernel_h);
      kernel.call<void>("push", l.kernel_w);
      row.set("kernel", kernel);
    }
    if (kind.has_activation || l.kind == LayerKind::kActivation) {
      row.set("activation", ActivationLabel(l.activation));
    }
    row.set("outputShape", ShapeArray(l.output_shape));
    val inputs = val::array();
    for (size_t from : l.inputs) inputs.call<void>("push", h.layers[from].layer.name);
    row.set("inputs", inputs);
    row.set("params", static_cast<double>(l.params));
    row.set("trainableParams", static_cast<double>(l.trainable_params));
    rows.call<void>("push", row);
  }
  val summary = val::object();
  summary.set("name", h.name);
  summary.set("rows", rows);
  summary.set("totalParams", static_cast<double>(h.total_params));
  summary.set("trainableParams", static_cast<double>(h.trainable_params));
  summary.set("nonTrainableParams", static_cast<double>(h.total_params - h.trainable_params));
  summary.set("text", KerasSummary(h));
  return summary;
}

val TryLayerConfig(const Model& model, val name) {
  const auto index = FindLayer(model, name);
  if (!index) return val::null();
  const Json keras = LayerToKeras(model.header().layers[*index].layer);
  val config = ToJs(keras["config"]);
  config.set("className", keras["class_name"].get<std::string>());
  return config;
}

val TryWeights(const Model& model, val name) {
  const auto index = FindLayer(model, name);
  if (!index) return val::null();
  val weights = val::object();
  for (const TensorView& v : model.Weights(*index)) {
    const WeightEntry& w = *v.entry;
    const bool int8 = w.dtype == Precision::kInt8;
    val t = HeapRef(v.data.data(), v.data.size() / PrecisionBytes(w.dtype),
                    int8 ? "int8" : "float32", w.shape);
    t.set("kerasShape", ShapeArray(w.keras_shape));
    t.set("layout", w.layout);
    t.set("stats", ToJs(w.stats));
    if (int8)
      t.set("scales", HeapRef(v.scales.data(), v.scales.size(), "float32", {v.scales.size()}));
    weights.set(w.name, t);
  }
  return weights;
}

Status ReadRunOptions(const val& options, const Model& model, RunOptions* o) {
  if (options.isUndefined()) return Status::Ok();
  if (!IsObject(options))
    return Status::Error("options must be an object, got " + TypeName(options));
  std::string error;
  const auto precision = ReadEnum<Precision>(
      options, "precision", PrecisionName(model.header().precision), kPrecisionNames, &error);
  const auto resize = precision ? ReadResizeMode(options, &error) : std::nullopt;
  const auto top_k = resize ? ReadSize(options, "topK", 5, &error) : std::nullopt;
  if (!top_k) return Status::Error(error);
  o->precision = *precision;
  o->resize = *resize;
  o->top_k = *top_k;
  return Status::Ok();
}

val TryRun(Model& model, val image, val options) {
  RgbImage rgb;
  RunOptions run_options;
  RunResult result;
  Status s = ReadRunOptions(options, model, &run_options);
  if (s.ok()) s = ReadImage(image, &rgb);
  if (s.ok()) s = model.Run(rgb, run_options, &result);
  if (!s.ok()) return Fail(s.message());
  const ModelHeader& h = model.header();
  val predictions = val::array();
  for (const Prediction& p : result.predictions) {
    val entry = val::object();
    entry.set("index", p.index);
    entry.set("label", ClassLabel(h, p.index));
    entry.set("probability", p.probability);
    entry.set("logit", p.logit);
    predictions.call<void>("push", entry);
  }
  val timings = val::array();
  for (size_t i = 0; i < result.layer_ms.size(); ++i) {
    val t = val::object();
    t.set("layer", h.layers[i].layer.name);
    t.set("ms", result.layer_ms[i]);
    timings.call<void>("push", t);
  }
  val out = val::object();
  out.set("precision", std::string(PrecisionName(result.precision)));
  out.set("predictions", predictions);
  out.set("timings", timings);
  out.set("totalMs", result.total_ms);
  out.set("unlike", val::null());
  if (result.unlike_score) {
    const TrainingPictures& pictures = *h.training_pictures;
    const double score = *result.unlike_score;
    val unlike = val::object();
    unlike.set("score", score);
    unlike.set("threshold", pictures.threshold);
    unlike.set("about", pictures.about);
    unlike.set("sentence", score > pictures.threshold ? UnlikeSentence(pictures, score) : "");
    out.set("unlike", unlike);
  }
  return out;
}

val TryInputPicture(const Model& model) {
  RgbImage picture;
  if (const Status s = model.InputPicture(&picture); !s.ok()) return Fail(s.message());
  return ImageDataOut(picture);
}

val TryActivation(const Model& model, val name) {
  const auto index = FindLayer(model, name);
  if (!index) return val::null();
  if (model.last_engine() == nullptr)
    return Fail("there are no activations yet: run an image first");
  const std::span<const float> a = model.last_engine()->activation(*index);
  val ref =
      HeapRef(a.data(), a.size(), "float32", model.header().layers[*index].layer.output_shape);
  ref.set("layer", name);
  return ref;
}

val GridResult(const RgbaImage& grid) {
  val out = val::object();
  out.set("width", grid.width);
  out.set("height", grid.height);
  // A copy: the page keeps it while other calls run.
  out.set("data", CopyBytesOut(grid.rgba));
  out.set("tiles", grid.tiles);
  out.set("columns", grid.columns);
  out.set("tileWidth", grid.tile_width);
  out.set("tileHeight", grid.tile_height);
  return out;
}

val TryFilterGrid(const Model& model, val name, val options) {
  const auto index = FindLayer(model, name);
  if (!index) return val::null();
  const Layer& layer = model.header().layers[*index].layer;
  if (!HasFilters(layer)) {
    return Fail("layer " + layer.name + " is a " + layer.keras_class +
                ": filters are drawn for convolutions (Conv2D, SeparableConv2D, DepthwiseConv2D)");
  }
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return Fail("options must be an object, got " + TypeName(options));
  std::string error;
  FilterGridOptions f;
  f.bgr_input = model.header().preprocessing.channel_order == ChannelOrder::kBGR;
  const val channel = o["channel"];
  if (!channel.isUndefined()) {
    const auto c = ReadSize(o, "channel", std::nullopt, &error);
    if (!c) return Fail(error);
    f.channel = static_cast<int>(std::min<size_t>(*c, 1 << 20));
  }
  const auto scale = ReadSize(o, "scale", 8, &error);
  const auto map = scale ? ReadColormap(o, "gray", &error) : std::nullopt;
  if (!map) return Fail(error);
  f.scale = *scale;
  f.colormap = *map;
  RgbaImage grid;
  if (const Status s = FilterGrid(model.Weights(*index)[0], f, &grid);
      !s.ok())  // the spatial kernel
    return Fail(s.message());
  return GridResult(grid);
}

val TryFeatureMapGrid(const Model& model, val name, val options) {
  const auto index = FindLayer(model, name);
  if (!index) return val::null();
  if (model.last_engine() == nullptr)
    return Fail("there are no feature maps yet: run an image first");
  const Shape& shape = model.header().layers[*index].layer.output_shape;
  if (shape.size() != 3) {
    return Fail("layer " + model.header().layers[*index].layer.name + " has output " +
                ShapeString(shape) + ": feature maps need a height x width x channels layer");
  }
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return Fail("options must be an object, got " + TypeName(options));
  std::string error;
  FeatureMapGridOptions f;
  const auto normalize =
      ReadEnum<Normalization>(o, "normalize", "map", kNormalizationNames, &error);
  const auto scale = normalize ? ReadSize(o, "scale", 1, &error) : std::nullopt;
  const auto max_maps = scale ? ReadSize(o, "maxMaps", 1024, &error) : std::nullopt;
  const auto map = max_maps ? ReadColormap(o, "viridis", &error) : std::nullopt;
  if (!map) return Fail(error);
  f.normalization = *normalize;
  f.scale = *scale;
  f.max_maps = *max_maps;
  f.colormap = *map;
  RgbaImage grid;
  const Status s = FeatureMapGrid(model.last_engine()->activation(*index), shape[0], shape[1],
                                  shape[2], f, &grid);
  if (!s.ok()) return Fail(s.message());
  return GridResult(grid);
}

// model.tryMaximize({layer, filter | class, preset, steps, seed, onProgress})
val TryMaximize(Model& model, val options) {
  if (!IsObject(options)) return Fail("options must be an object, got " + TypeName(options));
  MaximizeOptions m;
  const auto layer = FindLayer(model, options["layer"]);
  if (!layer) return val::null();
  m.layer = *layer;
  std::string error;
  const char* unit_key = options["class"].isUndefined() ? "filter" : "class";
  const auto unit = ReadSize(options, unit_key, std::nullopt, &error);
  if (!unit) return Fail(error);
  OptionMap given;
  if (!ReadOptionValues(MaximizeOptionSpecs(), options, &given)) return val::null();
  MethodOptions checked;
  if (const Status s = MethodOptions::Check(MaximizeOptionSpecs(), given, &checked); !s.ok()) {
    return Fail(s.message());
  }
  m.unit = *unit;
  m.steps = checked.Integer("steps");
  m.seed = static_cast<uint32_t>(checked.Integer("seed"));
  m.preset = checked.Choice("preset");
  m.progress = ReadProgress(options);
  MaximizeResult r;
  if (const Status s = model.Maximize(m, &r); !s.ok()) return Fail(s.message());
  val out = ImageDataOut({r.width, r.height, std::move(r.rgb)});
  out.set("layer", model.header().layers[m.layer].layer.name);
  out.set(unit_key, m.unit);
  out.set("objective", CopyFloats(r.objective));
  out.set("startActivation", r.start_activation);
  out.set("seedPicture", r.seed_picture);
  out.set("endActivation", r.end_activation);
  return out;
}

// A copy of the model file `bytes` as `edit` (model_edit.h) rewrites it, as a new Uint8Array.
val EditedModel(
    val bytes, const std::function<Status(std::span<const uint8_t>, std::vector<uint8_t>*)>& edit) {
  if (!IsInstance(bytes, "Uint8Array") && !IsInstance(bytes, "ArrayBuffer")) {
    return Fail("model bytes must be a Uint8Array or an ArrayBuffer, got " + TypeName(bytes));
  }
  std::vector<uint8_t> out;
  if (const Status s = edit(CopyBytes(bytes), &out); !s.ok()) return Fail(s.message());
  return val::global("Uint8Array").new_(val(emscripten::typed_memory_view(out.size(), out.data())));
}

// tryWithPreprocessing(bytes, mode): a copy of the model file with another preprocessing.
val TryWithPreprocessing(val bytes, const std::string& mode) {
  return EditedModel(bytes, [&](std::span<const uint8_t> file, std::vector<uint8_t>* out) {
    return WithPreprocessing(file, mode, out);
  });
}

// tryWithLabels(bytes, text, what): a copy of the model file with the class names in `text` (a
// labels file's contents; `what` names it for messages). Strings are checked here: Embind would
// take a Uint8Array's bytes for a std::string, and leak those it converted before a failed one.
val TryWithLabels(val bytes, val text, val what) {
  if (text.typeOf().as<std::string>() != "string") {
    return Fail("the class names must be a string (a labels file's text), got " + TypeName(text));
  }
  if (!what.isUndefined() && what.typeOf().as<std::string>() != "string") {
    return Fail("what names the class names must be a string, got " + TypeName(what));
  }
  constexpr size_t kLongestName = 200;  // of the labels, in messages
  const std::string name = what.isUndefined() ? "the labels" : what.as<std::string>();
  return EditedModel(bytes, [&](std::span<const uint8_t> file, std::vector<uint8_t>* out) {
    return WithLabels(file, text.as<std::string>(), name.substr(0, kLongestName), out);
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(convscope_model) {
  emscripten::function("tryWithPreprocessing", &TryWithPreprocessing);
  emscripten::function("tryWithLabels", &TryWithLabels);
  emscripten::class_<Model>("Model")
      .class_function("tryLoad", &TryLoad, emscripten::allow_raw_pointers())
      .function("info", &Info)
      .function("summary", &Summary)
      .function("tryLayerConfig", &TryLayerConfig)
      .function("tryWeights", &TryWeights)
      .function("tryRun", &TryRun)
      .function("tryInputPicture", &TryInputPicture)
      .function("tryActivation", &TryActivation)
      .function("tryFilterGrid", &TryFilterGrid)
      .function("tryFeatureMapGrid", &TryFeatureMapGrid)
      .function("tryExplain", &TryExplain)
      .function("tryCombine", &TryCombine)
      .function("trySanityCheck", &TrySanityCheck)
      .function("tryMeasure", &TryMeasure)
      .function("tryMeasurePart", &TryMeasurePart)
      .function("tryCombineMeasurement", &TryCombineMeasurement)
      .function("tryMaximize", &TryMaximize);
}

}  // namespace convscope::bindings

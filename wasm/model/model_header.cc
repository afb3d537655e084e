#include "model_header.h"

#include <cmath>
#include <map>
#include <utility>

#include "model_format.h"

namespace convscope {
namespace {

constexpr const char* kFormatName = "convscope-model";

Json ToList(const Shape& s) {
  Json list = Json::array();
  for (size_t d : s) list.push_back(d);
  return list;
}

// Reads one of an enum's names. Everything after the header reads the enum, so an unknown name
// must not load (a "bogus" precision used to run as f32).
template <typename Enum, size_t N>
Status ReadName(const Json& j, const char* key, const std::string& path,
                const std::array<const char*, N>& names, Enum* out) {
  std::string name;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(j, key, path, &name));
  const std::optional<size_t> index = IndexOfName(names, name);
  if (!index) {
    return Status::Error(path + "." + key + " must be " + OneOf(names, false) + ", got '" + name +
                         "'");
  }
  *out = static_cast<Enum>(*index);
  return Status::Ok();
}

Status ReadWeight(const Json& j, const std::string& path, size_t num_sections, WeightEntry* w) {
  CONVSCOPE_RETURN_IF_ERROR(ReadString(j, "name", path, &w->name));
  CONVSCOPE_RETURN_IF_ERROR(ReadSizeList(j, "keras_shape", path, &w->keras_shape));
  CONVSCOPE_RETURN_IF_ERROR(ReadSizeList(j, "shape", path, &w->shape));
  CONVSCOPE_RETURN_IF_ERROR(ReadString(j, "layout", path, &w->layout));
  CONVSCOPE_RETURN_IF_ERROR(ReadName(j, "dtype", path, kPrecisionNames, &w->dtype));
  CONVSCOPE_RETURN_IF_ERROR(ReadSize(j, "data", path, &w->data_section));
  if (w->data_section >= num_sections) return Status::Error(path + ".data is not a section");
  if (w->dtype == Precision::kInt8) {
    size_t scales = 0;
    CONVSCOPE_RETURN_IF_ERROR(ReadSize(j, "scales", path, &scales));
    if (scales >= num_sections) return Status::Error(path + ".scales is not a section");
    w->scales_section = scales;
  }
  if (const Json* s = Find(j, "stats"); s != nullptr && s->is_object()) w->stats = *s;
  if (const Json* q = Find(j, "quantization"); q != nullptr && q->is_object()) {
    w->quantization = *q;
  }
  return Status::Ok();
}

Status ReadPreprocessing(const Json& j, Preprocessing* p) {
  const std::string path = "header.preprocessing";
  CONVSCOPE_RETURN_IF_ERROR(ReadName(j, "mode", path, kPreprocessingModes, &p->mode));
  CONVSCOPE_RETURN_IF_ERROR(ReadName(j, "channel_order", path, kChannelOrders, &p->channel_order));
  CONVSCOPE_RETURN_IF_ERROR(ReadFloat(j, "scale", path, &p->scale));
  for (const char* key : {"mean", "std"}) {
    const Json* v = Find(j, key);
    if (v == nullptr || !v->is_array() || v->size() != 3) {
      return Status::Error(path + "." + key + " must list 3 numbers");
    }
    auto& dst = std::string(key) == "mean" ? p->mean : p->std;
    for (size_t c = 0; c < 3; ++c) {
      if (!(*v)[c].is_number()) return Status::Error(path + "." + key + " must list 3 numbers");
      dst[c] = (*v)[c].get<double>();
    }
  }
  for (double s : p->std) {
    if (!(s > 0)) return Status::Error(path + ".std must be positive");
  }
  // Pixels are divided by it to draw a model's input (Deprocess).
  if (!(p->scale > 0) || !std::isfinite(p->scale)) {
    return Status::Error(path + ".scale must be a positive number");
  }
  return Status::Ok();
}

}  // namespace

Json HeaderToJson(const ModelHeader& h) {
  Json layers = Json::array();
  std::vector<Layer> plain;
  for (const LayerEntry& e : h.layers) plain.push_back(e.layer);
  const uint32_t version = FormatVersionOf(plain);
  for (const LayerEntry& e : h.layers) {
    Json layer = LayerToKeras(e.layer);
    if (version != kChainFormatVersion) {
      Json inbound = Json::array();
      for (size_t from : e.layer.inputs) inbound.push_back(h.layers[from].layer.name);
      layer["inbound"] = std::move(inbound);
    }
    layer["output_shape"] = ToList(e.layer.output_shape);
    layer["params"] = e.layer.params;
    Json weights = Json::array();
    for (const WeightEntry& w : e.weights) {
      Json jw = {
          {"name", w.name},     {"keras_shape", ToList(w.keras_shape)}, {"shape", ToList(w.shape)},
          {"layout", w.layout}, {"dtype", PrecisionName(w.dtype)},      {"data", w.data_section},
          {"stats", w.stats}};
      if (!w.trainable) jw["trainable"] = false;
      if (w.scales_section) jw["scales"] = *w.scales_section;
      if (!w.quantization.is_null()) jw["quantization"] = w.quantization;
      weights.push_back(std::move(jw));
    }
    layer["weights"] = std::move(weights);
    layers.push_back(std::move(layer));
  }
  Json sections = Json::array();
  for (const SectionEntry& s : h.sections) {
    sections.push_back({{"offset", s.offset}, {"size", s.size}, {"crc32", s.crc32}});
  }
  const Preprocessing& p = h.preprocessing;
  Json out = {{"format", kFormatName},
              {"format_version", version},
              {"name", h.name},
              {"precision", PrecisionName(h.precision)},
              {"source", h.source},
              {"converter", h.converter},
              {"preprocessing",
               {{"mode", NameOf(kPreprocessingModes, p.mode)},
                {"channel_order", NameOf(kChannelOrders, p.channel_order)},
                {"scale", p.scale},
                {"mean", p.mean},
                {"std", p.std}}},
              {"labels", h.labels},
              {"layers", std::move(layers)},
              {"totals",
               {{"params", h.total_params},
                {"trainable", h.trainable_params},
                {"non_trainable", h.total_params - h.trainable_params}}},
              {"sections", std::move(sections)}};
  if (h.training_pictures) out["training_pictures"] = TrainingPicturesToJson(*h.training_pictures);
  return out;
}

namespace {

Status ReadSections(const Json& j, ModelHeader* h) {
  const Json* sections = Find(j, "sections");
  if (sections == nullptr || !sections->is_array()) {
    return Status::Error("header.sections must be a list");
  }
  for (size_t i = 0; i < sections->size(); ++i) {
    const std::string path = "header.sections[" + std::to_string(i) + "]";
    size_t offset = 0, size = 0, crc = 0;
    CONVSCOPE_RETURN_IF_ERROR(ReadSize((*sections)[i], "offset", path, &offset));
    CONVSCOPE_RETURN_IF_ERROR(ReadSize((*sections)[i], "size", path, &size));
    CONVSCOPE_RETURN_IF_ERROR(ReadSize((*sections)[i], "crc32", path, &crc));
    if (crc > UINT32_MAX) return Status::Error(path + ".crc32 is not a 32-bit value");
    h->sections.push_back({offset, size, static_cast<uint32_t>(crc)});
  }
  return Status::Ok();
}

// Version 2: each layer's inputs by name ("inbound"), the input layer's empty.
Status ReadInbound(const Json& layers, ModelHeader* h, std::vector<Layer>* stored) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < h->layers.size(); ++i) {
    if (!index.emplace(h->layers[i].layer.name, i).second) {
      return Status::Error("two layers are named " + h->layers[i].layer.name);
    }
  }
  for (size_t i = 1; i < h->layers.size(); ++i) {
    const std::string path = "header.layers[" + std::to_string(i) + "].inbound";
    const Json* inbound = Find(layers[i], "inbound");
    if (inbound == nullptr || !inbound->is_array() || inbound->empty()) {
      return Status::Error(path + " must list the layers it reads");
    }
    std::vector<size_t>& inputs = h->layers[i].layer.inputs;
    for (const Json& name : *inbound) {
      const auto it = name.is_string() ? index.find(name.get<std::string>()) : index.end();
      if (it == index.end()) {
        return Status::Error("layer " + h->layers[i].layer.name + " reads " +
                             (name.is_string() ? name.get<std::string>() : name.dump()) +
                             ", which the model does not have");
      }
      inputs.push_back(it->second);
    }
    (*stored)[i].inputs = inputs;
  }
  return Status::Ok();
}

// The layers and their weight entries; `stored` gets each layer as the header states it (output
// shape and params included), to compare with what its config gives (CheckLayers).
Status ReadLayers(const Json& j, ModelHeader* h, std::vector<Layer>* stored) {
  const Json* layers = Find(j, "layers");
  if (layers == nullptr || !layers->is_array())
    return Status::Error("header.layers must be a list");
  CONVSCOPE_RETURN_IF_ERROR(CheckLayerCount(layers->size()));
  for (size_t i = 0; i < layers->size(); ++i) {
    const Json& jl = (*layers)[i];
    std::string class_name;
    const std::string path = "header.layers[" + std::to_string(i) + "]";
    CONVSCOPE_RETURN_IF_ERROR(ReadString(jl, "class_name", path, &class_name));
    const Json* config = Find(jl, "config");
    if (config == nullptr) return Status::Error(path + ".config is missing");
    Layer layer;
    CONVSCOPE_RETURN_IF_ERROR(LayerFromKeras(class_name, *config, KerasDialect::kKeras3, &layer));
    Layer claimed = layer;
    CONVSCOPE_RETURN_IF_ERROR(ReadSizeList(jl, "output_shape", path, &claimed.output_shape));
    CONVSCOPE_RETURN_IF_ERROR(ReadSize(jl, "params", path, &claimed.params));
    stored->push_back(std::move(claimed));

    LayerEntry entry{std::move(layer), {}};
    const Json* weights = Find(jl, "weights");
    if (weights == nullptr || !weights->is_array())
      return Status::Error(path + ".weights must be a list");
    for (size_t k = 0; k < weights->size(); ++k) {
      WeightEntry w;
      CONVSCOPE_RETURN_IF_ERROR(ReadWeight(
          (*weights)[k], path + ".weights[" + std::to_string(k) + "]", h->sections.size(), &w));
      entry.weights.push_back(std::move(w));
    }
    h->layers.push_back(std::move(entry));
  }
  return h->format_version == kChainFormatVersion ? Status::Ok() : ReadInbound(*layers, h, stored);
}

// Derives every layer's shapes and params from the configs, checks the header states the same
// ones and the weights each layer needs, and keeps the derived layers and the totals.
Status CheckLayers(const std::vector<Layer>& stored, ModelHeader* h) {
  std::vector<Layer> derived;
  for (const LayerEntry& e : h->layers) derived.push_back(e.layer);
  CONVSCOPE_RETURN_IF_ERROR(InferShapes(&derived));
  for (size_t i = 0; i < derived.size(); ++i) {
    const Layer& d = derived[i];
    if (d.output_shape != stored[i].output_shape || d.params != stored[i].params) {
      return Status::Error("layer " + d.name + ": stored output shape or params do not match its " +
                           "config (the header is inconsistent)");
    }
    const Shape input = i == 0 ? Shape() : derived[d.inputs[0]].output_shape;
    const std::vector<WeightSpec> expected = StoredWeightSpecs(d, input);
    std::vector<WeightEntry>& weights = h->layers[i].weights;
    if (weights.size() != expected.size()) {
      return Status::Error("layer " + d.name + " needs " + std::to_string(expected.size()) +
                           " weights, the header lists " + std::to_string(weights.size()));
    }
    for (size_t k = 0; k < expected.size(); ++k) {
      WeightEntry& w = weights[k];
      const WeightSpec& spec = expected[k];
      if (w.keras_shape != spec.keras_shape) {
        return Status::Error("layer " + d.name + " weight " + w.name + " has shape " +
                             DimsString(w.keras_shape) + ", the layer needs " +
                             DimsString(spec.keras_shape));
      }
      if (w.name != spec.name || w.shape != StoredShape(spec) ||
          w.layout != LayoutName(spec.layout)) {
        return Status::Error("layer " + d.name + " weight " + std::to_string(k) + " (" + w.name +
                             "): its name, shape and layout must be " + spec.name + ", " +
                             DimsString(StoredShape(spec)) + ", " + LayoutName(spec.layout));
      }
      if (w.dtype == Precision::kInt8 && !spec.quantizable) {
        return Status::Error("layer " + d.name + " weight " + w.name + " must be f32");
      }
      w.trainable = spec.trainable;
    }
    h->layers[i].layer = d;
    h->total_params += d.params;
    h->trainable_params += d.trainable_params;
  }
  h->head = FindHead(derived);
  return Status::Ok();
}

// The class names, one per class (model/head.h), if the header has them.
Status ReadLabels(const Json& j, ModelHeader* h) {
  const Json* labels = Find(j, "labels");
  if (labels != nullptr && labels->is_array()) {
    for (const Json& l : *labels) {
      if (!l.is_string()) return Status::Error("header.labels must be strings");
      h->labels.push_back(l.get<std::string>());
    }
  }
  if (!h->labels.empty() && h->labels.size() != h->head.classes) {
    return Status::Error("header.labels has " + std::to_string(h->labels.size()) +
                         " names for a model of " + std::to_string(h->head.classes) + " classes");
  }
  return Status::Ok();
}

}  // namespace

Status HeaderFromJson(const Json& j, ModelHeader* out) {
  ModelHeader h;
  std::string format;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(j, "format", "header", &format));
  if (format != kFormatName)
    return Status::Error("header.format is not " + std::string(kFormatName));
  size_t version = 0;
  CONVSCOPE_RETURN_IF_ERROR(ReadSize(j, "format_version", "header", &version));
  if (version < kChainFormatVersion || version > kModelFormatVersion) {
    return Status::Error("header.format_version " + std::to_string(version) +
                         " is not one this build reads");
  }
  h.format_version = static_cast<uint32_t>(version);
  CONVSCOPE_RETURN_IF_ERROR(ReadString(j, "name", "header", &h.name));
  CONVSCOPE_RETURN_IF_ERROR(ReadName(j, "precision", "header", kPrecisionNames, &h.precision));
  if (const Json* v = Find(j, "source")) {
    h.source = *v;
    if (const Json* k = Find(*v, "keras_version"); k != nullptr && k->is_string()) {
      h.keras_version = k->get<std::string>();
    }
    if (const Json* c = Find(*v, "model_class"); c != nullptr && c->is_string()) {
      h.sequential = c->get<std::string>() == "Sequential";
    }
  }
  if (const Json* v = Find(j, "converter")) h.converter = *v;
  const Json* pre = Find(j, "preprocessing");
  if (pre == nullptr) return Status::Error("header.preprocessing is missing");
  CONVSCOPE_RETURN_IF_ERROR(ReadPreprocessing(*pre, &h.preprocessing));
  CONVSCOPE_RETURN_IF_ERROR(ReadSections(j, &h));
  std::vector<Layer> stored;
  CONVSCOPE_RETURN_IF_ERROR(ReadLayers(j, &h, &stored));
  CONVSCOPE_RETURN_IF_ERROR(CheckLayers(stored, &h));
  size_t claimed_total = 0;
  const Json* totals = Find(j, "totals");
  if (totals == nullptr) return Status::Error("header.totals is missing");
  CONVSCOPE_RETURN_IF_ERROR(ReadSize(*totals, "params", "header.totals", &claimed_total));
  if (claimed_total != h.total_params) {
    return Status::Error("header.totals.params is " + std::to_string(claimed_total) +
                         " but the layers hold " + std::to_string(h.total_params));
  }
  CONVSCOPE_RETURN_IF_ERROR(ReadLabels(j, &h));
  if (const Json* t = Find(j, "training_pictures")) {
    h.training_pictures.emplace();
    CONVSCOPE_RETURN_IF_ERROR(TrainingPicturesFromJson(*t, h.layers.front().layer.output_shape,
                                                       "header.training_pictures",
                                                       &*h.training_pictures));
  }
  *out = std::move(h);
  return Status::Ok();
}

std::string ClassLabel(const ModelHeader& header, size_t index) {
  return index < header.labels.size() ? header.labels[index] : "class " + std::to_string(index);
}

}  // namespace convscope

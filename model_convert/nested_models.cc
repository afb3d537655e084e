#include "nested_models.h"

#include <string>

namespace convscope::convert {
namespace {

// The reference of layer `name` among `refs` and the nested models' own, recursively.
KerasLayerRef* FindRef(std::vector<KerasLayerRef>* refs, const std::string& name) {
  for (KerasLayerRef& r : *refs) {
    if (r.layers.empty() && r.name == name) return &r;
    if (KerasLayerRef* inner = FindRef(&r.layers, name)) return inner;
  }
  return nullptr;
}

void AddLayerNames(const std::vector<KerasLayerRef>& refs, Json* names) {
  for (const KerasLayerRef& r : refs) {
    // A nested model's input is not among the flattened layers (and may share an outer name).
    if (r.keras_class == "InputLayer") continue;
    if (r.layers.empty()) {
      names->push_back(r.name);
    } else {
      AddLayerNames(r.layers, names);
    }
  }
}

}  // namespace

Status SpliceNested(std::map<std::string, Architecture> nested, std::vector<Layer>* layers,
                    std::vector<KerasLayerRef>* refs) {
  // Names taken by every layer and model: an inner name used twice gets its model's.
  std::map<std::string, size_t> uses;
  for (const Layer& l : *layers) ++uses[l.name];
  for (const auto& [name, inner] : nested) {
    if (inner.layers.size() < 2) return Status::Error("model " + name + " has no layers");
    for (size_t k = 1; k < inner.layers.size(); ++k) ++uses[inner.layers[k].name];
  }
  // From the last placeholder back, so that the indices of those before stay valid.
  for (size_t p = layers->size(); p-- > 0;) {
    const auto it = nested.find((*layers)[p].name);
    if (it == nested.end()) continue;
    Architecture& inner = it->second;
    const Layer& placeholder = (*layers)[p];
    if (placeholder.inputs.size() != 1) {
      return Status::Error("model " + placeholder.name + " inside the model reads " +
                           std::to_string(placeholder.inputs.size()) +
                           " inputs; convscope runs nested models of one input");
    }
    const size_t m = inner.layers.size() - 1;  // the inner layers but the input: at least 1
    const auto outer = [&](size_t r) { return r < p ? r : r == p ? p + m - 1 : r + m - 1; };
    std::vector<Layer> spliced(layers->begin(), layers->begin() + static_cast<std::ptrdiff_t>(p));
    for (size_t k = 1; k <= m; ++k) {
      Layer l = std::move(inner.layers[k]);
      for (size_t& from : l.inputs) from = from == 0 ? placeholder.inputs[0] : p + from - 1;
      if (uses[l.name] > 1) {
        const std::string renamed = placeholder.name + "/" + l.name;
        KerasLayerRef* ref = FindRef(&inner.keras_layers, l.name);
        if (ref != nullptr) ref->name = renamed;
        l.name = renamed;
      }
      spliced.push_back(std::move(l));
    }
    for (size_t i = p + 1; i < layers->size(); ++i) {
      Layer l = std::move((*layers)[i]);
      for (size_t& from : l.inputs) from = outer(from);
      spliced.push_back(std::move(l));
    }
    for (KerasLayerRef& r : *refs) {
      if (r.name == placeholder.name && r.layers.empty()) r.layers = std::move(inner.keras_layers);
    }
    *layers = std::move(spliced);
  }
  return Status::Ok();
}

Json NestedModelsJson(const std::vector<KerasLayerRef>& refs) {
  Json models = Json::array();
  for (const KerasLayerRef& r : refs) {
    if (r.layers.empty()) continue;
    Json names = Json::array();
    AddLayerNames(r.layers, &names);
    models.push_back({{"name", r.name}, {"class_name", r.keras_class}, {"layers", names}});
  }
  return models;
}

void MarkWeights(const std::vector<Layer>& layers, std::vector<KerasLayerRef>* refs) {
  for (KerasLayerRef& ref : *refs) {
    if (!ref.layers.empty()) {
      MarkWeights(layers, &ref.layers);
      ref.has_weights = false;
      for (const KerasLayerRef& r : ref.layers) ref.has_weights = ref.has_weights || r.has_weights;
      continue;
    }
    for (const Layer& l : layers) {
      if (l.name == ref.name && !l.inputs.empty()) {
        ref.has_weights = !WeightSpecs(l, layers[l.inputs[0]].output_shape).empty();
      }
    }
  }
}

}  // namespace convscope::convert

#include "model_summary.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "keras_summary_table.h"
#include "layers/layer_kind.h"

namespace convscope {
namespace {

// Which of each layer's height and width Keras leaves None: those that follow from an input of free
// size (model_convert --input-size chose one), until a layer fixes them (a global pooling that
// keeps its 1 x 1 map, a Reshape).
std::vector<std::array<bool, 2>> FreeAxes(const ModelHeader& h) {
  std::vector<std::array<bool, 2>> free(h.layers.size());
  const Json* axes = h.source.is_object() ? Find(h.source, "input_free_axes") : nullptr;
  if (axes == nullptr || !axes->is_array() || axes->size() != 2) return free;
  free[0] = {(*axes)[0] == true, (*axes)[1] == true};
  for (size_t i = 1; i < h.layers.size(); ++i) {
    const Layer& l = h.layers[i].layer;
    const bool fixes = l.kind == LayerKind::kGlobalAveragePooling2D ||
                       l.kind == LayerKind::kGlobalMaxPooling2D || l.kind == LayerKind::kReshape;
    if (l.output_shape.size() != 3 || fixes) continue;
    for (size_t from : l.inputs) {  // a merge's axis is free where any input's is
      free[i][0] = free[i][0] || free[from][0];
      free[i][1] = free[i][1] || free[from][1];
    }
  }
  return free;
}

// A layer's output shape as Keras prints it: an input as Keras declared it, None where free.
std::string OutputShape(const Layer& l, const std::array<bool, 2>& free) {
  const Shape& shape = l.kind == LayerKind::kInput ? l.declared_shape : l.output_shape;
  std::string s = "(None";
  for (size_t d = 0; d < shape.size(); ++d) {
    s += ", " + (d < 2 && free[d] ? std::string("None") : std::to_string(shape[d]));
  }
  return s + ")";
}

// The models nested in the file (the converter's source.nested_models, flattened into the layers):
// Keras' summary prints each as one row, named and typed as the model ("Functional").
struct NestedModel {
  std::string name, class_name;
};

// Per layer, the index in `models` of the nested model it came from, or -1.
std::vector<int> NestedModels(const ModelHeader& h, std::vector<NestedModel>* models) {
  std::vector<int> group(h.layers.size(), -1);
  const Json* nested = h.source.is_object() ? Find(h.source, "nested_models") : nullptr;
  if (nested == nullptr || !nested->is_array()) return group;
  for (const Json& n : *nested) {
    const Json *name = Find(n, "name"), *type = Find(n, "class_name"), *layers = Find(n, "layers");
    if (name == nullptr || !name->is_string() || type == nullptr || !type->is_string() ||
        layers == nullptr || !layers->is_array()) {
      continue;
    }
    const int g = static_cast<int>(models->size());
    models->push_back({name->get<std::string>(), type->get<std::string>()});
    for (size_t i = 0; i < h.layers.size(); ++i) {
      for (const Json& l : *layers) {
        if (l.is_string() && l.get<std::string>() == h.layers[i].layer.name) group[i] = g;
      }
    }
  }
  return group;
}

}  // namespace

std::string WithThousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string KerasSummary(const ModelHeader& h) {
  KerasSummaryModel m;
  m.name = h.name;
  m.keras_version = h.keras_version;
  m.sequential = h.sequential;
  const std::vector<std::array<bool, 2>> free = FreeAxes(h);
  std::vector<NestedModel> nested;
  const std::vector<int> group = NestedModels(h, &nested);
  // A nested model's output: its layer that a layer outside it reads, or that nothing reads (the
  // model's own output, when the nested model comes last).
  std::vector<bool> output(h.layers.size(), true);
  for (size_t i = 0; i < h.layers.size(); ++i) {
    for (size_t from : h.layers[i].layer.inputs) output[from] = false;
  }
  for (size_t i = 0; i < h.layers.size(); ++i) {
    for (size_t from : h.layers[i].layer.inputs)
      output[from] = output[from] || group[from] != group[i];
  }
  const auto shown = [&](size_t i) {
    return group[i] < 0 ? h.layers[i].layer.name : nested[static_cast<size_t>(group[i])].name;
  };
  std::vector<size_t> row_of(nested.size(), SIZE_MAX);
  for (size_t i = 0; i < h.layers.size(); ++i) {
    const Layer& l = h.layers[i].layer;
    std::vector<std::string> connected_to;
    for (size_t from : l.inputs) {
      if (group[i] < 0 || group[from] != group[i]) connected_to.push_back(shown(from));
    }
    // Keras' variables are float32: 4 bytes each, whatever this file stores.
    if (group[i] < 0) {
      m.rows.push_back({.name = l.name,
                        .class_name = l.keras_class,
                        .output_shape = OutputShape(l, free[i]),
                        .params = l.params,
                        .trainable_params = l.trainable_params,
                        .weight_bytes = l.params * 4,
                        .connected_to = std::move(connected_to)});
      continue;
    }
    // A nested model's row: where its first layer is, its layers' weights, its output's shape.
    const auto g = static_cast<size_t>(group[i]);
    if (row_of[g] == SIZE_MAX) {
      row_of[g] = m.rows.size();
      m.rows.push_back({.name = nested[g].name, .class_name = nested[g].class_name});
    }
    KerasSummaryRow& row = m.rows[row_of[g]];
    if (output[i] || row.output_shape.empty()) row.output_shape = OutputShape(l, free[i]);
    row.params += l.params;
    row.trainable_params += l.trainable_params;
    row.weight_bytes += l.params * 4;
    // What the model reads, once each (several of its layers may read one outer layer).
    for (std::string& c : connected_to) {
      if (std::find(row.connected_to.begin(), row.connected_to.end(), c) == row.connected_to.end())
        row.connected_to.push_back(std::move(c));
    }
  }
  // Keras prints a Sequential without the column; a Functional with it when a layer reads several.
  for (const KerasSummaryRow& row : m.rows) {
    m.graph = m.graph || (!h.sequential && row.connected_to.size() > 1);
  }
  // Keras 3 builds the optimizer of a compiled model it loads, and counts its variables.
  if (const Json* o = h.source.is_object() ? Find(h.source, "optimizer") : nullptr;
      o != nullptr && o->is_object()) {
    const Json *params = Find(*o, "params"), *bytes = Find(*o, "bytes");
    if (params != nullptr && params->is_number_unsigned() && bytes != nullptr &&
        bytes->is_number_unsigned()) {
      m.optimizer = KerasSummaryOptimizer{params->get<uint64_t>(), bytes->get<uint64_t>()};
    }
  }
  std::string text = KerasSummaryTable(m);
  // Keras prints None for a free size; convscope runs one, and says which.
  const Json* note = h.source.is_object() ? Find(h.source, "input_size") : nullptr;
  if (note != nullptr && note->is_string())
    text += "Input size: " + note->get<std::string>() + "\n";
  return text;
}

}  // namespace convscope

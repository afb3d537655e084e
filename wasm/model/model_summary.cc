#include "model_summary.h"

#include <array>

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
  for (size_t i = 0; i < h.layers.size(); ++i) {
    const Layer& l = h.layers[i].layer;
    std::vector<std::string> connected_to;
    for (size_t from : l.inputs) connected_to.push_back(h.layers[from].layer.name);
    // Keras prints a Sequential without the column, a model nested in it (flattened here) too.
    m.graph = m.graph || (!h.sequential && l.inputs.size() > 1);
    // Keras' variables are float32: 4 bytes each, whatever this file stores.
    m.rows.push_back({.name = l.name,
                      .class_name = l.keras_class,
                      .output_shape = OutputShape(l, free[i]),
                      .params = l.params,
                      .trainable_params = l.trainable_params,
                      .weight_bytes = l.params * 4,
                      .connected_to = std::move(connected_to)});
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

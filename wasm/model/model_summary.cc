#include "model_summary.h"

#include "keras_summary_table.h"

namespace convscope {
namespace {

// A layer's output shape as Keras prints it: a model whose input takes any height and width
// (model_convert --input-size chose one) has None for them in every map.
std::string OutputShape(const Layer& l, bool free_size) {
  if (!free_size || l.output_shape.size() != 3) return ShapeString(l.output_shape);
  return "(None, None, None, " + std::to_string(l.output_shape[2]) + ")";
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
  const bool free_size = h.source.is_object() && h.source.contains("input_size");
  for (const LayerEntry& e : h.layers) {
    const Layer& l = e.layer;
    // Keras' variables are float32: 4 bytes each, whatever this file stores.
    m.rows.push_back({.name = l.name,
                      .class_name = l.keras_class,
                      .output_shape = OutputShape(l, free_size),
                      .params = l.params,
                      .trainable_params = l.trainable_params,
                      .weight_bytes = l.params * 4});
  }
  return KerasSummaryTable(m);
}

}  // namespace convscope

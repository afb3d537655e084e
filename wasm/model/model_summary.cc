#include "model_summary.h"

#include <algorithm>

namespace convscope {
namespace {

// Keras' default line length and column stops (print_summary: 65, [.45, .85, 1]).
constexpr size_t kLine = 65;
constexpr size_t kNameColumn = 29;
constexpr size_t kShapeColumn = 26;

std::string Row(const std::string& name, const std::string& shape, const std::string& params) {
  std::string line = " " + name;
  line.resize(std::max(line.size() + 1, kNameColumn), ' ');
  line += shape;
  line.resize(std::max(line.size() + 1, kNameColumn + kShapeColumn), ' ');
  line += params;
  return line + "\n";
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
  std::string s = "Model: \"" + h.name + "\"\n" + std::string(kLine, '_') + "\n";
  s += Row("Layer (type)", "Output Shape", "Param #");
  s += std::string(kLine, '=') + "\n";
  for (size_t i = 0; i < h.layers.size(); ++i) {
    const Layer& l = h.layers[i].layer;
    if (i > 0) s += "\n";
    s += Row(l.name + " (" + l.keras_class + ")", SummaryShape(l),
             std::to_string(l.params));
  }
  s += std::string(kLine, '=') + "\n";
  s += "Total params: " + WithThousands(h.total_params) + "\n";
  s += "Trainable params: " + WithThousands(h.trainable_params) + "\n";
  s += "Non-trainable params: " + WithThousands(h.total_params - h.trainable_params) + "\n";
  s += std::string(kLine, '_') + "\n";
  return s;
}

}  // namespace convscope

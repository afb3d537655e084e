#include "model_marshal.h"

namespace convscope::bindings {

std::optional<size_t> FindLayer(const Model& model, const val& name) {
  if (name.typeOf().as<std::string>() != "string") {
    Fail("the layer name must be a string, got " + TypeName(name));
    return std::nullopt;
  }
  const std::string n = name.as<std::string>();
  if (const auto index = model.LayerIndex(n)) return index;
  std::string names;
  for (const LayerEntry& l : model.header().layers)
    names += (names.empty() ? "" : ", ") + l.layer.name;
  Fail("the model has no layer named '" + n + "' (its layers: " + names + ")");
  return std::nullopt;
}

val ShapeArray(const Shape& shape) {
  val a = val::array();
  for (size_t d : shape) a.call<void>("push", d);
  return a;
}

}  // namespace convscope::bindings

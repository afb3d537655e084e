// Marshalling shared by the model and explanation bindings.
#pragma once

#include <optional>

#include "marshal.h"
#include "model/model.h"

namespace convscope::bindings {

// The layer called `name`, or nullopt after a Fail listing the layers there are.
std::optional<size_t> FindLayer(const Model& model, const val& name);

val ShapeArray(const Shape& shape);

}  // namespace convscope::bindings

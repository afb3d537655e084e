// The layer categories (Netron's), as every front end colours and names them: the architecture
// diagram's boxes, its legend and its export. Each kind's `category` (layer_kind.h) is one of
// these; the catalog lists them (layerCategories) and a test checks that every kind's is there.
#pragma once

#include <array>

namespace convscope {

struct LayerCategoryInfo {
  const char* name;
  const char* color;   // CSS colour, readable beside black and white text
  const char* legend;  // what the category holds, for the legend
};

inline constexpr std::array<LayerCategoryInfo, 8> kLayerCategories = {{
    {"Data", "#888888", "input"},
    {"Layer", "#4e79a7", "learned layers (convolution, dense)"},
    {"Activation", "#e15759", "activations"},
    {"Pool", "#f28e2b", "pooling"},
    {"Normalization", "#59a14f", "normalization and rescaling"},
    {"Dropout", "#b07aa1", "training only (dropout, noise): pass their input on"},
    {"Shape", "#9c755f", "reshaping (flatten, padding, cropping)"},
    {"Tensor", "#76b7b2", "merges of branches (add, multiply, concatenate)"},
}};

}  // namespace convscope

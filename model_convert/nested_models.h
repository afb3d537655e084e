// Models used as layers (transfer learning: `Sequential([base, GlobalAveragePooling2D(),
// Dense(5)])`, `Model(inp, head(base(inp)))`): convscope flattens each into the layers around it,
// so that every inner layer is visible and explainable by its own name. The converter reads a
// nested model's config as a model of its own, keeps a placeholder for it in the outer list while
// the outer layers are linked, then splices the inner layers in: those that read the inner input
// read what the nested model read, and the layers that read the nested model read its output.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "base/status.h"
#include "keras_model_config.h"

namespace convscope::convert {

// Replaces each placeholder (the layer named as a key of `nested`, reading one input) by the
// inner model's layers without their input, renaming an inner layer "<model>/<name>" where its
// name is another layer's (or model's) too, and its KerasLayerRef (in `refs`, the placeholder's
// `layers`) with it. `layers` hold explicit inputs; the result is in a running order still.
Status SpliceNested(std::map<std::string, Architecture> nested, std::vector<Layer>* layers,
                    std::vector<KerasLayerRef>* refs);

// The models nested in `refs` (those with layers of their own) for the header's source, which
// Keras' summary prints as one row each (model/model_summary.cc): [{name, class_name, layers: every
// flattened layer's name}], empty when there is none.
Json NestedModelsJson(const std::vector<KerasLayerRef>& refs);

// Sets has_weights on each reference, a nested model's when any of its layers has weights.
void MarkWeights(const std::vector<Layer>& layers, std::vector<KerasLayerRef>* refs);

}  // namespace convscope::convert

// Embind for a model's explanations (Model::Explain, Combine, SanityCheck, Measure): the functions
// model_bindings.cc registers as the Model's tryExplain, tryCombine, trySanityCheck and tryMeasure.
#pragma once

#include "marshal.h"
#include "model/model.h"

namespace convscope::bindings {

// model.tryExplain(method, {class, layer, clip99, samples, noise, seed, baseline, patch, stride,
// score, fill, naive, part, parts, onProgress, onPartial}).
val TryExplain(Model& model, val method, val options);
// model.tryCombine(method, options, parts): the explanation from the raw data of every part's
// explanation (Float32Arrays, in part order), made with the same options.
val TryCombine(Model& model, val method, val options, val parts);
// model.trySanityCheck(method, {...explain options, topLayers, randomSeed, randomizedOnly}).
val TrySanityCheck(Model& model, val method, val options);
// model.tryMeasure(metric, map, {class, onProgress, ...the metric's options}) (metric_bindings.cc).
val TryMeasure(Model& model, val metric, val map, val options);
// spearmanCorrelation(a, b): the sanity check's rank correlation of two maps (registered here).
val TrySpearmanCorrelation(val a, val b);

}  // namespace convscope::bindings

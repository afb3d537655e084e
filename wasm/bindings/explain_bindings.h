// Embind for a model's explanations (Model::Explain, Combine, SanityCheck, Measure): the functions
// model_bindings.cc registers as the Model's tryExplain, tryCombine, trySanityCheck, tryMeasure,
// tryMeasurePart and tryCombineMeasurement.
#pragma once

#include <optional>
#include <vector>

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
// model.tryMeasure(metric, map, {class, randomizedModelMap, onProgress, ...the metric's options}),
// model.tryMeasurePart(metric, map, {...those, part, parts}): the part's probabilities, and
// model.tryCombineMeasurement(metric, map, options, parts) (metric_bindings.cc).
val TryMeasure(Model& model, val metric, val map, val options);
val TryMeasurePart(Model& model, val metric, val map, val options);
val TryCombineMeasurement(Model& model, val metric, val map, val options, val parts);
// Parts' data (an Array of Float32Arrays, at most kMaxParts), or nullopt with the error set.
std::optional<std::vector<std::vector<float>>> ReadParts(val parts);
// spearmanCorrelation(a, b): the sanity check's rank correlation of two maps (registered here).
val TrySpearmanCorrelation(val a, val b);

}  // namespace convscope::bindings

// The catalog: what the core offers, described once for every front end. The bindings export it
// as catalog(); the build writes it to build/wasm/convscope-catalog.mjs, from which the page, the
// widget and the CLI build their menus, attributes, usage text and checks, and against which a
// test checks convscope.d.ts.
#pragma once

#include "base/json_util.h"

namespace convscope {

// {methods: [{name, label, help, value, needsLayer, rerunsForward, usesGradients, splits,
//   options: [{name, type, help, unit, default, min, max, choices}]}],
//  metrics: [{name, label, help, score, lowerIsBetter, x, options}] (faithfulness metrics),
//  maximize: {options: [...]} (activation maximization's preset, steps, seed),
//  layerKinds: [{name, kerasClasses, category, description, hasFilters, hasActivation,
//    hasWeights}], layerCategories: [{name, color, legend}], activations: [names],
//  enums: {precision, resize, colormap, normalize, preprocessing, channelOrder: [names]}}
Json Catalog();

}  // namespace convscope

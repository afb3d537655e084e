// What the core knows about an explanation method: the one description the bindings, the catalog
// (and so the page, the widget, the CLI and convscope.d.ts) are built from. Each method's file
// defines its MethodInfo beside its code; methods/registry.cc lists them.
#pragma once

#include <vector>

#include "explanation.h"
#include "options.h"

namespace convscope {

using MethodFn = Status (*)(const MethodInput&, Explanation*);
using CombineFn = Status (*)(const MethodInput&, const PartResults&, Explanation*);

struct MethodInfo {
  const char* name;     // as the page and the CLI call it
  const char* label;    // as menus show it
  const char* help;     // one or two sentences for a reader who has not met the method
  bool needs_layer;     // takes MethodInput::layer (defaulting to the last Conv2D)
  bool reruns_forward;  // runs other inputs through the engine (the image is re-run afterwards):
                        // the front ends start these on request, not whenever a view is drawn
  bool uses_gradients;  // backward passes: int8 models run them on an f32 pass (wasm/model/model.h)
  MethodFn run;
  CombineFn combine;  // for methods of independent passes, which parts can split; else null
  const char* value;  // what the map's values are, for legends: its 0 and 1 are their range
  MapScale scale;     // how its map is normalized: the range's 0 is zero, or zero is its middle
  std::vector<OptionSpec> options;  // read by `run` from MethodInput::options
};

}  // namespace convscope

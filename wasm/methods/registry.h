// The explanation methods by name: the one list the bindings (and so the CLI and the page) use.
#pragma once

#include <string>
#include <vector>

#include "explanation.h"

namespace convscope {

using MethodFn = Status (*)(const MethodInput&, Explanation*);
using CombineFn = Status (*)(const MethodInput&, const PartResults&, Explanation*);

struct MethodInfo {
  const char* name;     // as the page and the CLI call it
  bool needs_layer;     // takes MethodInput::layer (defaulting to the last Conv2D)
  bool reruns_forward;  // runs other inputs through the engine (the image is re-run afterwards)
  bool uses_gradients;  // backward passes: int8 models run them on an f32 pass (wasm/model.h)
  MethodFn run;
  CombineFn combine;  // for methods of independent passes, which parts can split; else null
  const char* value;  // what the map's values are, for legends: its 0 and 1 are their range
};

const std::vector<MethodInfo>& Methods();
// The method called `name`, or nullptr.
const MethodInfo* FindMethod(const std::string& name);

}  // namespace convscope

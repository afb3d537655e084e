// The explanation methods by name: the one list the bindings (and so the CLI and the page) use.
#pragma once

#include <string>
#include <vector>

#include "explanation.h"

namespace convscope {

using MethodFn = Status (*)(const MethodInput&, Explanation*);

struct MethodInfo {
  const char* name;     // as the page and the CLI call it
  bool needs_layer;     // takes MethodInput::layer (defaulting to the last Conv2D)
  bool reruns_forward;  // runs other inputs through the engine (the image is re-run afterwards)
  MethodFn run;
};

const std::vector<MethodInfo>& Methods();
// The method called `name`, or nullptr.
const MethodInfo* FindMethod(const std::string& name);

}  // namespace convscope

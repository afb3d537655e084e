// The explanation methods by name: the one list the bindings, the catalog (and so the CLI, the
// page and the widget) use. A new method is a file in this folder defining its MethodInfo, and one
// line in registry.cc.
#pragma once

#include <string>
#include <vector>

#include "method_info.h"

namespace convscope {

const std::vector<MethodInfo>& Methods();
// The method called `name`, or nullptr.
const MethodInfo* FindMethod(const std::string& name);
// "saliency, smoothgrad, ...": every method's name, for messages.
std::string MethodNames();
// "smoothgrad, ig, occlusion": the methods whose passes split into parts (MethodInfo::combine).
std::string SplittableMethods();

}  // namespace convscope

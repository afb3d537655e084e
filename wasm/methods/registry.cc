#include "registry.h"

#include "gradcam.h"
#include "saliency.h"

namespace convscope {

const std::vector<MethodInfo>& Methods() {
  static const std::vector<MethodInfo> methods = {
      {"saliency", false, &VanillaSaliency},
      {"guided", false, &GuidedBackprop},
      {"gradcam", true, &GradCam},
      {"guided-gradcam", true, &GuidedGradCam},
  };
  return methods;
}

const MethodInfo* FindMethod(const std::string& name) {
  for (const MethodInfo& m : Methods()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

}  // namespace convscope

#include "registry.h"

#include "gradcam.h"
#include "integrated_gradients.h"
#include "occlusion.h"
#include "saliency.h"
#include "smoothgrad.h"

namespace convscope {

const std::vector<MethodInfo>& Methods() {
  static const std::vector<MethodInfo> methods = {
      {"saliency", false, false, &VanillaSaliency},    {"smoothgrad", false, true, &SmoothGrad},
      {"guided", false, false, &GuidedBackprop},       {"gradcam", true, false, &GradCam},
      {"guided-gradcam", true, false, &GuidedGradCam}, {"ig", false, true, &IntegratedGradients},
      {"occlusion", false, true, &Occlusion},
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

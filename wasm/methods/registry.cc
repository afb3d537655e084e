#include "registry.h"

#include "gradcam.h"
#include "integrated_gradients.h"
#include "occlusion.h"
#include "saliency.h"
#include "smoothgrad.h"

namespace convscope {

const std::vector<MethodInfo>& Methods() {
  static const std::vector<MethodInfo> methods = {
      {"saliency", false, false, true, &VanillaSaliency, nullptr},
      {"smoothgrad", false, true, true, &SmoothGrad, &CombineSmoothGrad},
      {"guided", false, false, true, &GuidedBackprop, nullptr},
      {"gradcam", true, false, true, &GradCam, nullptr},
      {"guided-gradcam", true, false, true, &GuidedGradCam, nullptr},
      {"ig", false, true, true, &IntegratedGradients, &CombineIntegratedGradients},
      {"occlusion", false, true, false, &Occlusion, &CombineOcclusion},
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

#include "registry.h"

#include "gradcam.h"
#include "integrated_gradients.h"
#include "occlusion.h"
#include "saliency.h"
#include "smoothgrad.h"

namespace convscope {

const std::vector<MethodInfo>& Methods() {
  static const std::vector<MethodInfo> methods = {
      {"saliency", false, false, true, &VanillaSaliency, nullptr,
       "|∂ class logit / ∂ pixel|, the largest over colour channels"},
      {"smoothgrad", false, true, true, &SmoothGrad, &CombineSmoothGrad,
       "|mean ∂ class logit / ∂ pixel| over noisy copies, the largest over colour channels"},
      {"guided", false, false, true, &GuidedBackprop, nullptr,
       "guided ∂ class logit / ∂ pixel, the largest over colour channels (positive part)"},
      {"gradcam", true, false, true, &GradCam, nullptr,
       "Grad-CAM: the layer's maps weighted by their mean gradient, after ReLU"},
      {"guided-gradcam", true, false, true, &GuidedGradCam, nullptr,
       "guided backprop times Grad-CAM, each scaled to [0, 1] first"},
      {"ig", false, true, true, &IntegratedGradients, &CombineIntegratedGradients,
       "|attribution| (integrated gradients), summed over colour channels"},
      {"occlusion", false, true, false, &Occlusion, &CombineOcclusion,
       "drop in the class probability (the logit with logitScore) when a patch hides the spot"},
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

#include "registry.h"

#include "gradcam.h"
#include "integrated_gradients.h"
#include "occlusion.h"
#include "saliency.h"
#include "smoothgrad.h"

namespace convscope {

const std::vector<MethodInfo>& Methods() {
  static const std::vector<MethodInfo> methods = {
      SaliencyMethod(),      SmoothGradMethod(),          GuidedBackpropMethod(), GradCamMethod(),
      GuidedGradCamMethod(), IntegratedGradientsMethod(), OcclusionMethod(),
  };
  return methods;
}

const MethodInfo* FindMethod(const std::string& name) {
  for (const MethodInfo& m : Methods()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

std::string MethodNames() {
  std::string names;
  for (const MethodInfo& m : Methods()) names += (names.empty() ? "" : ", ") + std::string(m.name);
  return names;
}

}  // namespace convscope

#include "registry.h"

#include "ablation_cam.h"
#include "eigen_cam.h"
#include "gradcam.h"
#include "gradcam_plus_plus.h"
#include "hirescam.h"
#include "input_x_gradient.h"
#include "integrated_gradients.h"
#include "layercam.h"
#include "occlusion.h"
#include "saliency.h"
#include "score_cam.h"
#include "smoothgrad.h"
#include "xgradcam.h"

namespace convscope {

const std::vector<MethodInfo>& Methods() {
  static const std::vector<MethodInfo> methods = {
      SaliencyMethod(),
      SmoothGradMethod(),
      GuidedBackpropMethod(),
      GradCamMethod(),
      GuidedGradCamMethod(),
      GradCamPlusPlusMethod(),
      HiResCamMethod(),
      XGradCamMethod(),
      LayerCamMethod(),
      ScoreCamMethod(),
      AblationCamMethod(),
      EigenCamMethod(),
      IntegratedGradientsMethod(),
      InputXGradientMethod(),
      OcclusionMethod(),
  };
  return methods;
}

const MethodInfo* FindMethod(const std::string& name) {
  for (const MethodInfo& m : Methods()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

namespace {
std::string NamesOf(bool splittable_only) {
  std::string names;
  for (const MethodInfo& m : Methods()) {
    if (splittable_only && m.combine == nullptr) continue;
    names += (names.empty() ? "" : ", ") + std::string(m.name);
  }
  return names;
}
}  // namespace

std::string MethodNames() { return NamesOf(false); }
std::string SplittableMethods() { return NamesOf(true); }

}  // namespace convscope

#include "gradcam_plus_plus.h"

#include <algorithm>

#include "cam.h"

namespace convscope {

Status GradCamPlusPlus(const MethodInput& in, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamInputOf(in, "Grad-CAM++", &c));
  const std::vector<double> sums = ChannelSums(c, [](float a, float) { return a; });
  std::vector<double> alpha(c.k, 0.0);
  for (size_t p = 0; p < c.h * c.w; ++p) {
    for (size_t i = 0; i < c.k; ++i) {
      const double g = c.g[p * c.k + i], g2 = g * g;
      if (g <= 0) continue;  // ReLU(G) = 0, and a = 0 where G = 0
      alpha[i] += g * g2 / (2 * g2 + sums[i] * g2 * g + 1e-6);
    }
  }
  FinishCam(in, "gradcam-plus-plus", c, WeightedChannels(c, alpha), out);
  return Status::Ok();
}

MethodInfo GradCamPlusPlusMethod() {
  return {.name = "gradcam-plus-plus",
          .label = "Grad-CAM++",
          .help =
              "Grad-CAM with each map weighted by its positive gradients' second and third "
              "powers: better where the class appears more than once.",
          .needs_layer = true,
          .reruns_forward = false,
          .uses_gradients = true,
          .run = &GradCamPlusPlus,
          .combine = nullptr,
          .value =
              "Grad-CAM++: the layer's maps weighted by their positive, higher-order "
              "gradient weights, after ReLU",
          .scale = kCamScale,
          .options = {}};
}

}  // namespace convscope

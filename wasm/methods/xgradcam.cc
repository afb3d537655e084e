#include "xgradcam.h"

#include "cam.h"

namespace convscope {

Status XGradCam(const MethodInput& in, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamInputOf(in, "XGrad-CAM", &c));
  const std::vector<double> sums = ChannelSums(c, [](float a, float) { return a; });
  std::vector<double> alpha =
      ChannelSums(c, [](float a, float g) { return static_cast<double>(g) * a; });
  for (size_t i = 0; i < c.k; ++i) alpha[i] /= sums[i] + 1e-7;
  FinishCam(in, "xgradcam", c, WeightedChannels(c, alpha), out);
  return Status::Ok();
}

MethodInfo XGradCamMethod() {
  return {.name = "xgradcam",
          .label = "XGrad-CAM",
          .help =
              "Grad-CAM with each map weighted by its gradient averaged over where the map "
              "is active, the weights the paper derives from two axioms.",
          .needs_layer = true,
          .reruns_forward = false,
          .uses_gradients = true,
          .run = &XGradCam,
          .combine = nullptr,
          .value =
              "XGrad-CAM: the layer's maps weighted by their activation-weighted mean "
              "gradient, after ReLU",
          .scale = kCamScale,
          .options = {}};
}

}  // namespace convscope

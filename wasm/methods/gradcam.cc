#include "gradcam.h"

#include "cam.h"
#include "saliency.h"

namespace convscope {

Status GradCam(const MethodInput& in, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamInputOf(in, "Grad-CAM", &c));
  std::vector<double> alpha = ChannelSums(c, [](float, float g) { return g; });
  for (double& v : alpha) v /= static_cast<double>(c.h * c.w);
  FinishCam(in, "gradcam", c, WeightedChannels(c, alpha), out);
  return Status::Ok();
}

Status GuidedGradCam(const MethodInput& in, Explanation* out) {
  Explanation cam, guided;
  CONVSCOPE_RETURN_IF_ERROR(GradCam(in, &cam));
  CONVSCOPE_RETURN_IF_ERROR(GuidedBackprop(in, &guided));
  *out = std::move(guided);
  out->method = "guided-gradcam";
  out->layer = in.layer;
  for (size_t i = 0; i < out->map.size(); ++i) out->map[i] *= cam.map[i];
  out->value_range = NormalizeMap(out->map, kCamScale);
  return Status::Ok();
}

MethodInfo GradCamMethod() {
  return {.name = "gradcam",
          .label = "Grad-CAM",
          .help =
              "Where the chosen layer looked for the class: its maps weighted by their average "
              "gradient. Coarse but class-specific.",
          .needs_layer = true,
          .reruns_forward = false,
          .uses_gradients = true,
          .run = &GradCam,
          .combine = nullptr,
          .value = "Grad-CAM: the layer's maps weighted by their mean gradient, after ReLU",
          .scale = kCamScale,
          .options = {}};
}

MethodInfo GuidedGradCamMethod() {
  return {.name = "guided-gradcam",
          .label = "Guided Grad-CAM",
          .help = "Guided backprop times Grad-CAM: fine detail, only where Grad-CAM points.",
          .needs_layer = true,
          .reruns_forward = false,
          .uses_gradients = true,
          .run = &GuidedGradCam,
          .combine = nullptr,
          .value = "guided backprop times Grad-CAM, each scaled to [0, 1] first",
          .scale = kCamScale,
          .options = {Clip99Option()}};
}

}  // namespace convscope

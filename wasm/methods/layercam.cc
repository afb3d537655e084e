#include "layercam.h"

#include <algorithm>

#include "cam.h"

namespace convscope {

Status LayerCam(const MethodInput& in, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamInputOf(in, "Layer-CAM", &c));
  FinishCam(
      in, "layercam", c,
      PositionSums(c, [](float a, float g) { return static_cast<double>(std::max(g, 0.0f)) * a; }),
      out);
  return Status::Ok();
}

MethodInfo LayerCamMethod() {
  return {.name = "layercam",
          .label = "Layer-CAM",
          .help =
              "The layer's maps weighted position by position by their positive gradients: "
              "sharper than Grad-CAM at the early layers.",
          .needs_layer = true,
          .reruns_forward = false,
          .uses_gradients = true,
          .run = &LayerCam,
          .combine = nullptr,
          .value =
              "Layer-CAM: the sum over the layer's channels of positive gradient times "
              "activation, after ReLU",
          .scale = kCamScale,
          .options = {}};
}

}  // namespace convscope

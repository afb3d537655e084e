#include "hirescam.h"

#include "cam.h"

namespace convscope {

Status HiResCam(const MethodInput& in, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamInputOf(in, "HiResCAM", &c));
  FinishCam(in, "hirescam", c,
            PositionSums(c, [](float a, float g) { return static_cast<double>(g) * a; }), out);
  return Status::Ok();
}

MethodInfo HiResCamMethod() {
  return {.name = "hirescam",
          .label = "HiResCAM",
          .help =
              "The layer's maps times their gradients, position by position: where the class "
              "score actually comes from, at the layer's resolution.",
          .needs_layer = true,
          .reruns_forward = false,
          .uses_gradients = true,
          .run = &HiResCam,
          .combine = nullptr,
          .value =
              "HiResCAM: the sum over the layer's channels of gradient times activation, "
              "after ReLU",
          .scale = kCamScale,
          .options = {}};
}

}  // namespace convscope

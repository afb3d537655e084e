#include "ablation_cam.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "channel_passes.h"

namespace convscope {
namespace {

constexpr const char* kLabel = "Ablation-CAM";

// `c.a` must outlive the result (the passes overwrite the engine's activations); `score` is the
// class score of the image's pass.
ChannelPasses PassesOf(const MethodInput& in, const CamInput& c, float score) {
  auto copy = [&c](size_t k, std::span<float> out) {
    std::copy(c.a.begin(), c.a.end(), out.begin());
    bool zero = true;
    for (size_t p = 0; p < c.h * c.w; ++p) {
      zero = zero && out[p * c.k + k] == 0.0f;
      out[p * c.k + k] = 0.0f;
    }
    return zero;
  };
  auto weights = [score](std::span<const float> scores) {
    const double y = score, scale = y != 0 ? std::fabs(y) : 1.0;
    std::vector<double> w(scores.size());
    for (size_t k = 0; k < w.size(); ++k) w[k] = (y - scores[k]) / scale;
    return w;
  };
  return {.method = "ablationcam",
          .label = kLabel,
          .first = in.layer + 1,
          .copy = copy,
          .weights = weights};
}

// The class score of the image's pass, or an error for a model without class scores.
Status ClassScore(const MethodInput& in, float* score) {
  const std::vector<float> scores = in.engine->scores();
  if (in.class_index >= scores.size()) {
    return Status::Error(std::string(kLabel) +
                         " needs a model whose output is a vector of class scores");
  }
  *score = scores[in.class_index];
  return Status::Ok();
}

}  // namespace

Status AblationCam(const MethodInput& in, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamActivationOf(in, kLabel, &c));
  float score = 0;
  CONVSCOPE_RETURN_IF_ERROR(ClassScore(in, &score));
  if (in.layer >= in.header->head.layer) {
    return Status::Error(std::string(kLabel) + " needs layers after " +
                         in.header->layers[in.layer].layer.name + " to run again");
  }
  const std::vector<float> a(c.a.begin(), c.a.end());
  c.a = a;
  return RunChannelPasses(in, c, PassesOf(in, c, score), out);
}

Status CombineAblationCam(const MethodInput& in, const PartResults& results, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamActivationOf(in, kLabel, &c));
  float score = 0;
  CONVSCOPE_RETURN_IF_ERROR(ClassScore(in, &score));
  return CombineChannelPasses(in, results, c, PassesOf(in, c, score), out);
}

MethodInfo AblationCamMethod() {
  return {.name = "ablationcam",
          .label = kLabel,
          .help =
              "Each of the layer's maps weighs as much as the class score drops when it is "
              "switched off. No gradients, one pass of the later layers per channel.",
          .needs_layer = true,
          .reruns_forward = true,
          .uses_gradients = false,
          .run = &AblationCam,
          .combine = &CombineAblationCam,
          .value =
              "Ablation-CAM: the layer's maps weighted by the relative drop in the class score "
              "when each is zeroed, after ReLU",
          .scale = kCamScale,
          .options = {}};
}

}  // namespace convscope

#include "gradcam.h"

#include <algorithm>

#include "images/resample.h"
#include "saliency.h"

namespace convscope {
namespace {

// From zero: a CAM is >= 0 (the ReLU of its definition), and 0 means no evidence, as in the
// Grad-CAM paper's figures.
constexpr MapScale kScale = MapScale::kFromZero;

}  // namespace

Status GradCam(const MethodInput& in, Explanation* out) {
  const Layer& l = in.header->layers[in.layer].layer;
  if (l.output_shape.size() != 3 || in.layer == 0) {
    return Status::Error("Grad-CAM needs a convolution or pooling layer; " + l.name +
                         " has output " + ShapeString(l.output_shape));
  }
  const size_t h = l.output_shape[0], w = l.output_shape[1], k = l.output_shape[2];
  std::vector<float> gradient;
  CONVSCOPE_RETURN_IF_ERROR(
      in.backward->Gradient(*in.engine, in.class_index, in.layer, BackwardMode::kPlain, &gradient));
  const std::span<const float> a = in.engine->activation(in.layer);
  std::vector<double> alpha(k, 0.0);
  for (size_t p = 0; p < h * w; ++p)
    for (size_t c = 0; c < k; ++c) alpha[c] += gradient[p * k + c];
  for (double& v : alpha) v /= static_cast<double>(h * w);
  out->raw.assign(h * w, 0.0f);
  for (size_t p = 0; p < h * w; ++p) {
    double sum = 0;
    for (size_t c = 0; c < k; ++c) sum += alpha[c] * a[p * k + c];
    out->raw[p] = static_cast<float>(std::max(sum, 0.0));
  }
  out->method = "gradcam";
  out->layer = in.layer;
  out->raw_shape = {h, w};
  const Shape& input = in.header->layers.front().layer.output_shape;
  out->height = input[0];
  out->width = input[1];
  std::vector<float> normalized = out->raw;
  out->value_range = NormalizeMap(normalized, kScale);
  out->map = ResizeBilinear(normalized, h, w, out->height, out->width);
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
  out->value_range = NormalizeMap(out->map, kScale);
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
          .scale = kScale,
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
          .scale = kScale,
          .options = {Clip99Option()}};
}

}  // namespace convscope

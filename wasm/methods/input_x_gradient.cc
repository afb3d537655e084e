#include "input_x_gradient.h"

#include <cmath>

#include "baselines.h"

namespace convscope {
namespace {

// Signed: zero (no effect) is the colormap's middle.
constexpr MapScale kScale = MapScale::kSigned;

}  // namespace

Status InputXGradient(const MethodInput& in, Explanation* out) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  const std::vector<float> baseline =
      ImageBaseline(*in.header, in.image, in.options.Choice("baseline"));
  std::vector<float> gradient;
  CONVSCOPE_RETURN_IF_ERROR(
      in.backward->Gradient(*in.engine, in.class_index, 0, BackwardMode::kPlain, &gradient));
  out->method = "input-x-gradient";
  out->layer = 0;
  out->height = shape[0];
  out->width = shape[1];
  out->raw_shape = shape;
  out->raw.resize(gradient.size());
  for (size_t i = 0; i < gradient.size(); ++i) {
    out->raw[i] = (in.image[i] - baseline[i]) * gradient[i];
  }
  out->map.assign(out->height * out->width, 0.0f);
  for (size_t p = 0; p < out->map.size(); ++p) {
    for (size_t c = 0; c < shape[2]; ++c) out->map[p] += out->raw[p * shape[2] + c];
  }
  out->value_range = NormalizeMap(out->map, kScale);
  return Status::Ok();
}

MethodInfo InputXGradientMethod() {
  return {.name = "input-x-gradient",
          .label = "Input × gradient",
          .help =
              "The gradient times how far each pixel is from a baseline (a black image): where the "
              "image's own values push the score, from one gradient. Integrated gradients with one "
              "step.",
          .needs_layer = false,
          .reruns_forward = false,
          .uses_gradients = true,
          .run = &InputXGradient,
          .combine = nullptr,
          .value =
              "(pixel − baseline) × ∂ class logit / ∂ pixel, summed over colour channels: "
              "positive where the pixel raises the class logit, negative where it lowers it",
          .scale = kScale,
          .options = {ChoiceOption("baseline", kBaselineChoices,
                                   "What each pixel is measured from: a black image, or the image "
                                   "blurred (sigma 1/16 of its shorter side).")}};
}

}  // namespace convscope

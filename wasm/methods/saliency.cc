#include "saliency.h"

#include <algorithm>
#include <cmath>

namespace convscope {
namespace {

// From zero: every value here is >= 0, and 0 means no evidence.
constexpr MapScale kScale = MapScale::kFromZero;

Status InputGradientMap(const MethodInput& in, BackwardMode mode, const char* name,
                        Explanation* out) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  out->method = name;
  out->layer = 0;
  out->height = shape[0];
  out->width = shape[1];
  out->raw_shape = shape;
  CONVSCOPE_RETURN_IF_ERROR(in.backward->Gradient(*in.engine, in.class_index, 0, mode, &out->raw));
  const size_t channels = shape[2];
  out->map.assign(out->height * out->width, 0.0f);
  for (size_t p = 0; p < out->map.size(); ++p) {
    float m = 0;
    for (size_t c = 0; c < channels; ++c) {
      const float g = out->raw[p * channels + c];
      m = std::max(m, mode == BackwardMode::kGuided ? g : std::fabs(g));
    }
    out->map[p] = m;
  }
  if (in.options.Boolean("clip99") && !out->map.empty()) {
    std::vector<float> sorted = out->map;
    const size_t k = (sorted.size() - 1) * 99 / 100;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k), sorted.end());
    for (float& v : out->map) v = std::min(v, sorted[k]);
  }
  out->value_range = NormalizeMap(out->map, kScale);
  return Status::Ok();
}

}  // namespace

Status VanillaSaliency(const MethodInput& in, Explanation* out) {
  return InputGradientMap(in, BackwardMode::kPlain, "saliency", out);
}

Status GuidedBackprop(const MethodInput& in, Explanation* out) {
  return InputGradientMap(in, BackwardMode::kGuided, "guided", out);
}

OptionSpec Clip99Option() {
  return BooleanOption("clip99", false,
                       "Clip the map at its 99th percentile before scaling it to [0, 1], so that "
                       "a few bright pixels do not wash out the rest.");
}

MethodInfo SaliencyMethod() {
  return {.name = "saliency",
          .label = "Saliency (vanilla gradient)",
          .help =
              "How much each pixel changes the class score: |gradient|, the largest over colour "
              "channels.",
          .needs_layer = false,
          .reruns_forward = false,
          .uses_gradients = true,
          .run = &VanillaSaliency,
          .combine = nullptr,
          .value = "|∂ class logit / ∂ pixel|, the largest over colour channels",
          .scale = kScale,
          .options = {Clip99Option()}};
}

MethodInfo GuidedBackpropMethod() {
  return {
      .name = "guided",
      .label = "Guided backprop",
      .help =
          "Gradients that only pass where they and the activations are positive: sharp, "
          "edge-like detail.",
      .needs_layer = false,
      .reruns_forward = false,
      .uses_gradients = true,
      .run = &GuidedBackprop,
      .combine = nullptr,
      .value = "guided ∂ class logit / ∂ pixel, the largest over colour channels (positive part)",
      .scale = kScale,
      .options = {Clip99Option()}};
}

}  // namespace convscope

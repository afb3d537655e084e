#include "integrated_gradients.h"

#include <algorithm>
#include <cmath>

#include "baselines.h"

namespace convscope {

namespace {

// Signed: zero (no effect) is the colormap's middle.
constexpr MapScale kScale = MapScale::kSigned;

size_t StepCount(const MethodInput& in) { return in.options.Integer("samples"); }

void Finish(const MethodInput& in, std::span<const float> baseline, std::span<const float> sum,
            size_t steps, Explanation* out) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  out->raw.resize(sum.size());
  for (size_t i = 0; i < sum.size(); ++i) {
    out->raw[i] = (in.image[i] - baseline[i]) * sum[i] / static_cast<float>(steps);
  }
  out->method = "ig";
  out->layer = 0;
  out->height = shape[0];
  out->width = shape[1];
  out->raw_shape = shape;
  out->map.assign(out->height * out->width, 0.0f);
  for (size_t p = 0; p < out->map.size(); ++p) {
    for (size_t c = 0; c < shape[2]; ++c) out->map[p] += out->raw[p * shape[2] + c];
  }
  out->value_range = NormalizeMap(out->map, kScale);
}

}  // namespace

Status IntegratedGradients(const MethodInput& in, Explanation* out) {
  const size_t steps = StepCount(in), size = in.image.size();
  const PassParts parts = PartsOf(in);
  const std::vector<float> baseline =
      ImageBaseline(*in.header, in.image, in.options.Choice("baseline"));
  std::vector<float> point(size), gradient;
  // Undivided: the running sum of gradients. A part: its steps' gradients, in order.
  std::vector<float> result(parts.parts == 1 ? size : parts.Count(steps) * size, 0.0f);
  size_t done = 0;
  for (size_t k = 0; k < steps; ++k) {  // pass k is at t = (k + 1) / steps
    if (!parts.Mine(k)) continue;
    const float t = static_cast<float>(k + 1) / static_cast<float>(steps);
    for (size_t i = 0; i < size; ++i) point[i] = baseline[i] + t * (in.image[i] - baseline[i]);
    CONVSCOPE_RETURN_IF_ERROR(InputGradientAt(in, point, BackwardMode::kPlain, &gradient));
    float* target = parts.parts == 1 ? result.data() : result.data() + done * size;
    for (size_t i = 0; i < size; ++i) target[i] += gradient[i];
    ++done;
    CONVSCOPE_RETURN_IF_ERROR(ReportProgress(
        in.progress, static_cast<double>(done) / static_cast<double>(parts.Count(steps))));
  }
  if (parts.parts == 1) {
    Finish(in, baseline, result, steps, out);
  } else {
    out->method = "ig";
    out->raw_shape = {done, size};
    out->raw = std::move(result);
  }
  return Status::Ok();
}

Status CombineIntegratedGradients(const MethodInput& in, const PartResults& results,
                                  Explanation* out) {
  const size_t steps = StepCount(in), size = in.image.size();
  CONVSCOPE_RETURN_IF_ERROR(CheckPartResults(results, in.parts, steps, size));
  const std::vector<float> baseline =
      ImageBaseline(*in.header, in.image, in.options.Choice("baseline"));
  const PassParts parts = PartsOf(in);
  std::vector<float> sum(size, 0.0f);
  for (size_t k = 0; k < steps; ++k) {
    const float* g = results[parts.PartOf(k)].data() + parts.IndexInPart(k) * size;
    for (size_t i = 0; i < size; ++i) sum[i] += g[i];
  }
  Finish(in, baseline, sum, steps, out);
  return Status::Ok();
}

MethodInfo IntegratedGradientsMethod() {
  return {
      .name = "ig",
      .label = "Integrated gradients",
      .help =
          "Gradients summed along a path from a baseline (a black image) to yours: attributions "
          "that add up to the score difference.",
      .needs_layer = false,
      .reruns_forward = true,
      .uses_gradients = true,
      .run = &IntegratedGradients,
      .combine = &CombineIntegratedGradients,
      .value =
          "attribution (integrated gradients), summed over colour channels: positive where "
          "the pixel raised the class logit from the baseline's, negative where it lowered it",
      .scale = kScale,
      .options = {
          IntegerOption("samples", 50, 1, kMaxPasses, "steps",
                        "Steps along the path from the baseline to the image: more is more "
                        "exact and slower."),
          ChoiceOption("baseline", kBaselineChoices,
                       "Where the path starts: a black image, or the image blurred (sigma 1/16 "
                       "of its shorter side).")}};
}

}  // namespace convscope

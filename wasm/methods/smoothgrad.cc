#include "smoothgrad.h"

#include <algorithm>
#include <cmath>

#include "gaussian.h"

namespace convscope {
namespace {

// From zero: every value here is >= 0, and 0 means no evidence.
constexpr MapScale kScale = MapScale::kFromZero;

// Each sample draws its noise from its own seed, so that a part can make any sample without
// drawing the others' (splitmix32's finalizer mixes the seed and the sample's index).
uint32_t SampleSeed(uint32_t seed, size_t sample) {
  uint32_t z = seed + 0x9e3779b9u * static_cast<uint32_t>(sample + 1);
  z = (z ^ (z >> 16)) * 0x85ebca6bu;
  z = (z ^ (z >> 13)) * 0xc2b2ae35u;
  return z ^ (z >> 16);
}

size_t SampleCount(const MethodInput& in) { return in.options.Integer("samples"); }

void Finish(const MethodInput& in, std::vector<float> mean, Explanation* out) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  out->method = "smoothgrad";
  out->layer = 0;
  out->height = shape[0];
  out->width = shape[1];
  out->raw_shape = shape;
  out->raw = std::move(mean);
  out->map = MaxAbsOverChannels(out->raw, shape[2]);
  out->value_range = NormalizeMap(out->map, kScale);
}

}  // namespace

Status SmoothGrad(const MethodInput& in, Explanation* out) {
  const size_t samples = SampleCount(in);
  const PassParts parts = PartsOf(in);
  const auto [lo, hi] = std::minmax_element(in.image.begin(), in.image.end());
  const float sigma = static_cast<float>(in.options.Number("noise")) * (*hi - *lo);
  const size_t size = in.image.size();
  std::vector<float> noisy(size), gradient;
  // Undivided: the running mean. A part: its samples' terms |gradient| / samples, in order.
  std::vector<float> result(parts.parts == 1 ? size : parts.Count(samples) * size, 0.0f);
  size_t done = 0;
  for (size_t s = 0; s < samples; ++s) {
    if (!parts.Mine(s)) continue;
    GaussianSampler gaussian(SampleSeed(static_cast<uint32_t>(in.options.Integer("seed")), s));
    for (size_t i = 0; i < size; ++i) {
      noisy[i] = in.image[i] + sigma * static_cast<float>(gaussian());
    }
    CONVSCOPE_RETURN_IF_ERROR(InputGradientAt(in, noisy, BackwardMode::kPlain, &gradient));
    float* target = parts.parts == 1 ? result.data() : result.data() + done * size;
    for (size_t i = 0; i < size; ++i)
      target[i] += std::fabs(gradient[i]) / static_cast<float>(samples);
    ++done;
    CONVSCOPE_RETURN_IF_ERROR(ReportProgress(
        in.progress, static_cast<double>(done) / static_cast<double>(parts.Count(samples))));
  }
  if (parts.parts == 1) {
    Finish(in, std::move(result), out);
  } else {
    out->method = "smoothgrad";
    out->raw_shape = {done, size};
    out->raw = std::move(result);
  }
  return Status::Ok();
}

Status CombineSmoothGrad(const MethodInput& in, const PartResults& results, Explanation* out) {
  const size_t samples = SampleCount(in), size = in.image.size();
  CONVSCOPE_RETURN_IF_ERROR(CheckPartResults(results, in.parts, samples, size));
  const PassParts parts = PartsOf(in);
  std::vector<float> mean(size, 0.0f);
  for (size_t s = 0; s < samples; ++s) {
    const float* term = results[parts.PartOf(s)].data() + parts.IndexInPart(s) * size;
    for (size_t i = 0; i < size; ++i) mean[i] += term[i];
  }
  Finish(in, std::move(mean), out);
  return Status::Ok();
}

MethodInfo SmoothGradMethod() {
  return {
      .name = "smoothgrad",
      .label = "SmoothGrad",
      .help = "The saliency averaged over noisy copies of the image: less speckle, the same idea.",
      .needs_layer = false,
      .reruns_forward = true,
      .uses_gradients = true,
      .run = &SmoothGrad,
      .combine = &CombineSmoothGrad,
      .value = "|mean ∂ class logit / ∂ pixel| over noisy copies, the largest over colour channels",
      .scale = kScale,
      .options = {
          IntegerOption("samples", 25, 1, kMaxPasses, "samples",
                        "Noisy copies averaged: more is smoother and slower (the paper uses 50)."),
          NumberOption("noise", 0.15, 0, 10, "",
                       "The noise's standard deviation as a fraction of the image's value range "
                       "(the paper: 0.1 to 0.2)."),
          IntegerOption("seed", 1, 0, 4294967295.0, "",
                        "Seed of the noise: the same seed gives the same map.")}};
}

}  // namespace convscope

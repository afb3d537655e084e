#include "score_cam.h"

#include <algorithm>

#include "channel_passes.h"
#include "images/resample.h"
#include "model/predictions.h"

namespace convscope {
namespace {

constexpr const char* kLabel = "Score-CAM";

// Corners aligned: output pixel 0 samples cell 0, the last pixel the last cell.
AxisMap CornersAligned(size_t cells, size_t pixels) {
  return {pixels > 1 ? static_cast<double>(cells - 1) / static_cast<double>(pixels - 1) : 0.0, 0};
}

// The softmax over the channels of their masked inputs' class scores.
std::vector<double> ChannelSoftmax(std::span<const float> scores) {
  const std::vector<float> p = Softmax(scores);
  return {p.begin(), p.end()};
}

// `c.a` must outlive the result (the passes overwrite the engine's activations).
ChannelPasses PassesOf(const MethodInput& in, const CamInput& c) {
  const Shape& input = in.header->layers.front().layer.output_shape;
  const size_t height = input[0], width = input[1], channels = input[2];
  const AxisMap rows = CornersAligned(c.h, height), cols = CornersAligned(c.w, width);
  auto copy = [&in, &c, rows, cols, height, width, channels](size_t k, std::span<float> out) {
    std::vector<float> cell(c.h * c.w);
    for (size_t p = 0; p < cell.size(); ++p) cell[p] = c.a[p * c.k + k];
    std::vector<float> mask = ResampleBilinear(cell, c.h, c.w, height, width, rows, cols);
    const auto [lo, hi] = std::minmax_element(mask.begin(), mask.end());
    const float min = *lo, range = *hi - *lo;
    if (range == 0) {
      std::fill(out.begin(), out.end(), 0.0f);
      return true;
    }
    for (size_t p = 0; p < mask.size(); ++p) {
      const float m = (mask[p] - min) / (range + 1e-8f);
      for (size_t ch = 0; ch < channels; ++ch) {
        out[p * channels + ch] = in.image[p * channels + ch] * m;
      }
    }
    return false;
  };
  return {
      .method = "scorecam", .label = kLabel, .first = 1, .copy = copy, .weights = &ChannelSoftmax};
}

}  // namespace

Status ScoreCam(const MethodInput& in, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamActivationOf(in, kLabel, &c));
  const std::vector<float> a(c.a.begin(), c.a.end());
  c.a = a;
  return RunChannelPasses(in, c, PassesOf(in, c), out);
}

Status CombineScoreCam(const MethodInput& in, const PartResults& results, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamActivationOf(in, kLabel, &c));
  return CombineChannelPasses(in, results, c, PassesOf(in, c), out);
}

MethodInfo ScoreCamMethod() {
  return {.name = "scorecam",
          .label = kLabel,
          .help =
              "Each of the layer's maps masks the picture; a map weighs as much as the class "
              "scores on what it lets through. No gradients, one pass per channel: slow.",
          .needs_layer = true,
          .reruns_forward = true,
          .uses_gradients = false,
          .run = &ScoreCam,
          .combine = &CombineScoreCam,
          .value =
              "Score-CAM: the layer's maps weighted by the softmax over channels of the class "
              "score of the picture each one masks, after ReLU",
          .scale = kCamScale,
          .options = {}};
}

}  // namespace convscope

#include "confidence.h"

#include <algorithm>

#include "perturbed_copies.h"

namespace convscope {
namespace {

// probabilities: the image's, then the masked image's; score: the drop in percent of the image's
// (0 where it rose: the paper's "increase in confidence").
Status Confidence(const MetricInput& in, std::span<const float> map, double from, double to,
                  MetricCurve* out) {
  const size_t channels = in.image.size() / map.size();
  auto make = [&](size_t i, std::span<float> copy) {
    for (size_t p = 0; p < copy.size(); ++p) {
      copy[p] = i == 0 ? in.image[p] : in.image[p] * map[p / channels];
    }
  };
  CONVSCOPE_RETURN_IF_ERROR(CopyProbabilities(in, 2, make, from, to, &out->probabilities));
  const double before = out->probabilities[0], after = out->probabilities[1];
  out->score = before > 0 ? std::max(0.0, before - after) / before * 100 : 0;
  return Status::Ok();
}

}  // namespace

MetricInfo ConfidenceMetric() {
  return {.name = "confidence",
          .label = "Confidence change",
          .help =
              "The picture is kept only where the map is high (multiplied by it): a faithful map "
              "keeps the class probability, or raises it.",
          .score =
              "drop in the class probability when the picture is multiplied by the map, in percent "
              "of its probability (0 when it rose; lower: more faithful)",
          .lower_is_better = true,
          .x = "",
          .run = &Confidence,
          .x_values = nullptr,
          .options = {RandomMapSeedOption()}};
}

}  // namespace convscope

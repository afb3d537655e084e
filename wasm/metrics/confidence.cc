#include "confidence.h"

#include <algorithm>

namespace convscope {
namespace {

size_t Two(const MetricInput&) { return 2; }

// Copy 0 is the image, copy 1 the image multiplied by the map.
MakeCopyFn Masked(const MetricInput& in, std::span<const float> map) {
  return [image = std::vector<float>(in.image.begin(), in.image.end()),
          map = std::vector<float>(map.begin(), map.end())](size_t i, std::span<float> copy) {
    const size_t channels = image.size() / map.size();
    for (size_t p = 0; p < copy.size(); ++p)
      copy[p] = i == 0 ? image[p] : image[p] * map[p / channels];
  };
}

// The drop in percent of the image's probability (0 where it rose: the paper's "increase in
// confidence").
double Drop(std::span<const float> p) {
  const double before = p[0], after = p[1];
  return before > 0 ? std::max(0.0, before - after) / before * 100 : 0;
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
          .count = &Two,
          .copies = &Masked,
          .score_of = &Drop,
          .x_values = nullptr,
          .options = {RandomMapSeedOption()}};
}

}  // namespace convscope

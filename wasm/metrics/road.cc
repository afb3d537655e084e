#include "road.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "images/preprocess.h"
#include "linear_imputation.h"
#include "perturbed_copies.h"  // PixelOrder

namespace convscope {
namespace {

// The percentages of pixels removed at the curve's points after the first (the image itself):
// step, 2 step, ... below 100.
std::vector<size_t> Percentages(const MetricInput& in) {
  const auto step = static_cast<size_t>(in.options.Integer("percentStep"));
  std::vector<size_t> percent;
  for (size_t p = step; p < 100; p += step) percent.push_back(p);
  return percent;
}

std::vector<float> Fractions(const MetricInput& in) {
  std::vector<float> x = {0};
  for (const size_t p : Percentages(in)) x.push_back(static_cast<float>(p) / 100);
  return x;
}

size_t Points(const MetricInput& in) { return Percentages(in).size() + 1; }

// Copy 0 is the image; copy i the first percent[i - 1] % of the pixels in the map's order (or the
// reverse) imputed.
MakeCopyFn Road(const MetricInput& in, std::span<const float> map, bool least_first) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  const size_t channels = shape[2];
  std::vector<float> ranked(map.begin(), map.end());
  if (least_first) {
    for (float& v : ranked) v = -v;
  }
  // The noise option is in pixel levels; the image is preprocessed.
  std::vector<float> noise_sd(channels);
  for (size_t c = 0; c < channels; ++c) {
    noise_sd[c] = static_cast<float>(in.options.Number("imputationNoise") *
                                     std::abs(PreprocessValue(in.header->preprocessing, 1, c) -
                                              PreprocessValue(in.header->preprocessing, 0, c)));
  }
  return [image = std::vector<float>(in.image.begin(), in.image.end()), shape,
          percent = Percentages(in), order = PixelOrder(ranked), noise_sd,
          seed = static_cast<uint32_t>(in.options.Integer("seed"))](size_t point,
                                                                    std::span<float> copy) {
    std::copy(image.begin(), image.end(), copy.begin());
    if (point == 0) return;
    // In 64 bits: wasm's size_t would wrap at 2^32 / 100 pixels.
    const auto count = static_cast<size_t>(uint64_t{percent[point - 1]} * order.size() / 100);
    std::vector<uint8_t> removed(order.size(), 0);
    for (size_t i = 0; i < count; ++i) removed[order[i]] = 1;
    // The same noise for every map at each point.
    ImputeLinear(copy, shape[0], shape[1], removed, noise_sd,
                 seed ^ static_cast<uint32_t>(point * 0x9E3779B9u));
  };
}

// The mean probability over the shares removed (after the image's).
double MeanAfterFirst(std::span<const float> p) {
  double sum = 0;
  for (size_t i = 1; i < p.size(); ++i) sum += p[i];
  return sum / static_cast<double>(p.size() - 1);
}

MakeCopyFn MostRelevantFirst(const MetricInput& in, std::span<const float> map) {
  return Road(in, map, false);
}

MakeCopyFn LeastRelevantFirst(const MetricInput& in, std::span<const float> map) {
  return Road(in, map, true);
}

std::vector<OptionSpec> RoadOptions() {
  return {IntegerOption("percentStep", 10, 1, 50, "%",
                        "Share of the pixels between the curve's points: 10 removes 10%, 20%, ... "
                        "90% (ROAD's). One imputation and one pass each."),
          NumberOption("imputationNoise", 0.6, 0, 64, "levels",
                       "Standard deviation of the noise added to imputed pixels, in pixel levels "
                       "(0-255); ROAD's 0.01 on torch-normalized pictures is about 0.6."),
          RandomMapSeedOption()};
}

}  // namespace

MetricInfo RoadMostRelevantFirstMetric() {
  return {.name = "road-morf",
          .label = "ROAD, most relevant first",
          .help =
              "The pixels the map ranks highest are removed and filled in from their "
              "surroundings (with a little noise), a growing share at a time: a faithful map "
              "makes the class probability fall fast.",
          .score =
              "mean class probability over the shares removed, most relevant first (lower: "
              "more faithful)",
          .lower_is_better = true,
          .x = "fraction of pixels removed, most relevant first",
          .count = &Points,
          .copies = &MostRelevantFirst,
          .score_of = &MeanAfterFirst,
          .x_values = &Fractions,
          .options = RoadOptions()};
}

MetricInfo RoadLeastRelevantFirstMetric() {
  return {.name = "road-lerf",
          .label = "ROAD, least relevant first",
          .help =
              "The pixels the map ranks lowest are removed and filled in from their "
              "surroundings (with a little noise), a growing share at a time: a faithful map "
              "keeps the class probability up.",
          .score =
              "mean class probability over the shares removed, least relevant first "
              "(higher: more faithful)",
          .lower_is_better = false,
          .x = "fraction of pixels removed, least relevant first",
          .count = &Points,
          .copies = &LeastRelevantFirst,
          .score_of = &MeanAfterFirst,
          .x_values = &Fractions,
          .options = RoadOptions()};
}

}  // namespace convscope

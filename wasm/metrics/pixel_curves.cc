#include "pixel_curves.h"

#include <algorithm>
#include <cstdint>

#include "methods/baselines.h"
#include "perturbed_copies.h"

namespace convscope {
namespace {

// Steps between the curve's points: the first point is before any step, the last after all.
size_t Steps(const MetricInput& in) { return in.options.Integer("points") - 1; }

// Step i of n has moved the first i * pixels / n pixels of the order.
// In 64 bits: wasm's size_t would wrap at 2^32 (a 4096 x 4096 input from step 256 on).
size_t PixelsAt(size_t step, size_t steps, size_t pixels) {
  return static_cast<size_t>(uint64_t{step} * pixels / steps);
}

// The area under the curve of equally spaced points over [0, 1] (trapezoids).
double Area(std::span<const float> p) {
  double sum = 0;
  for (size_t i = 0; i + 1 < p.size(); ++i) sum += (p[i] + p[i + 1]) / 2.0;
  return sum / static_cast<double>(p.size() - 1);
}

size_t Points(const MetricInput& in) { return Steps(in) + 1; }

// Deletion starts from the image and replaces pixels by the baseline; insertion starts from the
// baseline and puts the image's pixels back. Copy i is step i.
MakeCopyFn Curve(const MetricInput& in, std::span<const float> map, bool insert) {
  const size_t steps = Steps(in), pixels = map.size(), channels = in.image.size() / pixels;
  const std::vector<float> baseline =
      ImageBaseline(*in.header, in.image, in.options.Choice("baseline"));
  const std::vector<float> image(in.image.begin(), in.image.end());
  return [start = insert ? baseline : image, end = insert ? image : baseline,
          order = PixelOrder(map), steps, pixels, channels](size_t step, std::span<float> copy) {
    std::copy(start.begin(), start.end(), copy.begin());
    for (size_t i = 0; i < PixelsAt(step, steps, pixels); ++i) {
      const size_t p = order[i] * channels;
      std::copy_n(end.begin() + static_cast<ptrdiff_t>(p), channels, copy.begin() + p);
    }
  };
}

MakeCopyFn Deletion(const MetricInput& in, std::span<const float> map) {
  return Curve(in, map, false);
}

MakeCopyFn Insertion(const MetricInput& in, std::span<const float> map) {
  return Curve(in, map, true);
}

std::vector<float> Fractions(const MetricInput& in) {
  const size_t steps = Steps(in);
  std::vector<float> x(steps + 1);
  for (size_t i = 0; i <= steps; ++i) x[i] = static_cast<float>(i) / static_cast<float>(steps);
  return x;
}

std::vector<OptionSpec> CurveOptions(const char* baseline_help) {
  return {IntegerOption("points", 21, 3, kMaxPasses + 1, "points",
                        "Points on the curve, from no pixel moved to all in equal steps: one pass "
                        "each (21: every 5%)."),
          ChoiceOption("baseline", kBaselineChoices, baseline_help), RandomMapSeedOption()};
}

}  // namespace

MetricInfo DeletionMetric() {
  return {.name = "deletion",
          .label = "Deletion",
          .help =
              "The pixels the map ranks highest are replaced first, step by step: a faithful map "
              "makes the class probability fall fast.",
          .score = "area under the probability curve as pixels are deleted (lower: more faithful)",
          .lower_is_better = true,
          .x = "fraction of pixels deleted",
          .count = &Points,
          .copies = &Deletion,
          .score_of = &Area,
          .x_values = &Fractions,
          .options = CurveOptions(
              "What deleted pixels become: black, or the image blurred (sigma 1/16 of its "
              "shorter side).")};
}

MetricInfo InsertionMetric() {
  return {
      .name = "insertion",
      .label = "Insertion",
      .help =
          "The pixels the map ranks highest are put back first into a blank image: a faithful "
          "map makes the class probability rise fast.",
      .score = "area under the probability curve as pixels are inserted (higher: more faithful)",
      .lower_is_better = false,
      .x = "fraction of pixels inserted",
      .count = &Points,
      .copies = &Insertion,
      .score_of = &Area,
      .x_values = &Fractions,
      .options =
          CurveOptions("What the picture starts as: black, or the image blurred (sigma 1/16 of its "
                       "shorter side).")};
}

}  // namespace convscope

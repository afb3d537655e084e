// Activation maximization: synthesize the input a filter (or a class) responds to most, by
// gradient ascent on the input with jitter and regularization. The network is truncated at the
// target layer (only layers up to it run, forward and back). The ascent follows the unit's mean
// response before its ReLU (the logit, for a class), so a filter that is silent on the seed still
// gets a gradient. The seed is gray with a little noise, or, where the model file has the
// training pictures' statistics, their mean picture with a little noise; a model trained on gray
// pictures only gets gray ones (model/training_pictures.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "explanation.h"

namespace convscope {

// The presets take 200 and 256 steps; a hostile 2^53 would never end.
inline constexpr size_t kMaxMaximizeSteps = 10000;

// The options of MaximizeOptions a caller sets (preset, steps, seed), described as the methods'
// are (options.h): the bindings parse them from these and the catalog hands them to the front
// ends.
const std::vector<OptionSpec>& MaximizeOptionSpecs();

struct MaximizeOptions {
  size_t layer = 0;  // a Conv2D layer, or the last (Dense) layer for a class
  size_t unit = 0;   // the filter (channel) of a Conv2D layer, or the class
  // "smooth" (the default): RMSprop (lr 1.0), jitter 8 px, a Gaussian blur of sigma 3 px after
  //   every step (1 px for a filter; Yosinski et al. 2015's prior against the high frequencies
  //   gradients are full of), 200 steps; a class's log probability is ascended (its logit can
  //   rise with the others'; `objective` still traces the logit), and the image is shown as the
  //   model saw it (tests/js/maximize.test.mjs: on the default model each class's image is
  //   that class at p >= 0.9, docs/measurements.md).
  // "keras-vis": tf-keras-vis' VGG16 setting — RMSprop (lr 1.0, rho 0.999), total variation
  //   weight 1.0, L1 weight 0.3, jitter 4 px, 200 steps.
  // "lucid": Lucid-like — Adam (lr 0.05 of the pixel range), jitter 8 px, no norm penalty,
  //   256 steps.
  // Both show the result with the classic contrast stretch. Jitter and blur sizes are for
  // 224 x 224 and scale with the input. Not (yet) done: tf-keras-vis' and Lucid's small random
  // rotations and Lucid's random scaling and decorrelated parametrization.
  std::string preset = "smooth";
  size_t steps = 0;  // 0: the preset's
  uint32_t seed = 1;
  ProgressFn progress;
};

struct MaximizeResult {
  size_t width = 0, height = 0;
  std::vector<uint8_t> rgb;      // the synthesized input, deprocessed for display
  std::vector<float> objective;  // per step: the unit's mean output (the logit, for a class)
  float start_activation = 0;    // the unit's mean output (after its ReLU; a class's logit) on
  float end_activation = 0;      // the seed, and on the result
  // What the seed was: "the training pictures' mean" (where the model file has them) or "noise".
  std::string seed_picture;
};

// `engine` is left holding the result's forward pass up to the layer.
Status MaximizeActivation(const ModelHeader& header, Engine* engine, Backward* backward,
                          const MaximizeOptions& options, MaximizeResult* result);

}  // namespace convscope

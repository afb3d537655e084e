// What a model's output means: where its class scores come from and how they become probabilities.
//   softmax   the last layer applies softmax (fused, or a Softmax / Activation('softmax') layer):
//             the scores are the values before it
//   linear    it ends in a linear layer (trained with from_logits=True): the scores are its output,
//             the probabilities their softmax
//   binary    it ends in one unit, sigmoid or linear (trained from_logits=True): two classes,
//             scores [-z, z] (the log-odds of each), probabilities [1 - sigmoid(z), sigmoid(z)]
//   sigmoid   sigmoid with several units (multi-label): scores z, probabilities sigmoid(z) each
//   none      its output is not a vector (a feature extractor: VGG16 without its top)
// Every method that speaks of a class's score or probability reads them through this.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "layers/layer.h"

namespace convscope {

enum class HeadKind { kNone, kSoftmax, kLinear, kBinary, kSigmoid };
inline constexpr std::array<const char*, 5> kHeadKindNames = {"none", "softmax", "linear", "binary",
                                                              "sigmoid"};

struct Head {
  HeadKind kind = HeadKind::kNone;
  size_t layer = 0;                // the layer whose values the scores are
  bool before_activation = false;  // its values before its activation (else its output)
  size_t classes = 0;
};

Head FindHead(const std::vector<Layer>& layers);

// The scores of `values` (the head layer's, as `head` says), and their probabilities.
std::vector<float> ClassScores(const Head& head, std::span<const float> values);
std::vector<float> ClassProbabilities(const Head& head, std::span<const float> scores);
// d score[c] / d values: what the backward pass starts from.
std::vector<float> ScoreGradient(const Head& head, size_t units, size_t class_index);
// d log probability[c] / d values, given the values.
std::vector<float> LogProbabilityGradient(const Head& head, std::span<const float> values,
                                          size_t class_index);

}  // namespace convscope

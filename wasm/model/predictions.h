// Top-k classes from a classifier's output.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace convscope {

struct Prediction {
  size_t index = 0;
  float probability = 0;
  float logit = 0;
};

// The k most probable classes, most probable first. `probabilities` and `logits` have one value
// per class. Ranked by logit: a confident model's softmax rounds the runners-up to the same
// probability (often 0), their logits still order them. Equal logits keep the lower index first.
std::vector<Prediction> TopK(std::span<const float> probabilities, std::span<const float> logits,
                             size_t k);

// Softmax of `logits` (for classifiers whose last layer has no softmax of its own).
std::vector<float> Softmax(std::span<const float> logits);

}  // namespace convscope

#include "head.h"

#include <cmath>

#include "layers/layer_kind.h"
#include "predictions.h"

namespace convscope {

Head FindHead(const std::vector<Layer>& layers) {
  Head head;
  if (layers.empty() || layers.back().output_shape.size() != 1) return head;
  size_t i = layers.size() - 1;
  // The identities at inference (a trailing Dropout) do not change what the output means.
  while (i > 0 && layers[i].kind == LayerKind::kIdentity) i = layers[i].inputs[0];
  const Layer& last = layers[i];
  const ActivationKind f = last.activation.kind;
  const bool own = KindOps(last.kind).has_activation;
  const bool standalone = last.kind == LayerKind::kActivation;
  const bool squashes = f == ActivationKind::kSoftmax || f == ActivationKind::kSigmoid;
  if ((own || standalone) && squashes) {
    head.kind = f == ActivationKind::kSoftmax ? HeadKind::kSoftmax : HeadKind::kSigmoid;
    head.layer = standalone ? last.inputs[0] : i;
    head.before_activation = own;
  } else {
    head.kind = HeadKind::kLinear;
    head.layer = layers.size() - 1;
  }
  if (layers[head.layer].output_shape.size() != 1) return {};
  head.classes = layers[head.layer].output_shape[0];
  // One unit, sigmoid or linear (a binary classifier trained from_logits=True): two classes.
  if ((head.kind == HeadKind::kSigmoid || head.kind == HeadKind::kLinear) && head.classes == 1) {
    head.kind = HeadKind::kBinary;
    head.classes = 2;
  }
  return head;
}

std::vector<float> ClassScores(const Head& head, std::span<const float> values) {
  if (head.kind == HeadKind::kBinary) return {-values[0], values[0]};
  return {values.begin(), values.end()};
}

std::vector<float> ClassProbabilities(const Head& head, std::span<const float> scores) {
  if (head.kind == HeadKind::kSoftmax || head.kind == HeadKind::kLinear) return Softmax(scores);
  std::vector<float> p(scores.size());
  for (size_t i = 0; i < p.size(); ++i) p[i] = 1.0f / (1.0f + std::exp(-scores[i]));
  return p;
}

std::vector<float> ScoreGradient(const Head& head, size_t units, size_t class_index) {
  std::vector<float> g(units, 0.0f);
  if (head.kind == HeadKind::kBinary) {
    g[0] = class_index == 1 ? 1.0f : -1.0f;
  } else {
    g[class_index] = 1.0f;
  }
  return g;
}

std::vector<float> LogProbabilityGradient(const Head& head, std::span<const float> values,
                                          size_t class_index) {
  const std::vector<float> p = ClassProbabilities(head, ClassScores(head, values));
  std::vector<float> g(values.size(), 0.0f);
  switch (head.kind) {
    case HeadKind::kBinary:  // log sigmoid(+-z)
      g[0] = class_index == 1 ? p[0] : -p[1];
      break;
    case HeadKind::kSigmoid:
      g[class_index] = 1.0f - p[class_index];
      break;
    default:  // log softmax: the class gains on the others, not only in its own score
      for (size_t i = 0; i < g.size(); ++i) g[i] = (i == class_index ? 1.0f : 0.0f) - p[i];
  }
  return g;
}

}  // namespace convscope

// What a model's output means (model/head.h): where its scores come from, and its probabilities,
// for each way a Keras classifier ends.
#include "model/head.h"

#include <gtest/gtest.h>

#include <cmath>

#include "layers/layer.h"

namespace convscope {
namespace {

std::vector<Layer> Chain(const std::vector<Json>& configs) {
  std::vector<Layer> layers;
  for (const Json& j : configs) {
    Layer l;
    EXPECT_TRUE(LayerFromKeras(j["class_name"], j["config"], KerasDialect::kKeras3, &l).ok());
    layers.push_back(l);
  }
  EXPECT_TRUE(InferShapes(&layers).ok());
  return layers;
}

Json Input() {
  return {{"class_name", "InputLayer"},
          {"config", {{"name", "in"}, {"batch_shape", {nullptr, 2, 2, 1}}}}};
}
Json Dense(const char* name, size_t units, const char* activation) {
  return {{"class_name", "Dense"},
          {"config", {{"name", name}, {"units", units}, {"activation", activation}}}};
}
Json Layer1(const char* cls, const char* name, Json config = Json::object()) {
  config["name"] = name;
  return {{"class_name", cls}, {"config", config}};
}

TEST(Head, EachWayAClassifierEnds) {
  const auto head = [](const std::vector<Json>& layers) {
    std::vector<Json> all = {Input(), Layer1("Flatten", "f")};
    all.insert(all.end(), layers.begin(), layers.end());
    return FindHead(Chain(all));
  };
  const Head fused = head({Dense("d", 5, "softmax")});
  EXPECT_EQ(fused.kind, HeadKind::kSoftmax);
  EXPECT_TRUE(fused.before_activation);
  const Head standalone = head({Dense("d", 5, "linear"), Layer1("Softmax", "s")});
  EXPECT_EQ(standalone.kind, HeadKind::kSoftmax);
  EXPECT_EQ(standalone.layer, 2u);  // the Dense layer's output
  EXPECT_FALSE(standalone.before_activation);
  const Head dropped = head({Dense("d", 5, "softmax"), Layer1("Dropout", "x", {{"rate", 0.5}})});
  EXPECT_EQ(dropped.kind, HeadKind::kSoftmax);
  EXPECT_EQ(dropped.layer, 2u);
  EXPECT_EQ(head({Dense("d", 5, "linear")}).kind, HeadKind::kLinear);
  const Head binary = head({Dense("d", 1, "sigmoid")});
  EXPECT_EQ(binary.kind, HeadKind::kBinary);
  EXPECT_EQ(binary.classes, 2u);
  EXPECT_EQ(head({Dense("d", 3, "sigmoid")}).kind, HeadKind::kSigmoid);
  // One linear unit: a binary classifier trained from_logits=True, its output the log-odds.
  const Head logits = head({Dense("d", 1, "linear")});
  EXPECT_EQ(logits.kind, HeadKind::kBinary);
  EXPECT_EQ(logits.classes, 2u);
  EXPECT_FALSE(logits.before_activation);
}

TEST(Head, ScoresAndProbabilities) {
  const Head binary{.kind = HeadKind::kBinary, .classes = 2};
  const std::vector<float> z = {1.5f};
  const std::vector<float> scores = ClassScores(binary, z);
  EXPECT_EQ(scores, (std::vector<float>{-1.5f, 1.5f}));
  const std::vector<float> p = ClassProbabilities(binary, scores);
  EXPECT_NEAR(p[1], 1 / (1 + std::exp(-1.5)), 1e-6);
  EXPECT_NEAR(p[0] + p[1], 1, 1e-6);
  EXPECT_EQ(ScoreGradient(binary, 1, 0), (std::vector<float>{-1.0f}));
  // d log p / d z for the binary head: 1 - p1 for class 1, -p1 for class 0.
  EXPECT_NEAR(LogProbabilityGradient(binary, z, 1)[0], p[0], 1e-6);
  EXPECT_NEAR(LogProbabilityGradient(binary, z, 0)[0], -p[1], 1e-6);
  const Head linear{.kind = HeadKind::kLinear, .classes = 2};
  const std::vector<float> q = ClassProbabilities(linear, std::vector<float>{0.0f, std::log(3.0f)});
  EXPECT_NEAR(q[1], 0.75, 1e-6);
}

}  // namespace
}  // namespace convscope

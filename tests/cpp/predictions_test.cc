// Top-k ranking (wasm/model/predictions.h): by logit, so that classes whose probabilities round to
// the same value (0 for a confident model's runners-up) still come out in the model's order.
#include "model/predictions.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace convscope {
namespace {

TEST(TopK, RanksRunnersUpByLogitWhenTheirProbabilitiesRoundToZero) {
  const std::vector<float> logits = {-80, 10, 200, -5, 30, 30};
  const std::vector<float> p = Softmax(logits);
  ASSERT_EQ(p[1], 0.0f);  // the premise: the runners-up's probabilities are all 0 in f32
  ASSERT_EQ(p[4], 0.0f);
  std::vector<size_t> order;
  for (const Prediction& top : TopK(p, logits, 5)) order.push_back(top.index);
  EXPECT_EQ(order, (std::vector<size_t>{2, 4, 5, 1, 3}));  // equal logits: lower index first
}

TEST(TopK, RanksNanLogitsLast) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> logits = {nan, 2, nan, 5, 1};
  std::vector<size_t> order;
  for (const Prediction& top : TopK(std::vector<float>(5, 0.2f), logits, 5))
    order.push_back(top.index);
  EXPECT_EQ(order, (std::vector<size_t>{3, 1, 4, 0, 2}));
}

}  // namespace
}  // namespace convscope

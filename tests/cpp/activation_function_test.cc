// Every activation convscope runs: its value at points Keras' formulas give, and its derivative
// against finite differences of its own value (the backward pass's gradient through it), with the
// guided rule where the function is ReLU-like.
#include "layers/activation_function.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace convscope {
namespace {

ActivationFn Named(const char* name, KerasDialect dialect = KerasDialect::kKeras3) {
  ActivationFn f;
  const Status s = ActivationFromJson(Json(name), dialect, &f);
  EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  return f;
}

float Apply(const ActivationFn& f, float x) {
  float y = 0;
  ApplyActivation(f, {&x, 1}, 1, {&y, 1});
  return y;
}

TEST(ActivationFunction, ValuesAsKerasDefinesThem) {
  EXPECT_FLOAT_EQ(Apply(Named("relu6"), 7), 6);
  EXPECT_FLOAT_EQ(Apply(Named("leaky_relu"), -1), -0.2f);
  EXPECT_FLOAT_EQ(Apply(Named("hard_sigmoid"), 1.5f), 0.75f);  // Keras 3: x / 6 + 1/2
  EXPECT_FLOAT_EQ(Apply(Named("hard_sigmoid", KerasDialect::kKeras2), 1.5f), 0.8f);  // 0.2x + 1/2
  EXPECT_FLOAT_EQ(Apply(Named("hard_swish"), 1), 1 * 4.0f / 6);
  EXPECT_FLOAT_EQ(Apply(Named("swish"), 0), 0);
  EXPECT_NEAR(Apply(Named("selu"), -1), 1.0507009873554805 * 1.6732632423543772 * std::expm1(-1),
              1e-6);
  EXPECT_NEAR(Apply(Named("gelu"), 1), 0.8413447460685429, 1e-6);
  EXPECT_NEAR(Apply(Named("softplus"), 30), 30, 1e-5);
  EXPECT_FLOAT_EQ(Apply(Named("softsign"), -3), -0.75f);
  // Keras' ReLU layer: threshold, then the cap, then the slope below the threshold.
  const ActivationFn relu{
      .kind = ActivationKind::kRelu, .negative_slope = 0.1f, .threshold = 0.5f, .max_value = 2};
  EXPECT_FLOAT_EQ(Apply(relu, 0.25f), -0.025f);
  EXPECT_FLOAT_EQ(Apply(relu, 1), 1);
  EXPECT_FLOAT_EQ(Apply(relu, 3), 2);
  ActivationFn unknown;
  EXPECT_FALSE(ActivationFromJson(Json("mish"), KerasDialect::kKeras3, &unknown).ok());
}

// Swish and sigmoid run on their own exp (a loop the compiler vectorizes): as with std::exp.
TEST(ActivationFunction, SwishAndSigmoidEqualTheirFormulasOverTheWholeRange) {
  const ActivationFn swish = Named("swish"), sigmoid = Named("sigmoid");
  double worst = 0;
  for (float x = -120; x <= 120; x += 0.0137f) {
    const double s = 1.0 / (1.0 + std::exp(-static_cast<double>(x)));
    worst = std::max(worst, std::fabs(Apply(sigmoid, x) - s) / std::max(1e-30, s));
    const double want = x * s;
    const double got = Apply(swish, x);
    worst = std::max(worst,
                     std::fabs(got - want) / std::max(1e-30, std::fabs(want)));  // 1e-30: underflow
  }
  EXPECT_LT(worst, 1e-6);
  EXPECT_NEAR(Apply(swish, -1000), 0, 1e-30);
  EXPECT_EQ(Apply(swish, 1000), 1000);
}

TEST(ActivationFunction, DerivativesMatchFiniteDifferences) {
  const std::vector<float> points = {-2.7f, -1.3f, -0.4f, 0.3f, 0.9f, 2.2f, 6.5f};
  for (const char* name : kKerasActivationNames) {
    const ActivationFn f = Named(name);
    if (f.kind == ActivationKind::kSoftmax) continue;  // a row's Jacobian: below
    for (float x : points) {
      const float h = 1e-3f;
      const double numeric = (Apply(f, x + h) - Apply(f, x - h)) / (2.0 * h);
      float g = 1;
      const float y = Apply(f, x);
      ActivationGradient(f, {&x, 1}, {&y, 1}, 1, false, {&g, 1});
      EXPECT_NEAR(g, numeric, 2e-3 * std::max(1.0, std::fabs(numeric))) << name << " at " << x;
      // Guided: ReLU-like functions pass no negative gradient.
      float negative = -1;
      ActivationGradient(f, {&x, 1}, {&y, 1}, 1, true, {&negative, 1});
      if (f.relu_like()) {
        EXPECT_EQ(negative, 0.0f) << name;
      } else {
        EXPECT_NEAR(negative, -g, 1e-6) << name;
      }
    }
  }
}

TEST(ActivationFunction, SoftmaxGradientIsItsJacobian) {
  const std::vector<float> x = {0.5f, -1.0f, 2.0f};
  std::vector<float> y(3);
  const ActivationFn softmax = Named("softmax");
  ApplyActivation(softmax, x, 3, y);
  std::vector<float> g = {1, 0, 0};  // d y0 / d x
  ActivationGradient(softmax, x, y, 3, false, g);
  EXPECT_NEAR(g[0], y[0] * (1 - y[0]), 1e-6);
  EXPECT_NEAR(g[1], -y[0] * y[1], 1e-6);
  EXPECT_NEAR(g[2], -y[0] * y[2], 1e-6);
}

TEST(ActivationFunction, ParametersSurviveTheHeader) {
  const ActivationFn relu{.kind = ActivationKind::kRelu, .negative_slope = 0.1f, .max_value = 6};
  const ActivationFn tf2_hard_sigmoid = Named("hard_sigmoid", KerasDialect::kKeras2);
  for (const ActivationFn& f : {relu, tf2_hard_sigmoid, Named("relu"), Named("gelu")}) {
    ActivationFn back;
    ASSERT_TRUE(ActivationFromJson(ActivationToJson(f), KerasDialect::kKeras3, &back).ok());
    EXPECT_EQ(back, f) << DumpJson(ActivationToJson(f));
  }
}

TEST(ActivationFunction, ParametersMustFitAFloat) {
  ActivationFn f;
  ASSERT_TRUE(
      ActivationFromJson(Json::parse(R"({"name": "relu"})"), KerasDialect::kKeras3, &f).ok());
  EXPECT_TRUE(std::isinf(f.max_value)) << "no cap unless one is given";
  const Status s = ActivationFromJson(Json::parse(R"({"name": "relu", "max_value": 1e300})"),
                                      KerasDialect::kKeras3, &f);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("activation.max_value is beyond a float's range"), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace convscope

// The catalog of methods and options: option checking (defaults, ranges, types, the value shown
// in errors) and the catalog's own consistency (every default valid under its own description).
#include "catalog.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "methods/options.h"
#include "methods/registry.h"

namespace convscope {
namespace {

const std::vector<OptionSpec>& OcclusionOptions() { return FindMethod("occlusion")->options; }

TEST(MethodOptions, FillsDefaultsAndIgnoresOtherMethodsOptions) {
  MethodOptions o;
  ASSERT_TRUE(
      MethodOptions::Check(OcclusionOptions(), {{"samples", 3.0}, {"stride", 4.0}}, &o).ok());
  EXPECT_EQ(o.Integer("patch"), 15u);
  EXPECT_EQ(o.Integer("stride"), 4u);
  EXPECT_EQ(o.Choice("score"), "probability");
  EXPECT_FALSE(o.Boolean("naive"));
  EXPECT_EQ(o.Number("fill"), 0.0);
}

TEST(MethodOptions, RefusesWrongTypesAndRangesShowingTheValue) {
  const struct {
    OptionMap given;
    const char* message;
  } cases[] = {
      {{{"patch", 0.0}}, "patch must be an integer from 1 to 32768, got number 0"},
      {{{"patch", 2.5}}, "patch must be an integer from 1 to 32768, got number 2.5"},
      {{{"stride", true}}, "stride must be an integer from 1 to 32768, got boolean true"},
      {{{"naive", std::string("yes")}}, "naive must be true or false, got string 'yes'"},
      {{{"score", std::string("rank")}}, "score must be 'probability' or 'logit', got 'rank'"},
      {{{"score", 1.0}}, "score must be 'probability' or 'logit', got number 1"},
      {{{"fill", std::numeric_limits<double>::infinity()}},
       "fill must be a number from -1000000 to 1000000, got number Infinity"},
  };
  for (const auto& c : cases) {
    MethodOptions o;
    const Status s = MethodOptions::Check(OcclusionOptions(), c.given, &o);
    EXPECT_EQ(s.message(), c.message);
  }
  MethodOptions o;
  EXPECT_EQ(
      MethodOptions::Check(FindMethod("smoothgrad")->options, {{"samples", 1001.0}}, &o).message(),
      "samples must be an integer from 1 to 1000, got number 1001");
  EXPECT_EQ(
      MethodOptions::Check(FindMethod("smoothgrad")->options, {{"noise", -0.5}}, &o).message(),
      "noise must be a number from 0 to 10, got number -0.5");
}

TEST(Catalog, EveryMethodIsDescribedAndEveryDefaultIsValid) {
  const Json catalog = Catalog();
  ASSERT_EQ(catalog["methods"].size(), Methods().size());
  for (const MethodInfo& m : Methods()) {
    EXPECT_STRNE(m.label, "") << m.name;
    EXPECT_STRNE(m.help, "") << m.name;
    EXPECT_STRNE(m.value, "") << m.name;
    // The defaults pass the method's own check, and each is what the check fills in.
    MethodOptions o;
    EXPECT_TRUE(MethodOptions::Check(m.options, {}, &o).ok()) << m.name;
    for (const OptionSpec& spec : m.options) {
      EXPECT_STRNE(spec.help, "") << m.name << "." << spec.name;
      if (spec.type == OptionType::kInteger || spec.type == OptionType::kNumber) {
        EXPECT_GE(spec.default_number, spec.min) << m.name << "." << spec.name;
        EXPECT_LE(spec.default_number, spec.max) << m.name << "." << spec.name;
      }
    }
  }
  const auto& methods = catalog["methods"];
  const auto found = std::find_if(methods.begin(), methods.end(),
                                  [](const Json& m) { return m["name"] == "occlusion"; });
  ASSERT_NE(found, methods.end());
  const Json& occlusion = *found;
  EXPECT_EQ(occlusion["splits"], true);
  EXPECT_EQ(occlusion["options"][2]["min"], -1e6);  // fill
  EXPECT_EQ(catalog["enums"]["colormap"], Json({"gray", "viridis", "jet", "coolwarm"}));
}

}  // namespace
}  // namespace convscope

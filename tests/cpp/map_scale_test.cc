// How methods' maps reach [0, 1] for drawing: from zero for maps of values >= 0 (a map's lowest
// value is not painted as "nothing"), around zero for signed ones (zero is the colormap's middle).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "methods/explanation.h"
#include "methods/registry.h"

namespace convscope {
namespace {

TEST(MapScale, FromZeroKeepsZeroAtZero) {
  std::vector<float> map = {2, 4, 3};
  const ValueRange range = NormalizeMap(map, MapScale::kFromZero);
  EXPECT_EQ(map, (std::vector<float>{0.5f, 1.0f, 0.75f}));
  EXPECT_EQ(range.min, 0);
  EXPECT_EQ(range.max, 4);
}

TEST(MapScale, SignedPutsZeroInTheMiddle) {
  std::vector<float> map = {-1, 0, 2};
  const ValueRange range = NormalizeMap(map, MapScale::kSigned);
  EXPECT_EQ(map, (std::vector<float>{0.25f, 0.5f, 1.0f}));
  EXPECT_EQ(range.min, -2);
  EXPECT_EQ(range.max, 2);
}

TEST(MapScale, AllZeroMapsSayNothing) {
  std::vector<float> zero(3, 0.0f), signed_zero(3, 0.0f);
  NormalizeMap(zero, MapScale::kFromZero);
  NormalizeMap(signed_zero, MapScale::kSigned);
  EXPECT_EQ(zero, std::vector<float>(3, 0.0f));
  EXPECT_EQ(signed_zero, std::vector<float>(3, 0.5f));
}

TEST(MapScale, MethodsOfSignedValuesAreSigned) {
  for (const MethodInfo& m : Methods()) {
    const std::string name = m.name;
    const bool is_signed = name == "occlusion" || name == "ig" || name == "input-x-gradient";
    EXPECT_EQ(m.scale, is_signed ? MapScale::kSigned : MapScale::kFromZero) << name;
  }
}

}  // namespace
}  // namespace convscope

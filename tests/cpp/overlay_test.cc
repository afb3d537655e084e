// Figures drawn by the core: maps over the original picture (through the region the model's input
// came from) and caption strips.
#include "figures/overlay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "figures/caption.h"
#include "figures/colormap.h"
#include "images/resample.h"

namespace convscope {
namespace {

RgbImage Gray(size_t width, size_t height, uint8_t value) {
  return {width, height, std::vector<uint8_t>(width * height * 3, value)};
}

uint8_t At(const RgbImage& image, size_t x, size_t y, size_t c = 0) {
  return image.pixels[(y * image.width + x) * 3 + c];
}

TEST(Overlay, SquashedMapFollowsTheRowsOfThePictureAsBlocks) {
  // A 2 x 2 map, dark on top and bright below, over an 8 x 4 picture (Keras resizing squashes it):
  // each map cell is a 4 x 2 block of the picture, not a smooth ramp that hides the map's size.
  const std::vector<float> map = {0, 0, 1, 1};
  RgbImage out;
  ASSERT_TRUE(
      OverlayMap(Gray(8, 4, 100), map, 2, 2, {.colormap = Colormap::kGray, .alpha = 1.0f}, &out)
          .ok());
  ASSERT_EQ(out.width, 8u);
  ASSERT_EQ(out.height, 4u);
  for (size_t y = 0; y < 4; ++y) {
    for (size_t x = 0; x < 8; ++x) EXPECT_EQ(At(out, x, y), y < 2 ? 0 : 255) << x << "," << y;
  }
  // Half transparent: halfway between the colour and the picture lightened toward grey
  // (100 -> 128 + 50).
  ASSERT_TRUE(
      OverlayMap(Gray(8, 4, 100), map, 2, 2, {.colormap = Colormap::kGray, .alpha = 0.5f}, &out)
          .ok());
  EXPECT_EQ(At(out, 0, 0), 89);
  // Nothing opaque: the picture as it is.
  ASSERT_TRUE(
      OverlayMap(Gray(8, 4, 100), map, 2, 2, {.colormap = Colormap::kGray, .alpha = 0}, &out).ok());
  EXPECT_EQ(At(out, 0, 0), 100);
}

TEST(Overlay, OnBlackPixelsTheColoursStayTheLegendsColours) {
  // Over black, half-opaque colours keep their hue and most of their brightness: jet's red and
  // yellow do not turn maroon and olive.
  for (const float v : {0.0f, 0.375f, 0.625f, 1.0f}) {
    RgbImage out;
    ASSERT_TRUE(
        OverlayMap(Gray(4, 4, 0), std::vector<float>(4, v), 2, 2, {.alpha = 0.5f}, &out).ok());
    const auto& color = Lut(Colormap::kJet)[static_cast<size_t>(std::lround(v * 255))];
    const auto brightest =
        static_cast<size_t>(std::max_element(color.begin(), color.end()) - color.begin());
    for (size_t c = 0; c < 3; ++c) {
      if (color[c] < color[brightest]) {
        EXPECT_LT(At(out, 1, 1, c), At(out, 1, 1, brightest)) << v << " channel " << c;
      }
    }
    // Half-opaque colours over black used to keep half their brightness.
    EXPECT_GE(At(out, 1, 1, brightest), 0.7 * color[brightest]) << v;
  }
}

TEST(Resample, NearestKeepsEachCellWhole) {
  // 2 x 2 cells over 6 x 6, pixel centres aligned: each cell covers a 3 x 3 block.
  const std::vector<float> map = {1, 2, 3, 4};
  const AxisMap axis{2.0 / 6, (0.5 * 2.0 / 6) - 0.5};
  const std::vector<float> out = ResampleNearest(map, 2, 2, 6, 6, axis, axis);
  for (size_t y = 0; y < 6; ++y) {
    for (size_t x = 0; x < 6; ++x)
      EXPECT_EQ(out[y * 6 + x], map[(y / 3) * 2 + x / 3]) << x << "," << y;
  }
}

TEST(Overlay, CentreCropLeavesTheCutBordersOutAndMaskKeepsTheImportantPart) {
  // An 8 x 4 picture centre-cropped to a square input covers columns 2..5.
  const std::vector<float> map(16, 1.0f);
  RgbImage out;
  ASSERT_TRUE(
      OverlayMap(Gray(8, 4, 90), map, 4, 4,
                 {.resize = ResizeMode::kCenterCrop, .colormap = Colormap::kGray, .alpha = 1}, &out)
          .ok());
  for (size_t x = 0; x < 8; ++x) EXPECT_EQ(At(out, x, 1), x < 2 || x >= 6 ? 30 : 255) << x;

  std::vector<float> half(16, 0.0f);
  for (size_t y = 0; y < 4; ++y) half[y * 4 + 3] = 1.0f;  // the rightmost map column
  ASSERT_TRUE(OverlayMap(Gray(8, 4, 90), half, 4, 4,
                         {.resize = ResizeMode::kCenterCrop, .mask = true, .threshold = 0.9f}, &out)
                  .ok());
  // Hidden: the checkerboard's grey, never black (the picture's own dark parts stay apart).
  for (size_t x = 0; x < 8; ++x) EXPECT_EQ(At(out, x, 2), x == 5 ? 90 : HiddenPixel(x, 2)) << x;
  EXPECT_EQ(HiddenPixel(0, 0), 140);
  EXPECT_EQ(HiddenPixel(8, 0), 190);
}

TEST(Overlay, RefusesMismatchedMapsAndBadSettings) {
  RgbImage out;
  EXPECT_FALSE(OverlayMap(Gray(4, 4, 0), std::vector<float>(3), 2, 2, {}, &out).ok());
  EXPECT_FALSE(OverlayMap(Gray(4, 4, 0), std::vector<float>(4), 2, 2, {.alpha = 1.5f}, &out).ok());
  EXPECT_FALSE(OverlayMap(Gray(0, 0, 0), std::vector<float>(4), 2, 2, {}, &out).ok());
}

TEST(Caption, DrawsTextInsideTheStripWrapsAtSpacesAndCutsLongWords) {
  auto ink = [](const RgbImage& s) {
    return std::count(s.pixels.begin(), s.pixels.end(), uint8_t{235});
  };
  const RgbImage empty = CaptionStrip("", 100);
  EXPECT_EQ(empty.width, 100u);
  EXPECT_EQ(empty.height, 14u);
  EXPECT_EQ(ink(empty), 0);
  const RgbImage text = CaptionStrip("gradcam | block5_conv3", 300, 2);
  EXPECT_EQ(text.height, 28u);
  EXPECT_GT(ink(text), 300);
  // Too long for 60 pixels: cut, and nothing drawn beyond the strip's last column.
  const RgbImage cut = CaptionStrip(std::string(200, 'W'), 60);
  EXPECT_EQ(cut.pixels.size(), 60u * 14 * 3);
  EXPECT_GT(ink(cut), 0);
  EXPECT_LT(ink(cut), ink(CaptionStrip(std::string(200, 'W'), 2000)));
  // Words that do not fit one line go on the next: every word is drawn.
  const std::string sentence = "This picture is unlike the pictures this model was trained on";
  const RgbImage wrapped = CaptionStrip(sentence, 120);
  EXPECT_GE(wrapped.height, 3u * 14);
  EXPECT_EQ(wrapped.height % 14, 0u);
  EXPECT_EQ(ink(wrapped), ink(CaptionStrip(sentence, 2000)));
}

}  // namespace
}  // namespace convscope

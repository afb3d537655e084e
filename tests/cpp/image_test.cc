// Decoding, resizing and preprocessing of real photos (tests/data/images, run from the repository
// root) and of hostile inputs.
#include "images/image.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "images/preprocess.h"

namespace convscope {
namespace {

std::vector<uint8_t> ReadFile(const std::string& name) {
  std::ifstream in("tests/data/images/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "tests/data/images/" << name << " (run from the repository root)";
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(Image, DecodesTheSamplePhotos) {
  const struct {
    const char* file;
    size_t width, height;
  } photos[] = {{"chelsea.png", 451, 300},   {"coffee.png", 600, 400},
                {"astronaut.png", 512, 512}, {"rocket.jpg", 640, 427},
                {"camera.png", 512, 512},    {"no_time_for_that_tiny.gif", 14, 25}};
  for (const auto& p : photos) {
    SCOPED_TRACE(p.file);
    RgbImage image;
    const Status s = DecodeImage(ReadFile(p.file), &image);
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(image.width, p.width);
    EXPECT_EQ(image.height, p.height);
    EXPECT_EQ(image.pixels.size(), p.width * p.height * 3);
  }
  // The grayscale cameraman becomes RGB with three equal channels.
  RgbImage camera;
  ASSERT_TRUE(DecodeImage(ReadFile("camera.png"), &camera).ok());
  for (size_t i = 0; i < camera.pixels.size(); i += 3) {
    ASSERT_EQ(camera.pixels[i], camera.pixels[i + 1]);
    ASSERT_EQ(camera.pixels[i], camera.pixels[i + 2]);
  }
}

double MeanLevel(const RgbImage& image) {
  double sum = 0;
  for (uint8_t v : image.pixels) sum += v;
  return sum / static_cast<double>(image.pixels.size());
}

// A real 16-bit-per-channel PNG (ImageMagick's PNG48, tests/data/images/SOURCES.md) reads as the
// same picture in 8 bits: its mean level matches the 8-bit original it was scaled from.
TEST(Image, DecodesSixteenBitPng) {
  RgbImage deep, original;
  ASSERT_TRUE(DecodeImage(ReadFile("chelsea-16bit.png"), &deep).ok());
  ASSERT_TRUE(DecodeImage(ReadFile("chelsea.png"), &original).ok());
  EXPECT_EQ(deep.width, 226u);
  EXPECT_EQ(deep.height, 150u);
  EXPECT_NEAR(MeanLevel(deep), MeanLevel(original), 2.0);
}

// WebP is for the browser's decoder (the page and widget); the core says what it reads.
TEST(Image, NamesItsFormatsForWebp) {
  RgbImage image;
  const Status s = DecodeImage(ReadFile("chelsea.webp"), &image);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("use PNG, JPEG, BMP or GIF"), std::string::npos) << s.message();
}

// A PNG signature and IHDR chunk claiming width x height: enough for stbi_info.
std::vector<uint8_t> PngHeader(uint32_t width, uint32_t height) {
  std::vector<uint8_t> b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                            0,    0,   0,   13,  'I',  'H',  'D',  'R'};
  for (uint32_t v : {width, height}) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
  }
  b.insert(b.end(), {8, 2, 0, 0, 0, 0, 0, 0, 0});  // 8-bit RGB, then a (wrong) CRC
  return b;
}

TEST(Image, RefusesHostileInputsWithClearMessages) {
  const struct {
    const char* name;
    std::vector<uint8_t> bytes;
    const char* expected;
  } cases[] = {
      {"truncated JPEG", ReadFile("truncated.jpg"), "could not be decoded"},
      {"empty file", {}, "the image file is empty"},
      {"text", {'h', 'e', 'l', 'l', 'o'}, "not an image convscope can read"},
      {"30000x30000 header", PngHeader(30000, 30000),
       "30000x30000 (900 megapixels), over the limit"},
      {"40000x10 header", PngHeader(40000, 10), "40000x10 (0.4 megapixels), over the limit"},
      {"10000x10000 header", PngHeader(10000, 10000), "10000x10000 (100 megapixels)"},
      // Past 32 bits (wasm's size_t): the count must not wrap to 0.
      {"2^31-1 a side header", PngHeader(2147483647, 2147483647),
       "2147483647x2147483647 (4611686014132.4 megapixels)"},
      {"header only", PngHeader(64, 64), "could not be decoded"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RgbImage image;
    const Status s = DecodeImage(c.bytes, &image);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.message();
  }
}

TEST(Image, RgbaDropsAlphaAndChecksItsSize) {
  const std::vector<uint8_t> rgba = {1, 2, 3, 255, 4, 5, 6, 0};
  RgbImage image;
  ASSERT_TRUE(ImageFromRgba(rgba, 2, 1, &image).ok());
  EXPECT_EQ(image.pixels, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_FALSE(ImageFromRgba(rgba, 3, 1, &image).ok());
  const Status s = ImageFromRgba({}, 100000, 100000, &image);
  EXPECT_NE(s.message().find("over the limit"), std::string::npos) << s.message();
}

TEST(Image, KerasResizeIsPilNearest) {
  // 4x2 image whose pixel (x, y) holds 10 * y + x in every channel.
  RgbImage image{4, 2, {}};
  for (uint8_t y = 0; y < 2; ++y)
    for (uint8_t x = 0; x < 4; ++x)
      image.pixels.insert(image.pixels.end(), 3, static_cast<uint8_t>(10 * y + x));
  RgbImage out;
  ASSERT_TRUE(ResizeImage(image, 2, 2, ResizeMode::kKeras, &out).ok());
  // PIL NEAREST picks source column floor((x + 0.5) * 4 / 2): 1 and 3.
  EXPECT_EQ(out.pixels[0], 1);
  EXPECT_EQ(out.pixels[3], 3);
  EXPECT_EQ(out.pixels[6], 11);
  EXPECT_EQ(out.pixels[9], 13);
  // Upscaling 4x2 -> 8x4 repeats every pixel twice.
  ASSERT_TRUE(ResizeImage(image, 8, 4, ResizeMode::kKeras, &out).ok());
  EXPECT_EQ(out.pixels[(0 * 8 + 2) * 3], 1);
  EXPECT_EQ(out.pixels[(3 * 8 + 7) * 3], 13);
}

TEST(Image, CenterCropKeepsTheMiddle) {
  // 6x2: a dark border (0) two pixels wide on each side of a bright middle (200).
  RgbImage image{6, 2, {}};
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 6; ++x)
      image.pixels.insert(image.pixels.end(), 3, x >= 2 && x < 4 ? 200 : 0);
  RgbImage out;
  ASSERT_TRUE(ResizeImage(image, 2, 2, ResizeMode::kCenterCrop, &out).ok());
  for (uint8_t v : out.pixels) EXPECT_GE(v, 150);  // only the middle survives
  RgbImage photo;
  std::ifstream in("tests/data/images/rocket.jpg", std::ios::binary);
  ASSERT_TRUE(
      DecodeImage(std::vector<uint8_t>{std::istreambuf_iterator<char>(in), {}}, &photo).ok());
  ASSERT_TRUE(ResizeImage(photo, 224, 224, ResizeMode::kCenterCrop, &out).ok());
  EXPECT_EQ(out.pixels.size(), 224u * 224 * 3);
}

TEST(Image, CaffePreprocessingIsBgrMinusMean) {
  RgbImage image{1, 1, {10, 20, 30}};
  std::vector<float> out(3);
  Preprocess(image, Preprocessing{}, 3, out);
  EXPECT_FLOAT_EQ(out[0], 30 - 103.939f);
  EXPECT_FLOAT_EQ(out[1], 20 - 116.779f);
  EXPECT_FLOAT_EQ(out[2], 10 - 123.68f);
  const Preprocessing torch{PreprocessingMode::kTorch,
                            ChannelOrder::kRGB,
                            1.0 / 255,
                            {0.485, 0.456, 0.406},
                            {0.229, 0.224, 0.225}};
  Preprocess(image, torch, 3, out);
  EXPECT_NEAR(out[0], (10 / 255.0 - 0.485) / 0.229, 1e-6);
}

}  // namespace
}  // namespace convscope

// Images entering the core: decoded from file bytes with stb_image, or taken as RGBA pixels from a
// canvas; then resized to the model's input. Every size is checked before anything is allocated.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace convscope {

// Larger images are refused before decoding (a 64 MP RGB image already takes 192 MB). Fuzzing
// builds refuse from 16,384 pixels: the same code paths, but each execution in a millisecond
// instead of a sanitized decode of the megapixels a few bytes of PNG or JPEG can claim.
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
inline constexpr size_t kMaxImagePixels = 1 << 14;
#else
inline constexpr size_t kMaxImagePixels = 64'000'000;
#endif
inline constexpr size_t kMaxImageSide = 32768;

// A pixel value rounded to the nearest byte, clamped to [0, 255].
inline uint8_t PixelByte(double v) {
  return static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

struct RgbImage {
  size_t width = 0;
  size_t height = 0;
  std::vector<uint8_t> pixels;  // RGB, row-major, 3 bytes a pixel
};

// PNG, JPEG, BMP or GIF (first frame); stb_image's other formats are not built in. Grayscale and
// palette images become RGB; alpha is dropped (as Keras' load_img does).
Status DecodeImage(std::span<const uint8_t> bytes, RgbImage* out);

// RGBA pixels as in a canvas ImageData (alpha dropped).
Status ImageFromRgba(std::span<const uint8_t> rgba, size_t width, size_t height, RgbImage* out);

enum class ResizeMode {
  kKeras,       // straight to the target size, nearest neighbour: Keras' load_img(target_size=...)
  kCenterCrop,  // shorter side to the target, then the centre cut out; smooth (triangle) filter
};
inline constexpr std::array<const char*, 2> kResizeModeNames = {"keras", "crop"};

Status ResizeImage(const RgbImage& image, size_t width, size_t height, ResizeMode mode,
                   RgbImage* out);

// The part of an image_width x image_height picture that ResizeImage maps onto a width x height
// input, in the picture's pixel coordinates (continuous: pixel x covers [x, x + 1)).
struct ImageRegion {
  double left = 0, top = 0, width = 0, height = 0;
};
ImageRegion InputRegion(size_t image_width, size_t image_height, size_t width, size_t height,
                        ResizeMode mode);

}  // namespace convscope

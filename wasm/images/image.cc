#include "image.h"

#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

namespace convscope {
namespace {

std::string Size(size_t w, size_t h) { return std::to_string(w) + "x" + std::to_string(h); }

Status CheckSize(size_t w, size_t h) {
  if (w == 0 || h == 0) return Status::Error("the image is empty (" + Size(w, h) + ")");
  // In 64 bits: wasm's size_t is 32 and a header may claim 2^31 - 1 pixels a side.
  const uint64_t pixels = static_cast<uint64_t>(w) * h;
  if (w > kMaxImageSide || h > kMaxImageSide || pixels > kMaxImagePixels) {
    // Megapixels to one decimal: a 4 x 100000 strip is 0.4, not 0.
    const uint64_t tenths = (pixels + 50'000) / 100'000;
    return Status::Error("the image is " + Size(w, h) + " (" + std::to_string(tenths / 10) +
                         (tenths % 10 != 0 ? "." + std::to_string(tenths % 10) : "") +
                         " megapixels), over the limit of " +
                         std::to_string(kMaxImagePixels / 1'000'000) + " megapixels and " +
                         std::to_string(kMaxImageSide) + " pixels a side: scale it down first");
  }
  return Status::Ok();
}

uint32_t Be16(const uint8_t* p) { return static_cast<uint32_t>(p[0] << 8 | p[1]); }
uint32_t Be32(const uint8_t* p) { return Be16(p) << 16 | Be16(p + 2); }
uint32_t Le16(const uint8_t* p) { return static_cast<uint32_t>(p[1] << 8 | p[0]); }

// Width and height from a PNG, GIF, BMP or JPEG header, read directly: stb_image refuses very
// large images with a generic "unknown image type", and the user deserves to hear the size.
std::optional<std::pair<size_t, size_t>> SniffSize(std::span<const uint8_t> b) {
  const size_t n = b.size();
  if (n >= 24 && b[0] == 0x89 && b[1] == 'P' && b[12] == 'I' && b[13] == 'H') {
    return std::pair<size_t, size_t>{Be32(&b[16]), Be32(&b[20])};
  }
  if (n >= 10 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
    return std::pair<size_t, size_t>{Le16(&b[6]), Le16(&b[8])};
  }
  if (n >= 26 && b[0] == 'B' && b[1] == 'M') {
    const auto w = static_cast<int32_t>(Le16(&b[18]) | Le16(&b[20]) << 16);
    const auto h = static_cast<int32_t>(Le16(&b[22]) | Le16(&b[24]) << 16);
    return std::pair<size_t, size_t>{static_cast<size_t>(std::abs(static_cast<int64_t>(w))),
                                     static_cast<size_t>(std::abs(static_cast<int64_t>(h)))};
  }
  if (n >= 4 && b[0] == 0xFF && b[1] == 0xD8) {  // JPEG: walk the markers to a start-of-frame
    for (size_t i = 2; i + 9 < n;) {
      if (b[i] != 0xFF) return std::nullopt;
      const uint8_t marker = b[i + 1];
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        return std::pair<size_t, size_t>{Be16(&b[i + 7]), Be16(&b[i + 5])};
      }
      i += 2 + Be16(&b[i + 2]);
    }
  }
  return std::nullopt;
}

// "PNG", "JPEG", ... from the magic bytes; empty when unknown. stb tries every decoder in turn, so
// its failure reason for a broken file names the last one tried, not the file's format.
std::string FormatName(std::span<const uint8_t> b) {
  if (b.size() >= 4 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return "PNG";
  if (b.size() >= 2 && b[0] == 0xFF && b[1] == 0xD8) return "JPEG";
  if (b.size() >= 4 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') return "GIF";
  if (b.size() >= 2 && b[0] == 'B' && b[1] == 'M') return "BMP";
  return "";
}

}  // namespace

Status DecodeImage(std::span<const uint8_t> bytes, RgbImage* out) {
  if (bytes.empty()) return Status::Error("the image file is empty");
  if (bytes.size() > size_t{1} << 30) return Status::Error("the image file is over 1 GiB");
  const auto* data = bytes.data();
  const int length = static_cast<int>(bytes.size());
  int w = 0, h = 0, channels = 0;
  // Read the header first: an absurd size is refused before any pixel memory is allocated.
  if (const auto size = SniffSize(bytes)) {
    CONVSCOPE_RETURN_IF_ERROR(CheckSize(size->first, size->second));
  }
  if (stbi_info_from_memory(data, length, &w, &h, &channels) == 0) {
    return Status::Error(std::string("not an image convscope can read (") + stbi_failure_reason() +
                         "): use PNG, JPEG, BMP or GIF");
  }
  CONVSCOPE_RETURN_IF_ERROR(CheckSize(static_cast<size_t>(w), static_cast<size_t>(h)));
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(data, length, &w, &h, &channels, 3), stbi_image_free);
  if (pixels == nullptr) {
    const std::string format = FormatName(bytes);
    return Status::Error((format.empty() ? std::string("the image could not be decoded (") +
                                               stbi_failure_reason() + ")"
                                         : "the " + format + " image could not be decoded") +
                         ": the file may be truncated or corrupt");
  }
  out->width = static_cast<size_t>(w);
  out->height = static_cast<size_t>(h);
  out->pixels.assign(pixels.get(), pixels.get() + out->width * out->height * 3);
  return Status::Ok();
}

Status ImageFromRgba(std::span<const uint8_t> rgba, size_t width, size_t height, RgbImage* out) {
  CONVSCOPE_RETURN_IF_ERROR(CheckSize(width, height));
  if (rgba.size() != width * height * 4) {
    return Status::Error("RGBA data has " + std::to_string(rgba.size()) + " bytes, expected " +
                         std::to_string(width * height * 4) + " for " + Size(width, height));
  }
  out->width = width;
  out->height = height;
  out->pixels.resize(width * height * 3);
  for (size_t i = 0, j = 0; i < rgba.size(); i += 4, j += 3) {
    std::copy_n(&rgba[i], 3, &out->pixels[j]);
  }
  return Status::Ok();
}

ImageRegion InputRegion(size_t image_width, size_t image_height, size_t width, size_t height,
                        ResizeMode mode) {
  const auto iw = static_cast<double>(image_width), ih = static_cast<double>(image_height);
  if (mode == ResizeMode::kKeras) return {0, 0, iw, ih};
  // Scale so the shorter side fits, then take the centre: no distortion, some border cut away.
  const double scale = std::max(static_cast<double>(width) / iw, static_cast<double>(height) / ih);
  const double crop_w = static_cast<double>(width) / scale;
  const double crop_h = static_cast<double>(height) / scale;
  return {(iw - crop_w) / 2, (ih - crop_h) / 2, crop_w, crop_h};
}

Status ResizeImage(const RgbImage& image, size_t width, size_t height, ResizeMode mode,
                   RgbImage* out) {
  CONVSCOPE_RETURN_IF_ERROR(CheckSize(image.width, image.height));
  CONVSCOPE_RETURN_IF_ERROR(CheckSize(width, height));
  out->width = width;
  out->height = height;
  out->pixels.assign(width * height * 3, 0);
  if (mode == ResizeMode::kKeras) {
    // PIL's NEAREST, which load_img uses by default: source = floor((dst + 0.5) * in / out).
    for (size_t y = 0; y < height; ++y) {
      const size_t sy = std::min(image.height - 1, (2 * y + 1) * image.height / (2 * height));
      for (size_t x = 0; x < width; ++x) {
        const size_t sx = std::min(image.width - 1, (2 * x + 1) * image.width / (2 * width));
        std::copy_n(&image.pixels[(sy * image.width + sx) * 3], 3,
                    &out->pixels[(y * width + x) * 3]);
      }
    }
    return Status::Ok();
  }
  const ImageRegion r = InputRegion(image.width, image.height, width, height, mode);
  const double x0 = r.left / static_cast<double>(image.width);
  const double y0 = r.top / static_cast<double>(image.height);
  const int ok = stbir_resize_region(
      image.pixels.data(), static_cast<int>(image.width), static_cast<int>(image.height), 0,
      out->pixels.data(), static_cast<int>(width), static_cast<int>(height), 0, STBIR_TYPE_UINT8, 3,
      STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP, STBIR_FILTER_TRIANGLE,
      STBIR_FILTER_TRIANGLE, STBIR_COLORSPACE_SRGB, nullptr, static_cast<float>(x0),
      static_cast<float>(y0), static_cast<float>(1 - x0), static_cast<float>(1 - y0));
  if (ok == 0) return Status::Error("resizing the image failed");
  return Status::Ok();
}

}  // namespace convscope

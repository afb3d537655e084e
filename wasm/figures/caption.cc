#include "caption.h"

#include <stb/stb_easy_font.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace convscope {
namespace {

constexpr size_t kLineHeight = 14;  // font pixels: 12 for the glyphs and descenders, 2 of margin
constexpr size_t kMargin = 4;

struct Vertex {
  float x, y, z;
  unsigned char color[4];
};

int TextWidth(std::string& text) { return stb_easy_font_width(text.data()); }

// `text` in lines of at most `room` font pixels, broken at spaces; a word wider than a line is cut
// with "...".
std::vector<std::string> WrapLines(const std::string& text, int room) {
  std::vector<std::string> lines(1);
  size_t at = 0;
  while (at < text.size()) {
    const size_t space = text.find(' ', at);
    std::string word = text.substr(at, space == std::string::npos ? space : space - at);
    at = space == std::string::npos ? text.size() : space + 1;
    std::string joined = lines.back().empty() ? word : lines.back() + " " + word;
    if (TextWidth(joined) <= room || lines.back().empty()) {
      lines.back() = joined;
    } else {
      lines.push_back(word);
    }
    std::string& line = lines.back();
    if (TextWidth(line) > room) {
      std::string ellipsis = "...";
      while (!line.empty() && TextWidth(line) + TextWidth(ellipsis) > room) line.pop_back();
      line += ellipsis;
    }
  }
  return lines;
}

}  // namespace

RgbImage CaptionStrip(const std::string& text, size_t width, size_t scale) {
  scale = std::max<size_t>(scale, 1);
  std::string ascii;
  for (char c : text) ascii += (c >= 32 && c < 127) ? c : '?';
  const auto room = static_cast<int>((width > 2 * kMargin ? width - 2 * kMargin : 0) / scale);
  const std::vector<std::string> lines = WrapLines(ascii, room);
  RgbImage strip;
  strip.width = width;
  strip.height = kLineHeight * scale * lines.size();
  strip.pixels.assign(strip.width * strip.height * 3, 32);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    std::vector<Vertex> quads(line.size() * 64 * 4 + 16);
    const int count =
        stb_easy_font_print(static_cast<float>(kMargin) / static_cast<float>(scale),
                            static_cast<float>(2 + i * kLineHeight), line.data(), nullptr,
                            quads.data(), static_cast<int>(quads.size() * sizeof(Vertex)));
    for (int q = 0; q < count; ++q) {
      const Vertex& a = quads[4 * static_cast<size_t>(q)];
      const Vertex& b = quads[4 * static_cast<size_t>(q) + 2];
      const auto s = static_cast<float>(scale);
      const auto x0 = static_cast<size_t>(std::max(0.0f, a.x * s));
      const auto y0 = static_cast<size_t>(std::max(0.0f, a.y * s));
      const size_t x1 = std::min(strip.width, static_cast<size_t>(std::ceil(b.x * s)));
      const size_t y1 = std::min(strip.height, static_cast<size_t>(std::ceil(b.y * s)));
      for (size_t y = y0; y < y1; ++y) {
        std::fill_n(&strip.pixels[(y * strip.width + std::min(x0, x1)) * 3],
                    (x1 - std::min(x0, x1)) * 3, uint8_t{235});
      }
    }
  }
  return strip;
}

}  // namespace convscope

// A caption strip for figures written to files (the CLI's PNGs): light text on a dark band, in
// stb_easy_font's built-in pixel font (printable ASCII), so no font file is needed.
#pragma once

#include <cstddef>
#include <string>

#include "images/image.h"

namespace convscope {

// A `width`-wide strip with `text` (non-ASCII shown as '?') drawn at `scale` pixels per font
// pixel, in as many lines as it needs, broken at spaces (a word too long for a line is cut with
// "...").
RgbImage CaptionStrip(const std::string& text, size_t width, size_t scale = 1);

}  // namespace convscope

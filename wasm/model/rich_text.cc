#include "rich_text.h"

#include <algorithm>

namespace convscope::rich_text {
namespace {

// rich's divide_line: where a text breaks to fit `width`, word by word (a word keeps the spaces
// after it); a word longer than the width is cut into width pieces (fold) or kept whole.
std::vector<size_t> Breaks(const Text& text, size_t width, bool fold) {
  std::vector<size_t> breaks;
  size_t line = 0;  // cells used on the current line
  for (size_t start = 0, end; start < text.size(); start = end) {
    end = start;
    while (end < text.size() && IsSpace(text[end])) ++end;
    if (end == text.size()) break;  // no word: trailing spaces stay where they are
    while (end < text.size() && !IsSpace(text[end])) ++end;
    size_t word = end - start;  // without the spaces after it
    while (end < text.size() && IsSpace(text[end])) ++end;
    if (line + word <= width) {
      line += end - start;
    } else if (word > width && fold) {
      for (size_t at = start; at < end; at += width) {  // the spaces after it count here
        if (at > 0) breaks.push_back(at);
        line = end - at;
      }
    } else if (word > width || (line > 0 && start > 0)) {
      if (start > 0) breaks.push_back(start);
      line = end - start;
    }
  }
  return breaks;
}

// rich's Text.wrap: break, then drop spaces beyond the width at each line's end.
std::vector<Text> Wrap(const Text& text, size_t width, bool fold) {
  std::vector<Text> lines;
  size_t from = 0;
  for (const size_t at : Breaks(text, width, fold)) {
    lines.push_back(text.substr(from, at - from));
    from = at;
  }
  lines.push_back(text.substr(from));
  for (Text& line : lines) {
    size_t spaces = 0;
    while (spaces < line.size() && IsSpace(line[line.size() - 1 - spaces])) ++spaces;
    if (line.size() > width) line.resize(line.size() - std::min(spaces, line.size() - width));
  }
  return lines;
}

}  // namespace

// Python's str.isspace(), which is also what rich's word regex (\s) calls a space.
bool IsSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

// Keras' names are Python strings, so valid UTF-8 here.
Text Decode(std::string_view s) {
  Text out;
  for (const char byte : s) {
    const auto b = static_cast<unsigned char>(byte);
    if ((b & 0xC0) == 0x80 && !out.empty()) {
      out.back() = out.back() << 6 | (b & 0x3F);  // a continuation byte
    } else {
      out += b >= 0xF0 ? b & 0x07 : b >= 0xE0 ? b & 0x0F : b >= 0xC0 ? b & 0x1F : b;
    }
  }
  return out;
}

std::string Encode(const Text& text) {
  std::string out;
  for (const char32_t c : text) {
    const int extra = c < 0x80 ? 0 : c < 0x800 ? 1 : c < 0x10000 ? 2 : 3;
    out += static_cast<char>((extra == 0 ? 0 : (0xFF00 >> (extra + 1)) & 0xFF) | c >> 6 * extra);
    for (int k = extra - 1; k >= 0; --k) out += static_cast<char>(0x80 | ((c >> 6 * k) & 0x3F));
  }
  return out;
}

// What rich shows of a name Keras 3 passes through rich.markup.escape() into markup: the name,
// except that a backslash right before a "[" that starts no tag is dropped (rich's render
// replaces "\[" in plain text), and a single trailing backslash shows doubled (escape() doubles
// it since rich 13.5). Escaped tags such as "[b]" show as written. (rich would also turn ":name:"
// emoji codes into emoji: not done here.)
std::string RichPlain(std::string_view s) {
  auto tag_start = [](char c) {
    return (c >= 'a' && c <= 'z') || c == '#' || c == '/' || c == '@';
  };
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t j = i;  // an escaped tag: backslashes, "[", a tag's first character, "]" before any "["
    while (j < s.size() && s[j] == '\\') ++j;
    const bool tag = j + 1 < s.size() && s[j] == '[' && tag_start(s[j + 1]);
    const size_t close = tag ? s.find_first_of("[]", j + 2) : std::string_view::npos;
    if (close != std::string_view::npos && s[close] == ']') {
      out += s.substr(i, close + 1 - i);
      i = close + 1;
      continue;
    }
    if (s[i] != '\\' || i + 1 == s.size() || s[i + 1] != '[') out += s[i];
    ++i;
  }
  return s.ends_with('\\') && !s.ends_with("\\\\") ? out + '\\' : out;
}

// One table cell's lines, `width` wide plus its padding of one space either side, as rich renders
// Keras' columns: words wrapped, a word too long ends in "…" (the column overflow "ellipsis").
std::vector<Text> Cell(const std::string& content, size_t width, bool right) {
  std::vector<Text> lines = Wrap(Decode(content), width, /*fold=*/false);
  for (Text& line : lines) {
    if (right) {
      while (!line.empty() && IsSpace(line.back())) line.pop_back();
    }
    if (line.size() > width) line = line.substr(0, width == 0 ? 0 : width - 1) + U"…";
    const Text pad(width - line.size(), U' ');
    line = U" " + (right ? pad + line : line + pad) + U" ";
  }
  return lines;
}

// console.print of a line of text: wrapped at the console width, long words folded.
std::string ConsoleLine(const std::string& text, size_t width) {
  std::string out;
  for (Text& line : Wrap(Decode(text), width, /*fold=*/true)) {
    if (line.size() > width) line.resize(width);
    out += Encode(line) + "\n";
  }
  return out;
}

}  // namespace convscope::rich_text

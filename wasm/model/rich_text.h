// Text as rich lays it out for Keras 3's summary (keras_summary_table.cc): names as rich's markup
// shows them, words wrapped into table cells and console lines. Characters count one cell each.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace convscope::rich_text {

// Text is handled as code points: Keras 2 cuts columns by Python string length and rich measures
// cells by characters (every character taken as one cell wide here).
using Text = std::u32string;

// Python's str.isspace(), which is also what rich's word regex (\s) calls a space.
bool IsSpace(char32_t c);
// UTF-8 (Keras' names are Python strings, so valid UTF-8) to code points, and back.
Text Decode(std::string_view s);
std::string Encode(const Text& text);
// What rich shows of a name Keras 3 passes through rich.markup.escape() into markup.
std::string RichPlain(std::string_view s);
// One table cell's lines, `width` wide plus its padding of one space either side: words wrapped,
// a word too long ends in "…"; `right` aligns them right.
std::vector<Text> Cell(const std::string& content, size_t width, bool right);
// console.print of a line of text: wrapped at the console width, long words folded; each line
// ends in "\n".
std::string ConsoleLine(const std::string& text, size_t width);

}  // namespace convscope::rich_text

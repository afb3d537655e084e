#include "model/keras_summary_table.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "rich_text.h"

namespace convscope {
namespace {

using rich_text::Cell;
using rich_text::ConsoleLine;
using rich_text::Decode;
using rich_text::Encode;
using rich_text::RichPlain;
using rich_text::Text;

enum class Style {
  kConvscope,   // convscope's table before it followed Keras versions
  kTfKeras210,  // keras/utils/layer_utils.py print_summary to 2.12 (read from 2.9 on)
  kTfKeras213,  // 2.13 and on, tf-keras too: aligned columns, no grouping, memory sizes
  kKeras300,    // keras/utils/summary_utils.py of 3.0.0 to 3.0.4: 84 columns, [.45, .84, 1]
  kKeras305,    // 3.0.5 and on: 88 columns, [.45, .80, 1]
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Python's str.strip() for the ASCII text of versions and shapes.
std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpaces = " \t\n\v\f\r\x1c\x1d\x1e\x1f";
  const size_t from = s.find_first_not_of(kSpaces);
  return from == std::string_view::npos ? ""
                                        : s.substr(from, s.find_last_not_of(kSpaces) + 1 - from);
}

// The leading "major.minor.patch" numbers, as in "3.0.5" or "2.15.0rc1"; absent parts are 0.
Style StyleFor(std::string_view version) {
  uint64_t part[3] = {0, 0, 0};
  size_t i = 0;
  version = Trim(version);
  for (int p = 0; p < 3; ++p) {
    const size_t from = i + (p > 0);  // past the dot
    if ((p > 0 && (i >= version.size() || version[i] != '.')) || from >= version.size() ||
        !IsDigit(version[from])) {
      if (p == 0) return Style::kConvscope;  // names no version
      break;
    }
    for (i = from; i < version.size() && IsDigit(version[i]); ++i) {
      part[p] = std::min<uint64_t>(part[p] * 10 + (version[i] - '0'), 1000000);
    }
  }
  if (part[0] == 3) return part[1] == 0 && part[2] < 5 ? Style::kKeras300 : Style::kKeras305;
  if (part[0] == 2) return part[1] >= 13 ? Style::kTfKeras213 : Style::kTfKeras210;
  return Style::kConvscope;
}

std::string Grouped(uint64_t n) {  // Python's "{:,}"
  std::string s = std::to_string(n);
  for (int at = static_cast<int>(s.size()) - 3; at > 0; at -= 3) s.insert(at, ",");
  return s;
}

// "(None, 26, 26, 32)" as the version prints it: Keras 3 joins the dimensions itself, so one
// dimension has no trailing comma, "(None)"; Keras 2 prints the Python tuple, and an input
// layer's list of one tuple. Dimensions are Python ints, so leading zeros go. Text that is no such
// tuple is printed as given.
std::string ShapeText(const KerasSummaryRow& row, Style style) {
  const bool keras2 = style == Style::kTfKeras210 || style == Style::kTfKeras213;
  const std::string_view s = Trim(row.output_shape);
  std::string out = "(";
  size_t rank = 0;
  bool ok = style != Style::kConvscope && s.size() >= 2 && s.front() == '(' && s.back() == ')';
  for (std::string_view rest = ok ? s.substr(1, s.size() - 2) : ""; ok;) {
    const size_t comma = rest.find(',');
    std::string_view dim = Trim(rest.substr(0, comma));
    if (dim.empty() && comma == std::string_view::npos) break;  // "(None,)" and "()"
    ok = dim == "None" || (!dim.empty() && std::all_of(dim.begin(), dim.end(), IsDigit));
    while (dim.size() > 1 && dim.front() == '0') dim.remove_prefix(1);
    out += (rank++ > 0 ? ", " : "") + std::string(dim);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!ok) {  // as given; convscope's earlier table put an input layer's in brackets
    if (style == Style::kConvscope && row.class_name == "InputLayer") {
      return "[" + row.output_shape + "]";
    }
    return style == Style::kConvscope || keras2 ? row.output_shape : RichPlain(row.output_shape);
  }
  out += keras2 && rank == 1 ? ",)" : ")";
  return keras2 && row.class_name == "InputLayer" ? "[" + out + "]" : out;
}

struct Totals {
  uint64_t trainable = 0, non_trainable = 0, trainable_bytes = 0, non_trainable_bytes = 0;
};

Totals Sum(const std::vector<KerasSummaryRow>& rows) {
  Totals t;
  for (const KerasSummaryRow& r : rows) {
    const uint64_t trainable = std::min(r.trainable_params, r.params);
    const uint64_t bytes = std::min(
        r.weight_bytes,
        r.trainable_weight_bytes.value_or(
            r.params == 0 ? 0
                          : static_cast<unsigned __int128>(r.weight_bytes) * trainable / r.params));
    t.trainable += trainable;
    t.non_trainable += r.params - trainable;
    t.trainable_bytes += bytes;
    t.non_trainable_bytes += r.weight_bytes - bytes;
  }
  return t;
}

// Keras' readable_memory_size: divide by 1024 while the size is 1024 or more, print two decimals
// of the float. Python prints the float's exact value rounded half to even; done here on integers
// so that no printf can differ. Past the last unit Keras has divided once more: kept.
std::string ReadableSize(uint64_t bytes, bool keras3) {
  static constexpr const char* kUnits[2][6] = {{"Byte", "KB", "MB", "GB", "TB", "PB"},
                                               {"B", "KB", "MB", "GB", "TB", "PB"}};
  using Wide = unsigned __int128;
  const Wide value = static_cast<Wide>(static_cast<double>(bytes));  // Python's float of it
  int unit = 0;
  Wide scale = 1;
  for (; unit < 6 && value >= scale * 1024; ++unit) scale *= 1024;
  const Wide whole = value * 100 / scale, rest = value * 100 % scale;
  const Wide hundredths = whole + (rest * 2 > scale || (rest * 2 == scale && (whole & 1)));
  const std::string digits = std::to_string(static_cast<uint64_t>(hundredths / 100));
  const int cents = static_cast<int>(hundredths % 100);
  return digits + "." + static_cast<char>('0' + cents / 10) + static_cast<char>('0' + cents % 10) +
         " " + kUnits[keras3][std::min(unit, 5)];
}

// The lines under the table: Keras 3 indents them, adds the optimizer's weights (to the total,
// and a line of their own) and sizes; tf.keras 2.13 dropped the digit grouping and added sizes.
std::vector<std::string> TotalLines(const Totals& t, Style style, const KerasSummaryOptimizer* o) {
  const bool keras3 = style == Style::kKeras300 || style == Style::kKeras305;
  const uint64_t opt = o != nullptr ? o->params : 0, opt_bytes = o != nullptr ? o->bytes : 0;
  const char* labels[4] = {"Total", "Trainable", "Non-trainable", "Optimizer"};
  const uint64_t counts[4] = {t.trainable + t.non_trainable + opt, t.trainable, t.non_trainable,
                              opt};
  const uint64_t bytes[4] = {t.trainable_bytes + t.non_trainable_bytes + opt_bytes,
                             t.trainable_bytes, t.non_trainable_bytes, opt_bytes};
  std::vector<std::string> out;
  for (int i = 0; i < (o != nullptr ? 4 : 3); ++i) {
    const bool tf213 = style == Style::kTfKeras213;
    out.push_back(std::string(keras3 ? " " : "") + labels[i] +
                  " params: " + (tf213 ? std::to_string(counts[i]) : Grouped(counts[i])) +
                  (keras3 || tf213 ? " (" + ReadableSize(bytes[i], keras3) + ")" : ""));
  }
  return out;
}

std::string Rule(const std::vector<size_t>& widths, const char* left, const char* fill,
                 const char* cross, const char* right) {
  std::string out = left;
  for (size_t i = 0; i < widths.size(); ++i) {
    for (size_t k = 0; k < widths[i]; ++k) out += fill;
    out += i + 1 < widths.size() ? cross : right;
  }
  return out + "\n";
}

// Python's round(): halves to even.
int RoundHalfEven(double x) {
  const double f = std::floor(x);
  const double diff = x - f;
  if (diff > 0.5 || (diff == 0.5 && static_cast<int64_t>(f) % 2 != 0))
    return static_cast<int>(f) + 1;
  return static_cast<int>(f);
}

// "Connected to": each inbound tensor as name[node][tensor] (node and tensor 0: convscope refuses
// shared layers), Keras 3 joined by ", " ("-" for none), tf.keras 2 as the Python list of them.
std::string Connections(const KerasSummaryRow& r, bool keras3) {
  std::string s;
  for (const std::string& name : r.connected_to) {
    s += (s.empty() ? "" : ", ") + (keras3 ? name : "'" + name) + "[0][0]" + (keras3 ? "" : "'");
  }
  if (keras3) return s.empty() ? "-" : s;
  return "[" + s + "]";  // tf.keras prints the Python list
}

// Keras 3: a rich Table(width=line_length, show_lines=True) of fixed-width columns (three, or four
// for a graph), printed by a rich Console at the terminal's width.
std::string Keras3(const KerasSummaryModel& m, Style style, const Totals& t) {
  const int columns = std::max(m.terminal_columns, 40);
  const int line_length = std::min(m.graph                     ? 108
                                   : style == Style::kKeras300 ? 84
                                                               : 88,
                                   columns - 4);
  const bool early = style == Style::kKeras300;
  const std::vector<double> positions =
      m.graph ? std::vector<double>{0.3, 0.56, early ? 0.70 : 0.74, 1.0}
              : std::vector<double>{0.45, early ? 0.84 : 0.80, 1.0};
  // Each column is a fixed width plus rich's padding (1 + 1): together line_length + 2n, where the
  // borders leave line_length - n - 1. As nothing may shrink, rich's ratio_reduce takes the 3n + 1
  // from the columns in turn, Python's round(left / columns left): 3, 4, 3 for three columns.
  std::vector<size_t> widths;
  int used = 0;
  int excess = 3 * static_cast<int>(positions.size()) + 1;
  for (size_t i = 0; i < positions.size(); ++i) {
    const int w = static_cast<int>(positions[i] * line_length) - used;
    used += w;
    const int cut =
        RoundHalfEven(static_cast<double>(excess) / static_cast<double>(positions.size() - i));
    excess -= cut;
    widths.push_back(w + 2 - cut);
  }
  auto row = [&](const std::vector<std::string>& cells, const char* bar, bool header) {
    std::vector<std::vector<Text>> lines;
    size_t height = 1;
    for (size_t i = 0; i < cells.size(); ++i) {
      lines.push_back(Cell(cells[i], widths[i] < 2 ? 0 : widths[i] - 2, i == 2));
      height = std::max(height, lines.back().size());
    }
    for (size_t i = 0; i < cells.size(); ++i) {  // headers sit at the bottom, cells at the top
      const Text blank(widths[i], U' ');
      lines[i].insert(header ? lines[i].begin() : lines[i].end(), height - lines[i].size(), blank);
    }
    std::string out;
    for (size_t k = 0; k < height; ++k) {
      out += bar;
      for (size_t i = 0; i < cells.size(); ++i) out += Encode(lines[i][k]) + bar;
      out += "\n";
    }
    return out;
  };
  std::vector<std::string> header = {"Layer (type)", "Output Shape", "Param #"};
  if (m.graph) header.push_back("Connected to");
  std::string s = ConsoleLine("Model: \"" + RichPlain(m.name) + "\"", columns);
  s += Rule(widths, "┏", "━", "┳", "┓");
  s += row(header, "┃", true);
  s += Rule(widths, "┡", "━", "╇", "┩");
  bool first = true;
  for (const KerasSummaryRow& r : m.rows) {
    if (m.sequential && r.class_name == "InputLayer") continue;  // Sequential.layers omits it
    if (!first) s += Rule(widths, "├", "─", "┼", "┤");
    first = false;
    std::vector<std::string> cells = {RichPlain(r.name) + " (" + RichPlain(r.class_name) + ")",
                                      ShapeText(r, style), Grouped(r.params)};
    if (m.graph) cells.push_back(RichPlain(Connections(r, true)));
    s += row(cells, "│", false);
  }
  s += Rule(widths, "└", "─", "┴", "┘");
  for (const std::string& line : TotalLines(t, style, m.optimizer ? &*m.optimizer : nullptr)) {
    s += ConsoleLine(line, columns);
  }
  return s;
}

// tf.keras 2: print_row pads each field to its column stop (29, 55, 65 of 65 characters; a graph's
// "Connected to" table 98 wide), cutting what does not fit into further lines, early at the end
// of a tuple ("),") or of a list's string ("',"). Before 2.13 a first column's text could run one
// character into the next column.
std::string Keras2(const KerasSummaryModel& m, Style style, const Totals& t) {
  const bool aligned = style == Style::kTfKeras213;
  const size_t line_length = m.graph ? 98 : 65;
  // int(65 * [.45, .85, 1.]); a graph's int(98 * [.33, .55, .67, 1.]), from 2.13 [.3, .6, .7, 1.]
  const std::vector<size_t> stops = !m.graph  ? std::vector<size_t>{29, 55, 65}
                                    : aligned ? std::vector<size_t>{29, 58, 68, 98}
                                              : std::vector<size_t>{32, 53, 65, 98};
  std::string s;
  auto print_row = [&](const std::vector<std::string>& fields) {
    std::vector<Text> left;
    for (const std::string& f : fields) left.push_back(Decode(f));
    while (std::any_of(left.begin(), left.end(), [](const Text& x) { return !x.empty(); })) {
      Text line;
      for (size_t col = 0; col < stops.size(); ++col) {
        const bool last = col + 1 == stops.size();
        const size_t gap = last ? 0 : 2;
        size_t cutoff = stops[col] - (col > 0 ? stops[col - 1] : 0) - gap - (aligned && !last);
        Text piece = left[col].substr(0, cutoff);
        size_t earliest = Text::npos;
        for (const char32_t* mark : {U"),", U"},", U"],", U"',"}) {
          const size_t at = piece.find(mark);
          if (at != Text::npos) earliest = std::min(earliest, at + 2);
        }
        if (earliest != Text::npos) {
          cutoff = earliest;
          piece.resize(earliest);
        }
        line += (col == 0 ? U" " : U"") + piece + Text(gap, U' ');
        left[col] = left[col].substr(std::min(cutoff, left[col].size()));
        if (line.size() < stops[col]) line += Text(stops[col] - line.size(), U' ');
      }
      s += Encode(line) + "\n";
    }
  };
  s += "Model: \"" + m.name + "\"\n" + std::string(line_length, '_') + "\n";
  std::vector<std::string> header = {"Layer (type)", "Output Shape", "Param #"};
  if (m.graph) header.push_back("Connected to");
  print_row(header);
  s += std::string(line_length, '=') + "\n";
  for (const KerasSummaryRow& r : m.rows) {
    if (m.sequential && r.class_name == "InputLayer") continue;  // Sequential.layers omits it
    std::vector<std::string> fields = {r.name + " (" + r.class_name + ")", ShapeText(r, style),
                                       std::to_string(r.params)};
    if (m.graph) fields.push_back(Connections(r, false));
    print_row(fields);
    s += std::string(line_length, ' ') + "\n";  // every top-level layer is followed by a blank line
  }
  s += std::string(line_length, '=') + "\n";
  for (const std::string& line : TotalLines(t, style, nullptr)) s += line + "\n";
  return s + std::string(line_length, '_') + "\n";
}

// convscope's earlier table (model_summary.cc): fields padded to 29 and 55 with at least one
// space, an empty line between layers, every row shown.
std::string Convscope(const KerasSummaryModel& m, const Totals& t) {
  auto row = [](const std::string& name, const std::string& shape, const std::string& params) {
    std::string line = " " + name;
    line.resize(std::max<size_t>(line.size() + 1, 29), ' ');
    line += shape;
    line.resize(std::max<size_t>(line.size() + 1, 55), ' ');
    return line + params + "\n";
  };
  std::string s = "Model: \"" + m.name + "\"\n" + std::string(65, '_') + "\n";
  s += row("Layer (type)", "Output Shape", "Param #") + std::string(65, '=') + "\n";
  for (size_t i = 0; i < m.rows.size(); ++i) {
    const KerasSummaryRow& r = m.rows[i];
    if (i > 0) s += "\n";
    s += row(r.name + " (" + r.class_name + ")", ShapeText(r, Style::kConvscope),
             std::to_string(r.params));
  }
  s += std::string(65, '=') + "\n";
  for (const std::string& line : TotalLines(t, Style::kConvscope, nullptr)) s += line + "\n";
  return s + std::string(65, '_') + "\n";
}

}  // namespace

std::string KerasSummaryTable(const KerasSummaryModel& model) {
  const Style style = StyleFor(model.keras_version);
  const Totals totals = Sum(model.rows);
  switch (style) {
    case Style::kKeras300:
    case Style::kKeras305:
      return Keras3(model, style, totals);
    case Style::kTfKeras210:
    case Style::kTfKeras213:
      return Keras2(model, style, totals);
    case Style::kConvscope:
      break;
  }
  return Convscope(model, totals);
}

}  // namespace convscope

// Keras' model.summary() text for a chain or a graph of layers, as the Keras version that saved the
// model prints it: the rules of each version family are in keras_summary_table.cc; what they say
// and how they were checked, in tests/fixtures/summaries/README.md. Takes a plain description so
// that it depends on nothing else in convscope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace convscope {

// The terminal width Keras 3 lays its table out for when it cannot ask a terminal: Python's
// shutil.get_terminal_size() and rich both fall back to 80 columns (a script piped to a file or
// CI log, a Jupyter or Colab notebook), and Keras 3 takes min(its default, columns - 4), so the
// table is 76 characters wide, the one keras.io and most published summaries show.
inline constexpr int kKerasSummaryTerminalColumns = 80;

struct KerasSummaryRow {
  std::string name;          // "conv2d"
  std::string class_name;    // "Conv2D"; "InputLayer" marks a model's input layer
  std::string output_shape;  // "(None, 26, 26, 32)"; anything else is printed as given
  uint64_t params = 0;       // all of the layer's weights: BatchNormalization counts 4 per channel
  uint64_t trainable_params = 0;  // at most params; the rest count as non-trainable
  uint64_t weight_bytes = 0;      // bytes of all its weights (4 per float32 value)
  // Bytes of its trainable weights; unset means the layer's weights share one dtype, so
  // weight_bytes * trainable_params / params.
  std::optional<uint64_t> trainable_weight_bytes;
  // The layers it reads, in call order (a graph's "Connected to" column).
  std::vector<std::string> connected_to;
};

// Keras 3 adds "Optimizer params" (and counts them in the total) for a compiled model whose
// optimizer is built, as a model loaded with its optimizer state is.
struct KerasSummaryOptimizer {
  uint64_t params = 0;
  uint64_t bytes = 0;
};

struct KerasSummaryModel {
  std::string name;  // model.name
  // The Keras that saved the model: "3.13.2" (Keras 3), "2.10.0" or "2.15.0" (tf.keras or
  // tf-keras 2.x); "" or anything else keeps convscope's earlier table.
  std::string keras_version;
  bool sequential = false;  // a Sequential model; else a Functional one
  // A Functional that is no chain (a layer reads several): Keras adds the "Connected to" column.
  bool graph = false;
  // The model's layers in order, its InputLayer included when it has one: a Sequential model's
  // summary leaves it out, a Functional model's shows it.
  std::vector<KerasSummaryRow> rows;
  std::optional<KerasSummaryOptimizer> optimizer;  // Keras 3 only
  // Keras 3 only: the terminal the summary is printed in (taken as at least 40).
  int terminal_columns = kKerasSummaryTerminalColumns;
};

// The summary exactly as that Keras prints it to a file or notebook (no colour codes), every
// line ending in "\n".
std::string KerasSummaryTable(const KerasSummaryModel& model);

}  // namespace convscope

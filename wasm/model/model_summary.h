// Keras' model.summary() table for a model header, used by model_convert and (through Embind)
// the CLI and the page, so all three print the same thing.
#pragma once

#include <string>

#include "model_header.h"

namespace convscope {

// "1,234,567"
std::string WithThousands(uint64_t n);

// As the Keras version that saved the model prints it (keras_summary_table.h; the model as built,
// without the optimizer state a .keras file also holds).
std::string KerasSummary(const ModelHeader& header);

}  // namespace convscope

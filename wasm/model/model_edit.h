// Changes to a model file after conversion: the preprocessing the page asks the user to confirm
// (a Keras file does not say what its model was trained on). The header is rewritten, the weights
// kept as they are.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace convscope {

// `file` (a valid model file) with preprocessing `mode` (images/preprocess.h: PreprocessingFor).
Status WithPreprocessing(std::span<const uint8_t> file, const std::string& mode,
                         std::vector<uint8_t>* out);

}  // namespace convscope

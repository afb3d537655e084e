// model_convert on a convscope model file rather than a Keras one: the header alone is rewritten
// (today: --training-pictures), the weights kept as they are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace convscope::convert {

// Whether `path` is already a convscope model file (its magic).
bool IsModelFile(const std::string& path);

// The whole of `path`; the error names it.
Status ReadWholeFile(const std::string& path, std::vector<uint8_t>* out);

// `bytes` (a model file) with header.training_pictures from the JSON file `path`
// (model/training_pictures.h); an error names `path`.
Status AddTrainingPictures(const std::string& path, std::vector<uint8_t>* bytes);

}  // namespace convscope::convert

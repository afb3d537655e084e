// Changes to a model file after conversion: the preprocessing the page asks the user to confirm
// (a Keras file does not say what its model was trained on), its class names (a Keras file has
// none), and the statistics of the pictures it was trained on (model_convert --training-pictures).
// The header is rewritten, the weights kept as they are.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "base/status.h"

namespace convscope {

// `file` (a valid model file) with preprocessing `mode` (images/preprocess.h: PreprocessingFor).
Status WithPreprocessing(std::span<const uint8_t> file, const std::string& mode,
                         std::vector<uint8_t>* out);

// `file` with the class names in `text` (class_labels.h; `what` names it for messages), one per
// class of the model.
Status WithLabels(std::span<const uint8_t> file, const std::string& text, const std::string& what,
                  std::vector<uint8_t>* out);

// `file` with header.training_pictures set to `pictures` (model/training_pictures.h), checked
// against the model's input.
Status WithTrainingPictures(std::span<const uint8_t> file, const Json& pictures,
                            std::vector<uint8_t>* out);

}  // namespace convscope

// What a conversion decides beside the weights: the pixel preprocessing (given, or inferred from
// the model, with a note saying how) and the class names.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "keras_model_config.h"
#include "model/model_header.h"

namespace convscope::convert {

struct PreprocessingChoice {
  Preprocessing preprocessing;
  std::string note;       // how it was chosen, for the header and the page
  bool inferred = false;  // from the model itself (else a default the user should confirm)
};
// `mode` when given; otherwise inferred: raw when the model carries its own Rescaling or
// Normalization, caffe for VGG16 (keras.applications' layer names), else rescale (x / 255, what
// most tutorial models were trained on) with `inferred` false.
Status ChoosePreprocessing(const std::string& mode, const Architecture& arch,
                           PreprocessingChoice* out);

// The labels file `path`, or ImageNet's names for a 1000-class model (none otherwise): one per
// class.
Status LoadLabels(const std::string& path, size_t classes, std::vector<std::string>* labels);

}  // namespace convscope::convert

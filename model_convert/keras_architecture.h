// Where a Keras file's architecture comes from: its model_config (full-model files), or, for the
// weights-only VGG16 downloads that carry none, inferred from layer names and weight shapes.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "keras_file.h"
#include "layers/layer.h"

namespace convscope::convert {

struct Architecture {
  std::string name;           // "vgg16", or the model's own name
  std::string origin;         // how it was obtained, for the summary and the header
  std::vector<Layer> layers;  // shapes inferred
};

// A Sequential model, or a Functional one that is a single chain (VGG16 as Keras builds it).
Status ArchitectureFromModelConfig(const std::string& model_config, Architecture* out);

// VGG16 with top (fc1, fc2, predictions present) or without; layer widths and the input size are
// read from the weight shapes, so narrower variants with VGG16's layer names work too.
Status InferVgg16(const KerasFile& file, Architecture* out);

}  // namespace convscope::convert

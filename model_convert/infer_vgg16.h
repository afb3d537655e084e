// The architecture of a weights-only VGG16 file (the downloadable
// vgg16_weights_tf_dim_ordering_tf_kernels.h5, model.save_weights), which carries no config:
// inferred from its layer names and weight shapes.
#pragma once

#include "base/status.h"
#include "keras_file.h"
#include "keras_model_config.h"

namespace convscope::convert {

// VGG16 with top (fc1, fc2, predictions present) or without; layer widths and the input size are
// read from the weight shapes, so narrower variants with VGG16's layer names work too.
Status InferVgg16(const KerasFile& file, Architecture* out);

}  // namespace convscope::convert

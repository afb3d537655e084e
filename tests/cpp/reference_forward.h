// A naive forward pass (plain loops, double accumulation) over a model file's layers: ground truth
// for the engine. int8 weights are dequantized, so it is the reference for the f32 engine on any
// file.
#pragma once

#include <span>
#include <vector>

#include "model/model_file.h"

namespace convscope::testing {

// Activations of every layer (index 0: the input itself); the last layer's pre-softmax values go
// to `logits`.
std::vector<std::vector<float>> ReferenceForward(const ModelFile& model,
                                                 std::span<const float> input,
                                                 std::vector<float>* logits);

}  // namespace convscope::testing

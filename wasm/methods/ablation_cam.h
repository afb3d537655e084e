// Ablation-CAM (Desai & Ramaswamy 2020).
#pragma once

#include "method_info.h"

namespace convscope {

// At layer A = in.layer (h x w x k): y is the class score (logit), y_k the score with channel A_k
// set to zero and the rest of the model run again; the weights are (y - y_k) / |y| (the paper
// divides by y; its absolute value keeps a negative score from turning the map inside out), cam =
// ReLU(sum_k weight_k A_k). No gradient: one pass of the layers after A per channel (a channel
// that is zero everywhere has weight 0 and no pass of its own). Map and raw as Grad-CAM's; a
// part's raw: its channels' y_k.
Status AblationCam(const MethodInput& in, Explanation* out);
Status CombineAblationCam(const MethodInput& in, const PartResults& results, Explanation* out);

MethodInfo AblationCamMethod();

}  // namespace convscope

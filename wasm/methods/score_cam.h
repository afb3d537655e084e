// Score-CAM (Wang et al. 2020), as pytorch-grad-cam computes it.
#pragma once

#include "method_info.h"

namespace convscope {

// At layer A = in.layer (h x w x k): each channel A_k, bilinearly upsampled to the input size
// (corners aligned, as torch's UpsamplingBilinear2d) and min-max normalized to [0, 1], masks the
// preprocessed input (its 0 is the mean pixel); s_k is the class score (logit) of the masked
// input, the weights are softmax(s) over the channels, cam = ReLU(sum_k softmax(s)_k A_k). No
// gradient: one forward pass per channel (a channel that is the same everywhere masks the image to
// zeros, scored once). Map and raw as Grad-CAM's; a part's raw: its channels' s_k.
Status ScoreCam(const MethodInput& in, Explanation* out);
Status CombineScoreCam(const MethodInput& in, const PartResults& results, Explanation* out);

MethodInfo ScoreCamMethod();

}  // namespace convscope

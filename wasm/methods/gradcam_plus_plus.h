// Grad-CAM++ (Chattopadhay et al. 2018).
#pragma once

#include "method_info.h"

namespace convscope {

// At layer A = in.layer (h x w x k) with G = d score / d A, as pytorch-grad-cam computes it (the
// closed form of the paper's equation 19): a = G^2 / (2 G^2 + S_k G^3 + 1e-6) with S_k the sum of
// A_k over positions, a = 0 where G = 0; alpha_k = the sum over positions of ReLU(G_k) a;
// cam = ReLU(sum_k alpha_k A_k). Better than Grad-CAM where the class appears several times. Map
// and raw as Grad-CAM's.
Status GradCamPlusPlus(const MethodInput& in, Explanation* out);

MethodInfo GradCamPlusPlusMethod();

}  // namespace convscope

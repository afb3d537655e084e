// XGrad-CAM (Fu et al. 2020).
#pragma once

#include "method_info.h"

namespace convscope {

// At layer A = in.layer (h x w x k) with G = d score / d A: alpha_k = sum over positions of
// G_k * A_k / (sum over positions of A_k + 1e-7), cam = ReLU(sum_k alpha_k A_k) (pytorch-grad-cam's
// weights). Map and raw as Grad-CAM's.
Status XGradCam(const MethodInput& in, Explanation* out);

MethodInfo XGradCamMethod();

}  // namespace convscope

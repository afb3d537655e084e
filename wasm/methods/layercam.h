// Layer-CAM (Jiang et al. 2021).
#pragma once

#include "method_info.h"

namespace convscope {

// At layer A = in.layer (h x w x k) with G = d score / d A: cam = ReLU(sum_k ReLU(G_k) * A_k),
// element by element: each position weighted by its own positive gradient, which keeps the fine
// detail of shallow layers. Map and raw as Grad-CAM's.
Status LayerCam(const MethodInput& in, Explanation* out);

MethodInfo LayerCamMethod();

}  // namespace convscope

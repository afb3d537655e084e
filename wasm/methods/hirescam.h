// HiResCAM (Draelos & Carin 2020).
#pragma once

#include "method_info.h"

namespace convscope {

// At layer A = in.layer (h x w x k) with G = d score / d A: cam = ReLU(sum_k G_k * A_k), element by
// element, so that the map shows the locations the score is computed from (Grad-CAM's spatial
// mean of G can point elsewhere). Map and raw as Grad-CAM's.
Status HiResCam(const MethodInput& in, Explanation* out);

MethodInfo HiResCamMethod();

}  // namespace convscope

// Eigen-CAM (Muhammad & Yeasin 2020), as pytorch-grad-cam computes it.
#pragma once

#include "method_info.h"

namespace convscope {

// At layer A = in.layer (h x w x k), its h*w positions as rows of k values, centred (each channel's
// mean over the positions subtracted): cam = ReLU(the rows projected on the first principal
// component), the component's sign chosen so that the projection rises with the layer's total
// activation (the SVD leaves it open). Independent of the class: no gradient, no extra pass. Map
// and raw as Grad-CAM's.
Status EigenCam(const MethodInput& in, Explanation* out);

MethodInfo EigenCamMethod();

}  // namespace convscope

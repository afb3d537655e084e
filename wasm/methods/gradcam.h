// Grad-CAM (Selvaraju et al. 2017) and guided Grad-CAM.
#pragma once

#include "method_info.h"

namespace convscope {

// At layer A = in.layer (a Conv2D or pooling output, h x w x k): alpha_k = the spatial mean of
// d score / d A_k, cam = ReLU(sum_k alpha_k A_k). map: cam min-max normalized, then bilinearly
// upsampled to the input size (as pytorch-grad-cam); raw: cam itself, h x w, unnormalized.
Status GradCam(const MethodInput& in, Explanation* out);

// Guided backpropagation's map times the upsampled Grad-CAM map, renormalized.
Status GuidedGradCam(const MethodInput& in, Explanation* out);

MethodInfo GradCamMethod();
MethodInfo GuidedGradCamMethod();

}  // namespace convscope

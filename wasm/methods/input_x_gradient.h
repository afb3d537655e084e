// Input x gradient (Shrikumar et al. 2016; Captum's InputXGradient), measured from a baseline.
#pragma once

#include "method_info.h"

namespace convscope {

// (x - x0) * d score / d input at the image x, from the baseline x0 integrated gradients use
// ("black" or "blur"): one gradient, no extra pass. It is integrated gradients with one step, so
// its attributions add up to the score difference only where the network is linear along the
// path. map: sum over channels of |attribution|, min-max normalized. raw: the attribution,
// H x W x 3.
Status InputXGradient(const MethodInput& in, Explanation* out);

MethodInfo InputXGradientMethod();

}  // namespace convscope

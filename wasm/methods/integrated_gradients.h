// Integrated gradients (Sundararajan et al. 2017).
#pragma once

#include "method_info.h"

namespace convscope {

// (x - x0) * the mean of d score / d input at x0 + (k / m)(x - x0), k = 1..m (the right Riemann
// sum), from a baseline x0: "black" (a black image, preprocessed) or "blur" (the image blurred,
// Gaussian sigma = 1/16 of its shorter side). map: sum over channels of |attribution|, min-max
// normalized. raw: the attribution, H x W x 3.
Status IntegratedGradients(const MethodInput& in, Explanation* out);
// The undivided result from the parts' (MethodInput::parts).
Status CombineIntegratedGradients(const MethodInput& in, const PartResults& results,
                                  Explanation* out);

MethodInfo IntegratedGradientsMethod();

}  // namespace convscope

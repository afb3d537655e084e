// SmoothGrad (Smilkov et al. 2017).
#pragma once

#include "method_info.h"

namespace convscope {

// The mean of |d score / d input| over `samples` copies of the input with Gaussian noise of sigma
// = noise x (max - min of the preprocessed input); max over channels, min-max normalized.
// Deterministic for a seed (each sample's noise comes from mt19937 through Box-Muller, seeded from
// the seed and the sample's index: the same in every build and any split). raw: the mean
// |gradient|, H x W x 3.
Status SmoothGrad(const MethodInput& in, Explanation* out);
// The undivided result from the parts' (MethodInput::parts).
Status CombineSmoothGrad(const MethodInput& in, const PartResults& results, Explanation* out);

MethodInfo SmoothGradMethod();

}  // namespace convscope

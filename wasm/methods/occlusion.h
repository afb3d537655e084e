// Occlusion sensitivity (Zeiler & Fergus 2014): slide a patch over the image and record how much
// the class probability drops with each position covered.
#pragma once

#include "method_info.h"

namespace convscope {

// raw: the drop in the class's probability (its logit with the option score "logit", or when the
// model has no softmax) per patch position, rows x columns of positions; map: those drops
// bilinearly resampled from the patch centres to the input size, min-max normalized. The
// convolutions run incrementally (see incremental_forward.h) in f32, the dense head in the run's
// precision. Positions go coarse to fine (every 8th, 4th, 2nd, then all), with the map so far
// passed to MethodInput::partial after each level.
// A part (MethodInput::parts) computes the coarsest level if it is part 0 and every parts-th
// position of the finer ones, leaving the others NaN in raw; only a part that has made every
// position of a level passes its map on.
Status Occlusion(const MethodInput& in, Explanation* out);
// The undivided result from the parts' (their positions merged).
Status CombineOcclusion(const MethodInput& in, const PartResults& results, Explanation* out);

MethodInfo OcclusionMethod();

}  // namespace convscope

// Deletion and insertion (Petsiuk et al. 2018, RISE): the image's pixels taken away (replaced by a
// baseline), or put back into the baseline, in the map's order, most important first, in equal
// steps; the class probability after each step, and the area under that curve.
#pragma once

#include "metric_info.h"

namespace convscope {

MetricInfo DeletionMetric();
MetricInfo InsertionMetric();

}  // namespace convscope

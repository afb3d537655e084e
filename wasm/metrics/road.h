// ROAD, remove and debias (Rong et al. 2022; pytorch-grad-cam's ROADMostRelevantFirst and
// ROADLeastRelevantFirst): a growing share of the pixels, most (or least) relevant first, removed
// and filled by noisy linear imputation (linear_imputation.h) instead of a constant, so that the
// shape of what was removed does not itself change the prediction; the class probability at each
// share.
#pragma once

#include "metric_info.h"

namespace convscope {

MetricInfo RoadMostRelevantFirstMetric();
MetricInfo RoadLeastRelevantFirstMetric();

}  // namespace convscope

// Change in confidence (Chattopadhay et al. 2018's average drop; pytorch-grad-cam's
// CamMultImageConfidenceChange gives the raw difference): the image multiplied by the map (1 where
// the map is largest, 0 where it is smallest: the mean pixel after caffe's preprocessing, black
// after a rescaling) and the class probability of that.
#pragma once

#include "metric_info.h"

namespace convscope {

MetricInfo ConfidenceMetric();

}  // namespace convscope

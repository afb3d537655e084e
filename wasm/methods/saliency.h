// Gradient maps of a class score with respect to the input image.
#pragma once

#include "method_info.h"

namespace convscope {

// |d score / d input|, max over colour channels, min-max normalized (keras-vis, as the classic
// Keras tutorial used); optionally clipped at the 99th percentile first. raw: the signed gradient,
// H x W x 3 in the model's channel order.
Status VanillaSaliency(const MethodInput& in, Explanation* out);

// The same through guided backpropagation (negative gradients zeroed at every ReLU on the way
// back); map: the largest positive channel gradient. raw: the guided gradient, H x W x 3.
Status GuidedBackprop(const MethodInput& in, Explanation* out);

// The option every map built on guided or plain input gradients takes (guided Grad-CAM too).
OptionSpec Clip99Option();

MethodInfo SaliencyMethod();
MethodInfo GuidedBackpropMethod();

}  // namespace convscope

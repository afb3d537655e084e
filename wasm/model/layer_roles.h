// Which layers a view or method can use, by what they are (their kind's metadata and their
// output) rather than by their Keras class: the one place the core, and through the catalog and
// the summary the page, widget and CLI, choose layers.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "model_header.h"

namespace convscope {

// A height x width x channels output (feature maps, Grad-CAM, filter maximization).
bool HasSpatialOutput(const Layer& layer);
// Its kernel can be drawn as filters (Conv2D, SeparableConv2D).
bool HasFilters(const Layer& layer);

// The index among layer `index`'s weights of its kernel (the one an int8 file stores as int8:
// Conv2D's and Dense's kernel, SeparableConv2D's pointwise kernel; else a depthwise kernel,
// DepthwiseConv2D's, one filter per channel), if it has one.
std::optional<size_t> KernelWeight(const ModelHeader& header, size_t index);

// The layer Grad-CAM and its kin default to: the last layer (in running order) with a spatial
// output of more than one position — the one before the Flatten or global pooling; squeeze-and-
// excitation's 1 x 1 maps do not count — passing over pooling, dropout and reshaping layers,
// which only repeat what the layer before them holds (VGG16: block5_conv3; a Conv2D,
// BatchNormalization, Activation block: its Activation; ResNet50: conv5_block3_out; MobileNetV2:
// out_relu). 0 when no layer has a spatial output.
size_t DefaultCamLayer(const std::vector<LayerEntry>& layers);

}  // namespace convscope

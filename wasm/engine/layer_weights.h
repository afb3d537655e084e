// A layer's weights in the form the code that runs it takes; the storage must outlive what is built
// from it (XNNPACK packs a convolution's at creation, a Dense layer reads its own on every run).
#pragma once

#include <cstdint>
#include <span>

namespace convscope {

// Exactly one of kernel_f32 and kernel_int8 is set for Conv2D and Dense, neither for the others.
struct LayerWeights {
  std::span<const float> kernel_f32;    // OHWI or OI
  std::span<const int8_t> kernel_int8;  // OHWI or OI, with one scale per output channel:
  std::span<const float> scales;        // activations are quantized per image (qd8-f32-qc8w)
  std::span<const float> bias;          // empty when the layer has no bias
};

}  // namespace convscope

// One layer of a model as its own XNNPACK runtime, built once and reused for every image. The
// engine chains them: each reads the previous layer's output buffer and writes its own, so every
// activation stays available after a forward pass, each layer is timed, and a pass can stop (or,
// later, restart) at any layer.
#pragma once

#include <pthreadpool.h>

#include <cstdint>
#include <memory>
#include <span>

#include "layer.h"
#include "status.h"
#include "xnn_handles.h"

namespace convscope {

// A layer's weights in the form its runtime uses; the storage must outlive the runtime.
// Exactly one of kernel_f32 and kernel_int8 is set for Conv2D and Dense, neither for the others.
struct LayerWeights {
  std::span<const float> kernel_f32;    // OHWI or OI
  std::span<const int8_t> kernel_int8;  // OHWI or OI, with one scale per output channel:
  std::span<const float> scales;        // activations are quantized per image (qd8-f32-qc8w)
  std::span<const float> bias;          // empty when the layer has no bias
};

class LayerRuntime {
 public:
  // `input` holds the layer's input (shape `input_shape`), `output` receives its output; both
  // need XNN_EXTRA_BYTES of readable padding. For a Dense layer with softmax, `logits` receives the
  // values before the softmax (else it may be null).
  static Status Create(const Layer& layer, const Shape& input_shape, const LayerWeights& weights,
                       pthreadpool_t threadpool, float* input, float* output, float* logits,
                       std::unique_ptr<LayerRuntime>* out);

  Status Run() { return XnnCheck(xnn_invoke_runtime(runtime_.get()), "running a layer"); }

 private:
  RuntimePtr runtime_;
};

}  // namespace convscope

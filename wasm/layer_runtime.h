// A layer without weights (pooling, flatten) as its own XNNPACK runtime, built once and reused for
// every image. The engine chains the layers: each reads the previous layer's output buffer and
// writes its own, so every activation stays available after a forward pass, each layer is timed,
// and a pass can stop (or restart) at any layer. Convolutions are Conv2d (conv2d.h), Dense layers
// DenseLayer (dense_layer.h).
#pragma once

#include <pthreadpool.h>

#include <array>
#include <memory>

#include "layer.h"
#include "status.h"
#include "xnn_handles.h"

namespace convscope {

class LayerRuntime {
 public:
  // `input` holds the layer's input (shape `input_shape`), `output` receives its output; both
  // need XNN_EXTRA_BYTES of readable padding. Both null: the caller's buffers, given to RunBatch.
  static Status Create(const Layer& layer, const Shape& input_shape, pthreadpool_t threadpool,
                       float* input, float* output, std::unique_ptr<LayerRuntime>* out);

  // On the buffers given to Create.
  Status Run() { return XnnCheck(xnn_invoke_runtime(runtime_.get()), "running a layer"); }
  // Made without buffers: runs `batch` inputs of height x width with the channels of the input
  // shape given to Create (the occlusion trunk's batches of tiles, incremental_forward.h).
  Status RunBatch(const float* input, size_t batch, size_t height, size_t width, float* output);

 private:
  RuntimePtr runtime_;
  size_t channels_ = 0;
  std::array<size_t, 4> input_dims_{};  // what the runtime was last reshaped for
};

}  // namespace convscope

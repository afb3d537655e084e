// A layer without weights (pooling, flatten) as its own one-node XNNPACK runtime, built once and
// reused for every image. The engine runs the layers in order: each reads its inputs' output
// buffers and writes its own, so every activation stays available after a forward pass, each layer
// is timed, and a pass can stop (or restart) at any layer. The layer kind (layers/) defines the
// node; convolutions are Conv2d (conv2d.h), Dense layers DenseLayer (dense_layer.h).
#pragma once

#include <pthreadpool.h>

#include <array>
#include <memory>

#include "base/status.h"
#include "layers/layer.h"
#include "layers/layer_kind.h"
#include "xnn_handles.h"

namespace convscope {

// Defines the layer's node from `input_id` to `output_id` in `subgraph`; `input` is its input
// shape.
using DefineNode = Status (*)(xnn_subgraph_t subgraph, const Layer& layer, const Shape& input,
                              uint32_t input_id, uint32_t output_id);

class LayerRuntime {
 public:
  // `input` holds the layer's input (shape `input_shape`), `output` receives its output (shape
  // layer.output_shape); both need XNN_EXTRA_BYTES of readable padding. Both null: the caller's
  // buffers, given to RunBatch.
  static Status Create(const Layer& layer, const Shape& input_shape, DefineNode define,
                       pthreadpool_t threadpool, float* input, float* output,
                       std::unique_ptr<LayerRuntime>* out);

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

// A kind's forward builder (LayerKindOps::forward) for a layer that is one node.
template <DefineNode define>
Status ForwardByRuntime(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  std::unique_ptr<LayerRuntime> runtime;
  CONVSCOPE_RETURN_IF_ERROR(LayerRuntime::Create(*c.layer, c.input_shape(), define, c.threadpool,
                                                 c.input(), c.output, &runtime));
  *out = std::make_unique<RunsLayer<LayerRuntime>>(std::move(runtime));
  return Status::Ok();
}

}  // namespace convscope

// Runs a loaded model: per layer the runner its kind builds (layers/layer_kind.h: a Conv2d, a
// DenseLayer, a LayerRuntime or a pointwise operation), built once per (model, precision) and
// reused for every image. Keeps every layer's activation after a pass: one buffer per layer
// output (the layers' tensors), each runner reading the buffers of its inputs.
//
// A layer whose activation follows its own computation (Conv2D, SeparableConv2D, Dense) runs it
// fused where it is a plain ReLU; any other activation is applied by the engine after the runner,
// which then writes into a buffer of the values before the activation, kept for the backward pass
// (and the class scores before a softmax or sigmoid).
//
// Weights come from the model file in place whenever the precisions agree (f32 file -> f32 engine,
// int8 file -> int8 engine). Otherwise a convolution's weights are converted (dequantized or
// quantized) for XNNPACK to pack and the copy dropped; Dense layers run on convscope's own kernel
// (wasm/engine/dense_layer.h) from the file's weights: int8 ones dequantized on the fly in f32, f32
// ones quantized into a copy the engine keeps for int8. In int8, a layer with at most
// kMaxF32InputChannels input channels (VGG16's first convolution, on RGB; in slimmer models the
// narrow early ones), and grouped convolutions, run in f32: a small part of the work, and
// quantizing a narrow input per tensor is what costs the int8 maps most of their fidelity (on the
// default model, vanilla saliency's correlation with f32 rose from 0.945 to 0.968).
#pragma once

#include <pthreadpool.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/status.h"
#include "layer_weights.h"
#include "layers/layer_kind.h"
#include "model/model_file.h"
#include "quantize.h"

namespace convscope {

inline constexpr size_t kMaxF32InputChannels = 16;

class Engine {
 public:
  // `model` must outlive the engine.
  static Status Create(const ModelFile& model, Precision precision, pthreadpool_t threadpool,
                       std::unique_ptr<Engine>* out);
  ~Engine();

  Precision precision() const { return precision_; }
  // The preprocessed input image, NHWC: fill it, then Run.
  std::span<float> input() { return Buffer(0); }
  // Runs layers 1..last_layer (every layer by default); later layers keep their old outputs.
  Status Run(size_t last_layer = SIZE_MAX);
  // Runs layers `first`..`last` with layer first - 1's output replaced by `output`, every earlier
  // layer keeping its output of the last pass: what the rest of the model computes when one tensor
  // of that pass changes (Ablation-CAM zeroing a channel), whichever earlier tensors it reads.
  Status RunReplacing(size_t first, std::span<const float> output, size_t last = SIZE_MAX);
  // The first layer from which every layer up to the head's (model/head.h) reads only the layer
  // before it: where RunBatchFrom may start. The head's layer + 1 when there is none.
  size_t ChainStart() const;
  // Runs `copies` inputs of layer `first` (ChainStart() or later; each the size of layer
  // first - 1's output, one after another in `previous`) up to the head's layer and appends each
  // one's class scores to `scores` (copies x classes). Dense layers take all copies at once
  // (DenseLayer::RunBatch: their weights read once per batch), the others one after another. Each
  // copy's scores have the bits of RunReplacing on it alone. Overwrites the activations from first
  // - 1 on.
  Status RunBatchFrom(size_t first, std::span<const float> previous, size_t copies,
                      std::vector<float>* scores);

  // The output of layer `index` (index 0, the input layer, is the input itself) after Run.
  std::span<const float> activation(size_t index) const;
  // Layer `index`'s values before its activation where the engine keeps them (an activation other
  // than linear or a fused ReLU), else empty.
  std::span<const float> pre_activation(size_t index) const;
  // The class scores (model/head.h: before a softmax or sigmoid; [-z, z] for a binary sigmoid)
  // and their probabilities. Empty when the model's output is not a class vector.
  std::vector<float> scores() const;
  std::vector<float> probabilities() const;
  // How many passes (Run and RunReplacing) it has made: tests count them.
  size_t passes() const { return passes_; }
  // Milliseconds each layer took in the last Run (0 for the input layer).
  const std::vector<double>& layer_ms() const { return layer_ms_; }
  // Bytes of converted weights the engine keeps after creation (0 when all run in place).
  size_t owned_weight_bytes() const;

 private:
  Engine() = default;
  std::span<float> Buffer(size_t index);
  Status RunLayers(size_t first, size_t last);
  // Views the weights of layer `index` for its runtime, in place or converted into a scratch copy
  // (which only has to last until the runtime is built) or into int8_copies_.
  Status PrepareWeights(size_t index, const Shape& input_shape, LayerWeights* w,
                        std::vector<float>* f32_scratch, ChannelwiseInt8* int8_scratch);
  Status BuildLayer(size_t index, pthreadpool_t threadpool);
  static void BuildLayerTask(void* context, size_t index);

  const ModelFile* model_ = nullptr;
  Precision precision_ = Precision::kF32;
  std::vector<std::vector<float>> buffers_;          // one per layer, with XNN_EXTRA_BYTES padding
  std::vector<size_t> sizes_;                        // elements of each activation
  std::vector<std::vector<float>> pre_activations_;  // per layer, empty unless kept
  // Quantized weights of an f32 file that runners read on every run (Dense layers), per layer.
  std::vector<ChannelwiseInt8> int8_copies_;
  std::vector<std::unique_ptr<LayerForward>> runners_;      // per layer (none for the input layer)
  std::vector<std::unique_ptr<LayerForward>> activations_;  // per layer: the engine's activation
  std::vector<double> layer_ms_;
  size_t passes_ = 0;
};

}  // namespace convscope

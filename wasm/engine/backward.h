// Gradients of a class score through a model, for the explanation methods. XNNPACK only runs
// forward, so the backward pass is built here from the forward pass's stored activations: layer by
// layer from the scores back, each layer's activation function first (from its stored input or
// output), then its kind (layers/layer_kind.h) takes the gradient to its inputs, e.g.
//   Conv2D      a convolution of the output gradient with the kernel flipped in space and
//               transposed in channels, or XNNPACK's deconvolution (strides, dilation, groups)
//   Dense       W^T g, accumulated row by row over the nonzero output gradients
//   MaxPooling  each output gradient routed to its window's argmax (recomputed from the input)
//   pointwise kinds  scaled per channel (BatchNormalization) or through their function
// Gradients are kept per layer output (tensor); where several layers read one output, theirs are
// added in a fixed order (the layers' order), so a map has the same bits however it is computed.
// The score is a class's (model/head.h: the value before a softmax, a binary sigmoid's log-odds).
// Weights are the model's, dequantized for int8 files; activations are those of whichever engine
// ran the image.
#pragma once

#include <pthreadpool.h>

#include <memory>
#include <span>
#include <vector>

#include "base/status.h"
#include "engine.h"
#include "layers/layer_kind.h"
#include "model/model_file.h"

namespace convscope {

enum class BackwardMode {
  kPlain,   // the true gradient
  kGuided,  // guided backpropagation: negative gradients also zeroed at every ReLU-like function
};

class Backward {
 public:
  // `model` must outlive this object.
  Backward(const ModelFile& model, pthreadpool_t threadpool);
  ~Backward();

  // d(score of `class_index`) / d(output of layer `target`), after `engine` ran an image. Layer
  // 0's output is the preprocessed input. The result has the target layer's output shape.
  Status Gradient(const Engine& engine, size_t class_index, size_t target, BackwardMode mode,
                  std::vector<float>* gradient);

  // The same from any starting point: `gradient` holds d objective / d(layer `from`'s values
  // before its activation function — its output, for a kind without one — or, with
  // `at_output`, its output) on entry, and d objective / d(output of `target`) on return
  // (target < from).
  Status Propagate(const Engine& engine, size_t from, size_t target, BackwardMode mode,
                   std::vector<float>* gradient, bool at_output = false);

 private:
  const ModelFile& model_;
  pthreadpool_t threadpool_;
  // Builds the states of the layers after `target` up to `from` that have none yet (the
  // transposed convolutions XNNPACK packs: the first gradient's largest cost after the f32
  // engine's), one layer per task of the pool.
  Status PrepareStates(size_t target, size_t from);

  std::vector<std::unique_ptr<BackwardState>> states_;  // per layer, kept by its kind
  std::vector<float> scratch_;                          // shared by the layers' backward steps
};

}  // namespace convscope

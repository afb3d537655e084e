// A Dense layer run by convscope itself on the weights where they lie (the model file, in place).
// XNNPACK's fully-connected operator packs its own copy of the weights, and VGG16's Dense layers
// hold 89% of its parameters (fc1 alone is 98 MiB in int8): with the file's weights also kept for
// the inspector and the backward passes, that copy is what pushed int8 VGG16 past 300 MB. A
// batch-1 Dense layer is a matrix-vector product, bound by reading each weight once, so running it
// from the file's weights costs no speed the packed layout would win back.
//
// Three arithmetics, chosen by the engine:
//   f32 weights                   f32 products, f32 sums
//   int8 weights, int8 engine     the input quantized per image to int16 (one scale: 15 bits,
//                                 against XNNPACK's 8), exact int32 dot products, f32 scaling
//   int8 weights, f32 engine      each weight dequantized on the fly, f32 products and sums: the
//                                 f32 pass over the int8 weights that faithful gradients need
// Each output is one row's sum in a fixed order, whatever the thread count: threaded results equal
// single-threaded ones bit for bit.
#pragma once

#include <pthreadpool.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/status.h"
#include "layer_weights.h"
#include "layers/layer.h"

namespace convscope {

// Copies of an input a Dense layer reads each weight from memory once for (RunBatch).
inline constexpr size_t kMaxDenseCopies = 16;

class DenseLayer {
 public:
  // `weights` (OI layout) must outlive the layer; `int16_input` picks the int8 engine's
  // arithmetic for int8 weights; `relu` applies max(x, 0) to each output (any other activation
  // is the engine's to apply).
  static Status Create(const Layer& layer, size_t inputs, const LayerWeights& weights,
                       bool int16_input, bool relu, pthreadpool_t threadpool, const float* input,
                       float* output, std::unique_ptr<DenseLayer>* out);

  // On the input and output it was created with.
  Status Run();
  // On `copies` inputs one after another in `input`, their outputs one after another in `output`:
  // each weight is read from memory once per kMaxDenseCopies copies, and each copy's output has the
  // bits Run gives it alone.
  Status RunBatch(const float* input, size_t copies, float* output);

 private:
  DenseLayer() = default;
  // Quantizes the copies' inputs for the int16 arithmetic (when the layer uses it); false when one
  // cannot be (a NaN, an infinity or a denormal scale: the layer then runs the f32 pass over the
  // dequantized weights, which carries them through as an f32 layer would).
  bool Quantize(const float* input, size_t copies);
  // At most kMaxDenseCopies, after Quantize.
  void RunCopies(const float* input, size_t copies, float* output);
  static void RunRows(void* context, size_t begin, size_t count);

  LayerWeights weights_;
  bool relu_ = false;
  bool int16_input_ = false;
  size_t inputs_ = 0, units_ = 0;
  pthreadpool_t threadpool_ = nullptr;
  const float* bound_input_ = nullptr;
  float* bound_output_ = nullptr;
  // The run in progress, for RunRows.
  const float* input_ = nullptr;
  float* output_ = nullptr;
  size_t copies_ = 1;
  bool all_quantized_ = false;       // every copy quantized: the int16 arithmetic runs
  std::vector<int16_t> quantized_;   // copies x inputs, for int8 weights in the int8 engine
  std::vector<float> input_scales_;  // per copy
};

}  // namespace convscope

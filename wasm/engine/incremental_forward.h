// Runs copies of one image, each with its own box of the input overwritten, through the model's
// leading spatial layers (its trunk: the layers whose kind has a tile runner, layers/layer_kind.h,
// Conv2D and MaxPooling2D), recomputing for each copy only what its box can change. A change
// inside a box of one layer reaches at most that box grown by the next layer's window, so each
// layer recomputes one small tile per copy and takes everything else from the unmodified image's
// activations (incremental inference, as in Krypton, SIGMOD 2019). Tiles of a batch of copies
// share one size, so a batch is a single call per layer, on the layer's Conv2d or max pooling
// reshaped for it. The result equals recomputing every copy whole, which Run can also do (for
// tests and benchmarks).
//
// f32 throughout, int8 kernels dequantized: XNNPACK's int8 path quantizes activations per image,
// so a tile quantized on its own would not equal the same region of a whole-image pass.
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "base/status.h"
#include "layers/layer_kind.h"
#include "model/model_file.h"

namespace convscope {

// Rows [top, top + height) and columns [left, left + width) of one layer's output.
struct Box {
  size_t top = 0, left = 0, height = 0, width = 0;
};

class IncrementalForward {
 public:
  // Builds the trunk's operators and runs `image` (preprocessed, the model's input shape) through
  // it. `model` must outlive this object. An error when the model starts with no spatial layer.
  static Status Create(const ModelFile& model, std::span<const float> image,
                       pthreadpool_t threadpool, std::unique_ptr<IncrementalForward>* out);
  ~IncrementalForward();

  // The trunk's last layer: the one before the first layer whose kind has no tile runner, or
  // before a branch (the rest of the model reads only the trunk's last output).
  size_t last_layer() const;
  // The unmodified image's output of `layer` (0: the image itself) up to last_layer().
  std::span<const float> base(size_t layer) const;

  // Runs one copy of the image per box (non-empty, inside the input), the box set to `fill` in
  // every channel. `whole`: recompute every copy entirely (the naive way).
  Status Run(std::span<const Box> boxes, float fill, bool whole = false);
  // Copy `index`'s output of last_layer(), after Run.
  void Output(size_t index, std::span<float> out) const;

 private:
  struct Stage;
  IncrementalForward() = default;
  Status RunStage(size_t index, size_t copies, bool whole);

  const ModelFile* model_ = nullptr;
  pthreadpool_t threadpool_ = nullptr;
  std::vector<Stage> stages_;  // one per layer of the trunk, stages_[0] the input
  std::vector<float> gathered_;
};

}  // namespace convscope

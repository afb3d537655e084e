// The class scores of many changed copies of one tensor of the image's pass: occlusion's occluded
// images, Score-CAM's masked inputs, Ablation-CAM's layer with a channel zeroed. Each copy runs
// alone through the spatial layers; from where the model is a chain of flat layers to the scores
// (Flatten or global pooling, then Dense), copies run in batches (Engine::RunBatchFrom), which
// read each Dense weight once per batch and give every copy the bits it gets alone.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "model/model_header.h"

namespace convscope {

// Copies per batch, at most.
inline constexpr size_t kCopyBatch = 16;

class CopyScorer {
 public:
  // Copies of layer first - 1's output. Unbatched, every copy runs alone to the end (a check of the
  // batched path).
  CopyScorer(Engine* engine, const ModelHeader& header, size_t first, bool batched);

  // Appends the class scores (Engine::scores) of `n` copies, one after another in `copies`, to
  // `scores` (n x classes). Overwrites the engine's activations from layer first - 1 on. `ran`, if
  // given, is called with the number of copies that have run through the spatial layers after
  // each (so that a whole pass's progress and Cancel are not a batch apart); its error stops.
  Status Score(std::span<const float> copies, size_t n, std::vector<float>* scores,
               const std::function<Status(size_t ran)>& ran = nullptr);
  // How many copies a batch should hold: kCopyBatch, fewer where copies are large.
  size_t batch() const { return batch_; }
  // The first layer that runs on batches of copies, or 0.
  size_t batch_start() const { return tail_; }

 private:
  Engine* engine_;
  size_t first_, tail_ = 0, batch_ = 1, copy_size_ = 0;
  std::vector<float> tail_inputs_;
};

}  // namespace convscope

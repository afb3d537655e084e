// Engine::RunBatchFrom: many inputs through the chain of layers before the class scores, for the
// methods that score many perturbed copies of one image (occlusion). A batch-1 Dense layer reads
// every weight once per input; in a batch it reads each once per kMaxDenseCopies inputs.
#include <algorithm>
#include <string>

#include "engine.h"
#include "model/head.h"

namespace convscope {

size_t Engine::ChainStart() const {
  const auto& layers = model_->header().layers;
  const size_t end = model_->header().head.layer;
  size_t start = end + 1;
  while (start > 1 && layers[start - 1].layer.inputs == std::vector<size_t>{start - 2}) --start;
  return start;
}

Status Engine::RunBatchFrom(size_t first, std::span<const float> previous, size_t copies,
                            std::vector<float>* scores) {
  const Head& head = model_->header().head;
  if (head.kind == HeadKind::kNone || first < ChainStart() || first > head.layer) {
    return Status::Error("RunBatchFrom: layer " + std::to_string(first) +
                         " does not start a chain of layers to the class scores");
  }
  if (copies == 0 || previous.size() != copies * sizes_[first - 1]) {
    return Status::Error("RunBatchFrom: expected " + std::to_string(copies) + " inputs of " +
                         std::to_string(sizes_[first - 1]) + " values, got " +
                         std::to_string(previous.size()) + " values");
  }
  passes_ += copies;
  std::vector<float> current(previous.begin(), previous.end()), next, pre;
  for (size_t i = first; i <= head.layer; ++i) {
    const size_t in_size = sizes_[i - 1], size = sizes_[i];
    const bool keeps_pre = !pre_activations_[i].empty();
    next.resize(copies * size);
    pre.resize(keeps_pre ? copies * size : 0);
    // Copy b through the layer's own runner (or only its activation) on the engine's buffers.
    const auto one_copy = [&](size_t b, bool whole) {
      if (whole) {
        std::copy_n(current.begin() + static_cast<ptrdiff_t>(b * in_size), in_size,
                    buffers_[i - 1].begin());
        CONVSCOPE_RETURN_IF_ERROR(runners_[i]->Run());
        if (keeps_pre) {
          std::copy_n(pre_activations_[i].begin(), size,
                      pre.begin() + static_cast<ptrdiff_t>(b * size));
        }
      } else {
        std::copy_n(pre.begin() + static_cast<ptrdiff_t>(b * size), size,
                    pre_activations_[i].begin());
      }
      if (activations_[i]) CONVSCOPE_RETURN_IF_ERROR(activations_[i]->Run());
      std::copy_n(buffers_[i].begin(), size, next.begin() + static_cast<ptrdiff_t>(b * size));
      return Status::Ok();
    };
    const bool batched = runners_[i]->batches();
    if (batched) {
      CONVSCOPE_RETURN_IF_ERROR(
          runners_[i]->RunBatch(current.data(), copies, keeps_pre ? pre.data() : next.data()));
    }
    if (!batched || keeps_pre) {
      for (size_t b = 0; b < copies; ++b) CONVSCOPE_RETURN_IF_ERROR(one_copy(b, !batched));
    }
    std::swap(current, next);
  }
  const std::vector<float>& values = head.before_activation ? pre : current;
  const size_t size = sizes_[head.layer];
  for (size_t b = 0; b < copies; ++b) {
    const std::vector<float> s =
        ClassScores(head, std::span<const float>(values).subspan(b * size, size));
    scores->insert(scores->end(), s.begin(), s.end());
  }
  return Status::Ok();
}

}  // namespace convscope

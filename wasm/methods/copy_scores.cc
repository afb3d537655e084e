#include "copy_scores.h"

#include <algorithm>

namespace convscope {
namespace {

// A batch's copies together hold at most this many values (64 MB): Ablation-CAM at an early layer
// of a full-size model would otherwise hold 16 of its 224 x 224 x 64 maps.
constexpr size_t kMaxBatchValues = size_t{1} << 24;

}  // namespace

CopyScorer::CopyScorer(Engine* engine, const ModelHeader& header, size_t first, bool batched)
    : engine_(engine), first_(first) {
  const auto& layers = header.layers;
  copy_size_ = Elements(layers[first - 1].layer.output_shape);
  batch_ = std::clamp<size_t>(kMaxBatchValues / std::max<size_t>(copy_size_, 1), 1, kCopyBatch);
  // Batches start past the last spatial output, where copies are small and Dense layers begin.
  size_t flat = header.head.layer + 1;
  while (flat > 1 && layers[flat - 1].layer.output_shape.size() != 3) --flat;
  const size_t tail = std::max({first, engine->ChainStart(), flat});
  if (batched && header.head.kind != HeadKind::kNone && tail <= header.head.layer) tail_ = tail;
}

Status CopyScorer::Score(std::span<const float> copies, size_t n, std::vector<float>* scores,
                         const std::function<Status(size_t ran)>& ran) {
  const auto copy = [&](size_t i) { return copies.subspan(i * copy_size_, copy_size_); };
  const auto report = [&](size_t done) { return ran ? ran(done) : Status::Ok(); };
  if (tail_ == 0) {
    for (size_t i = 0; i < n; ++i) {
      CONVSCOPE_RETURN_IF_ERROR(engine_->RunReplacing(first_, copy(i)));
      const std::vector<float> s = engine_->scores();
      scores->insert(scores->end(), s.begin(), s.end());
      CONVSCOPE_RETURN_IF_ERROR(report(i + 1));
    }
    return Status::Ok();
  }
  if (tail_ == first_) {
    CONVSCOPE_RETURN_IF_ERROR(
        engine_->RunBatchFrom(tail_, copies.first(n * copy_size_), n, scores));
    return report(n);
  }
  tail_inputs_.clear();
  for (size_t i = 0; i < n; ++i) {
    CONVSCOPE_RETURN_IF_ERROR(engine_->RunReplacing(first_, copy(i), tail_ - 1));
    const std::span<const float> v = engine_->activation(tail_ - 1);
    tail_inputs_.insert(tail_inputs_.end(), v.begin(), v.end());
    CONVSCOPE_RETURN_IF_ERROR(report(i + 1));
  }
  return engine_->RunBatchFrom(tail_, tail_inputs_, n, scores);
}

}  // namespace convscope

#include "perturbed_copies.h"

#include <algorithm>
#include <numeric>

#include "methods/copy_scores.h"
#include "model/head.h"

namespace convscope {

Status CopyProbabilities(const MetricInput& in, size_t count, const MakeCopyFn& make,
                         std::vector<float>* probabilities) {
  CopyScorer scorer(in.engine, *in.header, 1, true);
  const size_t size = in.image.size();
  std::vector<float> copies(scorer.batch() * size), scores;
  for (size_t start = 0; start < count; start += scorer.batch()) {
    const size_t n = std::min(scorer.batch(), count - start);
    // A batch's copies are half its progress, its passes the other half: making a copy can take
    // as long as a pass (ROAD's imputation), and Cancel is heard between copies too.
    const auto at = [&](double done) {
      return ReportProgress(in.progress,
                            (static_cast<double>(start) + done / 2) / static_cast<double>(count));
    };
    for (size_t i = 0; i < n; ++i) {
      make(start + i, std::span<float>(copies).subspan(i * size, size));
      CONVSCOPE_RETURN_IF_ERROR(at(static_cast<double>(i + 1)));
    }
    scores.clear();
    const auto ran = [&](size_t done) { return at(static_cast<double>(n + done)); };
    CONVSCOPE_RETURN_IF_ERROR(scorer.Score(copies, n, &scores, ran));
    const size_t classes = scores.size() / n;
    for (size_t i = 0; i < n; ++i) {
      const std::span<const float> s = std::span<const float>(scores).subspan(i * classes, classes);
      probabilities->push_back(ClassProbabilities(in.header->head, s)[in.class_index]);
    }
  }
  return Status::Ok();
}

std::vector<size_t> PixelOrder(std::span<const float> map) {
  std::vector<size_t> order(map.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return map[a] > map[b]; });
  return order;
}

}  // namespace convscope

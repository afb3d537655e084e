#include "channel_passes.h"

#include <optional>
#include <string>

#include "copy_scores.h"

namespace convscope {

Status RunChannelPasses(const MethodInput& in, const CamInput& c, const ChannelPasses& passes,
                        Explanation* out) {
  const auto& layers = in.header->layers;
  if (in.header->head.kind == HeadKind::kNone) {
    return Status::Error(std::string(passes.label) +
                         " needs a model whose output is a vector of class scores");
  }
  const PassParts parts = PartsOf(in);
  CopyScorer scorer(in.engine, *in.header, passes.first, true);
  const size_t size = Elements(layers[passes.first - 1].layer.output_shape);
  std::vector<float> copies(scorer.batch() * size), scores, batch_scores;
  std::vector<size_t> waiting;  // the channels whose copies are in `copies`, not yet scored
  std::optional<float> shared;  // the shared copy's score, once made
  const auto score_of = [&](std::span<const float> s) { return s[in.class_index]; };
  scores.assign(parts.Count(c.k), 0.0f);
  size_t finished = 0;  // channels whose scores are known
  const auto report = [&](size_t more) {
    if (finished + more >= scores.size()) return Status::Ok();  // 1 is said at the end
    return ReportProgress(
        in.progress, static_cast<double>(finished + more) / static_cast<double>(scores.size()));
  };
  const auto run_batch = [&] {
    batch_scores.clear();
    CONVSCOPE_RETURN_IF_ERROR(scorer.Score(copies, waiting.size(), &batch_scores, report));
    const size_t classes = batch_scores.size() / waiting.size();
    for (size_t i = 0; i < waiting.size(); ++i) {
      scores[parts.IndexInPart(waiting[i])] =
          score_of(std::span<const float>(batch_scores).subspan(i * classes, classes));
    }
    finished += waiting.size();
    waiting.clear();
    return Status::Ok();
  };
  for (size_t k = 0; k < c.k; ++k) {
    if (!parts.Mine(k)) continue;
    std::span<float> slot = std::span<float>(copies).subspan(waiting.size() * size, size);
    if (passes.copy(k, slot)) {
      if (!shared) {
        batch_scores.clear();
        CONVSCOPE_RETURN_IF_ERROR(scorer.Score(slot, 1, &batch_scores));
        shared = score_of(batch_scores);
      }
      scores[parts.IndexInPart(k)] = *shared;
      ++finished;
      CONVSCOPE_RETURN_IF_ERROR(report(0));
    } else {
      waiting.push_back(k);
      if (waiting.size() == scorer.batch()) CONVSCOPE_RETURN_IF_ERROR(run_batch());
    }
  }
  if (!waiting.empty()) CONVSCOPE_RETURN_IF_ERROR(run_batch());
  CONVSCOPE_RETURN_IF_ERROR(ReportProgress(in.progress, 1.0));
  if (parts.parts == 1) {
    FinishCam(in, passes.method, c, WeightedChannels(c, passes.weights(scores)), out);
  } else {
    out->method = passes.method;
    out->raw_shape = {scores.size()};
    out->raw = std::move(scores);
  }
  return Status::Ok();
}

Status CombineChannelPasses(const MethodInput& in, const PartResults& results, const CamInput& c,
                            const ChannelPasses& passes, Explanation* out) {
  CONVSCOPE_RETURN_IF_ERROR(CheckPartResults(results, in.parts, c.k, 1));
  const PassParts parts = PartsOf(in);
  std::vector<float> scores(c.k);
  for (size_t k = 0; k < c.k; ++k) scores[k] = results[parts.PartOf(k)][parts.IndexInPart(k)];
  FinishCam(in, passes.method, c, WeightedChannels(c, passes.weights(scores)), out);
  return Status::Ok();
}

}  // namespace convscope

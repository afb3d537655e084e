#include "occlusion.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "copy_scores.h"
#include "engine/incremental_forward.h"
#include "images/image.h"
#include "images/resample.h"

namespace convscope {
namespace {

// Signed: zero (no effect) is the colormap's middle.
constexpr MapScale kScale = MapScale::kSigned;

struct Grid {
  size_t rows = 0, cols = 0;
  std::vector<float> drops;  // rows x cols
};

// Positions on multiples of `factor` (in rows and columns) not on those of a coarser level.
struct Level {
  size_t factor = 1;
  std::vector<size_t> positions;
};

// Patch positions ordered coarse to fine.
std::vector<Level> Levels(const Grid& g) {
  std::vector<size_t> factors;
  for (size_t f = 8; f > 1; f /= 2) {
    if ((g.rows - 1) / f >= 1 && (g.cols - 1) / f >= 1) factors.push_back(f);
  }
  factors.push_back(1);
  std::vector<Level> levels(factors.size());
  for (size_t k = 0; k < factors.size(); ++k) levels[k].factor = factors[k];
  for (size_t r = 0; r < g.rows; ++r) {
    for (size_t c = 0; c < g.cols; ++c) {
      size_t k = 0;
      while (r % factors[k] != 0 || c % factors[k] != 0) ++k;
      levels[k].positions.push_back(r * g.cols + c);
    }
  }
  return levels;
}

// The explanation of `grid`, in which only positions on multiples of `factor` are known yet.
void Describe(const MethodInput& in, const Grid& grid, size_t factor, Explanation* out) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  out->method = "occlusion";
  out->layer = 0;
  out->height = shape[0];
  out->width = shape[1];
  out->raw_shape = {grid.rows, grid.cols};
  out->raw.resize(grid.drops.size());
  for (size_t r = 0; r < grid.rows; ++r) {
    for (size_t c = 0; c < grid.cols; ++c) {
      out->raw[r * grid.cols + c] =
          grid.drops[(r / factor * factor) * grid.cols + c / factor * factor];
    }
  }
  // Position i's patch is centred on pixel i * stride + (patch - 1) / 2.
  const auto patch = static_cast<double>(in.options.Integer("patch"));
  const auto stride = static_cast<double>(in.options.Integer("stride"));
  const AxisMap axis{1.0 / stride, -(patch - 1) / 2.0 / stride};
  out->map = ResampleBilinear(out->raw, grid.rows, grid.cols, shape[0], shape[1], axis, axis);
  out->value_range = NormalizeMap(out->map, kScale);
  const std::string score = in.options.Choice("score") == "logit" ? "logit" : "probability";
  out->value = "drop in the class " + score + " when a patch hides the spot: negative where " +
               "hiding it raised the " + score;
}

// Which part makes a position, by its place in coarse-to-fine order: the coarsest level all in
// part 0 (so that it shows the first map as soon as undivided occlusion would), the rest in turns.
size_t OwnerOf(const std::vector<Level>& levels, size_t order, size_t parts) {
  const size_t first = levels.front().positions.size();
  return order < first ? 0 : (order - first) % parts;
}

// The catalog checked both are at least 1; the model's input bounds them above.
Status CheckPatch(const MethodInput& in) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  const size_t side = std::min(shape[0], shape[1]);
  for (const char* name : {"patch", "stride"}) {
    if (in.options.Integer(name) > side) {
      return Status::Error(std::string("the occlusion ") + name + " must be 1 to " +
                           std::to_string(side) + " pixels, got " +
                           std::to_string(in.options.Integer(name)));
    }
  }
  return Status::Ok();
}

// How the copies run, for the result (Explanation::computation): the incremental trunk ends at
// layer `trunk`, the rest runs whole from `head` on, on batches of copies from `tail` on (0: one
// copy at a time).
std::string HowItRuns(const std::vector<LayerEntry>& layers, size_t trunk, size_t head,
                      size_t tail) {
  const auto name = [&](size_t i) { return layers[i].layer.name; };
  std::string s = trunk > 0 ? "incremental through " + name(trunk)
                            : "no incremental layers (the first layer runs no tiles)";
  if (tail != head) {
    s += "; whole passes one copy at a time from " + name(head);
  }
  if (tail > 0) {
    s += "; " + std::string(tail == head ? "then " : "from ") + name(tail) + " on, " +
         std::to_string(kCopyBatch) + " copies at a time";
  }
  return s;
}

// Valid after CheckPatch.
Grid GridOf(const MethodInput& in) {
  const Shape& shape = in.header->layers.front().layer.output_shape;
  const size_t patch = in.options.Integer("patch"), stride = in.options.Integer("stride");
  Grid grid;
  grid.rows = (shape[0] - patch) / stride + 1;
  grid.cols = (shape[1] - patch) / stride + 1;
  return grid;
}

}  // namespace

Status Occlusion(const MethodInput& in, Explanation* out) {
  const auto& layers = in.header->layers;
  CONVSCOPE_RETURN_IF_ERROR(CheckPatch(in));
  if (in.header->head.kind == HeadKind::kNone) {
    return Status::Error("occlusion needs a model whose output is a vector of class scores");
  }
  std::unique_ptr<IncrementalForward> trunk;
  CONVSCOPE_RETURN_IF_ERROR(IncrementalForward::Create(*in.model, in.image, in.threadpool, &trunk));
  const size_t head = trunk->last_layer() + 1;
  if (head >= layers.size()) {
    return Status::Error("occlusion needs dense layers after the convolutions");
  }
  const Head& model_head = in.header->head;
  const bool logit = in.options.Choice("score") == "logit", naive = in.options.Boolean("naive");
  const size_t patch = in.options.Integer("patch"), stride = in.options.Integer("stride");
  const auto fill = static_cast<float>(in.options.Number("fill"));
  const auto value_of = [&](std::span<const float> scores) {
    return logit ? scores[in.class_index] : ClassProbabilities(model_head, scores)[in.class_index];
  };
  CopyScorer scorer(in.engine, *in.header, head, !naive);
  std::vector<float> scores;
  CONVSCOPE_RETURN_IF_ERROR(scorer.Score(trunk->base(head - 1), 1, &scores));
  const float base_score = value_of(scores);
  const std::string computation =
      naive ? "every copy recomputed whole, one at a time (naive)"
            : HowItRuns(layers, trunk->last_layer(), head, scorer.batch_start());

  Grid grid = GridOf(in);
  // A part leaves the positions of other parts NaN.
  grid.drops.assign(grid.rows * grid.cols, in.parts == 1 ? 0.0f : NAN);
  const size_t batch = naive ? 1 : kCopyBatch;
  const size_t trunk_size = trunk->base(head - 1).size();
  std::vector<float> occluded(batch * trunk_size);
  std::vector<Box> boxes;
  const std::vector<Level> levels = Levels(grid);
  size_t total = 0, order = 0;
  std::vector<std::vector<size_t>> mine(levels.size());  // this part's positions, per level
  for (size_t k = 0; k < levels.size(); ++k) {
    for (size_t p : levels[k].positions) {
      if (OwnerOf(levels, order++, in.parts) == in.part) mine[k].push_back(p);
    }
    total += mine[k].size();
  }
  size_t done = 0;
  bool complete = true;  // every position of the levels so far is this part's
  for (size_t k = 0; k < levels.size(); ++k) {
    const std::vector<size_t>& positions = mine[k];
    complete = complete && positions.size() == levels[k].positions.size();
    for (size_t start = 0; start < positions.size(); start += batch) {
      const size_t n = std::min(batch, positions.size() - start);
      boxes.clear();
      for (size_t i = 0; i < n; ++i) {
        const size_t p = positions[start + i];
        boxes.push_back({p / grid.cols * stride, p % grid.cols * stride, patch, patch});
      }
      CONVSCOPE_RETURN_IF_ERROR(trunk->Run(boxes, fill, naive));
      for (size_t i = 0; i < n; ++i) {
        trunk->Output(i, std::span<float>(occluded).subspan(i * trunk_size, trunk_size));
      }
      scores.clear();
      CONVSCOPE_RETURN_IF_ERROR(scorer.Score(occluded, n, &scores));
      const size_t classes = scores.size() / n;
      for (size_t i = 0; i < n; ++i) {
        grid.drops[positions[start + i]] =
            base_score - value_of(std::span<const float>(scores).subspan(i * classes, classes));
      }
      done += n;
      CONVSCOPE_RETURN_IF_ERROR(
          ReportProgress(in.progress, static_cast<double>(done) / static_cast<double>(total)));
    }
    if (k + 1 < levels.size() && in.partial && complete) {
      Explanation so_far;
      Describe(in, grid, levels[k].factor, &so_far);
      so_far.class_index = in.class_index;
      so_far.computation = computation;
      if (!in.partial(so_far)) return Status::Error("cancelled");
    }
  }
  if (in.parts == 1) {
    Describe(in, grid, 1, out);
  } else {
    out->method = "occlusion";
    out->raw_shape = {grid.rows, grid.cols};
    out->raw = std::move(grid.drops);
  }
  out->computation = computation;
  return Status::Ok();
}

Status CombineOcclusion(const MethodInput& in, const PartResults& results, Explanation* out) {
  CONVSCOPE_RETURN_IF_ERROR(CheckPatch(in));
  Grid grid = GridOf(in);
  const size_t cells = grid.rows * grid.cols;
  if (results.size() != in.parts) {
    return Status::Error("combining needs the results of all " + std::to_string(in.parts) +
                         " parts, got " + std::to_string(results.size()));
  }
  for (const std::span<const float>& r : results) {
    if (r.size() != cells) {
      return Status::Error("an occlusion part has " + std::to_string(r.size()) +
                           " positions, expected " + std::to_string(cells) +
                           ": was it made with the same patch and stride?");
    }
  }
  grid.drops.resize(cells);
  const std::vector<Level> levels = Levels(grid);
  size_t order = 0;
  for (const Level& level : levels) {
    for (size_t p : level.positions) grid.drops[p] = results[OwnerOf(levels, order++, in.parts)][p];
  }
  Describe(in, grid, 1, out);
  return Status::Ok();
}

// Preprocessed pixels are within a few hundred of 0 (caffe: -124 to 152); far larger values only
// overflow the arithmetic (1e300 became inf and a NaN map).
constexpr double kMaxFill = 1e6;

MethodInfo OcclusionMethod() {
  return {.name = "occlusion",
          .label = "Occlusion",
          .help =
              "How much the class probability drops when a grey patch hides each spot: slow but "
              "model-agnostic. Coarse positions come first.",
          .needs_layer = false,
          .reruns_forward = true,
          .uses_gradients = false,
          .run = &Occlusion,
          .combine = &CombineOcclusion,
          .value =
              "drop in the class probability (or logit: the score option) when a patch hides the "
              "spot: negative where hiding it raised it",
          .scale = kScale,
          .options = {
              IntegerOption("patch", 15, 1, kMaxImageSide, "pixels",
                            "Side of the square patch that hides part of the image."),
              IntegerOption("stride", 8, 1, kMaxImageSide, "pixels",
                            "Step between patch positions: smaller is finer and slower."),
              NumberOption("fill", 0, -kMaxFill, kMaxFill, "",
                           "The patch's value after preprocessing: 0 is the mean pixel."),
              ChoiceOption("score", {"probability", "logit"},
                           "What the drop is measured in: the class probability or its logit."),
              BooleanOption("naive", false,
                            "Recompute every occluded image whole, not only what the patch changes "
                            "(slower: a check of the fast path).")}};
}

}  // namespace convscope

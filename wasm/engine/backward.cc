#include "backward.h"

#include <algorithm>
#include <string>

#include "layers/pointwise.h"
#include "model/head.h"

namespace convscope {
namespace {

// The gradient through a layer's activation function, from its stored values before the function
// (or its output, where that tells the derivative); ranges of whole rows on the pool's threads
// (element-wise within a row, so any split gives the same values).
struct ActivationTask {
  const ActivationFn* f;
  std::span<const float> x, y;
  size_t channels;
  bool guided;
  float* g;
};

void ActivationRange(void* context, size_t begin, size_t count) {
  const auto& t = *static_cast<const ActivationTask*>(context);
  const size_t first = begin * t.channels, n = count * t.channels;
  ActivationGradient(*t.f, t.x.subspan(first, n), t.y.subspan(first, n), t.channels, t.guided,
                     {t.g + first, n});
}

void ActivationBackward(const Layer& l, const Engine& engine, size_t index, BackwardMode mode,
                        std::vector<float>* g, pthreadpool_t threadpool) {
  if (!KindOps(l.kind).has_activation || l.activation.linear()) return;
  const std::span<const float> y = engine.activation(index);
  const std::span<const float> before = engine.pre_activation(index);
  const size_t channels = ChannelsOf(l.output_shape);
  ActivationTask task{&l.activation, before.empty() ? y : before,   y,
                      channels,      mode == BackwardMode::kGuided, g->data()};
  const size_t rows = std::max<size_t>(1, 16384 / channels);
  pthreadpool_parallelize_1d_tile_1d(threadpool, ActivationRange, &task, g->size() / channels, rows,
                                     /*flags=*/0);
}

void Accumulate(std::vector<float>&& g, std::vector<float>* into) {
  if (into->empty()) {
    *into = std::move(g);
    return;
  }
  for (size_t i = 0; i < into->size(); ++i) (*into)[i] += g[i];
}

// Backward::PrepareStates' layers, one per task of the pool.
struct StateTask {
  const ModelFile* model;
  pthreadpool_t threadpool;
  const std::vector<size_t>* layers;
  std::vector<std::unique_ptr<BackwardState>>* states;
  std::vector<Status> statuses;  // per entry of `layers`
};

void BuildState(void* context, size_t k) {
  auto& t = *static_cast<StateTask*>(context);
  const size_t i = (*t.layers)[k];
  const auto& build = KindOps(t.model->header().layers[i].layer.kind).backward_state;
  t.statuses[k] = build(*t.model, i, t.threadpool, &(*t.states)[i]);
}

}  // namespace

Status Backward::PrepareStates(size_t target, size_t from) {
  const auto& layers = model_.header().layers;
  // Only the layers the gradient crosses: those that `target` leads to (a graph's other branches
  // keep building theirs when a gradient first reaches them).
  std::vector<bool> reached(from + 1, false);
  reached[target] = true;
  std::vector<size_t> missing;
  for (size_t i = target + 1; i <= from; ++i) {
    for (size_t in : layers[i].layer.inputs) reached[i] = reached[i] || reached[in];
    if (reached[i] && !states_[i] && KindOps(layers[i].layer.kind).backward_state != nullptr) {
      missing.push_back(i);
    }
  }
  StateTask task{&model_, threadpool_, &missing, &states_,
                 std::vector<Status>(missing.size(), Status::Ok())};
  pthreadpool_parallelize_1d(threadpool_, BuildState, &task, missing.size(), /*flags=*/0);
  for (const Status& s : task.statuses) CONVSCOPE_RETURN_IF_ERROR(s);
  return Status::Ok();
}

Backward::Backward(const ModelFile& model, pthreadpool_t threadpool)
    : model_(model), threadpool_(threadpool), states_(model.header().layers.size()) {}

Backward::~Backward() = default;

Status Backward::Gradient(const Engine& engine, size_t class_index, size_t target,
                          BackwardMode mode, std::vector<float>* gradient) {
  const ModelHeader& h = model_.header();
  const Head& head = h.head;
  if (head.kind == HeadKind::kNone) {
    return Status::Error("gradients need a model whose output is a vector of class scores");
  }
  if (class_index >= head.classes) {
    return Status::Error("class " + std::to_string(class_index) +
                         " is out of range: the model has " + std::to_string(head.classes) +
                         " classes");
  }
  if (target >= h.layers.size()) return Status::Error("no layer " + std::to_string(target));
  if (target > head.layer || (target == head.layer && head.before_activation)) {
    return Status::Error("layer " + h.layers[target].layer.name +
                         " comes after the class scores: no gradient reaches it");
  }
  *gradient = ScoreGradient(head, h.layers[head.layer].layer.output_shape[0], class_index);
  if (target == head.layer) return Status::Ok();
  return Propagate(engine, head.layer, target, mode, gradient,
                   /*at_output=*/!head.before_activation);
}

Status Backward::Propagate(const Engine& engine, size_t from, size_t target, BackwardMode mode,
                           std::vector<float>* gradient, bool at_output) {
  const auto& layers = model_.header().layers;
  if (target >= from || from >= layers.size()) {
    return Status::Error("a gradient goes from a later layer to an earlier one");
  }
  CONVSCOPE_RETURN_IF_ERROR(PrepareStates(target, from));
  // Below, grads[i] is the gradient with respect to layer i's output, except at `from` (unless
  // at_output), where it is with respect to the values before its activation function.
  std::vector<std::vector<float>> grads(from + 1);
  grads[from] = std::move(*gradient);
  std::vector<std::vector<float>> more;
  for (size_t i = from; i > target; --i) {
    if (grads[i].empty()) continue;  // no path from the scores through this layer
    std::vector<float> g = std::move(grads[i]);
    const Layer& l = layers[i].layer;
    if (i != from || at_output) ActivationBackward(l, engine, i, mode, &g, threadpool_);
    BackwardContext context{.model = &model_,
                            .index = i,
                            .layer = &l,
                            .input_shapes = {},
                            .inputs = {},
                            .output = engine.activation(i),
                            .guided = mode == BackwardMode::kGuided,
                            .threadpool = threadpool_,
                            .state = &states_[i],
                            .scratch = &scratch_,
                            .more_gradients = &more};
    for (size_t input : l.inputs) {
      context.input_shapes.push_back(&layers[input].layer.output_shape);
      context.inputs.push_back(engine.activation(input));
    }
    more.clear();
    if (const LayerKindOps& ops = KindOps(l.kind); ops.backward != nullptr) {
      CONVSCOPE_RETURN_IF_ERROR(ops.backward(context, &g));
    } else if (g.size() != context.input().size()) {
      // Passing the gradient on is right only for a reshape: a kind that changes the size and has
      // no backward step is a missing entry, not a gradient.
      return Status::Error("layer " + l.name + " has no backward step (docs/layers.md)");
    }
    Accumulate(std::move(g), &grads[l.inputs[0]]);
    for (size_t k = 0; k < more.size(); ++k)
      Accumulate(std::move(more[k]), &grads[l.inputs[k + 1]]);
  }
  if (grads[target].empty()) {
    return Status::Error("layer " + layers[target].layer.name +
                         " does not lead to the class scores: no gradient reaches it");
  }
  *gradient = std::move(grads[target]);
  return Status::Ok();
}

}  // namespace convscope

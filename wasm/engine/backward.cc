#include "backward.h"

#include <algorithm>
#include <string>

namespace convscope {
namespace {

// The gradient through an activation, from the layer's stored output; ranges of elements on the
// pool's threads (element-wise, so any split gives the same values).
struct ActivationTask {
  std::span<const float> output;
  BackwardMode mode;
  float* g;
};

void ActivationRange(void* context, size_t begin, size_t count) {
  const auto& t = *static_cast<const ActivationTask*>(context);
  for (size_t i = begin; i < begin + count; ++i) {
    float& v = t.g[i];
    if (t.output[i] <= 0 || (t.mode == BackwardMode::kGuided && v < 0)) v = 0;
  }
}

void ActivationBackward(const Layer& l, std::span<const float> output, BackwardMode mode,
                        std::vector<float>* g, pthreadpool_t threadpool) {
  if (l.activation != Activation::kRelu) return;
  ActivationTask task{output, mode, g->data()};
  pthreadpool_parallelize_1d_tile_1d(threadpool, ActivationRange, &task, g->size(), 16384,
                                     /*flags=*/0);
}

}  // namespace

Backward::Backward(const ModelFile& model, pthreadpool_t threadpool)
    : model_(model), threadpool_(threadpool), states_(model.header().layers.size()) {}

Backward::~Backward() = default;

Status Backward::Gradient(const Engine& engine, size_t class_index, size_t target,
                          BackwardMode mode, std::vector<float>* gradient) {
  const auto& layers = model_.header().layers;
  const size_t last = layers.size() - 1;
  const Layer& top = layers[last].layer;
  if (top.kind != LayerKind::kDense) {
    return Status::Error("gradients need a model that ends in a Dense layer of class scores");
  }
  if (class_index >= top.units) {
    return Status::Error("class " + std::to_string(class_index) +
                         " is out of range: the model has " + std::to_string(top.units) +
                         " classes");
  }
  if (target > last) return Status::Error("no layer " + std::to_string(target));
  // d logit / d logits: one-hot, with respect to the last layer's values before its softmax.
  gradient->assign(top.units, 0.0f);
  (*gradient)[class_index] = 1.0f;
  return Propagate(engine, last, target, mode, gradient);
}

Status Backward::Propagate(const Engine& engine, size_t from, size_t target, BackwardMode mode,
                           std::vector<float>* gradient) {
  const auto& layers = model_.header().layers;
  // Below, `g` is the gradient with respect to layer i's output, except at `from`, where it is
  // with respect to the values before its activation function.
  std::vector<float> g = std::move(*gradient);
  for (size_t i = from; i > target; --i) {
    const Layer& l = layers[i].layer;
    if (i != from) ActivationBackward(l, engine.activation(i), mode, &g, threadpool_);
    const BackwardContext context{.model = &model_,
                                  .index = i,
                                  .input_shape = &layers[i - 1].layer.output_shape,
                                  .input = engine.activation(i - 1),
                                  .threadpool = threadpool_,
                                  .state = &states_[i],
                                  .scratch = &scratch_};
    if (const LayerKindOps& ops = KindOps(l.kind); ops.backward != nullptr) {
      CONVSCOPE_RETURN_IF_ERROR(ops.backward(context, &g));
    } else if (g.size() != engine.activation(i - 1).size()) {
      // Passing the gradient on is right only for a reshape: a kind that changes the size and has
      // no backward step is a missing entry, not a gradient.
      return Status::Error("layer " + l.name + " has no backward step (docs/layers.md)");
    }
  }
  *gradient = std::move(g);
  return Status::Ok();
}

}  // namespace convscope

// Everything convscope does with one kind of layer, as one table entry per kind: how Keras
// configures it, what it outputs, what weights it has, how the engine runs it, how gradients go
// back through it, and how the occlusion trunk recomputes tiles of it. One file per kind
// (layers/conv2d_layer.cc, ...) defines its entry; layers/registry.cc lists them. Adding a kind:
// docs/layers.md.
#pragma once

#include <pthreadpool.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "base/precision.h"
#include "base/status.h"
#include "layer.h"

namespace convscope {

class ModelFile;
struct LayerWeights;

// A layer of the engine, built once and run on every image (engine.h).
class LayerForward {
 public:
  virtual ~LayerForward() = default;
  virtual Status Run() = 0;
};

// What a forward builder gets. `input` holds the layer's input, `output` receives its output (both
// with XNN_EXTRA_BYTES of padding); `logits`, on the last layer only, receives the values before a
// softmax.
struct ForwardContext {
  const Layer* layer;
  const Shape* input_shape;
  const LayerWeights* weights;  // in the engine's precision (engine.h says how they are chosen)
  Precision precision;          // the engine's
  pthreadpool_t threadpool;
  float* input;
  float* output;
  float* logits;
};

// What a kind keeps from one backward pass to the next (Conv2D: its transposed convolution).
class BackwardState {
 public:
  virtual ~BackwardState() = default;
};

// What a backward step gets: the layer `index` of `model`, its input from the forward pass that
// ran, and its state (kept by the Backward object) and a scratch buffer shared by all layers.
struct BackwardContext {
  const ModelFile* model;
  size_t index;
  const Shape* input_shape;
  std::span<const float> input;
  pthreadpool_t threadpool;
  std::unique_ptr<BackwardState>* state;
  std::vector<float>* scratch;
};

// A layer of the occlusion trunk (incremental_forward.h): runs batches of gathered tiles, each
// holding its halo (so valid padding), of any size.
class TileRunner {
 public:
  virtual ~TileRunner() = default;
  virtual Status Run(const float* input, size_t batch, size_t height, size_t width,
                     float* output) = 0;
  float padding = 0;     // the value of the gathered tile outside the map
  size_t alignment = 1;  // tiles start on rows and columns that are multiples of this
};

struct LayerKindOps {
  LayerKind kind;
  const char* keras_class;  // "Conv2D"
  // The rank the input must have (3: height x width x channels, 1: flat; 0 for the input layer).
  size_t input_rank;
  // Reads the kind's fields from Keras' `config` (the name is read already); `path` names the
  // config in messages ("layer block1_conv1 config").
  Status (*from_keras)(const Json& config, const std::string& path, Layer* layer);
  // Writes the kind's fields into Keras' config, which from_keras reads back (null: it has none).
  void (*to_keras)(const Layer& layer, Json* config) = nullptr;
  // The output shape for an input of the right rank; `where` names the layer in messages.
  Status (*output_shape)(const Layer& layer, const Shape& input, const std::string& where,
                         Shape* out);
  // The shapes Keras stores for the layer's weights, in Keras order (null: it has none).
  std::vector<Shape> (*weight_shapes)(const Layer& layer, const Shape& input) = nullptr;
  // The "Output Shape" column of Keras' summary (null: ShapeString).
  std::string (*summary_shape)(const Shape& output) = nullptr;
  // Builds the engine's runner (null for the input layer).
  Status (*forward)(const ForwardContext& context, std::unique_ptr<LayerForward>* out) = nullptr;
  // Whether the runner reads its weights on every run (a Dense layer), rather than packing a copy
  // when built (so the engine may drop any converted weights then).
  bool reads_weights_when_running = false;
  // Turns `gradient`, d objective / d(the layer's values before its activation), into
  // d objective / d(its input) (null: it passes unchanged, as through a reshape; the input layer is
  // never reached).
  Status (*backward)(const BackwardContext& context, std::vector<float>* gradient) = nullptr;
  // Builds the occlusion trunk's tile runner for layer `index`; null for the kinds that end the
  // trunk.
  Status (*tiles)(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                  std::unique_ptr<TileRunner>* out) = nullptr;
};

// The entry of a kind, and of a Keras class name (null for one convscope does not run).
const LayerKindOps& KindOps(LayerKind kind);
const LayerKindOps* KindOpsFor(const std::string& keras_class);

// The kinds' entries, one per file, listed by registry.cc.
const LayerKindOps& InputLayerKind();
const LayerKindOps& Conv2DLayerKind();
const LayerKindOps& MaxPooling2DLayerKind();
const LayerKindOps& FlattenLayerKind();
const LayerKindOps& DenseLayerKind();
const LayerKindOps& GlobalAveragePooling2DLayerKind();

// Runs an engine object that has a Run() (DenseLayer, LayerRuntime) as the layer's LayerForward.
template <typename T>
class RunsLayer final : public LayerForward {
 public:
  explicit RunsLayer(std::unique_ptr<T> runner) : runner_(std::move(runner)) {}
  Status Run() override { return runner_->Run(); }

 private:
  std::unique_ptr<T> runner_;
};

// Runs an object that has a RunBatch (Conv2d, LayerRuntime) as the layer's TileRunner.
template <typename T>
class RunsTiles final : public TileRunner {
 public:
  RunsTiles(std::unique_ptr<T> runner, float pad, size_t align) : runner_(std::move(runner)) {
    padding = pad;
    alignment = align;
  }
  Status Run(const float* input, size_t batch, size_t height, size_t width,
             float* output) override {
    return runner_->RunBatch(input, batch, height, width, output);
  }

 private:
  std::unique_ptr<T> runner_;
};

}  // namespace convscope

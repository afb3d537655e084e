// Everything convscope does with one kind of layer, as one table entry per kind: what it is (for
// the front ends: its category, whether it has filters, the Keras classes it reads), how Keras
// configures it, what it outputs, what weights it has, how the engine runs it, how gradients go
// back through it, and how the occlusion trunk recomputes tiles of it. One file per kind
// (layers/conv2d_layer.cc, ...) defines its entry; layers/registry.cc lists them. Adding a kind:
// docs/layers.md.
#pragma once

#include <pthreadpool.h>

#include <cstdint>
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
struct TensorView;

// A layer of the engine, built once and run on every image (engine.h).
class LayerForward {
 public:
  virtual ~LayerForward() = default;
  virtual Status Run() = 0;
  // Whether RunBatch runs: a Dense layer, which then reads each weight once for many inputs.
  virtual bool batches() const { return false; }
  // Runs `copies` inputs, one after another in `input` (each the size of the layer's input), into
  // `output` (one after another), each copy with the bits Run gives it. Only where batches().
  virtual Status RunBatch(const float* /*input*/, size_t /*copies*/, float* /*output*/) {
    return Status::Error("this layer runs one input at a time");
  }
};

// What a forward builder gets. Each input holds one of the layer's inputs (Layer::inputs), `output`
// receives its output (all with XNN_EXTRA_BYTES of padding).
struct ForwardContext {
  const Layer* layer;
  std::vector<const Shape*> input_shapes;
  std::vector<float*> inputs;
  const LayerWeights* weights;           // the kernel and bias in the engine's precision (engine.h)
  const std::vector<TensorView>* views;  // every stored weight, as in the file (f32 vectors)
  Precision precision;                   // the engine's
  pthreadpool_t threadpool;
  float* output;
  // Apply max(x, 0) to the output (the layer's activation is a plain ReLU, and the kind fuses it);
  // the engine applies any other activation after the runner.
  bool fuse_relu = false;

  const Shape& input_shape() const { return *input_shapes[0]; }
  float* input() const { return inputs[0]; }
};

// What a kind keeps from one backward pass to the next (Conv2D: its transposed convolution).
class BackwardState {
 public:
  virtual ~BackwardState() = default;
};

// What a backward step gets: the layer `index` of `model`, its inputs and output from the forward
// pass that ran, and its state (kept by the Backward object) and a scratch buffer shared by all
// layers.
struct BackwardContext {
  const ModelFile* model;
  size_t index;
  const Layer* layer;
  std::vector<const Shape*> input_shapes;
  std::vector<std::span<const float>> inputs;
  std::span<const float> output;
  bool guided;  // guided backpropagation: ReLU-like functions also zero negative gradients
  pthreadpool_t threadpool;
  std::unique_ptr<BackwardState>* state;
  std::vector<float>* scratch;
  // A kind with several inputs puts the gradients of inputs 1.. here (input 0's is the step's).
  std::vector<std::vector<float>>* more_gradients;

  const Shape& input_shape() const { return *input_shapes[0]; }
  std::span<const float> input() const { return inputs[0]; }
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

// The input rank of kinds that take any (pointwise kinds, identities).
inline constexpr size_t kAnyRank = SIZE_MAX;
// The most inputs one layer may read (Inception concatenates 4, DenseNet 2 at a time): a bound on
// what a crafted file can make one merge do.
inline constexpr size_t kMaxLayerInputs = 64;

struct LayerKindOps {
  LayerKind kind;
  // The Keras classes it reads, its own first ("Activation", "ReLU", "LeakyReLU", ...).
  std::vector<const char*> keras_classes;
  // Netron's categories, for colours and grouping: "Data", "Layer", "Activation", "Pool",
  // "Normalization", "Dropout", "Shape", "Tensor" (merges).
  const char* category;
  const char* description;  // one sentence for the catalog
  // The rank the input must have (3: height x width x channels, 1: flat; 0 for the input layer;
  // kAnyRank).
  size_t input_rank;
  // Reads the kind's fields from Keras' `config` (the name and class are read already); `path`
  // names the config in messages ("layer block1_conv1 config").
  Status (*from_keras)(const Json& config, const std::string& path, KerasDialect dialect,
                       Layer* layer);
  // Writes the kind's fields into Keras' config, which from_keras reads back (null: it has none).
  void (*to_keras)(const Layer& layer, Json* config) = nullptr;
  // The output shape for an input of the right rank; `where` names the layer in messages.
  Status (*output_shape)(const Layer& layer, const Shape& input, const std::string& where,
                         Shape* out);
  // How many inputs it reads (merges: one or more, SIZE_MAX for any number up to
  // kMaxLayerInputs), and for a kind that reads several, the output shape from all of theirs
  // (used instead of output_shape).
  size_t min_inputs = 1, max_inputs = 1;
  Status (*merged_shape)(const Layer& layer, const std::vector<Shape>& inputs,
                         const std::string& where, Shape* out) = nullptr;
  // The weights it stores, in Keras order (null: none).
  std::vector<WeightSpec> (*weights)(const Layer& layer, const Shape& input) = nullptr;
  // Builds the engine's runner (null for the input layer).
  Status (*forward)(const ForwardContext& context, std::unique_ptr<LayerForward>* out) = nullptr;
  // Whether Layer::activation follows the kind's own computation (Conv2D, SeparableConv2D, Dense):
  // the engine applies it, the backward pass takes the gradient through it.
  bool has_activation = false;
  // Whether the runner can fold a plain ReLU into its output (ForwardContext::fuse_relu).
  bool fuses_relu = false;
  // Whether the filter grid draws its kernel (Conv2D, SeparableConv2D, DepthwiseConv2D).
  bool has_filters = false;
  // Whether the runner reads its weights on every run (a Dense layer), rather than packing a copy
  // when built (so the engine may drop any converted weights then).
  bool reads_weights_when_running = false;
  // Turns `gradient`, d objective / d(the layer's values before its activation), into
  // d objective / d(its first input) (null: it passes unchanged, as through a reshape; the input
  // layer is never reached).
  Status (*backward)(const BackwardContext& context, std::vector<float>* gradient) = nullptr;
  // Builds what the backward step keeps for layer `index` (BackwardContext::state; null: a kind
  // that keeps nothing). The backward step builds it when missing; Backward builds those of every
  // layer a gradient will cross first, on the pool's threads (without handing them work).
  Status (*backward_state)(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                           std::unique_ptr<BackwardState>* out) = nullptr;
  // Builds the occlusion trunk's tile runner for layer `index`; null for the kinds that end the
  // trunk.
  Status (*tiles)(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                  std::unique_ptr<TileRunner>* out) = nullptr;
};

// The entry of a kind, and of a Keras class name (null for one convscope does not run).
const LayerKindOps& KindOps(LayerKind kind);
const LayerKindOps* KindOpsFor(const std::string& keras_class);
// Every kind's entry, in LayerKind's order.
const std::vector<const LayerKindOps*>& AllKinds();

// The kinds' entries, one per file, listed by registry.cc.
const LayerKindOps& InputLayerKind();
const LayerKindOps& Conv2DLayerKind();
const LayerKindOps& MaxPooling2DLayerKind();
const LayerKindOps& FlattenLayerKind();
const LayerKindOps& DenseLayerKind();
const LayerKindOps& GlobalAveragePooling2DLayerKind();
const LayerKindOps& BatchNormalizationLayerKind();
const LayerKindOps& ActivationLayerKind();
const LayerKindOps& PReLULayerKind();
const LayerKindOps& SeparableConv2DLayerKind();
const LayerKindOps& AveragePooling2DLayerKind();
const LayerKindOps& GlobalMaxPooling2DLayerKind();
const LayerKindOps& ZeroPadding2DLayerKind();
const LayerKindOps& Cropping2DLayerKind();
const LayerKindOps& ReshapeLayerKind();
const LayerKindOps& RescalingLayerKind();
const LayerKindOps& NormalizationLayerKind();
const LayerKindOps& IdentityLayerKind();
const LayerKindOps& MergeLayerKind();
const LayerKindOps& ConcatenateLayerKind();
const LayerKindOps& DepthwiseConv2DLayerKind();

// Runs an engine object that has a Run() (DenseLayer, LayerRuntime) as the layer's LayerForward,
// and its RunBatch(input, copies, output) where it has one (DenseLayer).
template <typename T>
class RunsLayer final : public LayerForward {
 public:
  explicit RunsLayer(std::unique_ptr<T> runner) : runner_(std::move(runner)) {}
  Status Run() override { return runner_->Run(); }
  bool batches() const override { return kBatches; }
  Status RunBatch(const float* input, size_t copies, float* output) override {
    if constexpr (kBatches) {
      return runner_->RunBatch(input, copies, output);
    } else {
      return LayerForward::RunBatch(input, copies, output);
    }
  }

 private:
  static constexpr bool kBatches = requires(T & t, const float* in, float* out) {
    t.RunBatch(in, size_t{1}, out);
  };
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

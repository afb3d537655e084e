#include "engine.h"

#include <xnnpack.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "layers/pointwise.h"
#include "model/head.h"
#include "xnn_handles.h"

namespace convscope {
namespace {

template <typename T>
std::span<const T> View(const TensorView& v) {
  return {reinterpret_cast<const T*>(v.data.data()), v.data.size() / sizeof(T)};
}

constexpr size_t kPadding = XNN_EXTRA_BYTES / sizeof(float);

}  // namespace

Engine::~Engine() = default;

std::span<float> Engine::Buffer(size_t index) { return {buffers_[index].data(), sizes_[index]}; }

std::span<const float> Engine::activation(size_t index) const {
  return {buffers_[index].data(), sizes_[index]};
}

std::span<const float> Engine::pre_activation(size_t index) const {
  const std::vector<float>& p = pre_activations_[index];
  return p.empty() ? std::span<const float>() : std::span<const float>(p.data(), sizes_[index]);
}

std::vector<float> Engine::scores() const {
  const Head& head = model_->header().head;
  if (head.kind == HeadKind::kNone) return {};
  return ClassScores(head,
                     head.before_activation ? pre_activation(head.layer) : activation(head.layer));
}

std::vector<float> Engine::probabilities() const {
  const Head& head = model_->header().head;
  if (head.kind == HeadKind::kNone) return {};
  return ClassProbabilities(head, scores());
}

size_t Engine::owned_weight_bytes() const {
  size_t bytes = 0;
  for (const auto& q : int8_copies_) bytes += q.values.size() + q.scales.size() * sizeof(float);
  return bytes;
}

Status Engine::PrepareWeights(size_t index, const Shape& input_shape, LayerWeights* w,
                              std::vector<float>* f32_scratch, ChannelwiseInt8* int8_scratch) {
  const std::vector<TensorView> views = model_->Weights(index);
  const Layer& layer = model_->header().layers[index].layer;
  const std::vector<WeightSpec> specs = StoredWeightSpecs(layer, input_shape);
  const TensorView* kernel = nullptr;
  for (size_t k = 0; k < views.size() && k < specs.size(); ++k) {
    if (specs[k].quantizable) kernel = &views[k];
    if (std::string(specs[k].name) == "bias") w->bias = View<float>(views[k]);
  }
  if (kernel == nullptr) return Status::Ok();
  const bool kept = KindOps(layer.kind).reads_weights_when_running;
  const bool file_int8 = kernel->entry->dtype == Precision::kInt8;
  const size_t in_channels = kernel->entry->shape.back();
  const bool want_int8 = precision_ == Precision::kInt8 && in_channels > kMaxF32InputChannels;
  if (want_int8 && file_int8) {
    w->kernel_int8 = View<int8_t>(*kernel);
    w->scales = kernel->scales;
  } else if (want_int8) {
    // A Dense layer reads its weights on every run (wasm/engine/dense_layer.h); XNNPACK packs a
    // convolution's at creation, so its copy lives only until then.
    ChannelwiseInt8* q = kept ? &int8_copies_[index] : int8_scratch;
    *q = QuantizeChannelwise(View<float>(*kernel), kernel->entry->shape.front());
    w->kernel_int8 = q->values;
    w->scales = q->scales;
  } else if (file_int8 && kept) {
    w->kernel_int8 = View<int8_t>(*kernel);  // dequantized on the fly
    w->scales = kernel->scales;
  } else if (file_int8) {
    *f32_scratch = ValuesAsF32(*kernel);
    w->kernel_f32 = *f32_scratch;
  } else {
    w->kernel_f32 = View<float>(*kernel);
  }
  return Status::Ok();
}

Status Engine::BuildLayer(size_t i, pthreadpool_t threadpool) {
  const std::vector<LayerEntry>& layers = model_->header().layers;
  const Layer& layer = layers[i].layer;
  const LayerKindOps& ops = KindOps(layer.kind);
  ForwardContext context{.layer = &layer,
                         .input_shapes = {},
                         .inputs = {},
                         .weights = nullptr,
                         .views = nullptr,
                         .precision = precision_,
                         .threadpool = threadpool,
                         .output = buffers_[i].data()};
  for (size_t from : layer.inputs) {
    context.input_shapes.push_back(&layers[from].layer.output_shape);
    context.inputs.push_back(buffers_[from].data());
  }
  LayerWeights w;
  std::vector<float> f32_scratch;
  ChannelwiseInt8 int8_scratch;
  CONVSCOPE_RETURN_IF_ERROR(
      PrepareWeights(i, context.input_shape(), &w, &f32_scratch, &int8_scratch));
  const std::vector<TensorView> views = model_->Weights(i);
  context.weights = &w;
  context.views = &views;
  const ActivationFn& f = layer.activation;
  if (ops.has_activation && !f.linear()) {
    if (ops.fuses_relu && f.plain_relu()) {
      context.fuse_relu = true;
    } else {
      // The runner writes the values before the activation, which the engine then applies.
      pre_activations_[i].assign(sizes_[i] + kPadding, 0.0f);
      context.output = pre_activations_[i].data();
      activations_[i] = std::make_unique<PointwiseForward>(
          std::make_unique<ActivationOp>(f, ChannelsOf(layer.output_shape)),
          pre_activations_[i].data(), buffers_[i].data(), RowsOf(layer.output_shape), threadpool);
    }
  }
  return ops.forward(context, &runners_[i]);
}

namespace {

// Engine::Create's layers, one per task of the pool: XNNPACK's packing, the Winograd filter
// transforms and the int8 conversions of one layer need nothing from another's. No builder hands
// work to the pool itself (it would wait forever for the call that runs it); the runners they
// build do, when they run.
struct BuildTask {
  Engine* engine;
  pthreadpool_t threadpool;
  std::vector<Status> statuses;  // per layer
};

}  // namespace

void Engine::BuildLayerTask(void* context, size_t i) {
  auto& t = *static_cast<BuildTask*>(context);
  t.statuses[i + 1] = t.engine->BuildLayer(i + 1, t.threadpool);
}

Status Engine::Create(const ModelFile& model, Precision precision, pthreadpool_t threadpool,
                      std::unique_ptr<Engine>* out) {
  CONVSCOPE_RETURN_IF_ERROR(EnsureXnnInitialized());
  std::unique_ptr<Engine> e(new Engine());
  e->model_ = &model;
  e->precision_ = precision;
  const std::vector<LayerEntry>& layers = model.header().layers;
  for (const LayerEntry& l : layers) {
    e->sizes_.push_back(Elements(l.layer.output_shape));
    e->buffers_.emplace_back(e->sizes_.back() + kPadding, 0.0f);
  }
  e->int8_copies_.resize(layers.size());
  e->pre_activations_.resize(layers.size());
  e->runners_.resize(layers.size());
  e->activations_.resize(layers.size());
  e->layer_ms_.assign(layers.size(), 0.0);
  BuildTask task{e.get(), threadpool, std::vector<Status>(layers.size(), Status::Ok())};
  if (layers.size() > 1) {
    pthreadpool_parallelize_1d(threadpool, &Engine::BuildLayerTask, &task, layers.size() - 1,
                               /*flags=*/0);
  }
  for (const Status& s : task.statuses) CONVSCOPE_RETURN_IF_ERROR(s);
  *out = std::move(e);
  return Status::Ok();
}

Status Engine::Run(size_t last_layer) { return RunLayers(1, last_layer); }

Status Engine::RunReplacing(size_t first, std::span<const float> output, size_t last) {
  if (first == 0 || first >= sizes_.size() || output.size() != sizes_[first - 1]) {
    return Status::Error("RunReplacing: no layer " + std::to_string(first) + " taking that input");
  }
  std::copy(output.begin(), output.end(), buffers_[first - 1].begin());
  return RunLayers(first, last);
}

Status Engine::RunLayers(size_t first, size_t last) {
  using Clock = std::chrono::steady_clock;
  ++passes_;
  const size_t end = std::min(last, sizes_.size() - 1);
  for (size_t i = first; i <= end; ++i) {
    const auto start = Clock::now();
    CONVSCOPE_RETURN_IF_ERROR(runners_[i]->Run());
    if (activations_[i]) CONVSCOPE_RETURN_IF_ERROR(activations_[i]->Run());
    layer_ms_[i] = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }
  return Status::Ok();
}

}  // namespace convscope

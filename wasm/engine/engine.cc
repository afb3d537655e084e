#include "engine.h"

#include <xnnpack.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <string>

namespace convscope {
namespace {

size_t Elements(const Shape& s) {
  return std::accumulate(s.begin(), s.end(), size_t{1}, std::multiplies<>());
}

template <typename T>
std::span<const T> View(const TensorView& v) {
  return {reinterpret_cast<const T*>(v.data.data()), v.data.size() / sizeof(T)};
}

}  // namespace

Engine::~Engine() = default;

std::span<float> Engine::Buffer(size_t index) { return {buffers_[index].data(), sizes_[index]}; }

std::span<const float> Engine::activation(size_t index) const {
  return {buffers_[index].data(), sizes_[index]};
}

std::span<const float> Engine::logits() const {
  return has_logits_ ? std::span<const float>(logits_.data(), sizes_.back())
                     : activation(sizes_.size() - 1);
}

size_t Engine::owned_weight_bytes() const {
  size_t bytes = 0;
  for (const auto& q : int8_copies_) bytes += q.values.size() + q.scales.size() * sizeof(float);
  return bytes;
}

Status Engine::PrepareWeights(size_t index, const Shape& input_shape, LayerWeights* w,
                              std::vector<float>* f32_scratch, ChannelwiseInt8* int8_scratch) {
  const std::vector<TensorView> views = model_->Weights(index);
  if (views.empty()) return Status::Ok();
  const bool kept = KindOps(model_->header().layers[index].layer.kind).reads_weights_when_running;
  const TensorView& kernel = views[0];
  if (views.size() > 1) w->bias = View<float>(views[1]);
  const bool file_int8 = kernel.entry->dtype == Precision::kInt8;
  const size_t in_channels = input_shape.back();
  const bool want_int8 = precision_ == Precision::kInt8 && in_channels > kMaxF32InputChannels;
  if (want_int8 && file_int8) {
    w->kernel_int8 = View<int8_t>(kernel);
    w->scales = kernel.scales;
  } else if (want_int8) {
    // A Dense layer reads its weights on every run (wasm/engine/dense_layer.h); XNNPACK packs a
    // convolution's at creation, so its copy lives only until then.
    ChannelwiseInt8* q = kept ? &int8_copies_.emplace_back() : int8_scratch;
    *q = QuantizeChannelwise(View<float>(kernel), kernel.entry->shape.front());
    w->kernel_int8 = q->values;
    w->scales = q->scales;
  } else if (file_int8 && kept) {
    w->kernel_int8 = View<int8_t>(kernel);  // dequantized on the fly
    w->scales = kernel.scales;
  } else if (file_int8) {
    *f32_scratch = ValuesAsF32(kernel);
    w->kernel_f32 = *f32_scratch;
  } else {
    w->kernel_f32 = View<float>(kernel);
  }
  return Status::Ok();
}

Status Engine::Create(const ModelFile& model, Precision precision, pthreadpool_t threadpool,
                      std::unique_ptr<Engine>* out) {
  std::unique_ptr<Engine> e(new Engine());
  e->model_ = &model;
  e->precision_ = precision;
  const std::vector<LayerEntry>& layers = model.header().layers;
  // Reserve so that spans into the copies stay valid while later layers add theirs.
  e->int8_copies_.reserve(layers.size());
  for (const LayerEntry& l : layers) {
    e->sizes_.push_back(Elements(l.layer.output_shape));
    e->buffers_.emplace_back(e->sizes_.back() + XNN_EXTRA_BYTES / sizeof(float), 0.0f);
  }
  const Layer& last = layers.back().layer;
  e->has_logits_ = last.kind == LayerKind::kDense && last.activation == Activation::kSoftmax;
  if (e->has_logits_) e->logits_.assign(e->sizes_.back() + XNN_EXTRA_BYTES / sizeof(float), 0.0f);

  e->runners_.resize(layers.size());
  e->layer_ms_.assign(layers.size(), 0.0);
  for (size_t i = 1; i < layers.size(); ++i) {
    const Layer& layer = layers[i].layer;
    const Shape& input_shape = layers[i - 1].layer.output_shape;
    LayerWeights w;
    std::vector<float> f32_scratch;
    ChannelwiseInt8 int8_scratch;
    CONVSCOPE_RETURN_IF_ERROR(e->PrepareWeights(i, input_shape, &w, &f32_scratch, &int8_scratch));
    const ForwardContext context{.layer = &layer,
                                 .input_shape = &input_shape,
                                 .weights = &w,
                                 .precision = precision,
                                 .threadpool = threadpool,
                                 .input = e->buffers_[i - 1].data(),
                                 .output = e->buffers_[i].data(),
                                 .logits = i + 1 == layers.size() ? e->logits_.data() : nullptr};
    CONVSCOPE_RETURN_IF_ERROR(KindOps(layer.kind).forward(context, &e->runners_[i]));
  }
  *out = std::move(e);
  return Status::Ok();
}

Status Engine::Run(size_t last_layer) { return RunLayers(1, last_layer); }

Status Engine::RunFrom(size_t first, std::span<const float> previous) {
  if (first == 0 || first >= sizes_.size() || previous.size() != sizes_[first - 1]) {
    return Status::Error("RunFrom: no layer " + std::to_string(first) + " taking that input");
  }
  std::copy(previous.begin(), previous.end(), buffers_[first - 1].begin());
  return RunLayers(first, SIZE_MAX);
}

Status Engine::RunLayers(size_t first, size_t last) {
  using Clock = std::chrono::steady_clock;
  ++passes_;
  const size_t end = std::min(last, sizes_.size() - 1);
  for (size_t i = first; i <= end; ++i) {
    const auto start = Clock::now();
    CONVSCOPE_RETURN_IF_ERROR(runners_[i]->Run());
    layer_ms_[i] = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }
  return Status::Ok();
}

}  // namespace convscope

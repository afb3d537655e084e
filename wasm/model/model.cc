#include "model.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "images/preprocess.h"
#include "layer_roles.h"
#include "methods/registry.h"
#include "methods/sanity_check.h"

namespace convscope {

Status Model::Load(std::vector<uint8_t> bytes, ThreadPool threadpool, std::unique_ptr<Model>* out) {
  std::unique_ptr<Model> m(new Model());
  m->bytes_ = std::move(bytes);
  m->threadpool_ = std::move(threadpool);
  CONVSCOPE_RETURN_IF_ERROR(ModelFile::Open(m->bytes_, &m->file_));
  CONVSCOPE_RETURN_IF_ERROR(CheckImageInput(m->header().layers.front().layer.output_shape));
  *out = std::move(m);
  return Status::Ok();
}

std::optional<size_t> Model::LayerIndex(const std::string& name) const {
  const auto& layers = header().layers;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].layer.name == name) return i;
  }
  return std::nullopt;
}

Status Model::EngineFor(Precision p, Engine** engine) {
  std::unique_ptr<Engine>& slot = engines_[static_cast<size_t>(p)];
  if (!slot) CONVSCOPE_RETURN_IF_ERROR(Engine::Create(*file_, p, threadpool_.get(), &slot));
  *engine = slot.get();
  return Status::Ok();
}

Status Model::Run(const RgbImage& image, const RunOptions& options, RunResult* result) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const Precision precision = options.precision.value_or(header().precision);
  Engine* engine = nullptr;
  CONVSCOPE_RETURN_IF_ERROR(EngineFor(precision, &engine));
  const Shape& in = header().layers.front().layer.output_shape;
  CONVSCOPE_RETURN_IF_ERROR(ResizeImage(image, in[1], in[0], options.resize, &resized_));
  Preprocess(resized_, header().preprocessing, in[2], engine->input());
  const double preprocess_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  last_ = nullptr;  // activations are stale until the run completes
  gradient_pass_current_ = false;
  CONVSCOPE_RETURN_IF_ERROR(engine->Run());
  last_ = engine;
  last_input_.assign(engine->input().begin(), engine->input().end());

  result->precision = precision;
  result->layer_ms = engine->layer_ms();
  result->layer_ms[0] = preprocess_ms;
  result->predictions.clear();
  if (header().head.kind != HeadKind::kNone) {
    result->predictions = TopK(engine->probabilities(), engine->scores(), options.top_k);
  }
  result->unlike_score.reset();
  if (const auto& pictures = header().training_pictures) {
    result->unlike_score = UnlikeScore(*pictures, last_input_);
  }
  result->total_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return Status::Ok();
}

Status Model::InputPicture(RgbImage* out) const {
  if (last_ == nullptr) return Status::Error("there is no input yet: run an image first");
  const Shape& in = header().layers.front().layer.output_shape;
  std::vector<float> rgb(in[0] * in[1] * 3);
  Deprocess(last_input_, header().preprocessing, in[2], rgb);
  out->width = in[1];
  out->height = in[0];
  out->pixels.resize(rgb.size());
  std::transform(rgb.begin(), rgb.end(), out->pixels.begin(), PixelByte);
  return Status::Ok();
}

}  // namespace convscope

namespace convscope {

Status Model::PrepareMethod(const ExplainOptions& options, const MethodInfo** found,
                            MethodInput* in) {
  const MethodInfo* method = FindMethod(options.method);
  if (method == nullptr) {
    return Status::Error("unknown method '" + options.method + "' (methods: " + MethodNames() +
                         ")");
  }
  CONVSCOPE_RETURN_IF_ERROR(MethodOptions::Check(method->options, options.options, &in->options));
  CONVSCOPE_RETURN_IF_ERROR(CheckParts(options.part, options.parts));
  if (options.parts > 1 && method->combine == nullptr) {
    return Status::Error(options.method + " cannot be split into parts (only " +
                         SplittableMethods() + " make independent passes)");
  }
  if (last_ == nullptr) return Status::Error("there is no image to explain yet: run one first");
  const auto& layers = header().layers;
  in->model = file_.get();
  in->header = &header();
  in->threadpool = threadpool_.get();
  in->engine = last_;
  CONVSCOPE_RETURN_IF_ERROR(ClassOf(options.class_index, &in->class_index));
  if (method->needs_layer) in->layer = options.layer.value_or(DefaultCamLayer(layers));
  in->progress = options.progress;
  in->partial = options.partial;
  in->part = options.part;
  in->parts = options.parts;
  in->image = last_input_;
  *found = method;
  return Status::Ok();
}

Status Model::Explain(const ExplainOptions& options, Explanation* out) {
  const MethodInfo* method = nullptr;
  MethodInput in;
  CONVSCOPE_RETURN_IF_ERROR(PrepareMethod(options, &method, &in));
  Engine* engine = last_;
  if (method->uses_gradients) CONVSCOPE_RETURN_IF_ERROR(GradientEngine(&engine));
  in.engine = engine;
  in.backward = GetBackward();
  Status status = method->run(in, out);
  if (method->reruns_forward) status = RestoreLastImage(engine, status);
  if (method->reruns_forward && engine != last_) gradient_pass_current_ = false;
  CONVSCOPE_RETURN_IF_ERROR(status);
  SetProvenance(in, engine->precision(), out);
  return Status::Ok();
}

Status Model::Combine(const ExplainOptions& options, const PartResults& results, Explanation* out) {
  const MethodInfo* method = nullptr;
  MethodInput in;
  CONVSCOPE_RETURN_IF_ERROR(PrepareMethod(options, &method, &in));
  if (method->combine == nullptr || options.parts < 2) {
    return Status::Error("combine takes the parts of " + SplittableMethods() + " (parts >= 2)");
  }
  CONVSCOPE_RETURN_IF_ERROR(method->combine(in, results, out));
  // The parts ran where Explain would have: on the gradient engine for gradient methods.
  const Precision engine = method->uses_gradients ? Precision::kF32 : last_->precision();
  SetProvenance(in, engine, out);
  return Status::Ok();
}

Status Model::ClassOf(std::optional<size_t> asked, size_t* class_index) const {
  const std::vector<float> scores = last_->scores();
  *class_index = asked.value_or(
      static_cast<size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin()));
  const Head& head = header().head;
  if (head.kind == HeadKind::kNone || *class_index < head.classes) return Status::Ok();
  return Status::Error("class " + std::to_string(*class_index) +
                       " is out of range: the model has " + std::to_string(head.classes) +
                       " classes");
}

void Model::SetProvenance(const MethodInput& in, Precision engine, Explanation* out) const {
  out->class_index = in.class_index;
  out->activations = engine;
  out->weights = engine == Precision::kInt8 ? Precision::kInt8 : header().precision;
}

Status Model::GradientEngine(Engine** engine) {
  if (last_->precision() == Precision::kF32) {
    *engine = last_;
    return Status::Ok();
  }
  // The int8 pass's ReLU and max-pool masks are those of quantized activations; gradients through
  // them are what made int8 maps stray from f32 (docs/explanation-methods.md). The f32 pass over
  // the same (dequantized) weights gives the masks the weights themselves imply.
  CONVSCOPE_RETURN_IF_ERROR(EngineFor(Precision::kF32, engine));
  // One pass serves every gradient method on this image until another input runs through it.
  if (gradient_pass_current_) return Status::Ok();
  std::copy(last_input_.begin(), last_input_.end(), (*engine)->input().begin());
  CONVSCOPE_RETURN_IF_ERROR((*engine)->Run());
  gradient_pass_current_ = true;
  return Status::Ok();
}

Backward* Model::GetBackward() {
  if (!backward_) backward_ = std::make_unique<Backward>(*file_, threadpool_.get());
  return backward_.get();
}

Status Model::RestoreLastImage(Engine* engine, Status status) {
  // Even when the method failed or was cancelled, the image's activations come back (an engine
  // other than the last run's, such as the gradient pass, needs none).
  if (engine != last_ || last_ == nullptr) return status;
  std::copy(last_input_.begin(), last_input_.end(), engine->input().begin());
  const Status rerun = engine->Run();
  return status.ok() ? rerun : status;
}

Status Model::MetricInputOf(const MeasureOptions& options, const MetricInfo** metric,
                            MetricInput* in) const {
  *metric = FindMetric(options.metric);
  if (*metric == nullptr) {
    return Status::Error("unknown metric '" + options.metric + "' (metrics: " + MetricNames() +
                         ")");
  }
  CONVSCOPE_RETURN_IF_ERROR(
      MethodOptions::Check((*metric)->options, options.options, &in->options));
  if (last_ == nullptr) return Status::Error("there is no image to measure on yet: run one first");
  CONVSCOPE_RETURN_IF_ERROR(ClassOf(options.class_index, &in->class_index));
  in->header = &header();
  in->engine = last_;
  in->image = last_input_;
  in->progress = options.progress;
  return Status::Ok();
}

Status Model::Measure(const MeasureOptions& options, std::span<const float> map, Measurement* out) {
  const MetricInfo* metric = nullptr;
  MetricInput in;
  CONVSCOPE_RETURN_IF_ERROR(MetricInputOf(options, &metric, &in));
  return RestoreLastImage(last_,
                          convscope::Measure(*metric, in, map, options.randomized_model_map, out));
}

Status Model::MeasurePart(const MeasureOptions& options, std::span<const float> map,
                          std::vector<float>* probabilities) {
  const MetricInfo* metric = nullptr;
  MetricInput in;
  CONVSCOPE_RETURN_IF_ERROR(MetricInputOf(options, &metric, &in));
  return RestoreLastImage(
      last_, convscope::MeasurePart(*metric, in, map, options.randomized_model_map, options.part,
                                    options.parts, probabilities));
}

Status Model::CombineMeasurement(const MeasureOptions& options, std::span<const float> map,
                                 std::span<const std::vector<float>> parts, Measurement* out) {
  const MetricInfo* metric = nullptr;
  MetricInput in;
  CONVSCOPE_RETURN_IF_ERROR(MetricInputOf(options, &metric, &in));
  return convscope::CombineMeasurement(*metric, in, map, options.randomized_model_map, parts, out);
}

Status Model::SanityCheck(const ExplainOptions& options, size_t top_layers, uint32_t seed,
                          SanityCheckResult* out, bool randomized_only) {
  const size_t weighted = TopWeightedLayers(header(), SIZE_MAX).size();
  if (top_layers == 0 || top_layers > weighted) {
    return Status::Error("the sanity check randomizes 1 to " + std::to_string(weighted) +
                         " layers, got " + std::to_string(top_layers));
  }
  size_t class_index = 0;
  if (!randomized_only) {
    CONVSCOPE_RETURN_IF_ERROR(Explain(options, &out->original));
    class_index = out->original.class_index;
  } else {
    // Checked as Explain would, so that the copy explains what the other worker did.
    const MethodInfo* method = nullptr;
    MethodInput in;
    CONVSCOPE_RETURN_IF_ERROR(PrepareMethod(options, &method, &in));
    class_index = in.class_index;
  }
  std::unique_ptr<Model> copy;
  CONVSCOPE_RETURN_IF_ERROR(Load(bytes_, threadpool_, &copy));
  out->layers = TopWeightedLayers(header(), top_layers);
  for (size_t i = 0; i < out->layers.size(); ++i) {
    RandomizeKernel(*copy->file_, out->layers[i], seed + static_cast<uint32_t>(i), copy->bytes_);
  }
  Engine* engine = nullptr;
  CONVSCOPE_RETURN_IF_ERROR(copy->EngineFor(last_->precision(), &engine));
  std::copy(last_input_.begin(), last_input_.end(), engine->input().begin());
  CONVSCOPE_RETURN_IF_ERROR(engine->Run());
  copy->last_ = engine;
  copy->last_input_ = last_input_;
  ExplainOptions same = options;
  same.class_index = class_index;
  CONVSCOPE_RETURN_IF_ERROR(copy->Explain(same, &out->randomized));
  out->spearman =
      randomized_only ? NAN : SpearmanCorrelation(out->original.map, out->randomized.map);
  return Status::Ok();
}

Status Model::Maximize(const MaximizeOptions& options, MaximizeResult* out) {
  // Gradient ascent, on the f32 pass as every gradient method (int8 weights dequantized).
  Engine* engine = nullptr;
  CONVSCOPE_RETURN_IF_ERROR(EngineFor(Precision::kF32, &engine));
  if (engine != last_) gradient_pass_current_ = false;
  return RestoreLastImage(engine,
                          MaximizeActivation(header(), engine, GetBackward(), options, out));
}

}  // namespace convscope

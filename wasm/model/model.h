// A loaded model and what has been computed on it: the façade the bindings (and the CLI, through
// them) use. Owns the model bytes (weights are viewed in place), one Engine per precision, built
// on first use, and the last image and run.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/backward.h"
#include "engine/engine.h"
#include "engine/thread_pool.h"
#include "images/image.h"
#include "methods/activation_maximization.h"
#include "methods/explanation.h"
#include "methods/registry.h"
#include "metrics/metric_info.h"
#include "model_file.h"
#include "predictions.h"

namespace convscope {

struct RunOptions {
  std::optional<Precision> precision;  // default: the model file's precision
  ResizeMode resize = ResizeMode::kKeras;
  size_t top_k = 5;
};

struct RunResult {
  Precision precision = Precision::kF32;
  std::vector<Prediction> predictions;  // empty when the model does not end in classes
  std::vector<double> layer_ms;         // per layer; the input layer's is preprocessing
  // How unlike the model's training pictures the image is (TrainingPictures), where the model
  // file has their statistics.
  std::optional<double> unlike_score;
  double total_ms = 0;
};

struct ExplainOptions {
  std::string method;                 // a name from methods/registry.h
  std::optional<size_t> class_index;  // default: the last run's top class
  std::optional<size_t> layer;        // default: the last Conv2D (methods that take a layer)
  // The method's options by name (MethodInfo::options), as given: checked, and defaults filled
  // in, by Explain. Options of other methods are ignored, so one map can serve several methods.
  OptionMap options;
  ProgressFn progress;
  PartialFn partial;
  size_t part = 0, parts = 1;  // make only this share of the passes (MethodInput::parts)
};

struct MeasureOptions {
  std::string metric;                 // a name from metrics/metric_info.h
  std::optional<size_t> class_index;  // default: the last run's top class
  OptionMap options;                  // the metric's options by name (MetricInfo::options)
  // The sanity check's randomized model's map of the same method, measured beside (empty: none).
  std::vector<float> randomized_model_map;
  ProgressFn progress;
  size_t part = 0, parts = 1;  // MeasurePart's share of the passes
};

struct SanityCheckResult {
  Explanation original, randomized;
  std::vector<size_t> layers;  // the layers whose kernels were randomized, top first
  double spearman = 0;         // rank correlation of the two maps
};

class Model {
 public:
  // XNNPACK runs on `threadpool` (null: the caller's thread), kept as long as the model.
  static Status Load(std::vector<uint8_t> bytes, ThreadPool threadpool,
                     std::unique_ptr<Model>* out);

  const ModelHeader& header() const { return file_->header(); }
  // The threads XNNPACK runs this model's layers on (1: the caller's only).
  size_t thread_count() const { return ThreadCount(threadpool_); }
  size_t file_size() const { return bytes_.size(); }
  // Index of the layer called `name`, or nullopt.
  std::optional<size_t> LayerIndex(const std::string& name) const;
  std::vector<TensorView> Weights(size_t layer) const { return file_->Weights(layer); }

  // Resizes and preprocesses `image`, runs every layer, keeps every activation.
  Status Run(const RgbImage& image, const RunOptions& options, RunResult* result);

  // Explains the last Run's image (an error before any). With options.parts > 1 (methods whose
  // MethodInfo has `combine`), only that part of the passes: `out` holds its results for Combine.
  Status Explain(const ExplainOptions& options, Explanation* out);
  // The explanation from every part's results, in part order, as an undivided Explain gives it
  // (the same bits), for the last Run's image and the options the parts were made with.
  Status Combine(const ExplainOptions& options, const PartResults& results, Explanation* out);

  // Explains the last image as Explain does, then again on a copy of the model whose top
  // `top_layers` weighted layers have random kernels (seeded), and compares the maps.
  // With `randomized_only` (the original map is made elsewhere: another worker), only the
  // randomized copy's map: out->original stays empty and out->spearman NaN.
  Status SanityCheck(const ExplainOptions& options, size_t top_layers, uint32_t seed,
                     SanityCheckResult* out, bool randomized_only = false);

  // How faithful `map` (H x W at the input size, larger values more important: an Explanation's
  // map) is to the model on the last image, by `options.metric`, beside a random map; on the last
  // run's engine, whose pass is restored afterwards.
  Status Measure(const MeasureOptions& options, std::span<const float> map, Measurement* out);
  // Part options.part of options.parts of Measure's passes (for workers that share them out): the
  // class probability of each of its copies.
  Status MeasurePart(const MeasureOptions& options, std::span<const float> map,
                     std::vector<float>* probabilities);
  // Measure's result from every part's probabilities, in part order (the same options and map).
  Status CombineMeasurement(const MeasureOptions& options, std::span<const float> map,
                            std::span<const std::vector<float>> parts, Measurement* out);
  // Synthesizes the input a unit responds to most, by gradient ascent on the f32 engine (an int8
  // file's weights dequantized). The last image's activations are restored afterwards.
  Status Maximize(const MaximizeOptions& options, MaximizeResult* out);

  // The engine of the last Run (null before any): activations and logits live there.
  const Engine* last_engine() const { return last_; }
  // The engine of `precision`, once built (null before).
  const Engine* engine(Precision precision) const {
    return engines_[static_cast<size_t>(precision)].get();
  }
  // The last Run's input as the model sees it: the picture at the input size, its preprocessing
  // undone (a grayscale model's gray in all three channels), rounded and clamped to [0, 255].
  Status InputPicture(RgbImage* out) const;

 private:
  Model() = default;
  Status EngineFor(Precision p, Engine** engine);
  // The engine gradient methods run on: the last run's in f32; after an int8 run, the f32 engine
  // (the same weights, dequantized), which runs the last image first.
  Status GradientEngine(Engine** engine);
  // Re-runs the last image through `engine` when a method has run other inputs through it.
  Status RestoreLastImage(Engine* engine, Status status);
  Backward* GetBackward();
  // The method and its input for `options` on the last image (engine: the last run's).
  Status PrepareMethod(const ExplainOptions& options, const MethodInfo** method, MethodInput* in);
  // The class `asked` for (an error when the model's classes have none such), or the last run's
  // top class.
  Status ClassOf(std::optional<size_t> asked, size_t* class_index) const;
  // The metric `options` name and its input on the last image.
  Status MetricInputOf(const MeasureOptions& options, const MetricInfo** metric,
                       MetricInput* in) const;
  // What the result came from: the class, and the engine's arithmetic (see Explanation).
  void SetProvenance(const MethodInput& in, Precision engine, Explanation* out) const;

  std::vector<uint8_t> bytes_;
  std::unique_ptr<ModelFile> file_;
  ThreadPool threadpool_;
  std::array<std::unique_ptr<Engine>, 2> engines_;  // by Precision
  Engine* last_ = nullptr;
  RgbImage resized_;  // the last picture at the input size (kept: its memory serves the next run)
  std::vector<float> last_input_;  // the last image, preprocessed
  // Whether the f32 engine holds the last image's pass after an int8 run (GradientEngine).
  bool gradient_pass_current_ = false;
  std::unique_ptr<Backward> backward_;  // built on the first explanation
};

}  // namespace convscope

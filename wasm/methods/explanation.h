// What every explanation method produces, and the helpers they share. A method is a function
//   Status Method(const MethodInput& in, Explanation* out)
// in its own file with its MethodInfo (method_info.h), registered in methods/registry.cc;
// docs/explanation-methods.md is the contract.
#pragma once

#include <pthreadpool.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/backward.h"
#include "engine/engine.h"
#include "model/model_file.h"
#include "model/model_header.h"
#include "options.h"

namespace convscope {

// Called between the passes of a long method with the fraction done; returning false cancels.
using ProgressFn = std::function<bool(double fraction)>;

struct Explanation;
// Called by methods that refine a map as they go (occlusion) with the map so far; false cancels.
using PartialFn = std::function<bool(const Explanation& so_far)>;

// Passes a method may be asked to make (SmoothGrad samples, integrated-gradients steps): the
// papers use 50 and up to 300, while a hostile 2^31 would run for days.
inline constexpr double kMaxPasses = 1000;

struct MethodInput {
  const ModelFile* model = nullptr;
  const ModelHeader* header = nullptr;
  pthreadpool_t threadpool = nullptr;
  // Has just run `image`. Methods that make several passes (registry: reruns_forward) may run
  // other inputs through it; Model::Explain restores the image's pass afterwards.
  Engine* engine = nullptr;
  std::span<const float> image;  // the preprocessed input that was run
  Backward* backward = nullptr;
  size_t class_index = 0;
  size_t layer = 0;  // the layer a method looks at (Grad-CAM), when it takes one
  // The method's options (MethodInfo::options), checked, defaults filled in.
  MethodOptions options;
  ProgressFn progress;  // may be empty
  PartialFn partial;    // may be empty
  // Methods of independent passes (registry: combine) can make only their share of them, so that
  // module instances in several workers split the work: part `part` of `parts` (see PassParts).
  size_t part = 0, parts = 1;
};

// Up to this many workers split a method's (or a metric's) passes.
inline constexpr size_t kMaxParts = 64;

// An error unless part `part` of `parts` is one (parts 1 to kMaxParts).
Status CheckParts(size_t part, size_t parts);

// Which of a method's `passes` independent passes part `in.part` of `in.parts` makes: pass i
// belongs to part i % parts. A part's result (Explanation::raw) holds its passes' results in
// order; the method's combine function adds every part's back in pass order, as the undivided
// method does, so any split gives the same bits.
struct PassParts {
  size_t part = 0, parts = 1;
  bool Mine(size_t pass) const { return pass % parts == part; }
  size_t Count(size_t passes) const { return passes / parts + (part < passes % parts ? 1 : 0); }
  // Where pass `pass` is in its part's results, and which part that is.
  size_t PartOf(size_t pass) const { return pass % parts; }
  size_t IndexInPart(size_t pass) const { return pass / parts; }
};
inline PassParts PartsOf(const MethodInput& in) { return {in.part, in.parts}; }

// The results of every part, in part order (the raw of each part's Explanation).
using PartResults = std::vector<std::span<const float>>;

// Checks that `results` are the `parts` parts of a method of `passes` passes of `pass_size` values.
Status CheckPartResults(const PartResults& results, size_t parts, size_t passes, size_t pass_size);

// The values a map's 0 and 1 stand for, in the method's units (MethodInfo::value).
struct ValueRange {
  float min = 0, max = 0;
};

struct Explanation {
  std::string method;
  size_t class_index = 0;  // the class whose score is explained
  size_t layer = 0;        // 0 when the method is about the input
  // The arithmetic the map came from: the weights' (int8 for an int8 file or an int8 run) and the
  // activations' (f32 for gradient methods, which int8 models run on an f32 pass).
  Precision weights = Precision::kF32, activations = Precision::kF32;
  size_t height = 0, width = 0;
  std::vector<float> map;  // height x width, normalized to [0, 1], at the model's input size
  ValueRange value_range;  // what 0 and 1 of `map` were before normalization, for legends
  // What the values are, for legends, where the options decide it (occlusion's score); empty:
  // the method's MethodInfo::value.
  std::string value;
  // How the method computed the map where it has more than one way (occlusion: which layers ran
  // incrementally, which whole, which on batches of copies); empty otherwise. For reports.
  std::string computation;
  Shape raw_shape;  // the method's unnormalized result (a gradient, a CAM before upsampling)
  std::vector<float> raw;
};

// How a map was computed, for captions and reports: "f32", "int8", or "int8 weights, f32 pass"
// (a gradient method on an int8 model).
std::string ArithmeticLabel(const Explanation& x);

// Reports progress (if anyone listens); a Status error when the listener cancelled.
Status ReportProgress(const ProgressFn& progress, double fraction);

// Runs `input` (preprocessed, the image's shape) through the engine and returns
// d(class logit)/d(input) for it.
Status InputGradientAt(const MethodInput& in, std::span<const float> input, BackwardMode mode,
                       std::vector<float>* gradient);

// Per pixel, the largest |value| over the channels of an H x W x C tensor.
std::vector<float> MaxAbsOverChannels(std::span<const float> values, size_t channels);

// How a method's map is brought to [0, 1] for drawing (MethodInfo::scale), so that a colour says
// the same on every picture: zero is where zero is, never the map's minimum.
enum class MapScale {
  kFromZero,  // values >= 0 (magnitudes; CAMs, the ReLU of their definition): 0 to the largest
  kSigned,    // values of either sign (a change in probability, attributions): -m to m with m the
              // largest |value|, so zero is at 0.5 (a diverging colormap's middle)
};
inline constexpr std::array<const char*, 2> kMapScaleNames = {"zero", "signed"};

// Normalizes `map` in place by `scale` (all zeros, or 0.5 when signed, where the map is all zero);
// returns the values that 0 and 1 stand for.
ValueRange NormalizeMap(std::span<float> map, MapScale scale);

}  // namespace convscope

#include "activation_maximization.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gaussian.h"
#include "images/preprocess.h"
#include "model/head.h"
#include "model/layer_roles.h"

namespace convscope {
namespace {

struct Preset {
  bool adam;
  float learning_rate;  // in pixel units (0..255)
  float total_variation;
  float l1;
  int jitter;  // pixels at 224 x 224
  size_t steps;
  float blur;    // sigma of the Gaussian blur applied to the image after each step, pixels at 224
  bool stretch;  // display with the classic contrast stretch (else the pixels the model saw)
  bool log_probability;  // for a class, ascend its log probability instead of its logit
};

Status PresetFor(const std::string& name, Preset* p) {
  if (name == "keras-vis") {
    *p = {false, 1.0f, 1.0f, 0.3f, 4, 200, 0.0f, true, false};
  } else if (name == "lucid") {
    *p = {true, 0.05f * 255.0f, 0.0f, 0.0f, 8, 256, 0.0f, true, false};
  } else if (name == "smooth") {
    *p = {false, 1.0f, 0.0f, 0.0f, 8, 200, 3.0f, false, true};
  } else {
    return Status::Error("preset must be 'keras-vis', 'lucid' or 'smooth', got '" + name + "'");
  }
  return Status::Ok();
}

}  // namespace

const std::vector<OptionSpec>& MaximizeOptionSpecs() {
  static const std::vector<OptionSpec> specs = {
      ChoiceOption("preset", {"smooth", "keras-vis", "lucid"},
                   "smooth: blurred after every step, a class's log probability ascended, shown as "
                   "the model saw it (200 steps); keras-vis: tf-keras-vis' VGG16 setting, total "
                   "variation and L1 (200 steps); lucid: Adam, jitter (256 steps)."),
      IntegerOption("steps", 0, 0, kMaxMaximizeSteps, "steps",
                    "Steps of gradient ascent; 0: the preset's."),
      IntegerOption("seed", 1, 0, 4294967295.0, "",
                    "Seeds the starting noise and the jitter: the same seed, the same picture.")};
  return specs;
}

namespace {

// out[y][x] = in[y - dy][x - dx], wrapping around (a jitter that loses no pixels).
void Roll(std::span<const float> in, size_t h, size_t w, size_t c, int dy, int dx,
          std::span<float> out) {
  const auto H = static_cast<int>(h), W = static_cast<int>(w);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const int sy = ((y - dy) % H + H) % H, sx = ((x - dx) % W + W) % W;
      std::copy_n(&in[static_cast<size_t>(sy * W + sx) * c], c,
                  &out[static_cast<size_t>(y * W + x) * c]);
    }
}

// Gradient of the (anisotropic, L1) total variation of an H x W x C image.
void AddTotalVariationGradient(std::span<const float> x, size_t h, size_t w, size_t c, float weight,
                               std::span<float> g) {
  auto sign = [](float v) { return static_cast<float>((v > 0) - (v < 0)); };
  for (size_t y = 0; y < h; ++y)
    for (size_t xx = 0; xx < w; ++xx)
      for (size_t k = 0; k < c; ++k) {
        const size_t i = (y * w + xx) * c + k;
        if (xx + 1 < w) {
          const float s = weight * sign(x[i + c] - x[i]);
          g[i] += s, g[i + c] -= s;
        }
        if (y + 1 < h) {
          const float s = weight * sign(x[i + w * c] - x[i]);
          g[i] += s, g[i + w * c] -= s;
        }
      }
}

// Each pixel of `x` (preprocessed, `c` channels) set to the gray of its channels' mean pixel value.
void TieToGray(const Preprocessing& p, size_t c, std::span<float> x) {
  for (size_t i = 0; i < x.size(); i += c) {
    float sum = 0;
    for (size_t k = 0; k < c; ++k) sum += DeprocessValue(p, x[i + k], k);
    for (size_t k = 0; k < c; ++k) x[i + k] = PreprocessValue(p, sum / static_cast<float>(c), k);
  }
}

}  // namespace

Status MaximizeActivation(const ModelHeader& header, Engine* engine, Backward* backward,
                          const MaximizeOptions& o, MaximizeResult* result) {
  Preset preset;
  CONVSCOPE_RETURN_IF_ERROR(PresetFor(o.preset, &preset));
  if (o.steps > kMaxMaximizeSteps) {
    return Status::Error("steps must be at most " + std::to_string(kMaxMaximizeSteps) + ", got " +
                         std::to_string(o.steps));
  }
  const auto& layers = header.layers;
  if (o.layer == 0 || o.layer >= layers.size()) return Status::Error("no such layer to maximize");
  const Head& head = header.head;
  // The class layer: the last, or the one whose values are the class scores.
  const bool is_class =
      head.kind != HeadKind::kNone && (o.layer + 1 == layers.size() || o.layer == head.layer);
  const size_t layer = is_class ? head.layer : o.layer;
  const Layer& target = layers[layer].layer;
  if (!is_class && !HasSpatialOutput(target)) {
    return Status::Error(
        "activation maximization needs a layer with feature maps or the class "
        "layer; " +
        target.name + " (" + target.keras_class + ") has output " +
        ShapeString(target.output_shape));
  }
  const size_t units = is_class ? head.classes : target.output_shape.back();
  if (o.unit >= units) {
    return Status::Error(std::string(is_class ? "class " : "filter ") + std::to_string(o.unit) +
                         " is out of range: " + target.name + " has " + std::to_string(units));
  }
  const Shape& in = layers.front().layer.output_shape;
  const size_t h = in[0], w = in[1], c = in[2], n = h * w * c;
  const size_t positions = is_class ? 1 : target.output_shape[0] * target.output_shape[1];
  const Preprocessing& p = header.preprocessing;
  // The valid range of each preprocessed channel: pixel 0 and pixel 255.
  std::vector<float> lo(c), hi(c);
  for (size_t k = 0; k < c; ++k) {
    lo[k] = PreprocessValue(p, 0, k);
    hi[k] = PreprocessValue(p, 255, k);
  }
  const float pixel = static_cast<float>(p.scale / p.std[0]);  // one pixel step, preprocessed

  // A model that takes colour but was only ever shown gray pictures (TrainingPictures::gray) is
  // given gray ones: colours it never saw would only add noise.
  const bool gray = header.training_pictures && header.training_pictures->gray;
  std::mt19937 rng(o.seed);
  std::uniform_real_distribution<float> noise(-20.0f, 20.0f);
  std::vector<float> x(n);  // the seed, preprocessed
  const TrainingPictures* seen = header.training_pictures ? &*header.training_pictures : nullptr;
  result->seed_picture = seen ? "the training pictures' mean" : "noise";
  for (size_t i = 0; i < n; i += c) {
    const float shade = noise(rng);  // the first channel's, or the gray pixel's
    for (size_t k = 0; k < c; ++k) {
      const float offset = k == 0 || gray ? shade : noise(rng);
      // Mid-gray plus noise of +-20 levels; where the file says what the training pictures look
      // like, their mean picture plus +-5 levels: a picture of the kind the model knows, which the
      // ascent then changes.
      x[i + k] = seen ? static_cast<float>(seen->mean[i + k]) + offset * pixel / 4
                      : PreprocessValue(p, 128.0f + offset, k);
    }
  }
  if (gray) TieToGray(p, c, x);  // the noise above is in each channel's own units
  // The values the class scores are (model/head.h).
  auto head_values = [&]() {
    return head.before_activation ? engine->pre_activation(layer) : engine->activation(layer);
  };
  auto mean_activation = [&]() {  // of the unit's outputs; a class's score
    if (is_class) return engine->scores()[o.unit];
    const std::span<const float> a = engine->activation(layer);
    double sum = 0;
    for (size_t i = o.unit; i < a.size(); i += units) sum += a[i];
    return static_cast<float>(sum / static_cast<double>(positions));
  };

  const size_t steps = o.steps > 0 ? o.steps : preset.steps;
  // Jitter is set for 224 x 224 inputs; smaller inputs get proportionally less (at least 1 px).
  const int jitter = std::max(
      1, static_cast<int>(std::lround(preset.jitter * static_cast<double>(std::min(h, w)) / 224)));
  std::uniform_int_distribution<int> shift(-jitter, jitter);
  // A filter's target is small (block1's see 3 x 3 pixels): it gets a third of a class's blur.
  const float blur_sigma =
      preset.blur * (is_class ? 1.0f : 1.0f / 3) * static_cast<float>(std::min(h, w)) / 224.0f;
  std::vector<float> jittered(n), step(n), m1(n, 0.0f), m2(n, 0.0f), gradient;
  result->objective.clear();
  for (size_t t = 0; t < steps; ++t) {
    const int dy = shift(rng), dx = shift(rng);
    Roll(x, h, w, c, dy, dx, jittered);
    std::copy(jittered.begin(), jittered.end(), engine->input().begin());
    CONVSCOPE_RETURN_IF_ERROR(engine->Run(layer));
    if (t == 0) result->start_activation = mean_activation();
    if (is_class) {
      // A class's log probability (or score), from the values its scores are.
      gradient = preset.log_probability ? LogProbabilityGradient(head, head_values(), o.unit)
                                        : ScoreGradient(head, head_values().size(), o.unit);
    } else {
      // d(mean response of the unit, before its activation) / d(layer values before activation).
      gradient.assign(positions * units, 0.0f);
      for (size_t i = o.unit; i < gradient.size(); i += units)
        gradient[i] = 1.0f / static_cast<float>(positions);
    }
    CONVSCOPE_RETURN_IF_ERROR(backward->Propagate(*engine, layer, 0, BackwardMode::kPlain,
                                                  &gradient, is_class && !head.before_activation));
    Roll(gradient, h, w, c, -dy, -dx, step);  // back to x's frame
    // Objective trace: the unit's mean output (its score for a class).
    result->objective.push_back(mean_activation());

    // Ascent on the objective, normalized to unit RMS (as the classic Keras recipe), minus the
    // regularizers' gradients in the same units.
    double ss = 0;
    for (float g : step) ss += static_cast<double>(g) * g;
    const auto rms = static_cast<float>(std::sqrt(ss / static_cast<double>(n)) + 1e-12);
    for (float& g : step) g /= rms;
    if (preset.total_variation > 0) {
      std::vector<float> tv(n, 0.0f);
      AddTotalVariationGradient(x, h, w, c, preset.total_variation / 4, tv);
      for (size_t i = 0; i < n; ++i) step[i] -= tv[i];
    }
    if (preset.l1 > 0) {
      for (size_t i = 0; i < n; ++i) {
        const float centre = (lo[i % c] + hi[i % c]) / 2;
        step[i] -= preset.l1 * static_cast<float>((x[i] > centre) - (x[i] < centre));
      }
    }
    const float lr = preset.learning_rate * pixel;
    for (size_t i = 0; i < n; ++i) {
      float update;
      if (preset.adam) {
        m1[i] = 0.9f * m1[i] + 0.1f * step[i];
        m2[i] = 0.999f * m2[i] + 0.001f * step[i] * step[i];
        const float m1h = m1[i] / (1 - std::pow(0.9f, static_cast<float>(t + 1)));
        const float m2h = m2[i] / (1 - std::pow(0.999f, static_cast<float>(t + 1)));
        update = m1h / (std::sqrt(m2h) + 1e-8f);
      } else {  // RMSprop
        m2[i] = 0.999f * m2[i] + 0.001f * step[i] * step[i];
        update = step[i] / (std::sqrt(m2[i]) + 1e-7f);
      }
      x[i] = std::clamp(x[i] + lr * update, lo[i % c], hi[i % c]);
    }
    if (gray) TieToGray(p, c, x);
    if (blur_sigma > 0) GaussianBlur(x, h, w, c, blur_sigma);
    CONVSCOPE_RETURN_IF_ERROR(
        ReportProgress(o.progress, static_cast<double>(t + 1) / static_cast<double>(steps)));
  }
  std::copy(x.begin(), x.end(), engine->input().begin());
  CONVSCOPE_RETURN_IF_ERROR(engine->Run(layer));
  result->end_activation = mean_activation();

  // For display: back to RGB pixels (a grayscale model's gray in all three), then the classic
  // contrast stretch (mean 0.5, std 0.1).
  std::vector<float> rgb(h * w * 3);
  Deprocess(x, p, c, rgb);
  double mean = 0, var = 0;
  for (float v : rgb) mean += v;
  mean /= static_cast<double>(rgb.size());
  for (float v : rgb) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / static_cast<double>(rgb.size())) + 1e-5;
  result->width = w;
  result->height = h;
  result->rgb.resize(rgb.size());
  for (size_t i = 0; i < rgb.size(); ++i) {
    const double v = preset.stretch ? ((rgb[i] - mean) / sd * 0.1 + 0.5) * 255.0 : rgb[i];
    result->rgb[i] = PixelByte(v);
  }
  return Status::Ok();
}

}  // namespace convscope

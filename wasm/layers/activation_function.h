// The activation functions of Keras (keras.activations and the ReLU, LeakyReLU, ELU and Softmax
// layers), each with its derivative: one description shared by the layers that apply one after
// their output (Conv2D, SeparableConv2D, Dense) and by the standalone Activation kind, in the
// forward pass, the backward pass and guided backpropagation.
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <span>
#include <string>

#include "base/json_util.h"
#include "base/status.h"

namespace convscope {

enum class ActivationKind {
  kLinear,
  kRelu,  // Keras' relu with negative_slope, max_value and threshold: relu6, leaky_relu, ReLU
  kSigmoid,
  kHardSigmoid,
  kTanh,
  kSoftmax,   // over the last axis
  kSilu,      // swish
  kHardSilu,  // hard_swish
  kGelu,
  kElu,
  kSelu,
  kSoftplus,
  kSoftsign,
  kExponential,
};
// By ActivationKind: the names the catalog lists and the header writes.
inline constexpr std::array<const char*, 14> kActivationKindNames = {
    "linear",    "relu", "sigmoid", "hard_sigmoid", "tanh",     "softmax",  "silu",
    "hard_silu", "gelu", "elu",     "selu",         "softplus", "softsign", "exponential"};

// The Keras activation names convscope runs (aliases included), for the catalog and messages.
inline constexpr std::array<const char*, 18> kKerasActivationNames = {
    "linear", "relu",    "relu6", "leaky_relu", "sigmoid",    "hard_sigmoid",
    "tanh",   "softmax", "swish", "silu",       "hard_swish", "hard_silu",
    "gelu",   "elu",     "selu",  "softplus",   "softsign",   "exponential"};

struct ActivationFn {
  ActivationKind kind = ActivationKind::kLinear;
  // kRelu, as Keras computes it: x > threshold ? x : 0, clipped to [0, max_value] when there is
  // a max_value, minus negative_slope * max(threshold - x, 0).
  float negative_slope = 0;
  float threshold = 0;
  float max_value = std::numeric_limits<float>::infinity();
  float alpha = 1;            // kElu
  float slope = 1.0f / 6.0f;  // kHardSigmoid: Keras 3 x/6 + 0.5, tf.keras 2 0.2x + 0.5
  bool approximate = false;   // kGelu: the tanh approximation

  bool linear() const { return kind == ActivationKind::kLinear; }
  // Plain max(x, 0), which convolutions fuse into their output clamp.
  bool plain_relu() const {
    return kind == ActivationKind::kRelu && negative_slope == 0 && threshold == 0 &&
           max_value == std::numeric_limits<float>::infinity();
  }
  // Guided backpropagation zeroes negative gradients here: the functions that pass positive
  // inputs (nearly) unchanged and damp negative ones, as ReLU does (docs/explanation-methods.md).
  bool relu_like() const;
  // Whether the derivative can be read off the output alone (so the input need not be kept).
  bool derivative_from_output() const { return linear() || plain_relu(); }
  bool operator==(const ActivationFn&) const = default;
};

// Which Keras dialect wrote a config: tf.keras 2's hard_sigmoid differs from Keras 3's.
enum class KerasDialect { kKeras3, kKeras2 };

// A Keras activation name ("relu6", "swish", ...) or one written by ActivationToJson.
Status ActivationFromJson(const Json& value, KerasDialect dialect, ActivationFn* out);
// The Keras name where one says it all, else {"name": ..., parameters}.
Json ActivationToJson(const ActivationFn& f);
// "relu", "relu (max 6)", ...: for captions and the layer inspector.
std::string ActivationLabel(const ActivationFn& f);

// y = f(x) over `pixels` rows of `channels` values (softmax works along each row).
void ApplyActivation(const ActivationFn& f, std::span<const float> x, size_t channels,
                     std::span<float> y);

// g := g * f'(x) (softmax: the Jacobian along each row), from the input `x` and the output `y`
// (either may be the same span when derivative_from_output()). Guided: relu-like functions also
// zero negative incoming gradients.
void ActivationGradient(const ActivationFn& f, std::span<const float> x, std::span<const float> y,
                        size_t channels, bool guided, std::span<float> g);

}  // namespace convscope

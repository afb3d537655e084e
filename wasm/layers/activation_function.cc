#include "activation_function.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <sstream>

#include "base/names.h"
#include "keras_config.h"

namespace convscope {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
// keras.activations.selu's constants.
constexpr float kSeluAlpha = 1.67326324235437728481f;
constexpr float kSeluScale = 1.05070098735548049342f;
// keras.activations.leaky_relu's default slope (the LeakyReLU layer's is 0.3).
constexpr float kLeakyReluSlope = 0.2f;

float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// exp(x) in arithmetic the compiler turns into SIMD, within 2 ulp of std::exp on [-87, 88]
// (Cephes' expf: x = n ln 2 + r with |r| <= ln 2 / 2, a degree-7 polynomial for e^r, 2^n built
// in the exponent bits); past that range, the range's end.
float VectorExp(float x) {
  x = std::clamp(x, -87.0f, 88.0f);
  const float n = std::floor(x * 1.44269504088896341f + 0.5f);
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float two_n;  // std::bit_cast, which Emscripten 3.1.6's libc++ lacks
  std::memcpy(&two_n, &bits, sizeof(two_n));
  return e * two_n;
}

float Relu(const ActivationFn& f, float x) {
  float y = x > f.threshold ? x : 0.0f;
  if (f.max_value != kInf) y = std::clamp(y, 0.0f, f.max_value);
  return y - f.negative_slope * std::max(f.threshold - x, 0.0f);
}

float ReluDerivative(const ActivationFn& f, float x) {
  if (x <= f.threshold) return f.negative_slope;
  if (f.max_value != kInf && (x <= 0 || x >= f.max_value)) return 0;
  return 1;
}

constexpr float kSqrt2OverPi = 0.79788456080286535588f;
constexpr float kGeluCubic = 0.044715f;

float Gelu(const ActivationFn& f, float x) {
  if (f.approximate) {
    return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + kGeluCubic * x * x * x)));
  }
  return 0.5f * x * (1.0f + std::erf(x / std::sqrt(2.0f)));
}

float GeluDerivative(const ActivationFn& f, float x) {
  if (f.approximate) {
    const float u = kSqrt2OverPi * (x + kGeluCubic * x * x * x);
    const float t = std::tanh(u);
    const float du = kSqrt2OverPi * (1.0f + 3.0f * kGeluCubic * x * x);
    return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du;
  }
  const float cdf = 0.5f * (1.0f + std::erf(x / std::sqrt(2.0f)));
  const float pdf = std::exp(-0.5f * x * x) / std::sqrt(2.0f * std::numbers::pi_v<float>);
  return cdf + x * pdf;
}

float Elu(float alpha, float x) { return x > 0 ? x : alpha * std::expm1(x); }

float Value(const ActivationFn& f, float x) {
  switch (f.kind) {
    case ActivationKind::kLinear:
    case ActivationKind::kSoftmax:  // by rows, in ApplyActivation
      return x;
    case ActivationKind::kRelu:
      return Relu(f, x);
    case ActivationKind::kSigmoid:
      return Sigmoid(x);
    case ActivationKind::kHardSigmoid:
      return std::clamp(f.slope * x + 0.5f, 0.0f, 1.0f);
    case ActivationKind::kTanh:
      return std::tanh(x);
    case ActivationKind::kSilu:
      return x * Sigmoid(x);
    case ActivationKind::kHardSilu:
      return x * std::clamp(x + 3.0f, 0.0f, 6.0f) / 6.0f;
    case ActivationKind::kGelu:
      return Gelu(f, x);
    case ActivationKind::kElu:
      return Elu(f.alpha, x);
    case ActivationKind::kSelu:
      return kSeluScale * Elu(kSeluAlpha, x);
    case ActivationKind::kSoftplus:
      return std::max(x, 0.0f) + std::log1p(std::exp(-std::fabs(x)));
    case ActivationKind::kSoftsign:
      return x / (1.0f + std::fabs(x));
    case ActivationKind::kExponential:
      return std::exp(x);
  }
  return x;
}

// f'(x), given x and y = f(x).
float Derivative(const ActivationFn& f, float x, float y) {
  switch (f.kind) {
    case ActivationKind::kLinear:
    case ActivationKind::kSoftmax:
      return 1;
    case ActivationKind::kRelu:
      return f.plain_relu() ? (y > 0 ? 1.0f : 0.0f) : ReluDerivative(f, x);
    case ActivationKind::kSigmoid:
      return y * (1.0f - y);
    case ActivationKind::kHardSigmoid: {
      const float z = f.slope * x + 0.5f;
      return z > 0 && z < 1 ? f.slope : 0.0f;
    }
    case ActivationKind::kTanh:
      return 1.0f - y * y;
    case ActivationKind::kSilu: {
      const float s = Sigmoid(x);
      return s * (1.0f + x * (1.0f - s));
    }
    case ActivationKind::kHardSilu:
      return x < -3 ? 0.0f : x > 3 ? 1.0f : (2.0f * x + 3.0f) / 6.0f;
    case ActivationKind::kGelu:
      return GeluDerivative(f, x);
    case ActivationKind::kElu:
      return x > 0 ? 1.0f : f.alpha * std::exp(x);
    case ActivationKind::kSelu:
      return kSeluScale * (x > 0 ? 1.0f : kSeluAlpha * std::exp(x));
    case ActivationKind::kSoftplus:
      return Sigmoid(x);
    case ActivationKind::kSoftsign: {
      const float d = 1.0f + std::fabs(x);
      return 1.0f / (d * d);
    }
    case ActivationKind::kExponential:
      return y;
  }
  return 1;
}

void SoftmaxRows(std::span<const float> x, size_t channels, std::span<float> y) {
  for (size_t row = 0; row + channels <= x.size(); row += channels) {
    const float top = *std::max_element(x.begin() + static_cast<ptrdiff_t>(row),
                                        x.begin() + static_cast<ptrdiff_t>(row + channels));
    double sum = 0;
    for (size_t c = 0; c < channels; ++c) {
      y[row + c] = std::exp(x[row + c] - top);
      sum += y[row + c];
    }
    for (size_t c = 0; c < channels; ++c) y[row + c] = static_cast<float>(y[row + c] / sum);
  }
}

}  // namespace

bool ActivationFn::relu_like() const {
  switch (kind) {
    case ActivationKind::kRelu:
    case ActivationKind::kElu:
    case ActivationKind::kSelu:
    case ActivationKind::kGelu:
    case ActivationKind::kSilu:
    case ActivationKind::kHardSilu:
      return true;
    default:
      return false;
  }
}

Status ActivationFromJson(const Json& value, KerasDialect dialect, ActivationFn* out) {
  ActivationFn f;
  std::string keras_name;
  if (value.is_null()) {
    keras_name = "linear";
  } else if (value.is_string()) {
    keras_name = value.get<std::string>();
  } else if (const Json* n = Find(value, "name"); n != nullptr && n->is_string()) {
    keras_name = n->get<std::string>();
  } else {
    return Status::Error("unsupported activation " + DumpJson(value).substr(0, 120) +
                         " (a custom activation function; convscope runs " +
                         OneOf(kKerasActivationNames) + ")");
  }
  // Aliases first, then the canonical names.
  if (keras_name == "swish") keras_name = "silu";
  if (keras_name == "hard_swish") keras_name = "hard_silu";
  if (keras_name == "relu6") {
    f.kind = ActivationKind::kRelu;
    f.max_value = 6;
  } else if (keras_name == "leaky_relu") {
    f.kind = ActivationKind::kRelu;
    f.negative_slope = kLeakyReluSlope;
  } else if (const auto index = IndexOfName(kActivationKindNames, keras_name)) {
    f.kind = static_cast<ActivationKind>(*index);
  } else {
    return Status::Error("unsupported activation '" + keras_name + "' (convscope runs " +
                         OneOf(kKerasActivationNames) + ")");
  }
  if (f.kind == ActivationKind::kHardSigmoid && dialect == KerasDialect::kKeras2) f.slope = 0.2f;
  if (value.is_object()) {
    CONVSCOPE_RETURN_IF_ERROR(ReadFloatParameter(value, "negative_slope", "activation",
                                                 f.negative_slope, &f.negative_slope));
    CONVSCOPE_RETURN_IF_ERROR(
        ReadFloatParameter(value, "threshold", "activation", f.threshold, &f.threshold));
    CONVSCOPE_RETURN_IF_ERROR(
        ReadFloatParameter(value, "max_value", "activation", f.max_value, &f.max_value));
    CONVSCOPE_RETURN_IF_ERROR(ReadFloatParameter(value, "alpha", "activation", f.alpha, &f.alpha));
    CONVSCOPE_RETURN_IF_ERROR(ReadFloatParameter(value, "slope", "activation", f.slope, &f.slope));
    if (const Json* a = Find(value, "approximate"); a != nullptr && a->is_boolean()) {
      f.approximate = a->get<bool>();
    }
    if (f.max_value < 0) {
      return Status::Error("activation max_value must not be negative");
    }
  }
  *out = f;
  return Status::Ok();
}

Json ActivationToJson(const ActivationFn& f) {
  const ActivationFn plain{.kind = f.kind};
  if (f == plain) return NameOf(kActivationKindNames, f.kind);
  Json j = {{"name", NameOf(kActivationKindNames, f.kind)}};
  switch (f.kind) {
    case ActivationKind::kRelu:
      j["negative_slope"] = f.negative_slope;
      j["threshold"] = f.threshold;
      if (f.max_value != kInf) j["max_value"] = f.max_value;
      break;
    case ActivationKind::kElu:
      j["alpha"] = f.alpha;
      break;
    case ActivationKind::kHardSigmoid:
      j["slope"] = f.slope;
      break;
    case ActivationKind::kGelu:
      j["approximate"] = f.approximate;
      break;
    default:
      break;
  }
  return j;
}

std::string ActivationLabel(const ActivationFn& f) {
  const Json j = ActivationToJson(f);
  if (j.is_string()) return j.get<std::string>();
  std::ostringstream s;
  s << j["name"].get<std::string>() << " (";
  bool first = true;
  for (const auto& [key, value] : j.items()) {
    if (key == "name") continue;
    s << (first ? "" : ", ") << key << " " << DumpJson(value);
    first = false;
  }
  s << ")";
  return s.str();
}

void ApplyActivation(const ActivationFn& f, std::span<const float> x, size_t channels,
                     std::span<float> y) {
  if (f.kind == ActivationKind::kSoftmax) return SoftmaxRows(x, channels, y);
  if (f.kind == ActivationKind::kRelu && f.negative_slope == 0 && f.threshold == 0) {
    // ReLU and ReLU6 (ResNet's and MobileNet's standalone activations) as a loop the compiler
    // turns into SIMD, where Value's switch per element costs a graph of them a fifth of its pass.
    const float top = f.max_value;
    for (size_t i = 0; i < x.size(); ++i) y[i] = std::min(x[i] > 0.0f ? x[i] : 0.0f, top);
    return;
  }
  if (f.kind == ActivationKind::kSilu) {  // EfficientNet's swish, likewise
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] / (1.0f + VectorExp(-x[i]));
    return;
  }
  if (f.kind == ActivationKind::kSigmoid) {  // its squeeze-and-excitation gates
    for (size_t i = 0; i < x.size(); ++i) y[i] = 1.0f / (1.0f + VectorExp(-x[i]));
    return;
  }
  for (size_t i = 0; i < x.size(); ++i) y[i] = Value(f, x[i]);
}

void ActivationGradient(const ActivationFn& f, std::span<const float> x, std::span<const float> y,
                        size_t channels, bool guided, std::span<float> g) {
  if (f.kind == ActivationKind::kSoftmax) {
    // dx = y * (g - <g, y>) along each row.
    for (size_t row = 0; row + channels <= g.size(); row += channels) {
      double dot = 0;
      for (size_t c = 0; c < channels; ++c) dot += g[row + c] * y[row + c];
      for (size_t c = 0; c < channels; ++c) {
        g[row + c] = y[row + c] * (g[row + c] - static_cast<float>(dot));
      }
    }
    return;
  }
  const bool guide = guided && f.relu_like();
  for (size_t i = 0; i < g.size(); ++i) {
    const float incoming = guide ? std::max(g[i], 0.0f) : g[i];
    g[i] = incoming * Derivative(f, x[i], y[i]);
  }
}

}  // namespace convscope

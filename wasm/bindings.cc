// Embind surface of the core. This file only marshals: it reads JS arguments into C++ types,
// calls the plain C++ core, and converts results back. Failures never throw through wasm (that
// leaks Emscripten's stack): a failed call returns null and records its message, and
// module_api.js turns that into a JS exception. Keep in sync with convscope.d.ts.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conv2d.h"

namespace convscope {
namespace {

using emscripten::val;

std::string g_last_error;

std::string LastError() { return g_last_error; }

// Records `message` for lastError() and returns the failure marker.
val Fail(std::string message) {
  g_last_error = std::move(message);
  return val::null();
}

// "null", "number", "Float64Array", ...: what the caller passed, for error messages. Uses
// Object.prototype.toString, which works on any value (even objects without a constructor).
std::string TypeName(const val& v) {
  const std::string type = v.typeOf().as<std::string>();
  if (type != "object" || v.isNull()) return v.isNull() ? "null" : type;
  const std::string tag =
      val::global("Object")["prototype"]["toString"].call<std::string>("call", v);
  return tag.substr(8, tag.size() - 9);  // "[object Float64Array]" -> "Float64Array"
}

bool IsFloat32Array(const val& v) { return v.instanceof (val::global("Float32Array")); }

// Reads options[key] as a non-negative integer (or `fallback` when absent).
std::optional<size_t> ReadSize(const val& options, const char* key, std::optional<size_t> fallback,
                               std::string* error) {
  const val v = options[key];
  if (v.isUndefined() && fallback) return fallback;
  if (v.typeOf().as<std::string>() == "number") {
    const double d = v.as<double>();
    if (std::isfinite(d) && d >= 0 && d <= 9007199254740991.0 && std::floor(d) == d) {
      return static_cast<size_t>(d);
    }
  }
  *error =
      std::string(key) + " must be a non-negative integer, got " +
      (v.typeOf().as<std::string>() == "number" ? std::to_string(v.as<double>()) : TypeName(v));
  return std::nullopt;
}

std::vector<float> CopyFloat32Array(const val& array) {
  std::vector<float> out(array["length"].as<size_t>());
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", array);
  return out;
}

// Conv2d.tryCreate(options) -> Conv2d | null
Conv2d* TryCreateConv2d(val options) {
  if (options.isNull() || options.typeOf().as<std::string>() != "object") {
    Fail("options must be an object, got " + TypeName(options));
    return nullptr;
  }
  std::string error;
  Conv2dShape shape;
  const struct {
    const char* key;
    size_t* field;
    std::optional<size_t> fallback;
  } sizes[] = {{"height", &shape.height, std::nullopt},
               {"width", &shape.width, std::nullopt},
               {"inChannels", &shape.in_channels, std::nullopt},
               {"outChannels", &shape.out_channels, std::nullopt},
               {"kernelHeight", &shape.kernel_height, 3},
               {"kernelWidth", &shape.kernel_width, 3},
               {"padding", &shape.padding, 1}};
  for (const auto& s : sizes) {
    const std::optional<size_t> v = ReadSize(options, s.key, s.fallback, &error);
    if (!v) {
      Fail(error);
      return nullptr;
    }
    *s.field = *v;
  }
  const val relu = options["relu"];
  if (!relu.isUndefined() && relu.typeOf().as<std::string>() != "boolean") {
    Fail("relu must be a boolean, got " + TypeName(relu));
    return nullptr;
  }
  shape.relu = relu.isUndefined() || relu.as<bool>();

  const val precision_value = options["precision"];
  const std::string precision = precision_value.isUndefined() ? "f32"
                                : precision_value.typeOf().as<std::string>() == "string"
                                    ? precision_value.as<std::string>()
                                    : TypeName(precision_value);
  if (precision != "f32" && precision != "int8") {
    Fail("precision must be 'f32' or 'int8', got " + precision);
    return nullptr;
  }
  for (const char* key : {"weights", "bias"}) {
    if (!IsFloat32Array(options[key])) {
      Fail(std::string(key) + " must be a Float32Array, got " + TypeName(options[key]));
      return nullptr;
    }
  }
  const std::vector<float> weights = CopyFloat32Array(options["weights"]);
  const std::vector<float> bias = CopyFloat32Array(options["bias"]);

  std::unique_ptr<Conv2d> conv;
  const Status status =
      Conv2d::Create(shape, precision == "int8" ? Precision::kInt8 : Precision::kF32, weights, bias,
                     /*threadpool=*/nullptr, &conv);
  if (!status.ok()) {
    Fail(status.message());
    return nullptr;
  }
  return conv.release();  // Embind owns it now; JS frees it with delete()
}

// conv.tryRun(input) -> Float32Array (a copy: it survives the next call) | null
val TryRun(Conv2d& conv, val input) {
  if (!IsFloat32Array(input)) return Fail("input must be a Float32Array, got " + TypeName(input));
  const std::span<float> in = conv.input();
  const size_t length = input["length"].as<size_t>();
  if (length != in.size()) {
    const Conv2dShape& s = conv.shape();
    return Fail("input has " + std::to_string(length) + " elements, expected " +
                std::to_string(in.size()) + " (" + std::to_string(s.height) + "x" +
                std::to_string(s.width) + "x" + std::to_string(s.in_channels) + ", NHWC)");
  }
  val(emscripten::typed_memory_view(in.size(), in.data())).call<void>("set", input);
  if (const Status status = conv.Run(); !status.ok()) return Fail(status.message());
  const std::span<const float> out = conv.output();
  return val::global("Float32Array").new_(emscripten::typed_memory_view(out.size(), out.data()));
}

val OutputShape(const Conv2d& conv) {
  const Conv2dShape& s = conv.shape();
  val shape = val::array();
  shape.call<void>("push", 1, s.output_height(), s.output_width(), s.out_channels);
  return shape;
}

std::string PrecisionOf(const Conv2d& conv) { return PrecisionName(conv.precision()); }

}  // namespace

EMSCRIPTEN_BINDINGS(convscope) {
  emscripten::function("lastError", &LastError);
  emscripten::class_<Conv2d>("Conv2d")
      .class_function("tryCreate", &TryCreateConv2d, emscripten::allow_raw_pointers())
      .function("tryRun", &TryRun)
      .property("outputShape", &OutputShape)
      .property("precision", &PrecisionOf);
}

}  // namespace convscope

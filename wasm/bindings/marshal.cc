#include "marshal.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "base/names.h"

namespace convscope::bindings {

namespace {
std::string g_last_error;

// A number for a message, close to how JavaScript shows it: -1, 0.5, 9007199254740991, 1e+300.
std::string NumberString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char text[32];
  std::snprintf(text, sizeof text, "%.16g", d);
  return text;
}
}  // namespace

val Fail(std::string message) {
  g_last_error = std::move(message);
  return val::null();
}

const std::string& LastError() { return g_last_error; }

std::string TypeName(const val& v) {
  const std::string type = v.typeOf().as<std::string>();
  if (type != "object" || v.isNull()) return v.isNull() ? "null" : type;
  // Object.prototype.toString works on any value, even objects without a constructor.
  const std::string tag =
      val::global("Object")["prototype"]["toString"].call<std::string>("call", v);
  return tag.substr(8, tag.size() - 9);  // "[object Float64Array]" -> "Float64Array"
}

std::string Shown(const val& v) {
  const std::string type = v.typeOf().as<std::string>();
  if (type == "number") return "number " + NumberString(v.as<double>());
  if (type == "boolean") return v.as<bool>() ? "boolean true" : "boolean false";
  if (type == "string") {
    constexpr size_t kShown = 40;  // enough to recognize a typo, not a pasted file
    const std::string text = v.as<std::string>();
    return "string '" + (text.size() > kShown ? text.substr(0, kShown) + "…" : text) + "'";
  }
  return TypeName(v);
}

bool IsObject(const val& v) { return !v.isNull() && v.typeOf().as<std::string>() == "object"; }

bool IsInstance(const val& v, const char* constructor) {
  return v.instanceof (val::global(constructor));
}

std::optional<size_t> ReadSize(const val& options, const char* key, std::optional<size_t> fallback,
                               std::string* error) {
  const val v = options[key];
  if (v.isUndefined() && fallback) return fallback;
  if (v.typeOf().as<std::string>() == "number") {
    const double d = v.as<double>();
    // size_t is 32 bits in wasm: a larger number would not survive the conversion.
    constexpr double kMax = std::min(9007199254740991.0, static_cast<double>(SIZE_MAX));
    if (std::isfinite(d) && d >= 0 && std::floor(d) == d) {
      if (d <= kMax) return static_cast<size_t>(d);
      *error =
          std::string(key) + " must be at most " + NumberString(kMax) + ", got " + NumberString(d);
      return std::nullopt;
    }
  }
  *error = std::string(key) + " must be a non-negative integer, got " +
           (v.typeOf().as<std::string>() == "number" ? NumberString(v.as<double>()) : TypeName(v));
  return std::nullopt;
}

std::optional<std::string> ReadString(const val& options, const char* key,
                                      std::optional<std::string> fallback, std::string* error) {
  const val v = options[key];
  if (v.isUndefined() && fallback) return fallback;
  if (v.typeOf().as<std::string>() == "string") return v.as<std::string>();
  *error = std::string(key) + " must be a string, got " + Shown(v);
  return std::nullopt;
}

std::optional<bool> ReadBool(const val& options, const char* key, bool fallback,
                             std::string* error) {
  const val v = options[key];
  if (v.isUndefined()) return fallback;
  if (v.typeOf().as<std::string>() == "boolean") return v.as<bool>();
  *error = std::string(key) + " must be true or false, got " + Shown(v);
  return std::nullopt;
}

std::vector<uint8_t> CopyBytes(const val& array) {
  const val bytes =
      IsInstance(array, "ArrayBuffer") ? val::global("Uint8Array").new_(array) : array;
  std::vector<uint8_t> out(bytes["byteLength"].as<size_t>());
  const val u8 = val::global("Uint8Array").new_(bytes["buffer"], bytes["byteOffset"], out.size());
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", u8);
  return out;
}

std::vector<float> CopyFloat32Array(const val& array) {
  std::vector<float> out(array["length"].as<size_t>());
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", array);
  return out;
}

val CopyFloats(std::span<const float> values) {
  return val::global("Float32Array")
      .new_(emscripten::typed_memory_view(values.size(), values.data()));
}

val CopyBytesOut(std::span<const uint8_t> rgba) {
  return val::global("Uint8ClampedArray")
      .new_(emscripten::typed_memory_view(rgba.size(), rgba.data()));
}

val ToJs(const Json& json) { return val::global("JSON").call<val>("parse", DumpJson(json)); }

val HeapRef(const void* data, size_t length, const char* dtype, const std::vector<size_t>& shape) {
  val ref = val::object();
  ref.set("byteOffset", reinterpret_cast<uintptr_t>(data));
  ref.set("length", length);
  ref.set("dtype", std::string(dtype));
  val dims = val::array();
  for (size_t d : shape) dims.call<void>("push", d);
  ref.set("shape", dims);
  return ref;
}

// Encoded file bytes, or RGBA pixels such as an ImageData.
Status ReadImage(const val& image, RgbImage* out) {
  if (IsInstance(image, "Uint8Array") || IsInstance(image, "ArrayBuffer")) {
    return DecodeImage(CopyBytes(image), out);
  }
  if (IsObject(image) &&
      (IsInstance(image["data"], "Uint8ClampedArray") || IsInstance(image["data"], "Uint8Array"))) {
    std::string error;
    const auto w = ReadSize(image, "width", std::nullopt, &error);
    const auto h = w ? ReadSize(image, "height", std::nullopt, &error) : std::nullopt;
    if (!h) return Status::Error("image." + error);
    return ImageFromRgba(CopyBytes(image["data"]), *w, *h, out);
  }
  return Status::Error(
      "image must be an encoded file (Uint8Array or ArrayBuffer) or RGBA pixels {data, width, "
      "height} such as an ImageData, got " +
      TypeName(image));
}

val ImageDataOut(const RgbImage& image) {
  std::vector<uint8_t> rgba(image.width * image.height * 4, 255);
  for (size_t i = 0; i < image.width * image.height; ++i) {
    std::copy_n(&image.pixels[3 * i], 3, &rgba[4 * i]);
  }
  val out = val::object();
  out.set("width", image.width);
  out.set("height", image.height);
  out.set("data", CopyBytesOut(rgba));
  return out;
}

std::optional<size_t> ReadNameIndex(const val& options, const char* key, const char* fallback,
                                    std::span<const char* const> names, std::string* error) {
  const auto name = ReadString(options, key, fallback, error);
  if (!name) return std::nullopt;
  const std::optional<size_t> index = IndexOfName(names, *name);
  if (!index) *error = std::string(key) + " must be " + OneOf(names) + ", got '" + *name + "'";
  return index;
}

std::optional<Colormap> ReadColormap(const val& options, const char* fallback, std::string* error) {
  return ReadEnum<Colormap>(options, "colormap", fallback, kColormapNames, error);
}

std::optional<ResizeMode> ReadResizeMode(const val& options, std::string* error) {
  return ReadEnum<ResizeMode>(options, "resize", "keras", kResizeModeNames, error);
}

bool ReadOptionValues(std::span<const OptionSpec> specs, const val& o, OptionMap* out) {
  for (const OptionSpec& spec : specs) {
    const val v = o[spec.name];
    const std::string type = v.typeOf().as<std::string>();
    if (type == "undefined") continue;
    if (type == "number") {
      (*out)[spec.name] = v.as<double>();
    } else if (type == "boolean") {
      (*out)[spec.name] = v.as<bool>();
    } else if (type == "string") {
      (*out)[spec.name] = v.as<std::string>();
    } else {
      Fail(std::string(spec.name) + " must be " + ExpectedOf(spec) + ", got " + Shown(v));
      return false;
    }
  }
  return true;
}

ProgressFn ReadProgress(const val& options) {
  const val on_progress = options["onProgress"];
  if (on_progress.typeOf().as<std::string>() != "function") return nullptr;
  return [on_progress](double fraction) { return on_progress(fraction).as<bool>(); };
}

}  // namespace convscope::bindings

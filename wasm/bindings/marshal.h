// Helpers shared by the Embind files: reading JS arguments with messages that name them, and the
// failure convention. A fallible binding never throws (an exception crossing wasm frames leaks
// Emscripten's stack): it records a message and returns null, and module_api.js turns that into a
// ConvscopeError.
#pragma once

#include <emscripten/val.h>

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "base/status.h"
#include "figures/colormap.h"
#include "images/image.h"
#include "methods/explanation.h"

namespace convscope::bindings {

using emscripten::val;

// Records `message` for lastError() and returns the failure marker (null).
val Fail(std::string message);
// Fail, for readers that return an optional.
inline std::nullopt_t FailWith(std::string message) {
  Fail(std::move(message));
  return std::nullopt;
}
const std::string& LastError();

// "null", "number", "Float64Array", ...: what the caller passed, for error messages.
std::string TypeName(const val& v);
// What the caller passed, value included where it is short: "number NaN", "string 'yes'",
// "boolean true", "Float64Array" — so a message shows the mistake, not only its type.
std::string Shown(const val& v);
bool IsObject(const val& v);
bool IsInstance(const val& v, const char* constructor);

// options[key] as a non-negative integer, `fallback` when absent; sets *error otherwise.
std::optional<size_t> ReadSize(const val& options, const char* key, std::optional<size_t> fallback,
                               std::string* error);
// options[key] as a string, `fallback` when absent.
std::optional<std::string> ReadString(const val& options, const char* key,
                                      std::optional<std::string> fallback, std::string* error);

// options[key] as a boolean (true or false, nothing else), `fallback` when absent.
std::optional<bool> ReadBool(const val& options, const char* key, bool fallback,
                             std::string* error);

// Copies a Uint8Array / Uint8ClampedArray / ArrayBuffer / Float32Array into wasm memory.
std::vector<uint8_t> CopyBytes(const val& array);
std::vector<float> CopyFloat32Array(const val& array);

// Copies out of wasm memory into new JS arrays (results the caller keeps across later calls).
val CopyFloats(std::span<const float> values);
val CopyBytesOut(std::span<const uint8_t> rgba);  // a Uint8ClampedArray, ready for ImageData

// The values of `specs` in `o`, as the core checks them (MethodOptions::Check takes numbers,
// booleans and strings); any other type fails here (Fail) with what the option takes.
bool ReadOptionValues(std::span<const OptionSpec> specs, const val& o, OptionMap* out);

// options.onProgress as a ProgressFn; nullptr when absent (module_api.js wraps it so that it never
// throws into wasm).
ProgressFn ReadProgress(const val& options);

// options[key] as the index of one of `names`, `fallback` when absent; otherwise an error listing
// them ("precision must be 'f32' or 'int8', got 'int4'").
std::optional<size_t> ReadNameIndex(const val& options, const char* key, const char* fallback,
                                    std::span<const char* const> names, std::string* error);
// The same as an enum whose values are in the table's order.
template <typename Enum, size_t N>
std::optional<Enum> ReadEnum(const val& options, const char* key, const char* fallback,
                             const std::array<const char*, N>& names, std::string* error) {
  const std::optional<size_t> index = ReadNameIndex(options, key, fallback, names, error);
  return index ? std::optional(static_cast<Enum>(*index)) : std::nullopt;
}

// options.colormap ("gray", "viridis", "jet"), `fallback` when absent.
std::optional<Colormap> ReadColormap(const val& options, const char* fallback, std::string* error);
// options.resize: "keras" (default) or "crop".
std::optional<ResizeMode> ReadResizeMode(const val& options, std::string* error);

// Encoded file bytes (Uint8Array, ArrayBuffer), or RGBA pixels {data, width, height} such as an
// ImageData, as an RGB image.
Status ReadImage(const val& image, RgbImage* out);
// {width, height, data: Uint8ClampedArray RGBA}, ready for ImageData.
val ImageDataOut(const RgbImage& image);

// A JS object from JSON (through JSON.parse: simplest for nested data such as layer configs).
val ToJs(const Json& json);

// {byteOffset, length, dtype, shape}: a description of memory inside the wasm heap, which
// module_api.js turns into an object whose `data` getter makes a fresh typed-array view on every
// access, so a view is never used after memory growth detached it.
val HeapRef(const void* data, size_t length, const char* dtype, const std::vector<size_t>& shape);

}  // namespace convscope::bindings

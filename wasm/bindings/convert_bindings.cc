// Embind: the converter of model_convert (model_convert/converter.h) for the page's "open your
// Keras file": a Keras .h5 that the host made readable through module.hdf5 (web/src/hdf5_reader.js)
// becomes the bytes of a model file. Marshalling only. Keep in sync with convscope.d.ts.
#include <emscripten/bind.h>

#include "converter.h"
#include "marshal.h"

namespace convscope::bindings {
namespace {

// tryConvertKeras(path, {precision, preprocessing, notop, onProgress}) ->
// {bytes: Uint8Array, name, precision, params, layout, architecture}
val TryConvertKeras(const std::string& path, const val& options) {
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return Fail("options must be an object, got " + TypeName(options));
  std::string error;
  const auto precision = ReadString(o, "precision", "int8", &error);
  const auto preprocessing = ReadString(o, "preprocessing", "caffe", &error);
  const auto notop = ReadBool(o, "notop", false, &error);
  if (!precision || !preprocessing || !notop) return Fail(error);
  convert::ConvertOptions c;
  c.input = path;
  c.precision = *precision;
  c.preprocessing = *preprocessing;
  c.notop = *notop;
  const ProgressFn progress = ReadProgress(o);
  const auto on_weight = [&progress](uint64_t done, uint64_t total, const std::string&) {
    return !progress || progress(static_cast<double>(done) / static_cast<double>(total));
  };
  convert::ConvertResult result;
  std::vector<uint8_t> bytes;
  if (const Status s = convert::ConvertToBytes(c, on_weight, &result, &bytes); !s.ok()) {
    return Fail(s.message());
  }
  val out = val::object();
  // A copy: the page keeps (and caches) the file; our memory goes back to the engine.
  out.set("bytes", val::global("Uint8Array")
                       .new_(val(emscripten::typed_memory_view(bytes.size(), bytes.data()))));
  out.set("name", result.header.name);
  out.set("precision", std::string(PrecisionName(result.header.precision)));
  out.set("params", static_cast<double>(result.header.total_params));
  out.set("layout", result.header.source.value("layout", std::string()));
  out.set("architecture", result.origin);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(convscope_convert) {
  emscripten::function("tryConvertKeras", &TryConvertKeras);
}

}  // namespace convscope::bindings

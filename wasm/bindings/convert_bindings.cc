// Embind: the converter of model_convert (model_convert/converter.h) for the page's "open your
// Keras file": a Keras .keras or .h5 that the host made readable through module.hdf5
// (web/src/hdf5_reader.js) becomes the bytes of a model file. Marshalling only. Keep in sync with
// convscope.d.ts.
#include <emscripten/bind.h>

#include "converter.h"
#include "marshal.h"

namespace convscope::bindings {
namespace {

// tryConvertKeras(path, {precision, preprocessing, inputSize, notop, onProgress}) ->
// {bytes: Uint8Array, name, precision, params, layout, architecture, preprocessing,
//  preprocessingInferred}
val TryConvertKeras(const std::string& path, const val& options) {
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return Fail("options must be an object, got " + TypeName(options));
  std::string error;
  const auto precision = ReadString(o, "precision", "int8", &error);
  const auto preprocessing = ReadString(o, "preprocessing", "", &error);
  const auto notop = ReadBool(o, "notop", false, &error);
  if (!precision || !preprocessing || !notop) return Fail(error);
  convert::ConvertOptions c;
  c.input = path;
  c.precision = *precision;
  c.preprocessing = *preprocessing;
  c.notop = *notop;
  if (const val size = o["inputSize"]; !size.isUndefined()) {
    if (!size.isArray() || size["length"].as<double>() != 2) {
      return Fail("inputSize must be [height, width], got " + TypeName(size));
    }
    const val h = size[0], w = size[1];
    const auto side = [](const val& v) {
      return v.isNumber() && v.as<double>() >= 1 && v.as<double>() <= 65536 &&
             v.as<double>() == static_cast<double>(static_cast<size_t>(v.as<double>()));
    };
    if (!side(h) || !side(w)) return Fail("inputSize must hold two sizes from 1 to 65536");
    c.input_height = static_cast<size_t>(h.as<double>());
    c.input_width = static_cast<size_t>(w.as<double>());
  }
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
  out.set("preprocessing",
          std::string(NameOf(kPreprocessingModes, result.header.preprocessing.mode)));
  out.set("preprocessingNote", result.header.source.value("preprocessing", std::string()));
  out.set("preprocessingInferred", result.preprocessing_inferred);
  // The size it runs at, and which of height and width the model leaves free (the page asks).
  const Shape& input = result.header.layers.front().layer.output_shape;
  const Json* free = Find(result.header.source, "input_free_axes");
  val size = val::array(), free_axes = val::array();
  for (size_t i = 0; i < 2 && i < input.size(); ++i) {
    size.call<void>("push", static_cast<double>(input[i]));
    free_axes.call<void>(
        "push", free != nullptr && free->is_array() && free->size() == 2 && (*free)[i] == true);
  }
  out.set("inputSize", size);
  out.set("freeInputSize", free_axes);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(convscope_convert) {
  emscripten::function("tryConvertKeras", &TryConvertKeras);
}

}  // namespace convscope::bindings

// Embind: the standalone Conv2d (the first operation, kept as a building block and for tests).
// Marshalling only; see conv2d.h. Keep in sync with convscope.d.ts.
#include <emscripten/bind.h>

#include <memory>

#include "engine/conv2d.h"
#include "marshal.h"

namespace convscope::bindings {
namespace {

// Conv2d.tryCreate(options) -> Conv2d | null
Conv2d* TryCreateConv2d(val options) {
  if (!IsObject(options)) {
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
               {"padding", &shape.padding_height, 1}};
  for (const auto& s : sizes) {
    const std::optional<size_t> v = ReadSize(options, s.key, s.fallback, &error);
    if (!v) {
      Fail(error);
      return nullptr;
    }
    *s.field = *v;
  }
  shape.padding_width = shape.padding_height;  // the same on every side
  const val relu = options["relu"];
  if (!relu.isUndefined() && relu.typeOf().as<std::string>() != "boolean") {
    Fail("relu must be a boolean, got " + TypeName(relu));
    return nullptr;
  }
  shape.relu = relu.isUndefined() || relu.as<bool>();
  const auto precision = ReadEnum<Precision>(options, "precision", "f32", kPrecisionNames, &error);
  if (!precision) {
    Fail(error);
    return nullptr;
  }
  for (const char* key : {"weights", "bias"}) {
    if (!IsInstance(options[key], "Float32Array")) {
      Fail(std::string(key) + " must be a Float32Array, got " + TypeName(options[key]));
      return nullptr;
    }
  }
  std::unique_ptr<Conv2d> conv;
  const Status status = Conv2d::Create(shape, *precision, CopyFloat32Array(options["weights"]),
                                       CopyFloat32Array(options["bias"]),
                                       /*threadpool=*/nullptr, &conv);
  if (!status.ok()) {
    Fail(status.message());
    return nullptr;
  }
  return conv.release();  // Embind owns it now; JS frees it with delete()
}

// conv.tryRun(input) -> Float32Array (a copy: it survives the next call) | null
val TryRun(Conv2d& conv, val input) {
  if (!IsInstance(input, "Float32Array"))
    return Fail("input must be a Float32Array, got " + TypeName(input));
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
  return CopyFloats(conv.output());
}

val OutputShape(const Conv2d& conv) {
  const Conv2dShape& s = conv.shape();
  val shape = val::array();
  shape.call<void>("push", 1, s.output_height(), s.output_width(), s.out_channels);
  return shape;
}

std::string PrecisionOf(const Conv2d& conv) { return PrecisionName(conv.precision()); }

}  // namespace

EMSCRIPTEN_BINDINGS(convscope_conv2d) {
  emscripten::class_<Conv2d>("Conv2d")
      .class_function("tryCreate", &TryCreateConv2d, emscripten::allow_raw_pointers())
      .function("tryRun", &TryRun)
      .property("outputShape", &OutputShape)
      .property("precision", &PrecisionOf);
}

}  // namespace convscope::bindings

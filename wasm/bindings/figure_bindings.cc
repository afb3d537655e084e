// Embind: figures for files (the CLI's PNGs): maps drawn over the original picture, caption strips.
// Keep in sync with convscope.d.ts.
#include <emscripten/bind.h>

#include "figures/caption.h"
#include "figures/overlay.h"
#include "marshal.h"

namespace convscope::bindings {
namespace {

// overlay(image, {map, width, height}, {resize, colormap, alpha, mask, threshold})
val TryOverlay(val image, val explanation, val options) {
  const val o = options.isUndefined() ? val::object() : options;
  if (!IsObject(o)) return Fail("options must be an object, got " + TypeName(options));
  if (!IsObject(explanation) || !IsInstance(explanation["map"], "Float32Array")) {
    return Fail("the map must be an explanation {map: Float32Array, width, height}, got " +
                TypeName(explanation));
  }
  std::string error;
  const auto width = ReadSize(explanation, "width", std::nullopt, &error);
  const auto height = width ? ReadSize(explanation, "height", std::nullopt, &error) : std::nullopt;
  const auto resize = height ? ReadResizeMode(o, &error) : std::nullopt;
  const auto colormap = resize ? ReadColormap(o, "jet", &error) : std::nullopt;
  if (!colormap) return Fail(error);
  OverlayOptions overlay{.resize = *resize, .colormap = *colormap};
  for (const auto& [key, target] :
       {std::pair{"alpha", &overlay.alpha}, {"threshold", &overlay.threshold}}) {
    const val v = o[key];
    if (v.isUndefined()) continue;
    if (v.typeOf().as<std::string>() != "number") {
      return Fail(std::string(key) + " must be a number between 0 and 1, got " + Shown(v));
    }
    *target = v.as<float>();
  }
  const auto mask = ReadBool(o, "mask", false, &error);
  if (!mask) return Fail(error);
  overlay.mask = *mask;
  RgbImage rgb, out;
  if (const Status s = ReadImage(image, &rgb); !s.ok()) return Fail(s.message());
  const std::vector<float> map = CopyFloat32Array(explanation["map"]);
  if (const Status s = OverlayMap(rgb, map, *height, *width, overlay, &out); !s.ok()) {
    return Fail(s.message());
  }
  return ImageDataOut(out);
}

// decodeImage(image): the picture as RGBA, for figures that show it as it is.
val TryDecodeImage(val image) {
  RgbImage rgb;
  if (const Status s = ReadImage(image, &rgb); !s.ok()) return Fail(s.message());
  return ImageDataOut(rgb);
}

// caption(text, width, scale)
val TryCaption(val text, val width, val scale) {
  if (text.typeOf().as<std::string>() != "string") {
    return Fail("the caption must be a string, got " + TypeName(text));
  }
  val args = val::object();
  args.set("width", width);
  args.set("scale", scale);
  std::string error;
  const auto w = ReadSize(args, "width", std::nullopt, &error);
  const auto s = w ? ReadSize(args, "scale", 1, &error) : std::nullopt;
  if (!s) return Fail(error);
  if (*w == 0 || *w > kMaxImageSide || *s == 0 || *s > 8) {
    return Fail("caption width must be 1 to " + std::to_string(kMaxImageSide) +
                " and scale 1 to 8");
  }
  return ImageDataOut(CaptionStrip(text.as<std::string>(), *w, *s));
}

}  // namespace
}  // namespace convscope::bindings

EMSCRIPTEN_BINDINGS(convscope_figures) {
  emscripten::function("tryOverlay", &convscope::bindings::TryOverlay);
  emscripten::function("tryCaption", &convscope::bindings::TryCaption);
  emscripten::function("tryDecodeImage", &convscope::bindings::TryDecodeImage);
}

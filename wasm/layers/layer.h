// The layers convscope runs — the sequential VGG family — described the way Keras does.
// A Layer reads and writes Keras' own layer config (`get_config()`), so one parser serves both the
// converter (reading a Keras `model_config`) and the core (reading a convscope model header).
// What each kind does is in its entry of the layer-kind table (layers/layer_kind.h); the
// functions here dispatch to it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "base/status.h"

namespace convscope {

enum class LayerKind { kInput, kConv2D, kMaxPooling2D, kFlatten, kDense, kGlobalAveragePooling2D };
enum class Activation { kLinear, kRelu, kSoftmax };
enum class Padding { kValid, kSame };

const char* KerasClassName(LayerKind kind);  // "Conv2D", ...

using Shape = std::vector<size_t>;  // without the batch dimension: {H, W, C} or {N}

struct Layer {
  std::string name;
  LayerKind kind = LayerKind::kInput;
  size_t units = 0;                             // Conv2D filters, Dense units
  size_t kernel_h = 0, kernel_w = 0;            // Conv2D kernel size, MaxPooling2D pool size
  size_t stride_h = 1, stride_w = 1;            // MaxPooling2D (Conv2D supports stride 1 only)
  Padding padding = Padding::kValid;            // Conv2D, MaxPooling2D
  Activation activation = Activation::kLinear;  // Conv2D, Dense
  bool use_bias = true;                         // Conv2D, Dense
  Shape input_shape;                            // InputLayer: {H, W, C}

  // Filled by InferShapes.
  Shape output_shape;
  size_t params = 0;
};

// Reads one Keras layer: `class_name` ("Conv2D", ...) and its `config` object. Dropout (a no-op at
// inference) yields nullopt. Unsupported layers and options are errors naming the layer.
Status LayerFromKeras(const std::string& class_name, const Json& config,
                      std::optional<Layer>* layer_out);

// {"class_name": ..., "config": {...}} in Keras' field names; LayerFromKeras reads it back.
Json LayerToKeras(const Layer& layer);

// The "Output Shape" column of Keras' model.summary() for a layer whose shapes are inferred.
std::string SummaryShape(const Layer& layer);

// Computes every layer's output shape and parameter count, checking that each layer fits the one
// before it. The first layer must be the input.
Status InferShapes(std::vector<Layer>* layers);

// The shapes Keras stores for a layer's weights, in Keras order: Conv2D kernel (kh, kw, in, out)
// and bias (out); Dense kernel (in, units) and bias (units). `input` is the layer's input shape.
std::vector<Shape> KerasWeightShapes(const Layer& layer, const Shape& input);

// Implicit zero rows and columns before the first input row and column of a Conv2D or
// MaxPooling2D (TensorFlow's SAME: the smaller half of the padding goes first).
struct LeadingPadding {
  size_t top = 0, left = 0;
};
LeadingPadding PaddingOf(const Layer& layer, const Shape& input);

// "(None, 224, 224, 64)": an activation shape, with Keras' batch dimension.
std::string ShapeString(const Shape& shape);
// "(3, 3, 64, 128)": a weight shape.
std::string DimsString(const Shape& shape);

}  // namespace convscope

// The layers convscope runs, described the way Keras does. A Layer reads and writes Keras' own
// layer config (`get_config()`), so one parser serves both the converter (reading a Keras
// `model_config` or `config.json`) and the core (reading a convscope model header). What each kind
// does is in its entry of the layer-kind table (layers/layer_kind.h); the functions here dispatch
// to it.
//
// Layers read the outputs of other layers (`inputs`): every layer's output is one tensor, indexed
// by its layer, so the engine and the backward pass work on lists of inputs (a chain is the case
// of one input each, the previous layer).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "activation_function.h"
#include "base/json_util.h"
#include "base/status.h"

namespace convscope {

// In the order of layers/registry.cc.
enum class LayerKind {
  kInput,
  kConv2D,
  kMaxPooling2D,
  kFlatten,
  kDense,
  kGlobalAveragePooling2D,
  kBatchNormalization,
  kActivation,
  kPReLU,
  kSeparableConv2D,
  kAveragePooling2D,
  kGlobalMaxPooling2D,
  kZeroPadding2D,
  kCropping2D,
  kReshape,
  kRescaling,
  kNormalization,
  kIdentity,
  kMerge,
  kConcatenate,
  kDepthwiseConv2D,
};
enum class Padding { kValid, kSame };
// What a merge layer computes from its inputs (Keras' Add, Subtract, Multiply, Average, Maximum,
// Minimum).
enum class MergeOp { kAdd, kSubtract, kMultiply, kAverage, kMaximum, kMinimum };

using Shape = std::vector<size_t>;  // without the batch dimension: {H, W, C} or {N}

size_t Elements(const Shape& shape);

struct Layer {
  std::string name;
  LayerKind kind = LayerKind::kInput;
  // The Keras class the file names ("ReLU", "Dropout"): one kind covers several classes.
  std::string keras_class;
  // The layers whose outputs it reads, by index (filled by InferShapes for a chain: the previous).
  std::vector<size_t> inputs;

  size_t units = 0;                   // Conv2D and SeparableConv2D filters, Dense units
  size_t kernel_h = 1, kernel_w = 1;  // convolution kernel, pool size (1 for pointwise kinds)
  size_t stride_h = 1, stride_w = 1;
  size_t dilation_h = 1, dilation_w = 1;
  size_t depth_multiplier = 1;  // SeparableConv2D, DepthwiseConv2D
  Padding padding = Padding::kValid;
  ActivationFn activation;  // applied after Conv2D, SeparableConv2D, Dense; the Activation kind's
  bool use_bias = true;     // Conv2D, SeparableConv2D, Dense
  Shape input_shape;        // InputLayer: {H, W, C}
  Shape declared_shape;     // InputLayer: as Keras declared it ({H, W} for a grayscale picture)
  // BatchNormalization and Normalization.
  double epsilon = 1e-3;
  int axis = -1;                     // Keras' axis (batch included): -1 or the last; Concatenate's
  MergeOp merge = MergeOp::kAdd;     // the merge kind's operation
  bool center = true, scale = true;  // BatchNormalization: beta and gamma present
  // ZeroPadding2D and Cropping2D: rows and columns added or removed: top, bottom, left, right.
  std::array<size_t, 4> margins{};
  Shape target_shape;                  // Reshape
  std::vector<double> factor, offset;  // Rescaling: one value, or one per channel
  std::vector<double> mean, variance;  // Normalization given in its config (else its weights)
  bool keepdims = false;               // GlobalAveragePooling2D, GlobalMaxPooling2D
  std::vector<size_t> shared_axes;     // PReLU: axes (1: height, 2: width) sharing one alpha

  // Filled by InferShapes.
  Shape output_shape;
  size_t params = 0;
  size_t trainable_params = 0;

  // The window's extent in the input: (kernel - 1) * dilation + 1.
  size_t window_h() const { return (kernel_h - 1) * dilation_h + 1; }
  size_t window_w() const { return (kernel_w - 1) * dilation_w + 1; }
};

// Reads one Keras layer: `class_name` ("Conv2D", ...) and its `config` object. Unsupported layers
// and options are errors naming the layer.
Status LayerFromKeras(const std::string& class_name, const Json& config, KerasDialect dialect,
                      Layer* layer_out);

// {"class_name": ..., "config": {...}} in Keras' field names; LayerFromKeras reads it back.
Json LayerToKeras(const Layer& layer);

// Computes every layer's output shape and parameter counts, checking that each layer fits its
// inputs. The first layer must be the input; a layer with no inputs listed reads the one before;
// layers come in an order where each reads only layers before it (a topological order).
Status InferShapes(std::vector<Layer>* layers);

// How a weight is stored in a model file (docs/model-format.md).
enum class WeightLayout {
  kOHWI,       // a convolution kernel: Keras (kh, kw, in, out) -> (out, kh, kw, in)
  kDepthwise,  // a depthwise kernel: Keras (kh, kw, in, m) -> (in * m, kh, kw, 1)
  kOI,         // a Dense kernel: Keras (in, out) -> (out, in)
  kAsIs,       // vectors (bias, BatchNormalization's, PReLU's alpha): unchanged
};

// A weight a layer stores, in Keras order.
struct WeightSpec {
  const char* name;  // "kernel", "bias", "gamma", ...
  Shape keras_shape;
  WeightLayout layout = WeightLayout::kAsIs;
  bool trainable = true;     // Keras' non-trainable weights: moving statistics, counts
  bool quantizable = false;  // stored as int8 in an int8 model file (the one big kernel)
  // Counted as Keras counts it but not stored (Normalization's sample count, which inference
  // does not use).
  bool stored = true;
};
// The weights a layer stores given its input shape (empty for the kinds without).
std::vector<WeightSpec> WeightSpecs(const Layer& layer, const Shape& input);
// Those a model file holds (WeightSpec::stored), in the order of its weight entries.
std::vector<WeightSpec> StoredWeightSpecs(const Layer& layer, const Shape& input);
// The stored shape and layout name of a weight.
Shape StoredShape(const WeightSpec& spec);
const char* LayoutName(WeightLayout layout);
// The output channels of a stored weight (its first stored axis; 1 for a scalar).
size_t StoredChannels(const WeightSpec& spec);

// Implicit zero rows and columns before the first input row and column of a convolution or
// pooling (TensorFlow's SAME: the smaller half of the padding goes first, the extra one after), and
// a ZeroPadding2D's margins (a 1x1 window on its padded input).
struct WindowPadding {
  size_t top = 0, bottom = 0, left = 0, right = 0;
};
WindowPadding PaddingOf(const Layer& layer, const Shape& input);

// "(None, 224, 224, 64)": an activation shape, with Keras' batch dimension.
std::string ShapeString(const Shape& shape);
// "(3, 3, 64, 128)": a weight shape.
std::string DimsString(const Shape& shape);

}  // namespace convscope

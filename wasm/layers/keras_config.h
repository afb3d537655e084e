// Reading and writing the fields Keras layer configs share (sizes, padding, activation, ...), for
// the kinds' from_keras and to_keras (layer_kind.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "base/json_util.h"
#include "base/status.h"
#include "layer.h"

namespace convscope {

// Kernels, pools and strides beyond this are certainly not a real model, and keeping them small
// keeps the shape arithmetic far from overflow.
inline constexpr size_t kMaxWindow = 1 << 16;

// "unsupported <what>" (LayerFromKeras names the layer and its class).
Status Unsupported(const std::string& what);

// An int or a list of two ints as a pair (one int: twice), or nullopt.
std::optional<std::pair<size_t, size_t>> PairOf(const Json& v);
// A size Keras writes as an int or a list of two ints (kernel_size, strides, ...).
Status ReadPair(const Json& config, const char* key, const std::string& path,
                std::pair<size_t, size_t>* out);

// A window's height and width (`key`: kernel_size, pool_size, strides): positive and at most
// kMaxWindow.
Status ReadWindow(const Json& config, const char* key, const std::string& path, size_t* height,
                  size_t* width);

Status ReadPadding(const Json& config, const std::string& path, Padding* out);
// The config's "activation" (absent or null: linear).
Status ReadActivation(const Json& config, KerasDialect dialect, ActivationFn* out);
Status CheckChannelsLast(const Json& config);
bool ReadUseBias(const Json& config);
// An optional boolean (absent or null: `fallback`).
Status ReadBool(const Json& config, const char* key, const std::string& path, bool fallback,
                bool* out);
// An optional number that fits a float (absent or null: `fallback`): an activation's parameter.
Status ReadFloatParameter(const Json& config, const char* key, const std::string& path,
                          float fallback, float* out);
// An optional finite number (absent or null: `fallback`).
Status ReadNumber(const Json& config, const char* key, const std::string& path, double fallback,
                  double* out);
// A number or a list of numbers (Rescaling's scale, Normalization's mean): one value, or one per
// channel.
Status ReadNumbers(const Json& config, const char* key, const std::string& path,
                   std::vector<double>* out);
// Keras' axis of a normalization (an int, or a list of one as tf.keras writes BatchNormalization's;
// absent: -1); CheckLastAxis checks it names the input's last axis.
Status ReadAxis(const Json& config, const char* key, int* out);
Status CheckLastAxis(const Layer& layer, const Shape& input, const std::string& where);

const char* PaddingName(Padding padding);

}  // namespace convscope

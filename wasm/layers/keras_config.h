// Reading and writing the fields Keras layer configs share (sizes, padding, activation, ...), for
// the kinds' from_keras and to_keras (layer_kind.h).
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "base/json_util.h"
#include "base/status.h"
#include "layer.h"

namespace convscope {

// Kernels, pools and strides beyond this are certainly not a real model, and keeping them small
// keeps the shape arithmetic far from overflow.
inline constexpr size_t kMaxWindow = 1 << 16;

// "unsupported <what> in layer <name>"
Status Unsupported(const std::string& name, const std::string& what);

// A size Keras writes as an int or a list of two ints (kernel_size, strides, ...).
Status ReadPair(const Json& config, const char* key, const std::string& path,
                std::pair<size_t, size_t>* out);

// A window's height and width (`key`: kernel_size, pool_size, strides): positive and at most
// kMaxWindow.
Status ReadWindow(const Json& config, const char* key, const std::string& path, size_t* height,
                  size_t* width);

Status ReadPadding(const Json& config, const std::string& path, Padding* out);
Status ReadActivation(const Json& config, const std::string& name, Activation* out);
Status CheckChannelsLast(const Json& config, const std::string& name);
bool ReadUseBias(const Json& config);

const char* PaddingName(Padding padding);
const char* ActivationName(Activation activation);

}  // namespace convscope

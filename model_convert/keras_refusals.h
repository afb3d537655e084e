// Why convscope cannot run a Keras layer class that people do put in models, in words a user can
// act on: one table, shared by the converter's messages and its tests.
#pragma once

#include <string>

#include "base/json_util.h"

namespace convscope::convert {

// What every refusal ends with.
inline constexpr const char* kWhatConvscopeOpens =
    "convscope opens CNNs built from Keras' own layers (docs/layers.md lists them), Sequential or "
    "Functional, with one image input and one class output";

// The reason a layer of `keras_class` (its config entry: `entry`) cannot run, as the end of the
// sentence "layer <name> (<class>) ...", or empty when convscope runs the class.
std::string RefusalReason(const std::string& keras_class, const Json& entry);

}  // namespace convscope::convert

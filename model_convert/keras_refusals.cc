#include "keras_refusals.h"

#include <array>
#include <string_view>

#include "layers/layer_kind.h"

namespace convscope::convert {
namespace {

struct Family {
  std::string_view reason;
  std::array<std::string_view, 12> classes;
};

// Layers of other kinds of networks, by what they are.
constexpr std::array<Family, 6> kFamilies = {{
    {"runs Python code that is not in the file (a Lambda layer)", {"Lambda"}},
    {"is a recurrent layer, for sequences",
     {"LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
      "TimeDistributed", "LSTMCell", "GRUCell", "SimpleRNNCell"}},
    {"is an attention layer, for sequences",
     {"MultiHeadAttention", "Attention", "AdditiveAttention", "GroupQueryAttention"}},
    {"works on words or tokens, not pictures",
     {"Embedding", "TextVectorization", "StringLookup", "IntegerLookup", "Hashing",
      "CategoryEncoding"}},
    {"upsamples a map: the model looks like an autoencoder or a segmentation network, whose "
     "output is a picture, not class scores",
     {"Conv2DTranspose", "Convolution2DTranspose", "UpSampling2D", "Conv3DTranspose",
      "UpSampling3D", "Conv1DTranspose", "UpSampling1D"}},
    {"takes dot products between tensors, as attention does, not between a picture's channels",
     {"Dot"}},
}};

}  // namespace

std::string RefusalReason(const std::string& keras_class, const Json& entry) {
  for (const Family& f : kFamilies) {
    for (std::string_view c : f.classes) {
      if (!c.empty() && c == keras_class) return std::string(f.reason);
    }
  }
  // Keras 3 saves an operation written between layers (`x * (1 / 255.)`, `keras.ops.maximum(x, 0)`)
  // as an entry of its own, under a layer's class name ("Multiply") but module keras.src.ops.*:
  // it may hold constants the config does not give, so it is not the layer of that name.
  if (const Json* module = Find(entry, "module"); module != nullptr && module->is_string()) {
    const std::string m = module->get<std::string>();
    if (m.rfind("keras.src.ops", 0) == 0 || m.rfind("keras.ops", 0) == 0) {
      return "is an operation on tensors (" + m + "." + keras_class +
             "), not a Keras layer: convscope runs layers (use keras.layers.Rescaling, "
             "keras.layers.Activation, ... in the model instead)";
    }
  }
  // A model used as a layer is flattened into the layers around it (nested_models.h).
  if (keras_class == "Sequential" || keras_class == "Functional" || keras_class == "Model") {
    return "";
  }
  if (KindOpsFor(keras_class) != nullptr) return "";
  // Keras 3 names its own classes' module keras.layers (or keras.src...); a user's class
  // registers a name with register_keras_serializable ("Custom>MyLayer", "package>MyLayer").
  const Json* registered = Find(entry, "registered_name");
  const Json* module = Find(entry, "module");
  const bool keras_module =
      module != nullptr && module->is_string() && module->get<std::string>().rfind("keras", 0) == 0;
  if (keras_class.find('>') != std::string::npos ||
      (registered != nullptr && registered->is_string() && !keras_module)) {
    return "is a custom layer: its code is not in the file";
  }
  return "is not a layer convscope runs yet";
}

}  // namespace convscope::convert

// A Keras model's architecture from its config: Keras 3's config.json (in a .keras archive) or a
// legacy .h5's model_config (Keras 3 or tf.keras 2), Sequential or Functional, models used as
// layers flattened into it (nested_models.h). convscope runs a graph of layers from one image input
// to one class output; what it cannot run is refused with one line naming the layer, its class
// and why.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "base/status.h"
#include "layers/layer.h"

namespace convscope::convert {

// A layer as Keras' model.layers lists it (what the weights of a .keras archive are keyed by).
struct KerasLayerRef {
  std::string name;  // convscope's (a nested model's layer may be "<model>/<name>")
  std::string keras_class;
  bool has_weights = false;
  std::string keras_name;  // the file's
  // A model used as a layer: its own model.layers (whose weights nest under its group).
  std::vector<KerasLayerRef> layers;
};

struct Architecture {
  std::string name;           // "vgg16", or the model's own name
  std::string origin;         // how it was obtained, for the summary and the header
  std::string model_class;    // "Sequential" or "Functional" ("" for an inferred VGG16)
  std::vector<Layer> layers;  // shapes inferred; the input first
  // model.layers in Keras' order: a Sequential's without its InputLayer, a Functional's with it.
  std::vector<KerasLayerRef> keras_layers;
  // Set when the input's height or width was free (None): the size chosen for them.
  std::string input_size_note;
  std::array<bool, 2> free_axes{};  // which of height and width were free
};

struct ConfigOptions {
  KerasDialect dialect = KerasDialect::kKeras3;
  // The size given to a free (None) input height and width.
  size_t free_height = 224, free_width = 224;
};

// Reads `config_json`; an error says which layer and why it cannot run.
Status ArchitectureFromModelConfig(const std::string& config_json, const ConfigOptions& options,
                                   Architecture* out);

// The dialect of a Keras version string ("2.10.0" -> tf.keras 2; "3.x" or unknown -> Keras 3).
KerasDialect DialectOf(const std::string& keras_version);

}  // namespace convscope::convert

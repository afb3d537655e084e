// A Keras model file, in each layout Keras writes (docs/model-format.md):
//   weights-only  (model.save_weights, and the downloaded vgg16_weights_tf_dim_ordering_*.h5):
//                 HDF5, root attribute layer_names; one group per layer with attribute weight_names
//   full model    (model.save('x.h5')): HDF5, root attributes model_config (JSON), keras_version,
//                 backend; group model_weights laid out like a weights-only file
//   archive       (model.save('x.keras'), Keras 3 and tf.keras 2.13+): a zip of metadata.json,
//                 config.json and model.weights.h5, whose groups layers/<class>[_N]/vars hold each
//                 layer's variables in model.layers order (BindLayers)
// Opening reads names, shapes and the config only; weights are read one at a time, so a 553 MB file
// streams.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "hdf5_file.h"
#include "keras_model_config.h"
#include "layers/layer.h"

namespace convscope::convert {

enum class KerasLayout { kWeightsOnly, kFullModel, kArchive };
const char* KerasLayoutName(KerasLayout layout);  // "keras-weights-only", "keras-full-model", ...

struct KerasWeight {
  std::string name;  // its path relative to the layer's group ("conv2d/kernel:0", "vars/0")
  Shape shape;
  size_t elements = 0;  // product of shape, at most kMaxTensorElements
};

struct KerasLayerWeights {
  std::string layer;
  std::string group;                 // the group holding its weights, from the weights' root
  std::vector<KerasWeight> weights;  // in Keras order (trainable ones, then the others)
};

// The optimizer's saved variables (training state, never converted), which Keras 3's summary
// counts as "Optimizer params".
struct KerasOptimizerState {
  uint64_t params = 0;
  uint64_t bytes = 0;  // as stored: Adam's iteration counter is an int64
};

class KerasFile {
 public:
  static Status Open(const std::string& path, std::unique_ptr<KerasFile>* out);

  const std::string& path() const { return path_; }
  KerasLayout layout() const { return layout_; }
  const std::string& keras_version() const { return keras_version_; }  // may be empty
  const std::string& backend() const { return backend_; }              // may be empty
  // The model's config (JSON): model_config of a full-model .h5, config.json of an archive.
  const std::string& model_config() const { return model_config_; }
  bool has_model_config() const { return layout_ != KerasLayout::kWeightsOnly; }
  // An archive's weights are keyed by class and position in model.layers, not by name: finds
  // each layer's group (checking the names Keras 3.6+ writes beside them), a nested model's inside
  // its own. In an .h5, splits a nested model's group into its layers' weights.
  Status BindLayers(const std::vector<KerasLayerRef>& layers);
  const std::vector<KerasLayerWeights>& layers() const { return layers_; }
  // The layer's entry, or nullptr when the file has no weights for it.
  const KerasLayerWeights* Find(const std::string& layer) const;
  uint64_t total_weight_bytes() const { return total_weight_bytes_; }
  // Unset when the file holds no optimizer (an uncompiled model, or include_optimizer=False).
  const std::optional<KerasOptimizerState>& optimizer_state() const { return optimizer_state_; }

  // Reads rows [row_begin, row_begin + rows) of one weight (along its first axis) as f32, in
  // Keras' layout, into `out`.
  Status ReadWeightRows(const KerasLayerWeights& layer, const KerasWeight& weight, size_t row_begin,
                        size_t rows, float* out) const;

 private:
  KerasFile() = default;
  Status OpenArchive();
  Status OpenHdf5();
  // The datasets `names` of `group` (shapes checked), appended to `entry`.
  Status AddWeights(Hdf5Id group, const std::vector<std::string>& names, KerasLayerWeights* entry);
  // BindLayers for an archive's container (its layers' groups under `prefix`), and for an .h5.
  Status BindContainer(const std::vector<KerasLayerRef>& layers, const std::string& prefix);
  Status SplitNested(const std::vector<KerasLayerRef>& layers);
  // The datasets `names` of the optimizer's group `path`, if it is there.
  void ReadOptimizerState(const std::string& path, const std::vector<std::string>& names);

  std::string path_;
  KerasLayout layout_ = KerasLayout::kWeightsOnly;
  std::string keras_version_, backend_, model_config_;
  Hdf5Handle file_;
  Hdf5Handle weights_root_;
  // tf.keras 2.13 keys layers under _layer_checkpoint_dependencies, which lists each layer with
  // weights twice: its class's counter moves on twice for it.
  bool counts_weighted_twice_ = false;
  std::string container_ = "layers";  // the group of a container's layers (a nested model's too)
  std::vector<KerasLayerWeights> layers_;
  uint64_t total_weight_bytes_ = 0;
  std::optional<KerasOptimizerState> optimizer_state_;
};

// Keras' snake_case of a class name (utils/naming.py): "MaxPooling2D" -> "max_pooling2d", "ReLU"
// -> "re_lu": how an archive names each layer's group.
std::string KerasSnakeCase(const std::string& name);

}  // namespace convscope::convert

// A Keras HDF5 file, in either layout Keras writes (both documented in docs/model-format.md):
//   weights-only  (model.save_weights, and the downloaded vgg16_weights_tf_dim_ordering_*.h5):
//                 root attribute layer_names; one group per layer with attribute weight_names
//   full model    (model.save('x.h5')): root attributes model_config (JSON), keras_version,
//                 backend; group model_weights laid out like a weights-only file
// Opening reads names and shapes only; weights are read one at a time, so a 553 MB file streams.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "hdf5_file.h"
#include "layers/layer.h"

namespace convscope::convert {

enum class KerasLayout { kWeightsOnly, kFullModel };
const char* KerasLayoutName(KerasLayout layout);  // "keras-weights-only", "keras-full-model"

struct KerasWeight {
  std::string name;  // the weight_names entry: a path relative to the layer's group
  Shape shape;
  size_t elements = 0;  // product of shape, at most kMaxTensorElements
};

struct KerasLayerWeights {
  std::string layer;
  std::vector<KerasWeight> weights;  // in weight_names order (Keras: kernel, then bias)
};

class KerasFile {
 public:
  static Status Open(const std::string& path, std::unique_ptr<KerasFile>* out);

  const std::string& path() const { return path_; }
  KerasLayout layout() const { return layout_; }
  const std::string& keras_version() const { return keras_version_; }  // may be empty
  const std::string& backend() const { return backend_; }              // may be empty
  const std::string& model_config() const { return model_config_; }    // full model only
  const std::vector<KerasLayerWeights>& layers() const { return layers_; }
  // The layer's entry, or nullptr when the file has no such layer.
  const KerasLayerWeights* Find(const std::string& layer) const;
  uint64_t total_weight_bytes() const { return total_weight_bytes_; }

  // Reads rows [row_begin, row_begin + rows) of one weight (along its first axis) as f32, in
  // Keras' layout, into `out`.
  Status ReadWeightRows(const std::string& layer, const KerasWeight& weight, size_t row_begin,
                        size_t rows, float* out) const;

 private:
  KerasFile() = default;

  std::string path_;
  KerasLayout layout_ = KerasLayout::kWeightsOnly;
  std::string keras_version_, backend_, model_config_;
  Hdf5Handle file_;
  Hdf5Handle weights_root_;
  std::vector<KerasLayerWeights> layers_;
  uint64_t total_weight_bytes_ = 0;
};

}  // namespace convscope::convert

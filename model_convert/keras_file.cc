#include "keras_file.h"

#include "base/checked_math.h"

namespace convscope::convert {

const char* KerasLayoutName(KerasLayout layout) {
  return layout == KerasLayout::kFullModel ? "keras-full-model" : "keras-weights-only";
}

Status KerasFile::Open(const std::string& path, std::unique_ptr<KerasFile>* out) {
  std::unique_ptr<KerasFile> k(new KerasFile());
  k->path_ = path;
  CONVSCOPE_RETURN_IF_ERROR(OpenHdf5File(path, &k->file_));
  const Hdf5Id root = k->file_.get();
  auto fail = [&](const std::string& why) { return Status::Error(path + ": " + why); };

  if (HasAttribute(root, "model_config")) {
    k->layout_ = KerasLayout::kFullModel;
    if (Status s = ReadStringAttribute(root, "model_config", &k->model_config_); !s.ok()) {
      return fail(s.message());
    }
    if (Status s = OpenGroup(root, "model_weights", &k->weights_root_); !s.ok()) {
      return fail("a Keras full-model file needs a model_weights group: " + s.message());
    }
  } else if (HasAttribute(root, "layer_names")) {
    k->layout_ = KerasLayout::kWeightsOnly;
    if (Status s = OpenGroup(root, "/", &k->weights_root_); !s.ok()) return fail(s.message());
  } else {
    return fail(
        "HDF5, but not a Keras model: no model_config or layer_names attribute at its root");
  }
  // Informational; older files lack them.
  for (const Hdf5Id where : {root, k->weights_root_.get()}) {
    if (k->keras_version_.empty() && HasAttribute(where, "keras_version")) {
      (void)ReadStringAttribute(where, "keras_version", &k->keras_version_);
    }
    if (k->backend_.empty() && HasAttribute(where, "backend")) {
      (void)ReadStringAttribute(where, "backend", &k->backend_);
    }
  }

  const Hdf5Id weights_root = k->weights_root_.get();
  std::vector<std::string> layer_names;
  if (Status s = ReadStringListAttribute(weights_root, "layer_names", &layer_names); !s.ok()) {
    return fail(s.message());
  }
  for (const std::string& name : layer_names) {
    Hdf5Handle group;
    if (Status s = OpenGroup(weights_root, name, &group); !s.ok()) {
      return fail("layer " + name + " is listed in layer_names but missing from the file");
    }
    KerasLayerWeights entry{name, {}};
    std::vector<std::string> weight_names;
    if (Status s = ReadStringListAttribute(group.get(), "weight_names", &weight_names); !s.ok()) {
      return fail("layer " + name + ": " + s.message());
    }
    for (const std::string& w : weight_names) {
      KerasWeight weight{w, {}};
      if (Status s = DatasetShape(group.get(), w, &weight.shape); !s.ok()) {
        return fail("layer " + name + ": weight " + w + " — " + s.message());
      }
      size_t elements = 1;
      for (size_t d : weight.shape) {
        if (__builtin_mul_overflow(elements, d, &elements) || elements > kMaxTensorElements) {
          return fail("layer " + name + ": weight " + w + " is too large (more than " +
                      std::to_string(kMaxTensorElements) + " elements)");
        }
      }
      weight.elements = elements;
      k->total_weight_bytes_ += elements * sizeof(float);
      entry.weights.push_back(std::move(weight));
    }
    k->layers_.push_back(std::move(entry));
  }
  *out = std::move(k);
  return Status::Ok();
}

const KerasLayerWeights* KerasFile::Find(const std::string& layer) const {
  for (const KerasLayerWeights& l : layers_) {
    if (l.layer == layer) return &l;
  }
  return nullptr;
}

Status KerasFile::ReadWeightRows(const std::string& layer, const KerasWeight& weight,
                                 size_t row_begin, size_t rows, float* out) const {
  const Shape& shape = weight.shape;
  if (shape.empty() || row_begin > shape[0] || rows > shape[0] - row_begin) {
    return Status::Error(path_ + ": layer " + layer + ": weight " + weight.name +
                         ": rows out of range");
  }
  Hdf5Handle group;
  Status s = OpenGroup(weights_root_.get(), layer, &group);
  if (s.ok()) s = ReadFloatRows(group.get(), weight.name, shape, row_begin, rows, out);
  if (!s.ok()) return Status::Error(path_ + ": layer " + layer + ": " + s.message());
  return Status::Ok();
}

}  // namespace convscope::convert

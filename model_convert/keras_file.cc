#include "keras_file.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "base/checked_math.h"
#include "base/json_util.h"
#include "zip_archive.h"

namespace convscope::convert {
namespace {

// An archive's config.json: VGG16's is about 30 KB, ResNet50's 200 KB.
constexpr size_t kMaxConfigBytes = 64 << 20;
constexpr size_t kMaxMetadataBytes = 1 << 20;
// Adam keeps two variables per weight, and VGG16 has 32 weights.
constexpr size_t kMaxOptimizerVariables = 1 << 16;

bool Upper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool Lower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }

// re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name): scanning left to right, each match consumed whole.
std::string SplitWords(const std::string& s) {
  std::string out;
  size_t p = 0;
  while (p < s.size()) {
    size_t q = p + 2;
    if (p + 1 < s.size() && Upper(s[p + 1])) {
      while (q < s.size() && Lower(s[q])) ++q;
    }
    if (p + 1 < s.size() && Upper(s[p + 1]) && q > p + 2) {
      out += s[p];
      out += '_';
      out.append(s, p + 1, q - p - 1);
      p = q;
    } else {
      out += s[p++];
    }
  }
  return out;
}

}  // namespace

std::string KerasSnakeCase(const std::string& name) {
  std::string word;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') word += c;  // re.sub(r"\W+", "")
  }
  word = SplitWords(word);
  std::string out;  // re.sub("([a-z])([A-Z])", r"\1_\2"), lowered
  for (size_t i = 0; i < word.size(); ++i) {
    if (i > 0 && Lower(word[i - 1]) && Upper(word[i])) out += '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(word[i])));
  }
  return out;
}

const char* KerasLayoutName(KerasLayout layout) {
  switch (layout) {
    case KerasLayout::kFullModel:
      return "keras-full-model";
    case KerasLayout::kArchive:
      return "keras-archive";
    case KerasLayout::kWeightsOnly:
      break;
  }
  return "keras-weights-only";
}

Status KerasFile::Open(const std::string& path, std::unique_ptr<KerasFile>* out) {
  std::unique_ptr<KerasFile> k(new KerasFile());
  k->path_ = path;
  uint64_t size = 0;
  uint8_t magic[4] = {};
  CONVSCOPE_RETURN_IF_ERROR(FileSize(path, &size));
  if (size >= 4) CONVSCOPE_RETURN_IF_ERROR(ReadFileBytes(path, 0, 4, magic));
  const bool zip = magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
  const bool named_keras = path.size() > 6 && path.compare(path.size() - 6, 6, ".keras") == 0;
  const bool hdf5 = magic[0] == 0x89 && magic[1] == 'H' && magic[2] == 'D' && magic[3] == 'F';
  if (!zip && named_keras && !hdf5) {
    return Status::Error(path +
                         ": not a .keras archive: a .keras file is a zip, and this one is "
                         "not (is it truncated, or another file renamed?)");
  }
  Status s = zip ? k->OpenArchive() : k->OpenHdf5();
  // The HDF5 back ends name the file already.
  if (!s.ok() && s.message().rfind(path + ": ", 0) != 0) {
    return Status::Error(path + ": " + s.message());
  }
  if (!s.ok()) return s;
  *out = std::move(k);
  return Status::Ok();
}

Status KerasFile::OpenArchive() {
  layout_ = KerasLayout::kArchive;
  uint64_t size = 0;
  CONVSCOPE_RETURN_IF_ERROR(FileSize(path_, &size));
  const ReadAt read = [this](uint64_t offset, size_t n, uint8_t* out) {
    return ReadFileBytes(path_, offset, n, out);
  };
  std::vector<ZipMember> members;
  CONVSCOPE_RETURN_IF_ERROR(ListZipMembers(size, read, &members));
  const auto member = [&](const char* name) -> const ZipMember* {
    for (const ZipMember& m : members) {
      if (m.name == name) return &m;
    }
    return nullptr;
  };
  const ZipMember* config = member("config.json");
  const ZipMember* weights = member("model.weights.h5");
  if (config == nullptr) {
    return Status::Error("the .keras archive has no config.json (is it a Keras model?)");
  }
  if (weights == nullptr) {
    return Status::Error(member("model.weights.npz") != nullptr
                             ? "the .keras archive holds its weights as .npz: save the model "
                               "with the default weights format (model.weights.h5)"
                             : "the .keras archive has no model.weights.h5 (is it a Keras model?)");
  }
  CONVSCOPE_RETURN_IF_ERROR(ReadZipMember(*config, read, kMaxConfigBytes, &model_config_));
  if (const ZipMember* m = member("metadata.json")) {
    std::string text;
    Json metadata;
    if (ReadZipMember(*m, read, kMaxMetadataBytes, &text).ok() &&
        ParseJson(text, "metadata.json", &metadata).ok()) {
      if (const Json* v = convscope::Find(metadata, "keras_version");
          v != nullptr && v->is_string()) {
        keras_version_ = v->get<std::string>();
      }
    }
  }
  CONVSCOPE_RETURN_IF_ERROR(OpenHdf5Member(path_, weights->offset, weights->size, &file_));
  const Hdf5Id root = file_.get();
  // saving_lib stores the optimizer's variables as optimizer/vars/0, 1, ...
  std::vector<std::string> optimizer_vars;
  while (optimizer_vars.size() < kMaxOptimizerVariables &&
         LinkExists(root, "optimizer/vars/" + std::to_string(optimizer_vars.size()))) {
    optimizer_vars.push_back(std::to_string(optimizer_vars.size()));
  }
  ReadOptimizerState("optimizer/vars", optimizer_vars);
  for (const char* where : {"layers", "_layer_checkpoint_dependencies"}) {
    if (LinkExists(root, where)) {
      counts_weighted_twice_ = std::string(where) == "_layer_checkpoint_dependencies";
      container_ = where;
      return OpenGroup(root, where, &weights_root_);
    }
  }
  // A model whose layers have no weights at all has no groups: nothing to read.
  return OpenGroup(root, "/", &weights_root_);
}

Status KerasFile::OpenHdf5() {
  CONVSCOPE_RETURN_IF_ERROR(OpenHdf5File(path_, &file_));
  const Hdf5Id root = file_.get();
  if (HasAttribute(root, "model_config")) {
    layout_ = KerasLayout::kFullModel;
    CONVSCOPE_RETURN_IF_ERROR(ReadStringAttribute(root, "model_config", &model_config_));
    if (Status s = OpenGroup(root, "model_weights", &weights_root_); !s.ok()) {
      return Status::Error("a Keras full-model file needs a model_weights group: " + s.message());
    }
  } else if (HasAttribute(root, "layer_names")) {
    layout_ = KerasLayout::kWeightsOnly;
    CONVSCOPE_RETURN_IF_ERROR(OpenGroup(root, "/", &weights_root_));
  } else {
    return Status::Error(
        "HDF5, but not a Keras model: no model_config or layer_names attribute at its root");
  }
  // Informational; older files lack them.
  for (const Hdf5Id where : {root, weights_root_.get()}) {
    if (keras_version_.empty() && HasAttribute(where, "keras_version")) {
      (void)ReadStringAttribute(where, "keras_version", &keras_version_);
    }
    if (backend_.empty() && HasAttribute(where, "backend")) {
      (void)ReadStringAttribute(where, "backend", &backend_);
    }
  }
  if (Hdf5Handle group;
      LinkExists(root, "optimizer_weights") && OpenGroup(root, "optimizer_weights", &group).ok()) {
    std::vector<std::string> names;
    if (ReadStringListAttribute(group.get(), "weight_names", &names).ok()) {
      ReadOptimizerState("optimizer_weights", names);
    }
  }
  const Hdf5Id weights_root = weights_root_.get();
  std::vector<std::string> layer_names;
  CONVSCOPE_RETURN_IF_ERROR(ReadStringListAttribute(weights_root, "layer_names", &layer_names));
  for (const std::string& name : layer_names) {
    Hdf5Handle group;
    if (Status s = OpenGroup(weights_root, name, &group); !s.ok()) {
      return Status::Error("layer " + name + " is listed in layer_names but missing from the file");
    }
    KerasLayerWeights entry{name, name, {}};
    std::vector<std::string> weight_names;
    if (Status s = ReadStringListAttribute(group.get(), "weight_names", &weight_names); !s.ok()) {
      return Status::Error("layer " + name + ": " + s.message());
    }
    CONVSCOPE_RETURN_IF_ERROR(AddWeights(group.get(), weight_names, &entry));
    layers_.push_back(std::move(entry));
  }
  return Status::Ok();
}

Status KerasFile::AddWeights(Hdf5Id group, const std::vector<std::string>& names,
                             KerasLayerWeights* entry) {
  for (const std::string& w : names) {
    KerasWeight weight{w, {}};
    if (Status s = DatasetShape(group, w, &weight.shape); !s.ok()) {
      return Status::Error("layer " + entry->layer + ": weight " + w + " — " + s.message());
    }
    size_t elements = 1;
    for (size_t d : weight.shape) {
      if (__builtin_mul_overflow(elements, d, &elements) || elements > kMaxTensorElements) {
        return Status::Error("layer " + entry->layer + ": weight " + w +
                             " is too large (more than " + std::to_string(kMaxTensorElements) +
                             " elements)");
      }
    }
    weight.elements = elements;
    total_weight_bytes_ += elements * sizeof(float);
    entry->weights.push_back(std::move(weight));
  }
  return Status::Ok();
}

void KerasFile::ReadOptimizerState(const std::string& path, const std::vector<std::string>& names) {
  if (names.empty() || names.size() > kMaxOptimizerVariables) return;
  // Training state is not the model: a damaged one leaves the summary without its line rather
  // than refusing the file.
  KerasOptimizerState state;
  for (const std::string& name : names) {
    Shape shape;
    size_t element_bytes = 0;
    if (!DatasetShape(file_.get(), path + "/" + name, &shape, &element_bytes).ok()) return;
    uint64_t elements = 1;
    for (size_t d : shape) {
      if (__builtin_mul_overflow(elements, d, &elements)) return;
    }
    if (__builtin_add_overflow(state.params, elements, &state.params) ||
        __builtin_mul_overflow(elements, element_bytes, &elements) ||
        __builtin_add_overflow(state.bytes, elements, &state.bytes)) {
      return;
    }
  }
  optimizer_state_ = state;
}

Status KerasFile::BindLayers(const std::vector<KerasLayerRef>& layers) {
  return layout_ == KerasLayout::kArchive ? BindContainer(layers, "") : SplitNested(layers);
}

Status KerasFile::BindContainer(const std::vector<KerasLayerRef>& layers,
                                const std::string& prefix) {
  std::map<std::string, size_t> used;  // Keras' used_names: the counter of each class's key
  for (const KerasLayerRef& ref : layers) {
    const std::string base = KerasSnakeCase(ref.keras_class);
    std::string key = base;
    if (const auto it = used.find(base); it != used.end()) {
      key += "_" + std::to_string(++it->second);
    } else {
      used.emplace(base, 0);
    }
    if (counts_weighted_twice_ && ref.has_weights) ++used[base];
    key = prefix + key;
    if (!ref.layers.empty()) {  // a model used as a layer: its layers' groups nest in its own
      CONVSCOPE_RETURN_IF_ERROR(BindContainer(ref.layers, key + "/" + container_ + "/"));
      continue;
    }
    const std::string vars = key + "/vars";
    if (!LinkExists(weights_root_.get(), vars)) continue;  // a layer without weights
    Hdf5Handle group;
    CONVSCOPE_RETURN_IF_ERROR(OpenGroup(weights_root_.get(), key, &group));
    Hdf5Handle variables;
    CONVSCOPE_RETURN_IF_ERROR(OpenGroup(group.get(), "vars", &variables));
    // Keras 3.6+ names each group's layer: a mismatch means the archive is not this model's.
    std::string name;
    if (HasAttribute(variables.get(), "name") &&
        ReadStringAttribute(variables.get(), "name", &name).ok() && name != ref.keras_name) {
      return Status::Error("model.weights.h5 holds layer " + name + "'s weights where " +
                           ref.keras_name + "'s belong (" + vars +
                           "): the archive's config.json and weights disagree (save the model "
                           "again with model.save)");
    }
    std::vector<std::string> names;
    while (LinkExists(variables.get(), std::to_string(names.size()))) {
      names.push_back("vars/" + std::to_string(names.size()));
      if (names.size() > 64) return Status::Error(vars + " holds too many variables");
    }
    KerasLayerWeights entry{ref.name, key, {}};
    CONVSCOPE_RETURN_IF_ERROR(AddWeights(group.get(), names, &entry));
    if (!entry.weights.empty()) layers_.push_back(std::move(entry));
  }
  return Status::Ok();
}

namespace {

// The inner layers of a nested model, by the file's name, with convscope's.
void InnerNames(const std::vector<KerasLayerRef>& refs, std::map<std::string, std::string>* out) {
  for (const KerasLayerRef& r : refs) {
    if (r.layers.empty()) {
      out->emplace(r.keras_name, r.name);
    } else {
      InnerNames(r.layers, out);
    }
  }
}

}  // namespace

Status KerasFile::SplitNested(const std::vector<KerasLayerRef>& layers) {
  for (const KerasLayerRef& ref : layers) {
    if (ref.layers.empty()) continue;
    const auto at = std::find_if(layers_.begin(), layers_.end(), [&](const KerasLayerWeights& l) {
      return l.layer == ref.keras_name;
    });
    if (at == layers_.end()) continue;  // a model without weights
    std::map<std::string, std::string> inner;
    InnerNames(ref.layers, &inner);
    // An .h5 keeps a nested model's weights in its one group, named by path: "Conv1/kernel:0",
    // "block_1_expand/kernel" — the layer is the component before the weight's own name.
    std::vector<KerasLayerWeights> split;
    for (const KerasWeight& w : at->weights) {
      const size_t last = w.name.rfind('/');
      const size_t before =
          last == std::string::npos || last == 0 ? std::string::npos : w.name.rfind('/', last - 1);
      const std::string layer =
          last == std::string::npos
              ? ""
              : w.name.substr(before == std::string::npos ? 0 : before + 1,
                              last - (before == std::string::npos ? 0 : before + 1));
      const auto name = inner.find(layer);
      if (name == inner.end()) {
        return Status::Error("model " + ref.keras_name + "'s weight " + w.name +
                             " belongs to none of its layers");
      }
      // Its trainable weights come first, then the non-trainable ones (moving statistics).
      auto own = std::find_if(split.begin(), split.end(),
                              [&](const KerasLayerWeights& l) { return l.layer == name->second; });
      if (own == split.end()) own = split.insert(split.end(), {name->second, at->group, {}});
      own->weights.push_back(w);
    }
    const size_t index = static_cast<size_t>(at - layers_.begin());
    layers_.erase(at);
    layers_.insert(layers_.begin() + static_cast<std::ptrdiff_t>(index), split.begin(),
                   split.end());
  }
  return Status::Ok();
}

const KerasLayerWeights* KerasFile::Find(const std::string& layer) const {
  for (const KerasLayerWeights& l : layers_) {
    if (l.layer == layer) return &l;
  }
  return nullptr;
}

Status KerasFile::ReadWeightRows(const KerasLayerWeights& layer, const KerasWeight& weight,
                                 size_t row_begin, size_t rows, float* out) const {
  const Shape& shape = weight.shape;
  const size_t total = shape.empty() ? 1 : shape[0];
  if (row_begin > total || rows > total - row_begin) {
    return Status::Error(path_ + ": layer " + layer.layer + ": weight " + weight.name +
                         ": rows out of range");
  }
  Hdf5Handle group;
  Status s = OpenGroup(weights_root_.get(), layer.group, &group);
  if (s.ok()) s = ReadFloatRows(group.get(), weight.name, shape, row_begin, rows, out);
  if (!s.ok()) return Status::Error(path_ + ": layer " + layer.layer + ": " + s.message());
  return Status::Ok();
}

}  // namespace convscope::convert

// hdf5_file.h over a JSON tree (see hdf5_file_memory.h). Misuse of the interface by the code
// under test — closing an identifier twice, using a closed one, reading rows outside the shape
// the caller was given — aborts, so the fuzzer reports it as a finding.
#include "hdf5_file_memory.h"

#include <cstdio>
#include <cstdlib>
#include <limits>

#include "base/checked_math.h"
#include "base/crc32.h"
#include "base/json_util.h"
#include "dataset_shape_json.h"
#include "hdf5_file.h"

namespace convscope::convert {
namespace {

// Weights served per file, so that one input cannot make an execution take seconds. Datasets
// over kMaxTensorElements are reported as they are: the reader refuses them before reading.
constexpr size_t kElementBudget = size_t{1} << 24;

struct MemoryFile {
  Json root;
  std::vector<const Json*> ids;  // by identifier; nullptr once closed
  size_t elements_served = 0;
  std::vector<uint8_t> bytes;  // the file's bytes: HDF5's signature, or the zip of an archive
};

MemoryFile& File() {
  static MemoryFile file;
  return file;
}

[[noreturn]] void Misuse(const char* what, Hdf5Id id) {
  std::fprintf(stderr, "hdf5_file.h misused: %s (identifier %lld)\n", what,
               static_cast<long long>(id));
  std::abort();
}

const Json& Node(Hdf5Id id) {
  const MemoryFile& f = File();
  if (id < 0 || static_cast<size_t>(id) >= f.ids.size() || f.ids[id] == nullptr) {
    Misuse("an identifier that is not open", id);
  }
  return *f.ids[id];
}

Hdf5Id NewId(const Json* node) {
  File().ids.push_back(node);
  return static_cast<Hdf5Id>(File().ids.size() - 1);
}

bool IsDataset(const Json& node) { return node.is_object() && node.contains("shape"); }

// The node at `path` below `parent` (a leading '/' starts at the root), or nullptr.
const Json* Resolve(Hdf5Id parent, const std::string& path) {
  const Json* node = path.starts_with('/') ? &File().root : &Node(parent);
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string name = path.substr(start, slash - start);
    start = slash + 1;
    if (name.empty()) continue;
    if (IsDataset(*node) || name == "attrs") return nullptr;
    node = Find(*node, name.c_str());
    if (node == nullptr) return nullptr;
  }
  return node;
}

const Json* Attribute(Hdf5Id object, const char* name) {
  const Json& node = Node(object);
  const Json* attrs = IsDataset(node) ? nullptr : Find(node, "attrs");
  return attrs != nullptr ? Find(*attrs, name) : nullptr;
}

std::string Missing(const char* name) { return "attribute " + std::string(name) + " is missing"; }

// The dataset's value at `index`; `values` is its "values" member or nullptr.
float ValueAt(const Json* values, size_t index) {
  if (values == nullptr || !values->is_array() || values->empty()) {
    // Small weights of both signs, different in every position of a row.
    return static_cast<float>(static_cast<int>((index * 2654435761u) % 2001) - 1000) * 5e-5f;
  }
  const Json& v = (*values)[index % values->size()];
  if (v.is_number()) return v.get<float>();
  if (v == "nan") return std::numeric_limits<float>::quiet_NaN();
  if (v == "inf") return std::numeric_limits<float>::infinity();
  if (v == "-inf") return -std::numeric_limits<float>::infinity();
  return 0.0f;
}

// The dataset at `path` (resolved once), its shape and its element count (saturated).
Status ReadShape(Hdf5Id parent, const std::string& path, const Json** dataset, Shape* shape,
                 size_t* elements) {
  const Json* found = path.empty() ? nullptr : Resolve(parent, path);
  if (found == nullptr) return Status::Error("dataset " + path + " is missing");
  const Json& node = *found;
  *dataset = found;
  if (!IsDataset(node)) return Status::Error(path + " is not a dataset");
  if (const Json* dtype = Find(node, "dtype");
      dtype != nullptr && *dtype != "float" &&
      !dtype->get_ref<const std::string&>().starts_with("int")) {
    return Status::Error("dataset " + path + " does not hold numbers");
  }
  CONVSCOPE_RETURN_IF_ERROR(DatasetShapeFromJson(node["shape"], path, shape));
  *elements = 1;
  for (const size_t d : *shape) {
    if (__builtin_mul_overflow(*elements, d, elements)) {
      *elements = std::numeric_limits<size_t>::max();
    }
  }
  return Status::Ok();
}

void Put(std::vector<uint8_t>* out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

// A stored zip of config.json (`config`) and an empty model.weights.h5, as Python's zipfile
// writes one.
std::vector<uint8_t> ZipOf(const std::string& config) {
  struct Member {
    std::string name, data;
    uint64_t offset = 0;
  };
  std::vector<Member> members = {{"config.json", config}, {"model.weights.h5", ""}};
  std::vector<uint8_t> out, directory;
  for (Member& m : members) {
    const uint32_t crc = Crc32({reinterpret_cast<const uint8_t*>(m.data.data()), m.data.size()});
    m.offset = out.size();
    Put(&out, 0x04034b50, 4);
    Put(&out, 20, 2), Put(&out, 0, 2), Put(&out, 0, 2), Put(&out, 0, 4), Put(&out, crc, 4);
    Put(&out, m.data.size(), 4), Put(&out, m.data.size(), 4), Put(&out, m.name.size(), 2);
    Put(&out, 0, 2);
    out.insert(out.end(), m.name.begin(), m.name.end());
    out.insert(out.end(), m.data.begin(), m.data.end());
    Put(&directory, 0x02014b50, 4);
    Put(&directory, 20, 2), Put(&directory, 20, 2), Put(&directory, 0, 2), Put(&directory, 0, 2);
    Put(&directory, 0, 4), Put(&directory, crc, 4), Put(&directory, m.data.size(), 4);
    Put(&directory, m.data.size(), 4), Put(&directory, m.name.size(), 2), Put(&directory, 0, 2);
    Put(&directory, 0, 2), Put(&directory, 0, 2), Put(&directory, 0, 2), Put(&directory, 0, 4);
    Put(&directory, m.offset, 4);
    directory.insert(directory.end(), m.name.begin(), m.name.end());
  }
  const uint64_t at = out.size();
  out.insert(out.end(), directory.begin(), directory.end());
  Put(&out, 0x06054b50, 4);
  Put(&out, 0, 2), Put(&out, 0, 2), Put(&out, members.size(), 2), Put(&out, members.size(), 2);
  Put(&out, directory.size(), 4), Put(&out, at, 4), Put(&out, 0, 2);
  return out;
}

}  // namespace

namespace fuzzing {

bool SetMemoryHdf5File(std::string_view json) {
  MemoryFile& f = File();
  f.ids.clear();
  f.elements_served = 0;
  f.root = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (f.root.is_discarded() || !f.root.is_object()) return false;
  const Json* config = Find(f.root, "keras_config");
  f.bytes = config != nullptr && config->is_string()
                ? ZipOf(config->get<std::string>())
                : std::vector<uint8_t>{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  return true;
}

size_t OpenMemoryHdf5Ids() {
  size_t open = 0;
  for (const Json* node : File().ids) open += node != nullptr;
  return open;
}

}  // namespace fuzzing

void CloseHdf5Id(Hdf5Id id) {
  (void)Node(id);
  File().ids[id] = nullptr;
}

Status FileSize(const std::string&, uint64_t* size) {
  *size = File().bytes.size();
  return Status::Ok();
}

Status ReadFileBytes(const std::string&, uint64_t offset, size_t size, uint8_t* out) {
  const std::vector<uint8_t>& b = File().bytes;
  if (offset > b.size() || size > b.size() - offset) {
    Misuse("bytes outside the file were asked for", -1);
  }
  std::copy_n(b.begin() + static_cast<ptrdiff_t>(offset), size, out);
  return Status::Ok();
}

Status OpenHdf5Member(const std::string& path, uint64_t, uint64_t, Hdf5Handle* file) {
  return OpenHdf5File(path, file);
}

Status OpenHdf5File(const std::string& path, Hdf5Handle* file) {
  if (!File().root.is_object()) {
    return Status::Error(path + ": not an HDF5 file (or truncated, or unreadable)");
  }
  *file = Hdf5Handle(NewId(&File().root));
  return Status::Ok();
}

bool HasAttribute(Hdf5Id object, const char* name) { return Attribute(object, name) != nullptr; }

Status ReadStringAttribute(Hdf5Id object, const char* name, std::string* out) {
  const Json* a = Attribute(object, name);
  if (a == nullptr) return Status::Error(Missing(name));
  if (a->is_array() && a->size() == 1) a = &(*a)[0];
  if (!a->is_string()) {
    return Status::Error("attribute " + std::string(name) + " is not a single string");
  }
  *out = a->get<std::string>();
  return Status::Ok();
}

Status ReadStringListAttribute(Hdf5Id object, const char* name, std::vector<std::string>* out) {
  const Json* a = Attribute(object, name);
  if (a == nullptr) return Status::Error(Missing(name));
  out->clear();
  if (a->is_string()) {
    out->push_back(a->get<std::string>());
    return Status::Ok();
  }
  if (!a->is_array()) {
    return Status::Error("attribute " + std::string(name) + " is not a string attribute");
  }
  for (const Json& s : *a) {
    if (!s.is_string()) {
      return Status::Error("attribute " + std::string(name) + " is not a string attribute");
    }
    out->push_back(s.get<std::string>());
  }
  return Status::Ok();
}

bool LinkExists(Hdf5Id parent, const std::string& path) {
  return !path.empty() && Resolve(parent, path) != nullptr;
}

Status OpenGroup(Hdf5Id parent, const std::string& path, Hdf5Handle* group) {
  if (path != "/" && !LinkExists(parent, path)) {
    return Status::Error("group " + path + " is missing");
  }
  const Json* node = Resolve(parent, path);
  if (!node->is_object() || IsDataset(*node)) return Status::Error(path + " is not a group");
  *group = Hdf5Handle(NewId(node));
  return Status::Ok();
}

Status DatasetShape(Hdf5Id parent, const std::string& path, Shape* shape, size_t* element_bytes) {
  const Json* dataset = nullptr;
  size_t elements = 0;
  CONVSCOPE_RETURN_IF_ERROR(ReadShape(parent, path, &dataset, shape, &elements));
  if (element_bytes != nullptr) {
    const Json* dtype = Find(*dataset, "dtype");
    *element_bytes = dtype != nullptr && (*dtype == "int64" || *dtype == "float64") ? 8 : 4;
  }
  if (elements <= kMaxTensorElements) {
    File().elements_served += elements;
    if (File().elements_served > kElementBudget) {
      return Status::Error("dataset " + path + ": over the fuzzing back end's element budget");
    }
  }
  return Status::Ok();
}

Status ReadFloatRows(Hdf5Id parent, const std::string& path, const Shape& shape, size_t row_begin,
                     size_t rows, float* out) {
  const Json* dataset = nullptr;
  Shape actual;
  size_t elements = 0;
  if (!ReadShape(parent, path, &dataset, &actual, &elements).ok() || actual != shape ||
      shape.empty() || elements > kMaxTensorElements || row_begin > shape[0] ||
      rows > shape[0] - row_begin) {
    Misuse("ReadFloatRows outside the dataset's shape", parent);
  }
  const Json* values = Find(*dataset, "values");
  const size_t row_size = shape[0] == 0 ? 0 : elements / shape[0];
  for (size_t i = 0; i < rows * row_size; ++i) out[i] = ValueAt(values, row_begin * row_size + i);
  return Status::Ok();
}

}  // namespace convscope::convert

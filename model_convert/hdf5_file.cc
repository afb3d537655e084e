#include "hdf5_file.h"

#include <hdf5.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace convscope::convert {
namespace {

// HDF5 prints its own error stack by default; our Status messages replace it.
void SilenceHdf5Errors() {
  static const bool silenced = H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0;
  (void)silenced;
}

Status ReadStrings(hid_t attr, size_t count, std::vector<std::string>* out) {
  Hdf5Handle type(H5Aget_type(attr));
  if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING) {
    return Status::Error("is not a string attribute");
  }
  out->clear();
  if (H5Tis_variable_str(type.get()) > 0) {
    Hdf5Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    std::vector<char*> ptrs(count, nullptr);
    if (H5Aread(attr, mem.get(), ptrs.data()) < 0) return Status::Error("could not be read");
    for (char* p : ptrs) out->emplace_back(p != nullptr ? p : "");
    Hdf5Handle space(H5Aget_space(attr));
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
    return Status::Ok();
  }
  const size_t width = H5Tget_size(type.get());
  if (width == 0 || width > (size_t{1} << 20)) return Status::Error("has an invalid string size");
  std::vector<char> buffer(width * count);
  if (H5Aread(attr, type.get(), buffer.data()) < 0) return Status::Error("could not be read");
  for (size_t i = 0; i < count; ++i) {
    const char* s = buffer.data() + i * width;
    size_t n = 0;
    while (n < width && s[n] != '\0') ++n;  // fixed-length strings are NUL- or space-padded
    out->emplace_back(s, n);
  }
  return Status::Ok();
}

Status OpenAttribute(hid_t object, const char* name, Hdf5Handle* attr, size_t* count) {
  SilenceHdf5Errors();
  if (!HasAttribute(object, name))
    return Status::Error("attribute " + std::string(name) + " is missing");
  *attr = Hdf5Handle(H5Aopen(object, name, H5P_DEFAULT));
  Hdf5Handle space(attr->valid() ? H5Aget_space(attr->get()) : H5I_INVALID_HID);
  const hssize_t n = space.valid() ? H5Sget_simple_extent_npoints(space.get()) : -1;
  if (n < 0 || n > (1 << 20))
    return Status::Error("attribute " + std::string(name) + " is unreadable");
  *count = static_cast<size_t>(n);
  return Status::Ok();
}

}  // namespace

static_assert(sizeof(hid_t) == sizeof(Hdf5Id), "HDF5 >= 1.10 identifiers are 64-bit");

void CloseHdf5Id(Hdf5Id id) { H5Idec_ref(id); }

Status OpenHdf5File(const std::string& path, Hdf5Handle* file) {
  SilenceHdf5Errors();
  // H5Fis_hdf5: Debian 12 ships HDF5 1.10, which predates H5Fis_accessible.
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    return Status::Error(path + ": not an HDF5 file (or truncated, or unreadable)");
  }
  *file = Hdf5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file->valid()) return Status::Error(path + ": cannot open the HDF5 file (is it truncated?)");
  return Status::Ok();
}

Status FileSize(const std::string& path, uint64_t* size) {
  std::error_code error;
  const auto n = std::filesystem::file_size(path, error);
  if (error) return Status::Error("cannot read " + path + ": " + error.message());
  *size = n;
  return Status::Ok();
}

Status ReadFileBytes(const std::string& path, uint64_t offset, size_t size, uint8_t* out) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f || fseeko(f.get(), static_cast<off_t>(offset), SEEK_SET) != 0 ||
      std::fread(out, 1, size, f.get()) != size) {
    return Status::Error("cannot read " + std::to_string(size) + " bytes at " +
                         std::to_string(offset) + " (is the file truncated?)");
  }
  return Status::Ok();
}

// libhdf5 opens files, not parts of them: the member is copied to a temporary file, opened, and
// unlinked at once (the open file stays readable until it is closed, and nothing is left behind).
Status OpenHdf5Member(const std::string& path, uint64_t offset, uint64_t size, Hdf5Handle* file) {
  const char* dir = std::getenv("TMPDIR");
  std::string name =
      std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/convscope-weights-XXXXXX";
  const int fd = mkstemp(name.data());
  if (fd < 0) return Status::Error("cannot make a temporary file to read the weights from");
  FILE* out = fdopen(fd, "wb");
  if (out == nullptr) {
    close(fd);
    std::remove(name.c_str());
    return Status::Error("cannot make a temporary file to read the weights from");
  }
  std::vector<uint8_t> block(size_t{1} << 20);
  Status s = Status::Ok();
  for (uint64_t done = 0; s.ok() && done < size; done += block.size()) {
    block.resize(static_cast<size_t>(std::min<uint64_t>(block.size(), size - done)));
    s = ReadFileBytes(path, offset + done, block.size(), block.data());
    if (s.ok() && std::fwrite(block.data(), 1, block.size(), out) != block.size()) {
      s = Status::Error("cannot write a temporary copy of the weights (is the disk full?)");
    }
  }
  // fclose flushes: a full disk can show only here.
  if (std::fclose(out) != 0 && s.ok()) {
    s = Status::Error("cannot write a temporary copy of the weights (is the disk full?)");
  }
  if (s.ok()) s = OpenHdf5File(name, file);
  std::remove(name.c_str());
  if (!s.ok()) {
    return Status::Error(
        "model.weights.h5 in the archive: " +
        (s.message().rfind(name, 0) == 0 ? s.message().substr(name.size() + 2) : s.message()));
  }
  return Status::Ok();
}

bool HasAttribute(hid_t object, const char* name) {
  SilenceHdf5Errors();
  return H5Aexists(object, name) > 0;
}

Status ReadStringAttribute(hid_t object, const char* name, std::string* out) {
  Hdf5Handle attr;
  size_t count = 0;
  CONVSCOPE_RETURN_IF_ERROR(OpenAttribute(object, name, &attr, &count));
  std::vector<std::string> values;
  if (Status s = ReadStrings(attr.get(), count, &values); !s.ok() || values.size() != 1) {
    return Status::Error("attribute " + std::string(name) + " is not a single string");
  }
  *out = std::move(values[0]);
  return Status::Ok();
}

Status ReadStringListAttribute(hid_t object, const char* name, std::vector<std::string>* out) {
  Hdf5Handle attr;
  size_t count = 0;
  CONVSCOPE_RETURN_IF_ERROR(OpenAttribute(object, name, &attr, &count));
  // Keras writes an empty name list as an empty float array (np.asarray([])).
  if (count == 0) {
    out->clear();
    return Status::Ok();
  }
  if (Status s = ReadStrings(attr.get(), count, out); !s.ok()) {
    return Status::Error("attribute " + std::string(name) + " " + s.message());
  }
  return Status::Ok();
}

bool LinkExists(hid_t parent, const std::string& path) {
  SilenceHdf5Errors();
  // H5Lexists checks one level; walk the path so "a/b/c" works when "a" is missing too.
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string prefix = path.substr(0, slash);
    if (prefix.empty() || H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

Status OpenGroup(hid_t parent, const std::string& path, Hdf5Handle* group) {
  if (path != "/" && !LinkExists(parent, path))
    return Status::Error("group " + path + " is missing");
  *group = Hdf5Handle(H5Gopen2(parent, path.c_str(), H5P_DEFAULT));
  if (!group->valid()) return Status::Error(path + " is not a group");
  return Status::Ok();
}

Status DatasetShape(hid_t parent, const std::string& path, Shape* shape, size_t* element_bytes) {
  if (!LinkExists(parent, path)) return Status::Error("dataset " + path + " is missing");
  Hdf5Handle dataset(H5Dopen2(parent, path.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) return Status::Error(path + " is not a dataset");
  Hdf5Handle type(H5Dget_type(dataset.get()));
  if (H5Tget_class(type.get()) != H5T_FLOAT && H5Tget_class(type.get()) != H5T_INTEGER) {
    return Status::Error("dataset " + path + " does not hold numbers");
  }
  if (element_bytes != nullptr) *element_bytes = H5Tget_size(type.get());
  Hdf5Handle space(H5Dget_space(dataset.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > 8) return Status::Error("dataset " + path + " has an unsupported rank");
  hsize_t dims[8] = {};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  shape->assign(dims, dims + rank);
  return Status::Ok();
}

Status ReadFloatRows(Hdf5Id parent, const std::string& path, const Shape& shape, size_t row_begin,
                     size_t rows, float* out) {
  Hdf5Handle dataset(H5Dopen2(parent, path.c_str(), H5P_DEFAULT));
  Hdf5Handle file_space(H5Dget_space(dataset.get()));
  std::vector<hsize_t> start(shape.size(), 0), count(shape.begin(), shape.end());
  start[0] = row_begin;
  count[0] = rows;
  Hdf5Handle memory_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                          nullptr) < 0 ||
      H5Dread(dataset.get(), H5T_NATIVE_FLOAT, memory_space.get(), file_space.get(), H5P_DEFAULT,
              out) < 0) {
    return Status::Error("dataset " + path + " could not be read (is the file truncated?)");
  }
  return Status::Ok();
}

}  // namespace convscope::convert

// The few HDF5 operations the Keras reader needs, with RAII handles and Status errors instead of
// HDF5's error stack printing (silenced: our messages name the file, layer and weight).
// Two implementations behind this header: hdf5_file.cc on libhdf5 (the native model_convert) and
// hdf5_file_h5wasm.cc, which calls the page's h5wasm (libhdf5 in its own wasm module) through JS,
// so the same converter runs in the browser. Both also give the byte access the .keras archive
// reader needs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "layers/layer.h"

namespace convscope::convert {

// An object identifier: libhdf5's hid_t natively, an index into the JS backend's table in wasm.
using Hdf5Id = int64_t;
inline constexpr Hdf5Id kInvalidHdf5Id = -1;

// Releases `id` (the backend's close).
void CloseHdf5Id(Hdf5Id id);

// Owns one HDF5 identifier (file, group, dataset, attribute, dataspace or datatype).
class Hdf5Handle {
 public:
  Hdf5Handle() = default;
  explicit Hdf5Handle(Hdf5Id id) : id_(id) {}
  Hdf5Handle(Hdf5Handle&& other) noexcept : id_(other.id_) { other.id_ = kInvalidHdf5Id; }
  Hdf5Handle& operator=(Hdf5Handle&& other) noexcept {
    if (this != &other) {
      if (valid()) CloseHdf5Id(id_);
      id_ = other.id_;
      other.id_ = kInvalidHdf5Id;
    }
    return *this;
  }
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;
  ~Hdf5Handle() {
    if (valid()) CloseHdf5Id(id_);
  }

  Hdf5Id get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  Hdf5Id id_ = kInvalidHdf5Id;
};

// Opens `path` read-only; "not an HDF5 file" when it is not one.
Status OpenHdf5File(const std::string& path, Hdf5Handle* file);
// Opens the HDF5 file stored uncompressed inside `path` at [offset, offset + size) (a .keras
// archive's model.weights.h5), without reading it whole.
Status OpenHdf5Member(const std::string& path, uint64_t offset, uint64_t size, Hdf5Handle* file);

// The size of the file at `path`, and bytes [offset, offset + size) of it (the zip reader's
// access to a .keras archive).
Status FileSize(const std::string& path, uint64_t* size);
Status ReadFileBytes(const std::string& path, uint64_t offset, size_t size, uint8_t* out);

bool HasAttribute(Hdf5Id object, const char* name);
// A string attribute, fixed-length or variable-length (Keras and h5py write both).
Status ReadStringAttribute(Hdf5Id object, const char* name, std::string* out);
// A 1-D array of strings (e.g. Keras' layer_names, weight_names), fixed- or variable-length.
Status ReadStringListAttribute(Hdf5Id object, const char* name, std::vector<std::string>* out);

Status OpenGroup(Hdf5Id parent, const std::string& path, Hdf5Handle* group);
bool LinkExists(Hdf5Id parent, const std::string& path);

// Shape of a dataset of numbers (an error for other types or more than 8 dimensions) and, when
// asked, the bytes each of its elements takes in the file.
Status DatasetShape(Hdf5Id parent, const std::string& path, Shape* shape,
                    size_t* element_bytes = nullptr);
// Reads rows [row_begin, row_begin + rows) of a floating-point dataset (of any precision) along its
// first axis as f32 into `out`, which holds rows * (elements per row) floats. `shape` is the
// dataset's (DatasetShape's) and the rows lie within it: the caller checked. Rows, not the whole
// dataset: a 411 MB kernel streams through a small buffer.
Status ReadFloatRows(Hdf5Id parent, const std::string& path, const Shape& shape, size_t row_begin,
                     size_t rows, float* out);

}  // namespace convscope::convert

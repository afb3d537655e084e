// The few libhdf5 operations the Keras reader needs, with RAII handles and Status errors instead
// of HDF5's error stack printing (silenced: our messages name the file, layer and weight).
#pragma once

#include <hdf5.h>

#include <string>
#include <vector>

#include "layer.h"
#include "status.h"

namespace convscope::convert {

// Owns one HDF5 identifier (file, group, dataset, attribute, dataspace or datatype).
class Hdf5Handle {
 public:
  Hdf5Handle() = default;
  explicit Hdf5Handle(hid_t id) : id_(id) {}
  Hdf5Handle(Hdf5Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Hdf5Handle& operator=(Hdf5Handle&& other) noexcept;
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;
  ~Hdf5Handle();

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Opens `path` read-only; "not an HDF5 file" when it is not one.
Status OpenHdf5File(const std::string& path, Hdf5Handle* file);

bool HasAttribute(hid_t object, const char* name);
// A string attribute, fixed-length or variable-length (Keras and h5py write both).
Status ReadStringAttribute(hid_t object, const char* name, std::string* out);
// A 1-D array of strings (e.g. Keras' layer_names, weight_names), fixed- or variable-length.
Status ReadStringListAttribute(hid_t object, const char* name, std::vector<std::string>* out);

Status OpenGroup(hid_t parent, const std::string& path, Hdf5Handle* group);
bool LinkExists(hid_t parent, const std::string& path);

// Shape of a floating-point dataset (an error for other types or more than 8 dimensions).
Status DatasetShape(hid_t parent, const std::string& path, Shape* shape);
// Reads a floating-point dataset of any precision as f32.
Status ReadFloatDataset(hid_t parent, const std::string& path, std::vector<float>* data);

}  // namespace convscope::convert

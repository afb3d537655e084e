// hdf5_file.h in wasm: libhdf5 runs in h5wasm's own module, which the host hands to this one as
// `module.hdf5` (web/src/hdf5_reader.js: h5wasm objects behind small integer ids). Calls cross as
// JSON; weights are copied straight into our heap. Messages match hdf5_file.cc's.
#include <emscripten/emscripten.h>

#include <cstdlib>

#include "base/json_util.h"
#include "dataset_shape_json.h"
#include "hdf5_file.h"

// Module.hdf5[op](...args) as JSON {"value": result} or {"error": message}, in malloc'ed memory.
// A JS exception must not cross into wasm (it would leak the stack), so it becomes "error".
EM_JS(char*, convscope_hdf5_call, (const char* op, const char* args_json), {
  let reply;
  try {
    const reader = Module['hdf5'];
    if (!reader) throw new Error('no HDF5 reader: set module.hdf5 (see web/src/hdf5_reader.js)');
    reply = {'value' : reader[UTF8ToString(op)](... JSON.parse(UTF8ToString(args_json)))};
  } catch (e) {
    reply = {'error' : String(e && e.message || e)};
  }
  const json = JSON.stringify(reply);
  const size = lengthBytesUTF8(json) + 1;
  const ptr = _malloc(size);
  stringToUTF8(json, ptr, size);
  return ptr;
});

// Module.hdf5.readRows(id, path, begin, rows) (a Float32Array or Float64Array of exactly `count`
// values) into out[0, count): null, or an error message in malloc'ed memory.
EM_JS(char*, convscope_hdf5_read_rows,
      (double id, const char* path, double begin, double rows, float* out, double count), {
        let message;
        try {
          const values = Module['hdf5']['readRows'](id, UTF8ToString(path), begin, rows);
          if (!(values instanceof Float32Array || values instanceof Float64Array)) {
            message = 'holds floats of a width other than 32 or 64 bits';
          } else if (values.length != count) {
            message = 'returned ' + values.length + ' values, expected ' + count;
          } else {
            HEAPF32.set(values, out >> 2);
            return 0;
          }
        } catch (e) {
          message = String(e && e.message || e);
        }
        const size = lengthBytesUTF8(message) + 1;
        const ptr = _malloc(size);
        stringToUTF8(message, ptr, size);
        return ptr;
      });

// Module.hdf5.readBytes(path, offset, size) (a Uint8Array of exactly `size` bytes) into out: null,
// or an error message in malloc'ed memory.
EM_JS(char*, convscope_hdf5_read_bytes,
      (const char* path, double offset, double size, uint8_t* out), {
        let message;
        try {
          const bytes = Module['hdf5']['readBytes'](UTF8ToString(path), offset, size);
          if (!(bytes instanceof Uint8Array) || bytes.length != size) {
            message = 'the file is shorter than its archive directory says (is it truncated?)';
          } else {
            HEAPU8.set(bytes, out);
            return 0;
          }
        } catch (e) {
          message = String(e && e.message || e);
        }
        const length = lengthBytesUTF8(message) + 1;
        const ptr = _malloc(length);
        stringToUTF8(message, ptr, length);
        return ptr;
      });

namespace convscope::convert {
namespace {

Status Call(const char* op, const Json& args, Json* value) {
  char* reply =
      convscope_hdf5_call(op, args.dump(-1, ' ', false, Json::error_handler_t::replace).c_str());
  const Json j = Json::parse(reply, nullptr, /*allow_exceptions=*/false);
  std::free(reply);
  if (!j.is_object()) return Status::Error("the HDF5 reader gave an invalid answer");
  if (const auto e = j.find("error"); e != j.end() && e->is_string()) {
    return Status::Error(e->get<std::string>());
  }
  *value = j.value("value", Json());
  return Status::Ok();
}

// Call for an answer that must be a number (an id) or null (`null_means` as the error).
Status CallForId(const char* op, const Json& args, const std::string& null_means, Hdf5Handle* out) {
  Json value;
  CONVSCOPE_RETURN_IF_ERROR(Call(op, args, &value));
  if (!value.is_number_integer()) return Status::Error(null_means);
  *out = Hdf5Handle(value.get<Hdf5Id>());
  return Status::Ok();
}

Status ReadStrings(Hdf5Id object, const char* name, std::vector<std::string>* out) {
  if (!HasAttribute(object, name)) {
    return Status::Error("attribute " + std::string(name) + " is missing");
  }
  Json value;
  CONVSCOPE_RETURN_IF_ERROR(Call("readStrings", Json::array({object, name}), &value));
  if (!value.is_array()) return Status::Error("is not a string attribute");
  out->clear();
  for (const Json& s : value) {
    if (!s.is_string()) return Status::Error("is not a string attribute");
    out->push_back(s.get<std::string>());
  }
  return Status::Ok();
}

}  // namespace

void CloseHdf5Id(Hdf5Id id) {
  Json ignored;
  (void)Call("close", Json::array({id}), &ignored);
}

Status OpenHdf5File(const std::string& path, Hdf5Handle* file) {
  return CallForId("open", Json::array({path}),
                   path + ": not an HDF5 file (or truncated, or unreadable)", file);
}

Status OpenHdf5Member(const std::string& path, uint64_t offset, uint64_t size, Hdf5Handle* file) {
  return CallForId(
      "openMember", Json::array({path, static_cast<double>(offset), static_cast<double>(size)}),
      "model.weights.h5 in the archive: not an HDF5 file (or truncated, or unreadable)", file);
}

Status FileSize(const std::string& path, uint64_t* size) {
  Json value;
  CONVSCOPE_RETURN_IF_ERROR(Call("fileSize", Json::array({path}), &value));
  if (!value.is_number() || value.get<double>() < 0) {
    return Status::Error("cannot read " + path);
  }
  *size = static_cast<uint64_t>(value.get<double>());
  return Status::Ok();
}

Status ReadFileBytes(const std::string& path, uint64_t offset, size_t size, uint8_t* out) {
  char* error = convscope_hdf5_read_bytes(path.c_str(), static_cast<double>(offset),
                                          static_cast<double>(size), out);
  if (error == nullptr) return Status::Ok();
  const std::string message(error);
  std::free(error);
  return Status::Error(message);
}

bool HasAttribute(Hdf5Id object, const char* name) {
  Json value;
  return Call("hasAttribute", Json::array({object, name}), &value).ok() && value == true;
}

Status ReadStringAttribute(Hdf5Id object, const char* name, std::string* out) {
  std::vector<std::string> values;
  if (Status s = ReadStrings(object, name, &values); !s.ok() || values.size() != 1) {
    if (!s.ok() && s.message().starts_with("attribute ")) return s;
    return Status::Error("attribute " + std::string(name) + " is not a single string");
  }
  *out = std::move(values[0]);
  return Status::Ok();
}

Status ReadStringListAttribute(Hdf5Id object, const char* name, std::vector<std::string>* out) {
  if (Status s = ReadStrings(object, name, out); !s.ok()) {
    if (s.message().starts_with("attribute ")) return s;
    return Status::Error("attribute " + std::string(name) + " " + s.message());
  }
  return Status::Ok();
}

bool LinkExists(Hdf5Id parent, const std::string& path) {
  Json value;
  return Call("linkExists", Json::array({parent, path}), &value).ok() && value == true;
}

Status OpenGroup(Hdf5Id parent, const std::string& path, Hdf5Handle* group) {
  if (path != "/" && !LinkExists(parent, path)) {
    return Status::Error("group " + path + " is missing");
  }
  return CallForId("openGroup", Json::array({parent, path}), path + " is not a group", group);
}

Status DatasetShape(Hdf5Id parent, const std::string& path, Shape* shape, size_t* element_bytes) {
  if (!LinkExists(parent, path)) return Status::Error("dataset " + path + " is missing");
  Json value;
  CONVSCOPE_RETURN_IF_ERROR(Call("datasetShape", Json::array({parent, path}), &value));
  if (!value.is_object()) return Status::Error(path + " is not a dataset");
  if (value.value("numeric", false) != true) {
    return Status::Error("dataset " + path + " does not hold numbers");
  }
  if (element_bytes != nullptr) {
    const Json bytes = value.value("elementBytes", Json());
    if (!bytes.is_number_unsigned() || bytes.get<size_t>() > 16) {
      return Status::Error("dataset " + path + " has an invalid element size");
    }
    *element_bytes = bytes.get<size_t>();
  }
  return DatasetShapeFromJson(value.value("shape", Json()), path, shape);
}

Status ReadFloatRows(Hdf5Id parent, const std::string& path, const Shape& shape, size_t row_begin,
                     size_t rows, float* out) {
  size_t count = rows;
  for (size_t i = 1; i < shape.size(); ++i) count *= shape[i];  // bounded by KerasFile::Open
  char* error = convscope_hdf5_read_rows(static_cast<double>(parent), path.c_str(),
                                         static_cast<double>(row_begin), static_cast<double>(rows),
                                         out, static_cast<double>(count));
  if (error == nullptr) return Status::Ok();
  const std::string message(error);
  std::free(error);
  return Status::Error("dataset " + path + " could not be read: " + message);
}

}  // namespace convscope::convert

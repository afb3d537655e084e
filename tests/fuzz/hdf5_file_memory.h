// A third implementation of model_convert's hdf5_file.h, for fuzzing only: the "HDF5 file" is a
// JSON tree held in memory, so keras_structure_fuzzer reaches the Keras reader and converter we
// wrote (names, attributes, shapes, layouts, architecture, streaming, quantization) thousands of
// times a second, without libhdf5 in the way (keras_file_fuzzer fuzzes through libhdf5 itself).
//
// The tree: every JSON object is a group, except that an object with a "shape" member is a
// dataset. A group's "attrs" object holds its attributes: a string, or an array of strings (a
// string list); numbers stand for attributes of other types. Other members are the group's links.
// A dataset: {"shape": [dims...], "dtype": "float" (default) or anything else, "values": [...]}
// where values (numbers, or "nan", "inf", "-inf") repeat over the dataset; without them a fixed
// pattern of small weights fills it. tests/fuzz/h5_to_json.py writes such trees from .h5 files.
//
// A tree whose root has a string "keras_config" stands for a .keras archive: the file is then a
// zip of that config.json and a model.weights.h5 member, which opens as the rest of the tree (so
// the archive's reader, its config and its weights' keys by class are fuzzed too).
#pragma once

#include <cstddef>
#include <string_view>

namespace convscope::convert::fuzzing {

// Makes `json` the file every OpenHdf5File opens (whatever its path); false if it is not JSON.
bool SetMemoryHdf5File(std::string_view json);
// Identifiers handed out and not closed yet (0 when every Hdf5Handle was released).
size_t OpenMemoryHdf5Ids();

}  // namespace convscope::convert::fuzzing

// Keras .keras / .h5 -> convscope model file: the conversion itself, independent of the command
// line (the page runs the same logic in wasm, reading HDF5 through h5wasm). Streams one layer's
// weights at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/model_header.h"

namespace convscope::convert {

inline constexpr const char* kConverterVersion = "0.1.0";

struct ConvertOptions {
  std::string input;
  std::string output;
  std::string precision;    // "f32" or "int8"; empty: int8
  bool notop = false;       // drop Flatten and everything after it
  std::string labels_path;  // Keras class-index JSON, a JSON list of names or one name per
                            // line; empty: ImageNet labels for a 1000-way output, none otherwise
  // "rescale", "raw", "caffe", "tf" or "torch"; empty: inferred (conversion_choices.h).
  std::string preprocessing;
  // The size given to an input whose height and width are free (None).
  size_t input_height = 224, input_width = 224;
  bool input_size_given = false;  // whether the sizes above were asked for
  // A JSON file of the training pictures' statistics (model/training_pictures.h) to store in the
  // header; empty: none. Convert only (the page has no training pictures to give).
  std::string training_pictures_path;
};

// Called after each weight is read: bytes of Keras weights read so far, of the total. Returning
// false cancels the conversion.
using ConvertProgress =
    std::function<bool(uint64_t done, uint64_t total, const std::string& layer)>;

struct ConvertResult {
  ModelHeader header;
  std::string origin;  // where the architecture came from
  uint64_t file_size = 0;
  // Whether the preprocessing came from the model or the user, rather than a default to check.
  bool preprocessing_inferred = false;
};

// Converts options.input into the bytes of a model file (options.output is not used): what the page
// does, in wasm. The message of a failure names the file, and the layer and weight at fault.
Status ConvertToBytes(const ConvertOptions& options, const ConvertProgress& progress,
                      ConvertResult* result, std::vector<uint8_t>* bytes);

// Converts options.input into options.output. On failure nothing is left at options.output and
// the message names the file, and the layer and weight when one is at fault.
Status Convert(const ConvertOptions& options, const ConvertProgress& progress,
               ConvertResult* result);

}  // namespace convscope::convert

// Model files built in memory for the core's tests (which must not depend on the converter, and
// run in wasm too): random He-initialized weights, f32 or int8, any layer list.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "base/json_util.h"
#include "model/model_builder.h"
#include "model/model_file.h"
#include "model/model_header.h"

namespace convscope::testing {

struct TestModel {
  ModelHeader header;
  std::vector<std::vector<uint8_t>> sections;  // the bytes of each section, by index
  // Per layer: the f32 weights as generated, in stored layout (kernel, bias); empty if none.
  std::vector<std::vector<std::vector<float>>> weights;
};

// `layers` are Keras layer JSON objects ({"class_name", "config"}, and "inbound": the names of
// the layers it reads, else the one before), starting with the input.
TestModel MakeModel(const std::vector<Json>& layers, bool int8, uint32_t seed,
                    std::vector<std::string> labels = {});

// Input 6x6x3 -> Conv2D(4, 3x3, same, relu) -> MaxPooling2D -> Flatten -> Dense(3, softmax);
// labels cat, dog, bird.
TestModel MakeTinyModel(bool int8);

struct VggSpec {
  size_t input = 32;          // height and width
  size_t width_divisor = 16;  // VGG16's conv widths divided by this
  size_t fc_units = 64;
  size_t classes = 10;
  bool int8 = false;
  uint32_t seed = 1;
};
// VGG16's topology and layer names (with top).
TestModel MakeVgg16(const VggSpec& spec);

// The file for `header` (usually the model's own, possibly edited) and the model's sections.
std::vector<uint8_t> BuildFile(const TestModel& model, const Json& header);
inline std::vector<uint8_t> BuildFile(const TestModel& model) {
  return BuildFile(model, HeaderToJson(model.header));
}

// Bytes copied into 4-byte-aligned storage, as ModelFile requires.
struct AlignedBytes {
  explicit AlignedBytes(const std::vector<uint8_t>& bytes) : words((bytes.size() + 3) / 4) {
    std::memcpy(words.data(), bytes.data(), bytes.size());
    span = {reinterpret_cast<const uint8_t*>(words.data()), bytes.size()};
  }
  std::vector<uint32_t> words;
  std::span<const uint8_t> span;
};

// A model's file built and opened, the bytes kept alive next to the ModelFile that views them.
// `file` is null when the file does not open (a test then fails on it).
struct OpenedModel {
  explicit OpenedModel(const TestModel& model);
  std::vector<uint8_t> raw;
  AlignedBytes bytes;
  std::unique_ptr<ModelFile> file;
};

}  // namespace convscope::testing

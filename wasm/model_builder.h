// Assembles a model file (model_format.h) in memory: sections first, then the header, then the
// preamble that points at it. The converter writes the result to disk; tests build hostile
// variants with it; the page (later) builds models from Keras files without touching a disk.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "json_util.h"
#include "model_header.h"

namespace convscope {

class ModelBuilder {
 public:
  ModelBuilder();

  // Appends a section at the next 64-byte boundary and returns its index in sections().
  size_t AddSection(std::span<const uint8_t> bytes);
  const std::vector<SectionEntry>& sections() const { return sections_; }

  // Appends `header` (whose section table should be sections()) and fills in the preamble.
  // The builder is empty afterwards.
  std::vector<uint8_t> Finish(const Json& header);

 private:
  std::vector<uint8_t> bytes_;
  std::vector<SectionEntry> sections_;
};

template <typename T>
std::span<const uint8_t> AsBytes(std::span<const T> values) {
  return {reinterpret_cast<const uint8_t*>(values.data()), values.size_bytes()};
}

}  // namespace convscope

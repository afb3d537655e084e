// Assembles a model file (model_format.h) in memory: sections first, then the header, then the
// preamble that points at it. The converter writes the result to disk; tests build hostile
// variants with it; the page builds models from Keras files without touching a disk.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/json_util.h"
#include "model_header.h"

namespace convscope {

class ModelBuilder {
 public:
  ModelBuilder();

  // Room for `bytes` of sections and header, so appending never moves what was written (a
  // converted VGG16 would otherwise pass through twice its size while the buffer grows).
  void Reserve(size_t bytes) { bytes_.reserve(bytes); }
  // Appends a section at the next 64-byte boundary and returns its index in sections().
  size_t AddSection(std::span<const uint8_t> bytes);
  // Appends a section of `size` bytes for the caller to fill (valid until the next append);
  // *index: its index in sections().
  std::span<uint8_t> AppendSection(size_t size, size_t* index);
  // The section table, with checksums (those of AppendSection's sections are computed here, once
  // their bytes are in).
  const std::vector<SectionEntry>& sections();

  // Appends `header` (whose section table should be sections()) and fills in the preamble.
  // The builder is empty afterwards.
  std::vector<uint8_t> Finish(const Json& header);

 private:
  std::vector<uint8_t> bytes_;
  std::vector<SectionEntry> sections_;
  size_t checksummed_ = 0;  // sections_[0, checksummed_) have their CRC
};

template <typename T>
std::span<const uint8_t> AsBytes(std::span<const T> values) {
  return {reinterpret_cast<const uint8_t*>(values.data()), values.size_bytes()};
}

}  // namespace convscope

#include "model_builder.h"

#include <algorithm>
#include <string>

#include "base/crc32.h"
#include "model_format.h"

namespace convscope {

ModelBuilder::ModelBuilder() : bytes_(kPreambleSize, 0) {}

size_t ModelBuilder::AddSection(std::span<const uint8_t> bytes) {
  size_t index = 0;
  const std::span<uint8_t> section = AppendSection(bytes.size(), &index);
  std::copy(bytes.begin(), bytes.end(), section.begin());
  return index;
}

std::span<uint8_t> ModelBuilder::AppendSection(size_t size, size_t* index) {
  bytes_.resize((bytes_.size() + kSectionAlignment - 1) / kSectionAlignment * kSectionAlignment, 0);
  const size_t offset = bytes_.size();
  sections_.push_back({offset, size, 0});
  bytes_.resize(offset + size);
  *index = sections_.size() - 1;
  return {bytes_.data() + offset, size};
}

const std::vector<SectionEntry>& ModelBuilder::sections() {
  for (; checksummed_ < sections_.size(); ++checksummed_) {
    SectionEntry& s = sections_[checksummed_];
    // Offsets and sizes came from this builder's own (in-memory) vector: they fit size_t.
    s.crc32 = Crc32({bytes_.data() + static_cast<size_t>(s.offset), static_cast<size_t>(s.size)});
  }
  return sections_;
}

std::vector<uint8_t> ModelBuilder::Finish(const Json& header) {
  const std::string text = DumpJson(header);
  const std::span<const uint8_t> header_bytes(reinterpret_cast<const uint8_t*>(text.data()),
                                              text.size());
  Preamble p;
  if (const Json* v = Find(header, "format_version"); v != nullptr && AsSize(*v)) {
    p.version = static_cast<uint32_t>(*AsSize(*v));
  }
  p.header_offset = bytes_.size();
  p.header_size = header_bytes.size();
  p.file_size = bytes_.size() + header_bytes.size();
  p.header_crc32 = Crc32(header_bytes);
  bytes_.insert(bytes_.end(), header_bytes.begin(), header_bytes.end());
  const auto preamble = EncodePreamble(p);
  std::copy(preamble.begin(), preamble.end(), bytes_.begin());
  std::vector<uint8_t> out = std::move(bytes_);
  bytes_.assign(kPreambleSize, 0);
  sections_.clear();
  checksummed_ = 0;
  return out;
}

}  // namespace convscope

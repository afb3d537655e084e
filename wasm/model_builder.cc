#include "model_builder.h"

#include <algorithm>
#include <string>

#include "crc32.h"
#include "model_format.h"

namespace convscope {

ModelBuilder::ModelBuilder() : bytes_(kPreambleSize, 0) {}

size_t ModelBuilder::AddSection(std::span<const uint8_t> bytes) {
  bytes_.resize((bytes_.size() + kSectionAlignment - 1) / kSectionAlignment * kSectionAlignment, 0);
  sections_.push_back({bytes_.size(), bytes.size(), Crc32(bytes)});
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return sections_.size() - 1;
}

std::vector<uint8_t> ModelBuilder::Finish(const Json& header) {
  const std::string text = DumpJson(header);
  const std::span<const uint8_t> header_bytes(reinterpret_cast<const uint8_t*>(text.data()),
                                              text.size());
  Preamble p;
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
  return out;
}

}  // namespace convscope

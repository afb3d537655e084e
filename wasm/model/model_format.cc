#include "model_format.h"

#include <algorithm>
#include <string>

#include "base/crc32.h"

namespace convscope {
namespace {

constexpr size_t kPreambleCrcOffset = 44;

template <typename T>
void Put(uint8_t* p, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

template <typename T>
T Get(const uint8_t* p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(p[i]) << (8 * i);
  return v;
}

}  // namespace

std::array<uint8_t, kPreambleSize> EncodePreamble(const Preamble& p) {
  std::array<uint8_t, kPreambleSize> b{};
  std::copy(kModelMagic.begin(), kModelMagic.end(), b.begin());
  Put<uint32_t>(&b[8], p.version);
  Put<uint64_t>(&b[16], p.file_size);
  Put<uint64_t>(&b[24], p.header_offset);
  Put<uint64_t>(&b[32], p.header_size);
  Put<uint32_t>(&b[40], p.header_crc32);
  Put<uint32_t>(&b[kPreambleCrcOffset], Crc32(std::span(b).first(kPreambleCrcOffset)));
  return b;
}

Status CheckLayerCount(size_t layers) {
  if (layers > kMaxLayers) {
    return Status::Error("the model has " + std::to_string(layers) + " layers, over the limit of " +
                         std::to_string(kMaxLayers));
  }
  return Status::Ok();
}

Status CheckImageInput(const Shape& input) {
  if (input.size() != 3 || (input[2] != 3 && input[2] != 1)) {
    return Status::Error("the model's input is " + ShapeString(input) +
                         ": convscope runs models on pictures, RGB (height x width x 3) or "
                         "grayscale (height x width x 1)");
  }
  return Status::Ok();
}

Status DecodePreamble(std::span<const uint8_t> bytes, Preamble* out) {
  if (bytes.size() < kPreambleSize ||
      !std::equal(kModelMagic.begin(), kModelMagic.end(), bytes.begin())) {
    return Status::Error(
        "not a convscope model file (convert Keras .keras and .h5 files with model_convert first)");
  }
  const uint8_t* b = bytes.data();
  if (!ChecksumMatches(Crc32(bytes.first(kPreambleCrcOffset)),
                       Get<uint32_t>(&b[kPreambleCrcOffset]))) {
    return Status::Error("the model file's preamble is corrupt (checksum mismatch)");
  }
  Preamble p;
  p.version = Get<uint32_t>(&b[8]);
  p.file_size = Get<uint64_t>(&b[16]);
  p.header_offset = Get<uint64_t>(&b[24]);
  p.header_size = Get<uint64_t>(&b[32]);
  p.header_crc32 = Get<uint32_t>(&b[40]);
  if (p.version < kChainFormatVersion || p.version > kModelFormatVersion) {
    return Status::Error("model file format version " + std::to_string(p.version) +
                         " is not supported (this build reads versions " +
                         std::to_string(kChainFormatVersion) + " to " +
                         std::to_string(kModelFormatVersion) + "): convert the model again");
  }
  if (p.file_size > kMaxModelFileSize) {
    return Status::Error("the model file claims " + std::to_string(p.file_size) +
                         " bytes, over the limit of " + std::to_string(kMaxModelFileSize));
  }
  if (bytes.size() < p.file_size) {
    return Status::Error("the model file is truncated: " + std::to_string(bytes.size()) + " of " +
                         std::to_string(p.file_size) + " bytes");
  }
  if (bytes.size() > p.file_size) {
    return Status::Error("the model file has " + std::to_string(bytes.size() - p.file_size) +
                         " unexpected bytes after its end");
  }
  if (p.header_offset < kPreambleSize || p.header_size > kMaxHeaderSize ||
      p.header_offset > p.file_size || p.file_size - p.header_offset != p.header_size) {
    return Status::Error("the model file's header location is invalid");
  }
  *out = p;
  return Status::Ok();
}

uint32_t FormatVersionOf(const std::vector<Layer>& layers) {
  for (size_t i = 1; i < layers.size(); ++i) {
    if (layers[i].inputs != std::vector<size_t>{i - 1}) return kModelFormatVersion;
  }
  return kChainFormatVersion;
}

}  // namespace convscope

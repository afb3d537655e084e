// The convscope model file, versions 1 and 2 (docs/model-format.md): what the converter writes and
// the core loads. Little-endian throughout.
//
//   [0, 64)                  preamble (below)
//   [64, header_offset)      tensor sections, each starting at a multiple of 64
//   [header_offset, end)     UTF-8 JSON header: architecture, preprocessing, labels, statistics,
//                            and the section table (offset, size, CRC-32 of each section)
//
// The header comes last so that the converter can stream a 553 MB Keras file layer by layer and
// still record every section's offset and checksum.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/status.h"
#include "layers/layer.h"

namespace convscope {

inline constexpr std::array<uint8_t, 8> kModelMagic = {'C', 'N', 'V', 'S', 'C', 'O', 'P', 'E'};
// Version 2 lists each layer's inputs (graphs); a chain, where each layer reads the one before, is
// written as version 1, which every earlier build reads.
inline constexpr uint32_t kChainFormatVersion = 1;
inline constexpr uint32_t kModelFormatVersion = 2;
inline constexpr size_t kPreambleSize = 64;
inline constexpr size_t kSectionAlignment = 64;
// A model file larger than this is refused before anything is allocated (full VGG16 in f32 is
// 528 MiB; the wasm heap tops out at 4 GiB).
inline constexpr uint64_t kMaxModelFileSize = uint64_t{2} << 30;
// The JSON header (labels, statistics, section table): VGG16's is about 100 KB.
inline constexpr uint64_t kMaxHeaderSize = 64 << 20;
// Layers in one model (VGG16 has 23, DenseNet121 429): enough for any model convscope runs, small
// enough that a crafted header cannot make the loader build thousands of runtimes.
inline constexpr size_t kMaxLayers = 1024;
// The loader's check of kMaxLayers, also applied by the converter.
Status CheckLayerCount(size_t layers);
// Models run on pictures: an input of height x width x 3 (RGB) or x 1 (grayscale) (the loader's
// check, which the converter applies too, so that it never writes a file the loader refuses).
Status CheckImageInput(const Shape& input);

struct Preamble {
  uint32_t version = kModelFormatVersion;
  uint64_t file_size = 0;      // the whole file; a shorter buffer is a truncated file
  uint64_t header_offset = 0;  // header_offset + header_size == file_size
  uint64_t header_size = 0;
  uint32_t header_crc32 = 0;
};
// The version a model of these layers is written in.
uint32_t FormatVersionOf(const std::vector<Layer>& layers);
// Bytes: magic[8] version:u32 reserved:u32 file_size:u64 header_offset:u64 header_size:u64
// header_crc32:u32 preamble_crc32:u32 (over bytes 0..43), zeros up to 64.

std::array<uint8_t, kPreambleSize> EncodePreamble(const Preamble& p);

// Checks magic, version (which the header's format_version must repeat: ModelFile), checksum, and
// that `bytes` is exactly the file with the header inside; the message says which check failed,
// e.g. "the file is truncated: 1024 of 4096 bytes".
Status DecodePreamble(std::span<const uint8_t> bytes, Preamble* out);

}  // namespace convscope

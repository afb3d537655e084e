#include "model_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <optional>
#include <string_view>

#include "base/crc32.h"
#include "base/json_util.h"

namespace convscope {
namespace {

// A range already checked to lie inside `bytes` (whose size fits size_t, even on wasm32).
std::span<const uint8_t> Slice(std::span<const uint8_t> bytes, uint64_t offset, uint64_t size) {
  return bytes.subspan(static_cast<size_t>(offset), static_cast<size_t>(size));
}

Status CheckSections(const ModelHeader& h, std::span<const uint8_t> bytes, uint64_t end) {
  std::vector<size_t> order(h.sections.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return h.sections[a].offset < h.sections[b].offset; });
  uint64_t previous_end = kPreambleSize;
  for (size_t i : order) {
    const SectionEntry& s = h.sections[i];
    const std::string name = "section " + std::to_string(i);
    if (s.offset % kSectionAlignment != 0) return Status::Error(name + " is not 64-byte aligned");
    if (s.offset < previous_end || s.offset > end || s.size > end - s.offset) {
      return Status::Error(name + " lies outside the data area or overlaps another section");
    }
    if (!ChecksumMatches(Crc32(Slice(bytes, s.offset, s.size)), s.crc32)) {
      return Status::Error(name + " is corrupt (checksum mismatch)");
    }
    previous_end = s.offset + s.size;
  }
  return Status::Ok();
}

Status CheckWeights(const ModelHeader& h, std::span<const uint8_t> bytes) {
  for (const LayerEntry& e : h.layers) {
    for (const WeightEntry& w : e.weights) {
      // InferShapes bounded every weight's element count, so this product cannot overflow.
      const size_t elements =
          std::accumulate(w.shape.begin(), w.shape.end(), size_t{1}, std::multiplies<>());
      const std::string name = "layer " + e.layer.name + " weight " + w.name;
      if (h.sections[w.data_section].size != elements * PrecisionBytes(w.dtype)) {
        return Status::Error(name + ": its section size does not match its shape");
      }
      if (w.scales_section &&
          h.sections[*w.scales_section].size != w.shape.front() * sizeof(float)) {
        return Status::Error(name + ": its scales section size does not match its shape");
      }
      // NaN or infinity would turn every prediction into NaN without a word: refuse them here.
      for (const std::optional<size_t> section :
           {w.dtype == Precision::kF32 ? std::optional(w.data_section) : std::nullopt,
            w.scales_section}) {
        if (!section) continue;
        const SectionEntry& s = h.sections[*section];
        const std::span<const uint8_t> data = Slice(bytes, s.offset, s.size);
        for (size_t i = 0; i < s.size / sizeof(float); ++i) {
          float v;
          std::memcpy(&v, data.data() + i * sizeof(float), sizeof(float));
          if (!std::isfinite(v)) {
            return Status::Error(name + (section == w.scales_section ? " scale " : " value ") +
                                 std::to_string(i) + " is not a finite number (NaN or infinity)");
          }
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status ModelFile::Open(std::span<const uint8_t> bytes, std::unique_ptr<ModelFile>* out) {
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(float) != 0) {
    return Status::Error("internal error: the model buffer is not 4-byte aligned");
  }
  Preamble p;
  CONVSCOPE_RETURN_IF_ERROR(DecodePreamble(bytes, &p));
  const std::span<const uint8_t> header_bytes = Slice(bytes, p.header_offset, p.header_size);
  if (!ChecksumMatches(Crc32(header_bytes), p.header_crc32)) {
    return Status::Error("the model file's header is corrupt (checksum mismatch)");
  }
  Json json;
  CONVSCOPE_RETURN_IF_ERROR(ParseJson(
      std::string_view(reinterpret_cast<const char*>(header_bytes.data()), header_bytes.size()),
      "the model file's header", &json));
  std::unique_ptr<ModelFile> file(new ModelFile());
  CONVSCOPE_RETURN_IF_ERROR(HeaderFromJson(json, &file->header_));
  if (file->header_.format_version != p.version) {
    return Status::Error("the model file's preamble says format version " +
                         std::to_string(p.version) + ", its header " +
                         std::to_string(file->header_.format_version));
  }
  CONVSCOPE_RETURN_IF_ERROR(CheckSections(file->header_, bytes, p.header_offset));
  CONVSCOPE_RETURN_IF_ERROR(CheckWeights(file->header_, bytes));
  file->bytes_ = bytes;
  *out = std::move(file);
  return Status::Ok();
}

std::vector<float> ValuesAsF32(const TensorView& v) {
  if (v.entry->dtype == Precision::kF32) {
    std::vector<float> out(v.data.size() / sizeof(float));
    std::memcpy(out.data(), v.data.data(), v.data.size());
    return out;
  }
  const WeightReader reader(v);
  std::vector<float> out(v.data.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = reader(i);
  return out;
}

std::vector<TensorView> ModelFile::Weights(size_t layer_index) const {
  std::vector<TensorView> views;
  for (const WeightEntry& w : header_.layers[layer_index].weights) {
    const SectionEntry& d = header_.sections[w.data_section];
    TensorView v{&w, Slice(bytes_, d.offset, d.size), {}};
    if (w.scales_section) {
      const SectionEntry& s = header_.sections[*w.scales_section];
      const std::span<const uint8_t> scales = Slice(bytes_, s.offset, s.size);
      v.scales = {reinterpret_cast<const float*>(scales.data()), scales.size() / sizeof(float)};
    }
    views.push_back(v);
  }
  return views;
}

}  // namespace convscope

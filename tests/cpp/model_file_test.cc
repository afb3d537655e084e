// The model-file loader treats its input as hostile: every malformed file is refused with a
// message saying what is wrong, and nothing is read out of bounds (the wasm and ASan builds run
// these too).
#include "model/model_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>

#include "base/crc32.h"
#include "model/model_format.h"
#include "model/model_summary.h"
#include "test_models.h"

namespace convscope {
namespace {

using testing::BuildFile;
using testing::MakeTinyModel;
using testing::TestModel;

using Buffer = testing::AlignedBytes;

Status Open(const std::vector<uint8_t>& bytes, std::unique_ptr<ModelFile>* file = nullptr) {
  Buffer buffer(bytes);
  std::unique_ptr<ModelFile> local;
  return ModelFile::Open(buffer.span, file != nullptr ? file : &local);
}

void ExpectError(const std::vector<uint8_t>& bytes, const std::string& expected) {
  const Status s = Open(bytes);
  ASSERT_FALSE(s.ok()) << "expected an error containing: " << expected;
  EXPECT_NE(s.message().find(expected), std::string::npos) << s.message();
}

TEST(ModelFile, OpensAValidFileAndViewsItsWeightsInPlace) {
  for (bool int8 : {false, true}) {
    SCOPED_TRACE(int8 ? "int8" : "f32");
    const TestModel m = MakeTinyModel(int8);
    const std::vector<uint8_t> bytes = BuildFile(m, HeaderToJson(m.header));
    Buffer buffer(bytes);
    std::unique_ptr<ModelFile> file;
    const Status s = ModelFile::Open(buffer.span, &file);
    ASSERT_TRUE(s.ok()) << s.message();
    const ModelHeader& h = file->header();
    EXPECT_EQ(h.name, "test");
    EXPECT_EQ(h.total_params, 4u * 27 + 4 + 36 * 3 + 3);
    EXPECT_EQ(h.labels.size(), 3u);
    ASSERT_EQ(h.layers.size(), 5u);
    EXPECT_EQ(h.layers[2].layer.output_shape, (Shape{3, 3, 4}));

    const std::vector<TensorView> conv = file->Weights(1);
    ASSERT_EQ(conv.size(), 2u);
    // Views point into the caller's buffer: nothing was copied.
    EXPECT_GE(conv[0].data.data(), buffer.span.data());
    EXPECT_LT(conv[0].data.data(), buffer.span.data() + buffer.span.size());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(conv[0].data.data()) % kSectionAlignment,
              reinterpret_cast<uintptr_t>(buffer.span.data()) % kSectionAlignment);
    const float* bias = reinterpret_cast<const float*>(conv[1].data.data());
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(bias[i], m.weights[1][1][i]);  // f32: bit-identical
    if (int8) {
      ASSERT_EQ(conv[0].scales.size(), 4u);
      const auto* q = reinterpret_cast<const int8_t*>(conv[0].data.data());
      const std::vector<float>& kernel = m.weights[1][0];
      for (size_t i = 0; i < kernel.size(); ++i) {
        const float scale = conv[0].scales[i / 27];
        EXPECT_LE(std::fabs(q[i] * scale - kernel[i]), scale / 2 * 1.0001f);
      }
    } else {
      EXPECT_EQ(std::memcmp(conv[0].data.data(), m.weights[1][0].data(), 4 * 108), 0);
    }
  }
}

TEST(ModelFile, SummaryMatchesKerasFormat) {
  const TestModel m = MakeTinyModel(false);
  std::unique_ptr<ModelFile> file;
  const std::vector<uint8_t> bytes = BuildFile(m, HeaderToJson(m.header));
  Buffer buffer(bytes);
  ASSERT_TRUE(ModelFile::Open(buffer.span, &file).ok());
  const std::string summary = KerasSummary(file->header());
  EXPECT_NE(summary.find(" block1_conv1 (Conv2D)       (None, 6, 6, 4)           112\n"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find(" input_1 (InputLayer)        [(None, 6, 6, 3)]         0\n"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("Total params: 223\n"), std::string::npos) << summary;
}

TEST(ModelFile, RefusesEveryTruncation) {
  const TestModel m = MakeTinyModel(true);
  const std::vector<uint8_t> bytes = BuildFile(m, HeaderToJson(m.header));
  std::vector<size_t> cuts = {0, 1, 7, 8, kPreambleSize - 1, kPreambleSize, bytes.size() - 1};
  for (const SectionEntry& s : m.header.sections) {
    const auto offset = static_cast<size_t>(s.offset), size = static_cast<size_t>(s.size);
    cuts.insert(cuts.end(), {offset, offset + size / 2, offset + size});
  }
  for (size_t cut : cuts) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + cut);
    const Status s = Open(truncated);
    ASSERT_FALSE(s.ok());
    const bool clear = s.message().find("truncated") != std::string::npos ||
                       s.message().find("not a convscope model file") != std::string::npos;
    EXPECT_TRUE(clear) << s.message();
  }
}

TEST(ModelFile, DetectsCorruptionByChecksum) {
  const TestModel m = MakeTinyModel(true);
  const std::vector<uint8_t> good = BuildFile(m, HeaderToJson(m.header));
  for (size_t i = 0; i < m.header.sections.size(); ++i) {
    std::vector<uint8_t> bad = good;
    bad[static_cast<size_t>(m.header.sections[i].offset + m.header.sections[i].size / 2)] ^= 0x40;
    ExpectError(bad, "section " + std::to_string(i) + " is corrupt");
  }
  std::vector<uint8_t> bad = good;
  bad[bad.size() - 5] ^= 0x01;
  ExpectError(bad, "header is corrupt");
  bad = good;
  bad[20] ^= 0x01;
  ExpectError(bad, "preamble is corrupt");
  bad = good;
  bad[0] = 'X';
  ExpectError(bad, "not a convscope model file");
  bad = good;
  bad.push_back(0);
  ExpectError(bad, "unexpected bytes");
  ExpectError({}, "not a convscope model file");
}

TEST(ModelFile, RefusesOtherFormatVersions) {
  const TestModel m = MakeTinyModel(false);
  std::vector<uint8_t> bytes = BuildFile(m, HeaderToJson(m.header));
  Preamble p;
  ASSERT_TRUE(DecodePreamble(bytes, &p).ok());
  p.version = 3;
  const auto encoded = EncodePreamble(p);
  std::copy(encoded.begin(), encoded.end(), bytes.begin());
  ExpectError(bytes, "format version 3 is not supported");
}

// Header edits that keep every checksum valid, so only the loader's cross-checks can catch them.
TEST(ModelFile, RefusesInconsistentHeaders) {
  const TestModel m = MakeTinyModel(true);
  const Json good = HeaderToJson(m.header);
  const struct {
    const char* name;
    std::function<void(Json&)> edit;
    const char* expected;
  } cases[] = {
      {"huge filters", [](Json& h) { h["layers"][1]["config"]["filters"] = 1 << 29; },
       "would exceed"},
      // Beyond 32 bits: refused as a size on wasm32, as too many elements natively.
      {"filters beyond 2^32",
       [](Json& h) { h["layers"][1]["config"]["filters"] = uint64_t{1} << 40; }, "block1_conv1"},
      {"huge input",
       [](Json& h) {
         h["layers"][0]["config"]["batch_input_shape"] = {nullptr, 1 << 30, 1 << 30, 3};
       },
       "would exceed"},
      {"section past the end", [](Json& h) { h["sections"][0]["offset"] = 1 << 30; },
       "lies outside the data area"},
      {"misaligned section",
       [](Json& h) { h["sections"][1]["offset"] = h["sections"][1]["offset"].get<uint64_t>() + 4; },
       "not 64-byte aligned"},
      {"overlapping sections",
       [](Json& h) { h["sections"][1]["offset"] = h["sections"][0]["offset"]; },
       "overlaps another section"},
      {"section size vs shape", [](Json& h) { h["layers"][1]["weights"][0]["data"] = 1; },
       "section size does not match its shape"},
      {"weight shape vs layer",
       [](Json& h) {
         h["layers"][4]["weights"][0]["keras_shape"] = {35, 3};
         h["layers"][4]["weights"][0]["shape"] = {3, 35};
       },
       "weight kernel has shape (35, 3), the layer needs (36, 3)"},
      {"stored output shape",
       [](Json& h) {
         h["layers"][2]["output_shape"] = {2, 2, 4};
       },
       "stored output shape or params do not match"},
      {"total params", [](Json& h) { h["totals"]["params"] = 1; }, "totals.params is 1"},
      {"labels",
       [](Json& h) {
         h["labels"] = {"a", "b"};
       },
       "labels has 2 names"},
      {"unknown dtype", [](Json& h) { h["layers"][1]["weights"][0]["dtype"] = "int3"; },
       "dtype must be f32 or int8, got 'int3'"},
      {"unknown layer", [](Json& h) { h["layers"][3]["class_name"] = "LSTM"; },
       "unsupported layer flatten of type LSTM"},
      {"missing weights", [](Json& h) { h["layers"][1]["weights"] = Json::array(); },
       "needs 2 weights, the header lists 0"},
      {"section index", [](Json& h) { h["layers"][1]["weights"][1]["data"] = 99; },
       "data is not a section"},
      {"negative size", [](Json& h) { h["sections"][0]["size"] = -1; },
       "size must be a non-negative integer"},
      {"preprocessing",
       [](Json& h) {
         h["preprocessing"]["std"] = {1, 0, 1};
       },
       "std must be positive"},
      {"not the format", [](Json& h) { h["format"] = "onnx"; }, "header.format is not"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Json edited = good;
    c.edit(edited);
    ExpectError(BuildFile(m, edited), c.expected);
  }
  // A header that is not JSON at all, with a valid checksum.
  ModelBuilder builder;
  std::vector<uint8_t> bytes = builder.Finish("x");
  const std::string garbage = "{\"format\": [";
  bytes.resize(kPreambleSize);
  bytes.insert(bytes.end(), garbage.begin(), garbage.end());
  Preamble p;
  p.header_offset = kPreambleSize;
  p.header_size = garbage.size();
  p.file_size = bytes.size();
  p.header_crc32 = Crc32(std::span(bytes).subspan(kPreambleSize));
  const auto encoded = EncodePreamble(p);
  std::copy(encoded.begin(), encoded.end(), bytes.begin());
  ExpectError(bytes, "header is not valid JSON");
}

}  // namespace
}  // namespace convscope

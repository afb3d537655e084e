// The .keras archive reader on archives Python's zipfile writes beyond the common case — ZIP64
// records (sizes over 2 GB, or force_zip64), an archive comment, a data descriptor — and the keys
// Keras gives each layer's weights.
#include "zip_archive.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/crc32.h"
#include "keras_file.h"

namespace convscope::convert {
namespace {

void Put(std::vector<uint8_t>* out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(value >> (8 * i)));
}

struct Options {
  bool zip64 = false;       // sizes and offsets in ZIP64 fields, the 32-bit ones 0xffffffff
  std::string comment;      // after the end record
  bool descriptor = false;  // sizes 0 in the local header (flag 8), as a stream gets
};

// An archive of `members` (name, data), stored, as zipfile writes it.
std::vector<uint8_t> Zip(const std::vector<std::pair<std::string, std::string>>& members,
                         const Options& o) {
  std::vector<uint8_t> out, directory;
  for (const auto& [name, data] : members) {
    const uint32_t crc = Crc32({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
    const uint64_t offset = out.size();
    const uint64_t size32 = o.zip64 ? 0xffffffff : data.size();
    Put(&out, 0x04034b50, 4);
    Put(&out, 45, 2), Put(&out, o.descriptor ? 8 : 0, 2), Put(&out, 0, 2), Put(&out, 0, 4);
    Put(&out, o.descriptor ? 0 : crc, 4), Put(&out, o.descriptor ? 0 : size32, 4);
    Put(&out, o.descriptor ? 0 : size32, 4), Put(&out, name.size(), 2), Put(&out, 0, 2);
    out.insert(out.end(), name.begin(), name.end());
    out.insert(out.end(), data.begin(), data.end());
    if (o.descriptor)
      Put(&out, 0x08074b50, 4), Put(&out, crc, 4), Put(&out, data.size(), 4),
          Put(&out, data.size(), 4);
    Put(&directory, 0x02014b50, 4);
    Put(&directory, 45, 2), Put(&directory, 45, 2), Put(&directory, o.descriptor ? 8 : 0, 2);
    Put(&directory, 0, 2), Put(&directory, 0, 4), Put(&directory, crc, 4);
    Put(&directory, size32, 4), Put(&directory, size32, 4), Put(&directory, name.size(), 2);
    Put(&directory, o.zip64 ? 28 : 0, 2), Put(&directory, 0, 2), Put(&directory, 0, 2);
    Put(&directory, 0, 2), Put(&directory, 0, 4), Put(&directory, o.zip64 ? 0xffffffff : offset, 4);
    directory.insert(directory.end(), name.begin(), name.end());
    if (o.zip64) {
      Put(&directory, 1, 2), Put(&directory, 24, 2);
      Put(&directory, data.size(), 8), Put(&directory, data.size(), 8), Put(&directory, offset, 8);
    }
  }
  const uint64_t at = out.size();
  out.insert(out.end(), directory.begin(), directory.end());
  if (o.zip64) {
    const uint64_t record = out.size();
    Put(&out, 0x06064b50, 4), Put(&out, 44, 8), Put(&out, 45, 2), Put(&out, 45, 2);
    Put(&out, 0, 4), Put(&out, 0, 4), Put(&out, members.size(), 8), Put(&out, members.size(), 8);
    Put(&out, directory.size(), 8), Put(&out, at, 8);
    Put(&out, 0x07064b50, 4), Put(&out, 0, 4), Put(&out, record, 8), Put(&out, 1, 4);
  }
  Put(&out, 0x06054b50, 4), Put(&out, 0, 2), Put(&out, 0, 2);
  Put(&out, o.zip64 ? 0xffff : members.size(), 2), Put(&out, o.zip64 ? 0xffff : members.size(), 2);
  Put(&out, o.zip64 ? 0xffffffff : directory.size(), 4), Put(&out, o.zip64 ? 0xffffffff : at, 4);
  Put(&out, o.comment.size(), 2);
  out.insert(out.end(), o.comment.begin(), o.comment.end());
  return out;
}

Status List(const std::vector<uint8_t>& zip, std::vector<ZipMember>* members) {
  return ListZipMembers(
      zip.size(),
      [&](uint64_t offset, size_t n, uint8_t* out) {
        std::memcpy(out, zip.data() + offset, n);
        return Status::Ok();
      },
      members);
}

TEST(ZipArchive, ReadsZip64ACommentAndDataDescriptors) {
  const std::vector<std::pair<std::string, std::string>> members = {
      {"metadata.json", R"({"keras_version": "3.13.2"})"},
      {"config.json", "{}"},
      {"model.weights.h5", std::string(1000, 'w')}};
  for (const Options& o :
       {Options{}, Options{.zip64 = true}, Options{.comment = "a PK\x05\x06 comment"},
        Options{.descriptor = true}}) {
    const std::vector<uint8_t> zip = Zip(members, o);
    std::vector<ZipMember> listed;
    const Status s = List(zip, &listed);
    ASSERT_TRUE(s.ok()) << s.message();
    ASSERT_EQ(listed.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(listed[i].name, members[i].first);
      ASSERT_EQ(listed[i].size, members[i].second.size());
      EXPECT_EQ(
          std::string(zip.begin() + static_cast<ptrdiff_t>(listed[i].offset),
                      zip.begin() + static_cast<ptrdiff_t>(listed[i].offset + listed[i].size)),
          members[i].second);
    }
  }
}

// Found by zip_archive_fuzzer: an empty directory was read into no buffer.
TEST(ZipArchive, AnEmptyArchiveHasNoMembers) {
  std::vector<ZipMember> listed;
  const std::vector<uint8_t> empty = Zip({}, {});
  ASSERT_TRUE(List(empty, &listed).ok());
  EXPECT_TRUE(listed.empty());
}

TEST(ZipArchive, RefusesWhatKerasNeverWrites) {
  std::vector<uint8_t> zip = Zip({{"config.json", "{}"}}, {});
  zip[8] = 8;                               // the local header says deflate
  zip[zip.size() - 22 - 46 - 11 + 10] = 8;  // and so does the directory
  std::vector<ZipMember> listed;
  EXPECT_NE(List(zip, &listed).message().find("is compressed (method 8)"), std::string::npos);
  const std::vector<uint8_t> cut(zip.begin(), zip.begin() + 30);
  EXPECT_NE(List(cut, &listed).message().find("no end-of-archive record"), std::string::npos);
}

TEST(KerasFile, KeysLayersAsKerasSnakeCasesTheirClasses) {
  EXPECT_EQ(KerasSnakeCase("Conv2D"), "conv2d");
  EXPECT_EQ(KerasSnakeCase("MaxPooling2D"), "max_pooling2d");
  EXPECT_EQ(KerasSnakeCase("BatchNormalization"), "batch_normalization");
  EXPECT_EQ(KerasSnakeCase("ReLU"), "re_lu");
  EXPECT_EQ(KerasSnakeCase("PReLU"), "p_re_lu");
  EXPECT_EQ(KerasSnakeCase("LeakyReLU"), "leaky_re_lu");
  EXPECT_EQ(KerasSnakeCase("GlobalAveragePooling2D"), "global_average_pooling2d");
  EXPECT_EQ(KerasSnakeCase("SeparableConv2D"), "separable_conv2d");
  EXPECT_EQ(KerasSnakeCase("ELU"), "elu");
  EXPECT_EQ(KerasSnakeCase("InputLayer"), "input_layer");
}

}  // namespace
}  // namespace convscope::convert

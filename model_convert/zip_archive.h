// The members of a zip archive, as Keras 3 writes its .keras files (Python's zipfile, members
// stored uncompressed, ZIP64 records where sizes need them), read through random access so that a
// 553 MB archive is never in memory: only its directory and the small members are read, and the
// weights member is opened where it lies. Everything is checked against the file's size first:
// the reader runs on files users drop (and on the fuzzer's).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace convscope::convert {

// Reads [offset, offset + size) of the archive into `out` (the caller checked the range).
using ReadAt = std::function<Status(uint64_t offset, size_t size, uint8_t* out)>;

struct ZipMember {
  std::string name;
  uint64_t offset = 0;  // of its data
  uint64_t size = 0;
  uint32_t crc32 = 0;
};

// Members beyond this are refused (a .keras archive holds three, plus any assets).
inline constexpr size_t kMaxZipMembers = 4096;

// Lists the members of an archive of `file_size` bytes, each checked: stored (not compressed, not
// encrypted), inside the archive, named once, its local header agreeing with the directory.
Status ListZipMembers(uint64_t file_size, const ReadAt& read, std::vector<ZipMember>* out);

// Reads a small member whole (at most `limit` bytes) and checks its CRC-32.
Status ReadZipMember(const ZipMember& member, const ReadAt& read, size_t limit, std::string* out);

}  // namespace convscope::convert

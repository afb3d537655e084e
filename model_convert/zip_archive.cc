#include "zip_archive.h"

#include <algorithm>
#include <set>

#include "base/crc32.h"

namespace convscope::convert {
namespace {

constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint32_t kDirectorySignature = 0x02014b50;
constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr size_t kEndSize = 22, kZip64LocatorSize = 20, kZip64EndSize = 56;
constexpr size_t kDirectoryEntrySize = 46, kLocalHeaderSize = 30;
constexpr size_t kMaxComment = 0xffff;
// A central directory this large is not a .keras archive's.
constexpr uint64_t kMaxDirectory = 16 << 20;

uint64_t Le(const uint8_t* p, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = bytes; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

Status Corrupt(const std::string& why) {
  return Status::Error("not a readable .keras archive: " + why);
}

// Where the end-of-central-directory record starts, searched from the end (it may be followed by
// a comment).
Status FindEnd(uint64_t file_size, const ReadAt& read, uint64_t* end, std::vector<uint8_t>* tail) {
  const size_t span = static_cast<size_t>(std::min<uint64_t>(file_size, kEndSize + kMaxComment));
  tail->resize(span);
  if (span < kEndSize) {
    return Corrupt("it is too short to be a zip archive (is it truncated?)");
  }
  CONVSCOPE_RETURN_IF_ERROR(read(file_size - span, span, tail->data()));
  for (size_t i = span - kEndSize + 1; i-- > 0;) {
    if (Le(&(*tail)[i], 4) == kEndSignature && i + kEndSize + Le(&(*tail)[i + 20], 2) == span) {
      *end = file_size - span + i;
      return Status::Ok();
    }
  }
  return Corrupt("it has no end-of-archive record (is it truncated, or not a zip archive?)");
}

struct Directory {
  uint64_t entries = 0, offset = 0, size = 0;
};

Status ReadDirectoryLocation(uint64_t file_size, const ReadAt& read, Directory* d) {
  uint64_t end = 0;
  std::vector<uint8_t> tail;
  CONVSCOPE_RETURN_IF_ERROR(FindEnd(file_size, read, &end, &tail));
  uint8_t e[kEndSize];
  CONVSCOPE_RETURN_IF_ERROR(read(end, kEndSize, e));
  if (Le(e + 4, 2) != 0 || Le(e + 6, 2) != 0) return Corrupt("it spans several disks");
  d->entries = Le(e + 10, 2);
  d->size = Le(e + 12, 4);
  d->offset = Le(e + 16, 4);
  if (d->entries == 0xffff || d->size == 0xffffffff || d->offset == 0xffffffff) {
    // ZIP64: a locator just before the record points at the 64-bit record.
    if (end < kZip64LocatorSize) return Corrupt("its ZIP64 locator is missing");
    uint8_t l[kZip64LocatorSize];
    CONVSCOPE_RETURN_IF_ERROR(read(end - kZip64LocatorSize, kZip64LocatorSize, l));
    const uint64_t at = Le(l + 8, 8);
    if (Le(l, 4) != kZip64LocatorSignature || at > end - kZip64LocatorSize ||
        end - kZip64LocatorSize - at < kZip64EndSize) {
      return Corrupt("its ZIP64 end record is missing or misplaced");
    }
    uint8_t z[kZip64EndSize];
    CONVSCOPE_RETURN_IF_ERROR(read(at, kZip64EndSize, z));
    if (Le(z, 4) != kZip64EndSignature) return Corrupt("its ZIP64 end record is damaged");
    d->entries = Le(z + 32, 8);
    d->size = Le(z + 40, 8);
    d->offset = Le(z + 48, 8);
  }
  if (d->entries > kMaxZipMembers) {
    return Corrupt("it claims " + std::to_string(d->entries) + " members");
  }
  if (d->size > kMaxDirectory || d->offset > file_size || d->size > file_size - d->offset) {
    return Corrupt("its directory lies outside the file (is it truncated?)");
  }
  return Status::Ok();
}

// The 64-bit sizes and offset of a ZIP64 extra field, for the fields the entry marks 0xffffffff.
Status ReadZip64Extra(const uint8_t* extra, size_t length, uint64_t* size, uint64_t* compressed,
                      uint64_t* offset) {
  for (size_t p = 0; p + 4 <= length;) {
    const uint64_t id = Le(extra + p, 2), n = Le(extra + p + 2, 2);
    if (p + 4 + n > length) break;
    if (id == 0x0001) {
      size_t q = p + 4;
      for (uint64_t* field : {size, compressed, offset}) {
        if (*field != 0xffffffff) continue;
        if (q + 8 > p + 4 + n) return Corrupt("a ZIP64 field is cut short");
        *field = Le(extra + q, 8);
        q += 8;
      }
      return Status::Ok();
    }
    p += 4 + n;
  }
  if (*size == 0xffffffff || *compressed == 0xffffffff || *offset == 0xffffffff) {
    return Corrupt("a member's ZIP64 sizes are missing");
  }
  return Status::Ok();
}

// The member's data offset, from its local header (which must name the same member).
Status CheckLocalHeader(uint64_t file_size, const ReadAt& read, uint64_t header_offset,
                        ZipMember* m) {
  if (header_offset > file_size || file_size - header_offset < kLocalHeaderSize) {
    return Corrupt("member " + m->name + " starts beyond the end of the file");
  }
  uint8_t h[kLocalHeaderSize];
  CONVSCOPE_RETURN_IF_ERROR(read(header_offset, kLocalHeaderSize, h));
  const auto name_length = static_cast<size_t>(Le(h + 26, 2));
  const auto extra_length = static_cast<size_t>(Le(h + 28, 2));
  if (Le(h, 4) != kLocalSignature ||
      file_size - header_offset - kLocalHeaderSize < name_length + extra_length) {
    return Corrupt("member " + m->name + "'s header is damaged");
  }
  std::string name(name_length, '\0');
  CONVSCOPE_RETURN_IF_ERROR(
      read(header_offset + kLocalHeaderSize, name_length, reinterpret_cast<uint8_t*>(name.data())));
  if (name != m->name) return Corrupt("member " + m->name + "'s header names another file");
  m->offset = header_offset + kLocalHeaderSize + name_length + extra_length;
  if (m->size > file_size - m->offset) {
    return Corrupt("member " + m->name + " claims " + std::to_string(m->size) +
                   " bytes, more than the archive holds (is it truncated?)");
  }
  return Status::Ok();
}

}  // namespace

Status ListZipMembers(uint64_t file_size, const ReadAt& read, std::vector<ZipMember>* out) {
  Directory d;
  CONVSCOPE_RETURN_IF_ERROR(ReadDirectoryLocation(file_size, read, &d));
  std::vector<uint8_t> dir(static_cast<size_t>(d.size));
  // An empty directory (found by zip_archive_fuzzer) has nothing to read, and no buffer.
  if (!dir.empty()) CONVSCOPE_RETURN_IF_ERROR(read(d.offset, dir.size(), dir.data()));
  std::set<std::string> names;
  out->clear();
  size_t p = 0;
  for (uint64_t k = 0; k < d.entries; ++k) {
    if (dir.size() - p < kDirectoryEntrySize || Le(&dir[p], 4) != kDirectorySignature) {
      return Corrupt("its directory is damaged");
    }
    const uint8_t* e = &dir[p];
    const uint64_t flags = Le(e + 8, 2), method = Le(e + 10, 2);
    uint64_t compressed = Le(e + 20, 4), size = Le(e + 24, 4), header = Le(e + 42, 4);
    const auto name_length = static_cast<size_t>(Le(e + 28, 2));
    const auto extra_length = static_cast<size_t>(Le(e + 30, 2));
    const auto comment_length = static_cast<size_t>(Le(e + 32, 2));
    if (dir.size() - p - kDirectoryEntrySize < name_length + extra_length + comment_length) {
      return Corrupt("its directory is damaged");
    }
    ZipMember m;
    m.name.assign(reinterpret_cast<const char*>(e + kDirectoryEntrySize), name_length);
    m.crc32 = static_cast<uint32_t>(Le(e + 16, 4));
    CONVSCOPE_RETURN_IF_ERROR(ReadZip64Extra(e + kDirectoryEntrySize + name_length, extra_length,
                                             &size, &compressed, &header));
    p += kDirectoryEntrySize + name_length + extra_length + comment_length;
    if (!names.insert(m.name).second) {
      return Corrupt("it holds two members named " + m.name);
    }
    if ((flags & 1) != 0) return Corrupt("member " + m.name + " is encrypted");
    if (method != 0 || compressed != size) {
      return Status::Error("member " + m.name + " of the .keras archive is compressed (method " +
                           std::to_string(method) +
                           "); Keras stores its members uncompressed, so the file was "
                           "re-packed: save the model again with model.save(\"model.keras\")");
    }
    m.size = size;
    CONVSCOPE_RETURN_IF_ERROR(CheckLocalHeader(file_size, read, header, &m));
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

Status ReadZipMember(const ZipMember& member, const ReadAt& read, size_t limit, std::string* out) {
  if (member.size > limit) {
    return Status::Error("member " + member.name + " of the .keras archive has " +
                         std::to_string(member.size) + " bytes, more than the " +
                         std::to_string(limit) + " it may have");
  }
  out->resize(static_cast<size_t>(member.size));
  if (!out->empty()) {
    CONVSCOPE_RETURN_IF_ERROR(
        read(member.offset, out->size(), reinterpret_cast<uint8_t*>(out->data())));
  }
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(out->data()), out->size());
  if (Crc32(bytes) != member.crc32) {
    return Status::Error("member " + member.name +
                         " of the .keras archive is damaged (its "
                         "checksum does not match)");
  }
  return Status::Ok();
}

}  // namespace convscope::convert

// libFuzzer target: the .keras archive reader (model_convert/zip_archive.h) on any bytes: listing
// the members (directory, ZIP64 records, local headers) and reading each small one. Beyond "no
// crash": every member it lists lies inside the file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "zip_archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace convert = convscope::convert;
  const convert::ReadAt read = [&](uint64_t offset, size_t n, uint8_t* out) {
    if (offset > size || n > size - offset) {
      std::fprintf(stderr, "read %zu bytes at %llu of a %zu-byte file\n", n,
                   static_cast<unsigned long long>(offset), size);
      std::abort();
    }
    std::memcpy(out, data + offset, n);
    return convscope::Status::Ok();
  };
  std::vector<convert::ZipMember> members;
  if (!convert::ListZipMembers(size, read, &members).ok()) return 0;
  for (const convert::ZipMember& m : members) {
    if (m.offset > size || m.size > size - m.offset) std::abort();
    std::string text;
    (void)convert::ReadZipMember(m, read, 1 << 20, &text);
  }
  return 0;
}

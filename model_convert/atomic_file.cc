#include "atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace convscope::convert {

namespace {

Status CreateTemp(const std::string& path, std::string* temp, int* fd) {
  *temp = path + ".partial-XXXXXX";
  *fd = mkstemp(temp->data());
  if (*fd < 0) return Status::Error("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace

Status CheckWritable(const std::string& path) {
  std::string temp;
  int fd = -1;
  CONVSCOPE_RETURN_IF_ERROR(CreateTemp(path, &temp, &fd));
  close(fd);
  std::remove(temp.c_str());
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::Error("cannot write " + path + ": it is a directory");
  }
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::span<const uint8_t> bytes) {
  std::string temp;
  int fd = -1;
  CONVSCOPE_RETURN_IF_ERROR(CreateTemp(path, &temp, &fd));
  fchmod(fd, 0644);  // mkstemp makes 0600; a model file is meant to be served and shared
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const int error = written == bytes.size() && fsync(fd) == 0 ? 0 : errno;
  if (close(fd) != 0 || error != 0 || std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(error != 0 ? error : errno);
    std::remove(temp.c_str());
    return Status::Error("cannot write " + path + ": " + why);
  }
  return Status::Ok();
}

}  // namespace convscope::convert

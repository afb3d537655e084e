// Writes a whole file so that it either appears complete at `path` or not at all: the bytes go to
// a temporary file beside it, which is flushed to disk and then renamed into place.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "base/status.h"

namespace convscope::convert {

Status WriteFileAtomically(const std::string& path, std::span<const uint8_t> bytes);

// Whether WriteFileAtomically could create its temporary file beside `path` (tried, then removed).
Status CheckWritable(const std::string& path);

}  // namespace convscope::convert

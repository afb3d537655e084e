// Error reporting for the core: every fallible call returns a Status, XNNPACK style. The core never
// throws: an exception (C++ or JS) unwinding through wasm frames leaks Emscripten's shadow stack,
// so errors cross into JavaScript as values and the JS layer turns them into exceptions.
#pragma once

#include <string>
#include <utility>

namespace convscope {

class [[nodiscard]] Status {
 public:
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  Status() = default;
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}

  bool failed_ = false;
  std::string message_;
};

}  // namespace convscope

// Returns the Status of `expr` from the enclosing function if it failed.
#define CONVSCOPE_RETURN_IF_ERROR(expr)              \
  do {                                               \
    if (::convscope::Status s_ = (expr); !s_.ok()) { \
      return s_;                                     \
    }                                                \
  } while (false)

// Ends the process with a message when the work it watches stops reporting progress. Debian's
// libhdf5 loops forever on some damaged files (docs/robustness.md), inside a call nothing can
// interrupt; a command line should still come back with an error.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace convscope::convert {

class StallWatchdog {
 public:
  // Calls `on_stall` on the watchdog's thread if Touch() is not called for `limit` (counted from
  // construction). `on_stall` must end the process (e.g. print, then std::_Exit).
  StallWatchdog(std::chrono::milliseconds limit, std::function<void()> on_stall);
  ~StallWatchdog();
  StallWatchdog(const StallWatchdog&) = delete;
  StallWatchdog& operator=(const StallWatchdog&) = delete;

  // Progress was made: the limit counts from now.
  void Touch();

 private:
  using Clock = std::chrono::steady_clock;
  void Watch();

  const std::chrono::milliseconds limit_;
  const std::function<void()> on_stall_;
  std::mutex mutex_;
  std::condition_variable stop_;
  Clock::time_point last_ = Clock::now();
  bool stopped_ = false;
  std::thread thread_;  // last: starts once the fields above are set
};

}  // namespace convscope::convert

#include "stall_watchdog.h"

#include <utility>

namespace convscope::convert {

StallWatchdog::StallWatchdog(std::chrono::milliseconds limit, std::function<void()> on_stall)
    : limit_(limit), on_stall_(std::move(on_stall)), thread_([this] { Watch(); }) {}

StallWatchdog::~StallWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
  }
  stop_.notify_one();
  thread_.join();
}

void StallWatchdog::Touch() {
  std::lock_guard<std::mutex> lock(mutex_);
  last_ = Clock::now();
}

void StallWatchdog::Watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopped_) {
    // Touch() does not wake the thread: at the old deadline it sees the new one and waits again.
    const Clock::time_point deadline = last_ + limit_;
    if (Clock::now() >= deadline) {
      on_stall_();
      return;
    }
    stop_.wait_until(lock, deadline);
  }
}

}  // namespace convscope::convert

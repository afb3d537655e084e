#include "thread_pool.h"

#include <string>

namespace convscope {
namespace {

ThreadPool& Current() {
  static ThreadPool pool;
  return pool;
}

}  // namespace

Status SetThreadCount(size_t threads, size_t available_workers) {
  if (threads == 0) return Status::Error("the thread count must be at least 1, got 0");
  if (threads - 1 > available_workers) {
    return Status::Error("this module can run " + std::to_string(available_workers + 1) +
                         " thread(s), not " + std::to_string(threads) +
                         (available_workers == 0
                              ? " (it is the single-threaded build)"
                              : " (its workers start with it: load it with more)"));
  }
  if (threads == CurrentThreadCount()) return Status::Ok();
  if (threads == 1) {
    Current().reset();
    return Status::Ok();
  }
  pthreadpool_t raw = pthreadpool_create(threads);
  if (raw == nullptr || pthreadpool_get_threads_count(raw) != threads) {
    pthreadpool_destroy(raw);
    return Status::Error("could not start " + std::to_string(threads) + " threads");
  }
  Current() = ThreadPool(raw, pthreadpool_destroy);
  return Status::Ok();
}

ThreadPool CurrentThreadPool() { return Current(); }

size_t CurrentThreadCount() { return ThreadCount(Current()); }

size_t ThreadCount(const ThreadPool& pool) {
  return pool ? pthreadpool_get_threads_count(pool.get()) : 1;
}

}  // namespace convscope

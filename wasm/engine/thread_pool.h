// The threads XNNPACK runs on: one pool per module, shared by the models loaded while it is the
// current one. In a single-threaded build (pthreadpool's shim) every pool is "no pool".
#pragma once

#include <pthreadpool.h>

#include <cstddef>
#include <memory>

#include "base/status.h"

namespace convscope {

// Shared ownership: a model keeps the pool it was loaded with until it is released, so changing
// the thread count never pulls a pool from under a running model.
using ThreadPool = std::shared_ptr<pthreadpool>;

// Makes XNNPACK run on `threads` threads (the caller's included; 1 = no pool) for the models
// loaded from now on. An error when the module cannot start that many (a single-threaded
// module, or a threaded one whose workers were not started with it: Module.convscopePoolSize).
Status SetThreadCount(size_t threads, size_t available_workers);

// The pool new models get (null: run on the caller's thread), and its thread count.
ThreadPool CurrentThreadPool();
size_t CurrentThreadCount();

// The threads `pool` runs on (1 for none).
size_t ThreadCount(const ThreadPool& pool);

}  // namespace convscope

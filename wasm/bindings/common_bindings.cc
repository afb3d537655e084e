// Embind: what every binding shares, and which build this module is. Keep in sync with
// convscope.d.ts.
#include <emscripten/bind.h>
#include <malloc.h>

#include "engine/kernel_choice.h"
#include "engine/thread_pool.h"
#include "engine/xnn_handles.h"
#include "marshal.h"

namespace convscope::bindings {
namespace {

// The pool workers Emscripten started with the module (the loader's Module.convscopePoolSize;
// none in a single-threaded module).
size_t PoolWorkers() {
#if defined(__EMSCRIPTEN_PTHREADS__)
  const val size = val::module_property("convscopePoolSize");
  return size.typeOf().as<std::string>() == "number" ? size.as<size_t>() : 0;
#else
  return 0;
#endif
}

// {variant, threads, maxThreads, relaxedKernels: {sdot, usdot, fma}}: what runs the models
// loaded from now on.
val BuildInfo() {
  val info = val::object();
  info.set("variant", std::string(CONVSCOPE_VARIANT));
  info.set("threads", CurrentThreadCount());
  info.set("maxThreads", PoolWorkers() + 1);
  RelaxedKernels relaxed;
  if (EnsureXnnInitialized().ok()) relaxed = ActiveRelaxedKernels();
  val kernels = val::object();
  kernels.set("sdot", relaxed.sdot);
  kernels.set("usdot", relaxed.usdot);
  kernels.set("fma", relaxed.fma);
  info.set("relaxedKernels", kernels);
  return info;
}

val TrySetThreads(const val& threads) {
  std::string error;
  val options = val::object();
  options.set("threads", threads);
  const std::optional<size_t> n = ReadSize(options, "threads", std::nullopt, &error);
  if (!n) return Fail(error);
  if (const Status s = SetThreadCount(*n, PoolWorkers()); !s.ok()) return Fail(s.message());
  return val(true);
}

}  // namespace
}  // namespace convscope::bindings

EMSCRIPTEN_BINDINGS(convscope_common) {
  emscripten::function(
      "lastError", +[] { return convscope::bindings::LastError(); });
  // Bytes malloc has handed out and not had back: what leak tests watch (the wasm memory itself
  // only ever grows).
  emscripten::function(
      "heapInUse", +[] { return static_cast<double>(mallinfo().uordblks); });
  emscripten::function("buildInfo", &convscope::bindings::BuildInfo);
  emscripten::function("trySetThreads", &convscope::bindings::TrySetThreads);
}

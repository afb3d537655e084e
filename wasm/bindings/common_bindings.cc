// Embind: what every binding shares. Keep in sync with convscope.d.ts.
#include <emscripten/bind.h>
#include <malloc.h>

#include "marshal.h"

EMSCRIPTEN_BINDINGS(convscope_common) {
  emscripten::function(
      "lastError", +[] { return convscope::bindings::LastError(); });
  // Bytes malloc has handed out and not had back: what leak tests watch (the wasm memory itself
  // only ever grows).
  emscripten::function(
      "heapInUse", +[] { return static_cast<double>(mallinfo().uordblks); });
}

// Embind: what every binding shares. Keep in sync with convscope.d.ts.
#include <emscripten/bind.h>

#include "marshal.h"

EMSCRIPTEN_BINDINGS(convscope_common) {
  emscripten::function(
      "lastError", +[] { return convscope::bindings::LastError(); });
}

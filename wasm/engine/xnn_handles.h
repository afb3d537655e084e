// RAII ownership of XNNPACK handles and the one-time library initialization.
#pragma once

#include <xnnpack.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "base/status.h"

namespace convscope {

struct SubgraphDeleter {
  void operator()(xnn_subgraph_t s) const { xnn_delete_subgraph(s); }
};
struct RuntimeDeleter {
  void operator()(xnn_runtime_t r) const { xnn_delete_runtime(r); }
};
struct OperatorDeleter {
  void operator()(xnn_operator_t o) const { xnn_delete_operator(o); }
};
using SubgraphPtr = std::unique_ptr<xnn_subgraph, SubgraphDeleter>;
using RuntimePtr = std::unique_ptr<xnn_runtime, RuntimeDeleter>;
using OperatorPtr = std::unique_ptr<xnn_operator, OperatorDeleter>;

// The one way runtimes are made from a subgraph (no weights cache), counted: building operators
// once per model and reusing them is a design rule, and the count lets tests prove it.
Status CreateRuntime(xnn_subgraph_t subgraph, pthreadpool_t threadpool, RuntimePtr* out);
// Counts an operator made outside a runtime (the Winograd products), for the same proof.
void CountOperatorCreated();
// How many runtimes and counted operators this process has made (on any thread).
size_t XnnObjectsCreated();

// Gives a runtime's external input `id` new dimensions and reshapes the runtime after it (every
// later value's shape follows), unless `dims` are those of the last call (`*current`, updated).
// The subgraph runtimes that also run batches of other sizes use it (Conv2d::RunBatch).
Status ReshapeRuntimeInput(xnn_runtime_t runtime, uint32_t id, const std::array<size_t, 4>& dims,
                           std::array<size_t, 4>* current);

// Initializes XNNPACK once per process; later calls return the first result.
Status EnsureXnnInitialized();

// Turns a failed XNNPACK call into a Status naming the call: "<what> failed: <status name>".
Status XnnCheck(xnn_status status, const char* what);

}  // namespace convscope

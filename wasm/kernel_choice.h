// Which XNNPACK micro-kernels the wasm build uses where XNNPACK's default choice measured slower.
#pragma once

namespace convscope {

// Called once, after xnn_initialize and before any operator exists. A no-op natively.
void ChooseKernels();

}  // namespace convscope

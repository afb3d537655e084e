// Which XNNPACK micro-kernels the wasm build uses where XNNPACK's default choice measured slower,
// and which of XNNPACK's relaxed-SIMD kernels its own run-time check turned on.
#pragma once

namespace convscope {

// Called once, after xnn_initialize and before any operator exists. A no-op natively.
void ChooseKernels();

// Where XNNPACK runs its relaxed usdot int8 kernels: the tiles that measured faster than its own
// choice. Defined only in the relaxed-SIMD modules (relaxed_kernel_choice.cc), the one place
// those kernels are linked: elsewhere this weak symbol is null.
[[gnu::weak]] void ChooseRelaxedInt8Kernels();

// What XNNPACK's hardware check found (relaxed-SIMD modules only; all false elsewhere): the
// relaxed int8 dot products (signed x signed, unsigned x signed) and fused multiply-add behave
// as its relaxed kernels need. Call after xnn_initialize.
struct RelaxedKernels {
  bool sdot = false;
  bool usdot = false;
  bool fma = false;
};
RelaxedKernels ActiveRelaxedKernels();

}  // namespace convscope

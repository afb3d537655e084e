#include "kernel_choice.h"

#include <cstdint>

#if defined(__wasm_simd128__)
// XNNPACK internals (the pinned sources): the GEMM configs are plain structs filled once by
// xnn_init_*_gemm_config(); operators copy kernel pointers and tile sizes from them when created.
#include "qd8_tile.h"
#include "xnnpack/config.h"
#include "xnnpack/gemm.h"
#include "xnnpack/hardware-config.h"
#include "xnnpack/igemm.h"
#endif

namespace convscope {
namespace {

#if defined(__wasm_simd128__)
// xnn_hardware_config::arch_flags bits of a relaxed-SIMD build. This file is compiled once for
// every variant (without -mrelaxed-simd), where XNNPACK's header does not declare them: they must
// match enum xnn_arch_flags in xnnpack/hardware-config.h (pinned sources).
constexpr uint64_t kWasmSdot = 1 << 3;
constexpr uint64_t kWasmUsdot = 1 << 4;
constexpr uint64_t kWasmFma = 1 << 5;

uint64_t ArchFlags() {
  const xnn_hardware_config* hardware = xnn_init_hardware_config();
  return hardware == nullptr ? 0 : hardware->arch_flags;
}
#endif

}  // namespace

void ChooseKernels() {
#if defined(__wasm_simd128__)
  // Where XNNPACK found working relaxed int8 dot products it runs its wasmsdot/wasmusdot kernels
  // (3x faster than any baseline kernel here): keep them, in the usdot case with our tiles.
  const uint64_t flags = ArchFlags();
  if ((flags & kWasmUsdot) && ChooseRelaxedInt8Kernels != nullptr) ChooseRelaxedInt8Kernels();
  if (flags & (kWasmSdot | kWasmUsdot)) return;
  // qd8-f32-qc8w (dynamically quantized int8): XNNPACK picks 4x4c2s4 ld128 on wasm SIMD. On
  // VGG16's 3x3 layers (64..512 channels) 3x4c8 ld128 measured 15-25% faster (interleaved runs,
  // docs/measurements.md), and it needs no per-layer switching: one choice for every operator.
  SetQd8Tile({
      .gemm_1 =
          (xnn_dqgemm_ukernel_fn)xnn_qd8_f32_qc8w_gemm_minmax_ukernel_1x4c8__wasmsimd_dot16x2_ld128,
      .gemm_mr =
          (xnn_dqgemm_ukernel_fn)xnn_qd8_f32_qc8w_gemm_minmax_ukernel_3x4c8__wasmsimd_dot16x2_ld128,
      .igemm_1 = (xnn_dqigemm_ukernel_fn)
          xnn_qd8_f32_qc8w_igemm_minmax_ukernel_1x4c8__wasmsimd_dot16x2_ld128,
      .igemm_mr = (xnn_dqigemm_ukernel_fn)
          xnn_qd8_f32_qc8w_igemm_minmax_ukernel_3x4c8__wasmsimd_dot16x2_ld128,
      .mr = 3,
      .nr = 4,
      .log2_kr = 3,
  });
#endif
}

RelaxedKernels ActiveRelaxedKernels() {
  RelaxedKernels k;
#if defined(__wasm_simd128__)
  const uint64_t flags = ArchFlags();
  k.sdot = (flags & kWasmSdot) != 0;
  k.usdot = (flags & kWasmUsdot) != 0;
  k.fma = (flags & kWasmFma) != 0;
#endif
  return k;
}

}  // namespace convscope

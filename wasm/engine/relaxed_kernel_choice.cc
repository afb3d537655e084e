// Linked into the relaxed-SIMD modules only (cmake/WasmModules.cmake): the kernels named here are
// compiled for relaxed SIMD and exist nowhere else.
#include "kernel_choice.h"

// XNNPACK internals (the pinned sources), as in kernel_choice.cc.
#include "qd8_tile.h"
#include "xnnpack/gemm.h"
#include "xnnpack/igemm.h"

namespace convscope {

void ChooseRelaxedInt8Kernels() {
  // qd8-f32-qc8w with usdot: XNNPACK picks 4x8c8 u2; 4x16c4 u2 measured 2-3% faster on the whole
  // VGG16 forward pass (docs/measurements.md; 3x8c8 and 2x8c8 were slower). Both read each weight
  // vector once per four rows; 4x16c4's accumulators hold one channel per lane, where 4x8c8's
  // hold two and must be reduced in pairs. The 1-row tiles must match the 4-row ones' packing.
  SetQd8Tile({
      .gemm_1 = (xnn_dqgemm_ukernel_fn)xnn_qd8_f32_qc8w_gemm_minmax_ukernel_1x16c4__wasmusdot_u2,
      .gemm_mr = (xnn_dqgemm_ukernel_fn)xnn_qd8_f32_qc8w_gemm_minmax_ukernel_4x16c4__wasmusdot_u2,
      .igemm_1 = (xnn_dqigemm_ukernel_fn)xnn_qd8_f32_qc8w_igemm_minmax_ukernel_1x16c4__wasmusdot_u2,
      .igemm_mr =
          (xnn_dqigemm_ukernel_fn)xnn_qd8_f32_qc8w_igemm_minmax_ukernel_4x16c4__wasmusdot_u2,
      .mr = 4,
      .nr = 16,
      .log2_kr = 2,
  });
}

}  // namespace convscope

// One tile for XNNPACK's qd8-f32-qc8w GEMM config, set by the files that choose micro-kernels
// (kernel_choice.cc, relaxed_kernel_choice.cc): XNNPACK internals, the pinned sources.
#pragma once

#include <cstdint>

#include "xnnpack/config.h"

namespace convscope {

// The 1-row and mr-row GEMM and IGEMM kernels of one tile, and the weight packing they share.
struct Qd8Tile {
  xnn_dqgemm_ukernel_fn gemm_1, gemm_mr;
  xnn_dqigemm_ukernel_fn igemm_1, igemm_mr;
  uint8_t mr, nr, log2_kr;
};

// Operators copy the config's kernels and tile sizes when created: call before any exists. Every
// other row count is cleared, so that no kernel made for another packing can run.
inline void SetQd8Tile(const Qd8Tile& tile) {
  auto* config = const_cast<xnn_gemm_config*>(xnn_init_qd8_f32_qc8w_gemm_config());
  if (config == nullptr) return;
  for (auto& kernel : config->minmax.dqgemm) kernel = {};
  for (auto& kernel : config->minmax.dqigemm) kernel = {};
  config->minmax.dqgemm[0] = xnn_init_hmp_dqgemm_ukernel(tile.gemm_1);
  config->minmax.dqgemm[tile.mr - 1] = xnn_init_hmp_dqgemm_ukernel(tile.gemm_mr);
  config->minmax.dqigemm[0] = xnn_init_hmp_dqigemm_ukernel(tile.igemm_1);
  config->minmax.dqigemm[tile.mr - 1] = xnn_init_hmp_dqigemm_ukernel(tile.igemm_mr);
  config->mr = tile.mr;
  config->nr = tile.nr;
  config->log2_kr = tile.log2_kr;
  config->log2_sr = 0;
}

}  // namespace convscope

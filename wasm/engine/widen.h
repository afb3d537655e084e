// 16 weights as four f32x4, for the kernels that read a file's f32 or int8 weights where they lie
// (engine/dense_layer.cc, layers/dense_layer.cc). wasm SIMD only.
#pragma once

#ifdef __wasm_simd128__
#include <wasm_simd128.h>

#include <cstdint>

namespace convscope {

inline void Widen(const float* w, v128_t out[4]) {
  for (int j = 0; j < 4; ++j) out[j] = wasm_v128_load(w + 4 * j);
}

// int8 values convert to f32 exactly.
inline void Widen(const int8_t* w, v128_t out[4]) {
  const v128_t bytes = wasm_v128_load(w);
  const v128_t low = wasm_i16x8_extend_low_i8x16(bytes), high = wasm_i16x8_extend_high_i8x16(bytes);
  out[0] = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(low));
  out[1] = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(low));
  out[2] = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(high));
  out[3] = wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(high));
}

}  // namespace convscope
#endif

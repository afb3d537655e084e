// The arithmetic a layer runs in and the type its weights are stored in, below every file that
// names it (the model header, the engine, the catalog), so that none of them includes more than
// this for it.
#pragma once

#include <array>
#include <cstddef>

namespace convscope {

enum class Precision { kF32, kInt8 };
inline constexpr std::array<const char*, 2> kPrecisionNames = {"f32", "int8"};  // by Precision
inline const char* PrecisionName(Precision p) { return kPrecisionNames[static_cast<size_t>(p)]; }
// The bytes one stored value takes (model files store int8 or f32 weights).
inline size_t PrecisionBytes(Precision p) { return p == Precision::kF32 ? 4 : 1; }

}  // namespace convscope

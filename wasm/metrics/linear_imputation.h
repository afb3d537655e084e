// ROAD's noisy linear imputation (Rong et al. 2022): every removed pixel becomes the weighted mean
// of its eight neighbours (1/6 for the four beside it, 1/12 for the four diagonal ones, only those
// inside the image), all removed pixels at once — a sparse linear system — plus Gaussian noise. A
// removed region then carries neither sharp edges nor a constant fill that would tell the model
// where pixels were taken away (which is what makes deletion's curves biased).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace convscope {

// Replaces the pixels of `image` (h x w x channels) whose `removed` entry is nonzero by the
// imputation, with noise of standard deviation noise_sd[c] on channel c (from `seed`). At least
// one pixel must be kept.
void ImputeLinear(std::span<float> image, size_t h, size_t w, std::span<const uint8_t> removed,
                  std::span<const float> noise_sd, uint32_t seed);

}  // namespace convscope

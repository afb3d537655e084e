// The model-parameter randomization test of Adebayo et al. 2018 ("Sanity checks for saliency
// maps"): a map that barely changes when the top layers' weights are replaced by noise does not
// explain what the model learned. Model::SanityCheck re-runs the map on such a copy; the pieces
// here are the randomization and the similarity.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/model_file.h"

namespace convscope {

// The indices of the last `count` layers with a kernel (model/layer_roles.h: KernelWeight), the
// top of the network first.
std::vector<size_t> TopWeightedLayers(const ModelHeader& header, size_t count);

// Overwrites the kernel of `layer` in `bytes` (the storage `file` views) with Gaussian noise of
// the same standard deviation, drawn from `seed`; int8 kernels are drawn in their quantized units
// (scales kept). Biases are kept.
void RandomizeKernel(const ModelFile& file, size_t layer, uint32_t seed, std::span<uint8_t> bytes);

// Spearman's rank correlation (ties get their average rank); 0 when either side is constant.
double SpearmanCorrelation(std::span<const float> a, std::span<const float> b);

}  // namespace convscope

// The images an explanation or a metric starts from where the picture's content is taken away:
// integrated gradients' and input x gradient's baselines, deletion's fill and insertion's start.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "model/model_header.h"

namespace convscope {

// The choices, for option specs: "black" (a black image, preprocessed) or "blur" (the image
// blurred, Gaussian sigma = 1/16 of its shorter side).
inline const std::vector<const char*> kBaselineChoices = {"black", "blur"};

// The baseline `kind` (one of kBaselineChoices) of the preprocessed `image`, preprocessed.
std::vector<float> ImageBaseline(const ModelHeader& header, std::span<const float> image,
                                 const std::string& kind);

}  // namespace convscope

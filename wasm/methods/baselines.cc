#include "baselines.h"

#include <algorithm>

#include "gaussian.h"
#include "images/preprocess.h"

namespace convscope {

std::vector<float> ImageBaseline(const ModelHeader& header, std::span<const float> image,
                                 const std::string& kind) {
  const Shape& s = header.layers.front().layer.output_shape;
  std::vector<float> baseline(image.begin(), image.end());
  if (kind == "blur") {
    GaussianBlur(baseline, s[0], s[1], s[2], static_cast<float>(std::min(s[0], s[1])) / 16);
  } else {  // "black": pixel value 0 through the model's preprocessing
    for (size_t i = 0; i < baseline.size(); ++i) {
      baseline[i] = PreprocessValue(header.preprocessing, 0, i % s[2]);
    }
  }
  return baseline;
}

}  // namespace convscope

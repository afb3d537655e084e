// The 1000 ImageNet class names in Keras' order, built into the converter so that a VGG16 file
// converts with its labels and no extra file.
#pragma once

namespace convscope::convert {

// Keras' imagenet_class_index.json: {"0": ["n01440764", "tench"], ...}.
const char* ImagenetClassIndexJson();

}  // namespace convscope::convert

// A model's class names as people write them down: Keras' class index
// ({"0": ["n01440764", "tench"], ...}, imagenet_class_index.json), a JSON list of names, or one
// name per line (a notebook's `class_names`, saved). The converter's --labels, the CLI's and the
// page's labels files all read them so.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace convscope {

// The names in `text`; `what` names the file for messages.
Status ParseLabels(const std::string& text, const std::string& what,
                   std::vector<std::string>* labels);

}  // namespace convscope

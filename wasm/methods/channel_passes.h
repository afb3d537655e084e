// What Score-CAM and Ablation-CAM share: one forward pass per channel of the layer, each scoring a
// copy of a tensor that the channel decides (the image masked by it, the layer with it zeroed);
// the class scores make the channels' weights, and the CAM is ReLU(sum_k weight_k A_k). The copies
// run in batches (CopyScorer) and split across workers: channel k is pass k (PassParts).
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "cam.h"

namespace convscope {

// Writes channel k's copy into `copy`; returns true when the copy is the one every such channel
// shares (a channel that is the same everywhere masks nothing, one that is zero ablates nothing):
// that copy is scored once.
using ChannelCopyFn = std::function<bool(size_t channel, std::span<float> copy)>;
// The channels' weights from every channel's class score, in channel order.
using ChannelWeightsFn = std::function<std::vector<double>(std::span<const float> scores)>;

struct ChannelPasses {
  const char* method;  // the catalog's name
  const char* label;   // for messages
  size_t first;        // the copies are of layer first - 1's output
  ChannelCopyFn copy;
  ChannelWeightsFn weights;
};

// Runs this part's channels (all when undivided). Undivided: the CAM; a part: raw holds its
// channels' class scores in channel order.
Status RunChannelPasses(const MethodInput& in, const CamInput& c, const ChannelPasses& passes,
                        Explanation* out);
// The undivided result from the parts' scores.
Status CombineChannelPasses(const MethodInput& in, const PartResults& results, const CamInput& c,
                            const ChannelPasses& passes, Explanation* out);

}  // namespace convscope

// The layer kinds convscope runs: one line each, in LayerKind's order.
#include "layer_kind.h"

namespace convscope {
namespace {

const std::vector<const LayerKindOps*>& Kinds() {
  static const std::vector<const LayerKindOps*> kinds = {
      &InputLayerKind(),   &Conv2DLayerKind(), &MaxPooling2DLayerKind(),
      &FlattenLayerKind(), &DenseLayerKind(),  &GlobalAveragePooling2DLayerKind()};
  return kinds;
}

}  // namespace

const LayerKindOps& KindOps(LayerKind kind) { return *Kinds()[static_cast<size_t>(kind)]; }

const LayerKindOps* KindOpsFor(const std::string& keras_class) {
  for (const LayerKindOps* ops : Kinds()) {
    if (keras_class == ops->keras_class) return ops;
  }
  return nullptr;
}

}  // namespace convscope

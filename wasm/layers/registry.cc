// The layer kinds convscope runs: one line each, in LayerKind's order.
#include "layer_kind.h"

namespace convscope {

const std::vector<const LayerKindOps*>& AllKinds() {
  static const std::vector<const LayerKindOps*> kinds = {&InputLayerKind(),
                                                         &Conv2DLayerKind(),
                                                         &MaxPooling2DLayerKind(),
                                                         &FlattenLayerKind(),
                                                         &DenseLayerKind(),
                                                         &GlobalAveragePooling2DLayerKind(),
                                                         &BatchNormalizationLayerKind(),
                                                         &ActivationLayerKind(),
                                                         &PReLULayerKind(),
                                                         &SeparableConv2DLayerKind(),
                                                         &AveragePooling2DLayerKind(),
                                                         &GlobalMaxPooling2DLayerKind(),
                                                         &ZeroPadding2DLayerKind(),
                                                         &Cropping2DLayerKind(),
                                                         &ReshapeLayerKind(),
                                                         &RescalingLayerKind(),
                                                         &NormalizationLayerKind(),
                                                         &IdentityLayerKind(),
                                                         &MergeLayerKind(),
                                                         &ConcatenateLayerKind(),
                                                         &DepthwiseConv2DLayerKind()};
  return kinds;
}

const LayerKindOps& KindOps(LayerKind kind) { return *AllKinds()[static_cast<size_t>(kind)]; }

const LayerKindOps* KindOpsFor(const std::string& keras_class) {
  for (const LayerKindOps* ops : AllKinds()) {
    for (const char* c : ops->keras_classes) {
      if (keras_class == c) return ops;
    }
  }
  return nullptr;
}

}  // namespace convscope

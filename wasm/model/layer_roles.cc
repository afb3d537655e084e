#include "layer_roles.h"

#include <string>

#include "layers/layer_kind.h"

namespace convscope {

bool HasSpatialOutput(const Layer& layer) {
  return layer.kind != LayerKind::kInput && layer.output_shape.size() == 3;
}

bool HasFilters(const Layer& layer) { return KindOps(layer.kind).has_filters; }

std::optional<size_t> KernelWeight(const ModelHeader& header, size_t index) {
  if (index == 0) return std::nullopt;
  const Layer& l = header.layers[index].layer;
  const std::vector<WeightSpec> specs =
      StoredWeightSpecs(l, header.layers[l.inputs[0]].layer.output_shape);
  for (size_t k = 0; k < specs.size(); ++k) {
    if (specs[k].quantizable) return k;
  }
  for (size_t k = 0; k < specs.size(); ++k) {
    if (specs[k].layout == WeightLayout::kDepthwise) return k;
  }
  return std::nullopt;
}

size_t DefaultCamLayer(const std::vector<LayerEntry>& layers) {
  size_t end = layers.size();
  while (end > 1) {
    const Shape& s = layers[end - 1].layer.output_shape;
    if (s.size() == 3 && s[0] * s[1] > 1) break;
    --end;
  }
  size_t last_spatial = 0;
  for (size_t i = end; i-- > 1;) {
    const Layer& l = layers[i].layer;
    if (!HasSpatialOutput(l)) continue;
    if (last_spatial == 0) last_spatial = i;
    const std::string category = KindOps(l.kind).category;
    if (category != "Pool" && category != "Dropout" && category != "Shape") return i;
  }
  return last_spatial;
}

}  // namespace convscope

// Flatten: height x width x channels to one axis, in NHWC order (as Keras' channels-last Flatten),
// so its gradient is the same vector.
#include "engine/layer_runtime.h"
#include "keras_config.h"
#include "layer_kind.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string&, KerasDialect, Layer*) {
  return CheckChannelsLast(config);
}

Status OutputShape(const Layer&, const Shape& in, const std::string&, Shape* out) {
  *out = {in[0] * in[1] * in[2]};
  return Status::Ok();
}

Status Define(xnn_subgraph_t g, const Layer&, const Shape& in, uint32_t input_id,
              uint32_t output_id) {
  const size_t shape[2] = {1, in[0] * in[1] * in[2]};
  return XnnCheck(xnn_define_static_reshape(g, 2, shape, input_id, output_id, 0),
                  "defining the flatten");
}

}  // namespace

const LayerKindOps& FlattenLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kFlatten,
      .keras_classes = {"Flatten"},
      .category = "Shape",
      .description = "Lays the map out as one long vector, row by row, for the Dense layers.",
      .input_rank = 3,
      .from_keras = &FromKeras,
      .output_shape = &OutputShape,
      .forward = &ForwardByRuntime<&Define>};
  return ops;
}

}  // namespace convscope

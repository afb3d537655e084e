// GlobalAveragePooling2D: the mean of each channel over height and width (keepdims: a 1x1 map);
// its gradient is spread evenly over the map.
#include "convolution.h"
#include "engine/layer_runtime.h"
#include "layer_kind.h"

namespace convscope {
namespace {

Status Define(xnn_subgraph_t g, const Layer& l, const Shape&, uint32_t input_id,
              uint32_t output_id) {
  const size_t axes[2] = {1, 2};
  return XnnCheck(xnn_define_static_reduce(g, xnn_reduce_mean, 2, axes, input_id, output_id,
                                           l.keepdims ? XNN_FLAG_KEEP_DIMS : 0),
                  "defining the global average pooling");
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const Shape& in = c.input_shape();
  std::vector<float> spread(in[0] * in[1] * in[2]);
  const float n = static_cast<float>(in[0] * in[1]);
  for (size_t j = 0; j < spread.size(); ++j) spread[j] = (*gradient)[j % in[2]] / n;
  *gradient = std::move(spread);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& GlobalAveragePooling2DLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kGlobalAveragePooling2D,
      .keras_classes = {"GlobalAveragePooling2D", "GlobalAvgPool2D"},
      .category = "Pool",
      .description = "The mean of each channel over the whole map: one number per channel.",
      .input_rank = 3,
      .from_keras = &GlobalPoolingFromKeras,
      .to_keras = &GlobalPoolingToKeras,
      .output_shape = &GlobalPoolingOutputShape,
      .forward = &ForwardByRuntime<&Define>,
      .backward = &Backward};
  return ops;
}

}  // namespace convscope

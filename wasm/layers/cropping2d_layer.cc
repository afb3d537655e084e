// Cropping2D: rows and columns cut off the map's edges; its gradient is zero there.
#include "keras_config.h"
#include "margins.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  return ReadMargins(config, "cropping", path, &l->margins);
}

void ToKeras(const Layer& l, Json* config) { (*config)["cropping"] = MarginsToKeras(l.margins); }

Status OutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out) {
  const auto& m = l.margins;
  if (m[0] + m[1] >= in[0] || m[2] + m[3] >= in[1]) {
    return Status::Error(where + ": cropping leaves nothing of its input " + ShapeString(in));
  }
  *out = {in[0] - m[0] - m[1], in[1] - m[2] - m[3], in[2]};
  return Status::Ok();
}

class Forward final : public LayerForward {
 public:
  Forward(const Layer& l, std::span<const float> in, std::span<float> out)
      : layer_(l), in_(in), out_(out) {}
  Status Run() override {
    CutOut(in_, layer_.output_shape, layer_.margins, out_);
    return Status::Ok();
  }

 private:
  const Layer& layer_;
  std::span<const float> in_;
  std::span<float> out_;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  const Shape& in = c.input_shape();
  const Shape& o = c.layer->output_shape;
  *out =
      std::make_unique<Forward>(*c.layer, std::span<const float>(c.input(), in[0] * in[1] * in[2]),
                                std::span<float>(c.output, o[0] * o[1] * o[2]));
  return Status::Ok();
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  std::vector<float> outer(c.input().size());
  PlaceInside(*gradient, c.layer->output_shape, c.layer->margins, outer);
  *gradient = std::move(outer);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& Cropping2DLayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kCropping2D,
                                .keras_classes = {"Cropping2D"},
                                .category = "Shape",
                                .description = "Cuts rows and columns off the map's edges.",
                                .input_rank = 3,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = &OutputShape,
                                .forward = &BuildForward,
                                .backward = &Backward};
  return ops;
}

}  // namespace convscope

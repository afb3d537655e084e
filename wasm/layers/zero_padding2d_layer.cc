// ZeroPadding2D: rows and columns of zeros around the map; its gradient is the middle cut out. In
// the occlusion trunk it is a 1x1 window with its margins as padding (layer.h, PaddingOf): the
// gathered tile already holds the zeros, and the tile runner copies it.
#include "keras_config.h"
#include "margins.h"
#include "pointwise.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  return ReadMargins(config, "padding", path, &l->margins);
}

void ToKeras(const Layer& l, Json* config) { (*config)["padding"] = MarginsToKeras(l.margins); }

Status OutputShape(const Layer& l, const Shape& in, const std::string&, Shape* out) {
  const auto& m = l.margins;
  *out = {in[0] + m[0] + m[1], in[1] + m[2] + m[3], in[2]};
  return Status::Ok();
}

class Forward final : public LayerForward {
 public:
  Forward(const Layer& l, std::span<const float> in, const Shape& shape, std::span<float> out)
      : layer_(l), in_(in), shape_(shape), out_(out) {}
  Status Run() override {
    PlaceInside(in_, shape_, layer_.margins, out_);
    return Status::Ok();
  }

 private:
  const Layer& layer_;
  std::span<const float> in_;
  Shape shape_;
  std::span<float> out_;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  const Shape& in = c.input_shape();
  const Shape& o = c.layer->output_shape;
  *out =
      std::make_unique<Forward>(*c.layer, std::span<const float>(c.input(), in[0] * in[1] * in[2]),
                                in, std::span<float>(c.output, o[0] * o[1] * o[2]));
  return Status::Ok();
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  std::vector<float> inner(c.input().size());
  CutOut(*gradient, c.input_shape(), c.layer->margins, inner);
  *gradient = std::move(inner);
  return Status::Ok();
}

}  // namespace

const LayerKindOps& ZeroPadding2DLayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kZeroPadding2D,
                                .keras_classes = {"ZeroPadding2D"},
                                .category = "Shape",
                                .description = "Adds rows and columns of zeros around the map.",
                                .input_rank = 3,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = &OutputShape,
                                .forward = &BuildForward,
                                .backward = &Backward,
                                .tiles = &TilesPointwise<&MakeCopyOp>};
  return ops;
}

}  // namespace convscope

// Reshape: the same values in another shape (Keras' target_shape, one -1 allowed), to a map
// (height x width x channels) or a vector; a copy forward, the gradient unchanged.
#include "convolution.h"
#include "keras_config.h"
#include "pointwise.h"

namespace convscope {
namespace {

// target_shape as stored: -1 (inferred) is kept as 0.
Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  const Json* t = Find(config, "target_shape");
  if (t == nullptr || !t->is_array() || t->empty() || t->size() > 3) {
    return Status::Error(path + ".target_shape must list 1 to 3 sizes");
  }
  size_t inferred = 0;
  for (const Json& d : *t) {
    if (d.is_number_integer() && d.get<int64_t>() == -1) {
      ++inferred;
      l->target_shape.push_back(0);
    } else if (const auto n = AsSize(d); n && *n > 0) {
      l->target_shape.push_back(*n);
    } else {
      return Status::Error(path + ".target_shape must hold positive sizes and at most one -1");
    }
  }
  if (inferred > 1) return Status::Error(path + ".target_shape may hold one -1 only");
  if (l->target_shape.size() == 2) {
    return Unsupported("Reshape to " + DumpJson(*t) +
                       " (convscope holds maps as height x width x channels, or "
                       "vectors)");
  }
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) {
  Json target = Json::array();
  for (size_t d : l.target_shape) target.push_back(d == 0 ? Json(-1) : Json(d));
  (*config)["target_shape"] = target;
}

Status OutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out) {
  const size_t total = Elements(in);
  size_t known = 1;
  for (size_t d : l.target_shape) known *= d == 0 ? 1 : d;
  *out = l.target_shape;
  for (size_t& d : *out) {
    if (d == 0) d = known > 0 && total % known == 0 ? total / known : 0;
  }
  if (Elements(*out) != total) {
    return Status::Error(where + ": cannot reshape " + ShapeString(in) + " (" +
                         std::to_string(total) + " values) to " +
                         DumpJson(LayerToKeras(l)["config"]["target_shape"]));
  }
  return Status::Ok();
}

class CopyForward final : public LayerForward {
 public:
  CopyForward(const float* in, float* out, size_t n) : in_(in), out_(out), n_(n) {}
  Status Run() override {
    std::copy_n(in_, n_, out_);
    return Status::Ok();
  }

 private:
  const float* in_;
  float* out_;
  size_t n_;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  *out = std::make_unique<CopyForward>(c.input(), c.output, Elements(c.input_shape()));
  return Status::Ok();
}

}  // namespace

const LayerKindOps& ReshapeLayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kReshape,
                                .keras_classes = {"Reshape"},
                                .category = "Shape",
                                .description = "The same values, arranged in another shape.",
                                .input_rank = kAnyRank,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = &OutputShape,
                                .forward = &BuildForward};
  return ops;
}

}  // namespace convscope

// InputLayer: the image, height x width x channels, fixed. A height x width input (an MLP on
// grayscale pictures, Flatten(input_shape=(28, 28))) is a picture of one channel.
#include "layer_kind.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  // Keras 2 writes batch_input_shape, Keras 3 batch_shape: [null, H, W, C].
  const Json* shape = Find(config, "batch_input_shape");
  if (shape == nullptr) shape = Find(config, "batch_shape");
  if (shape == nullptr || !shape->is_array() || shape->size() < 3 || shape->size() > 4) {
    return Status::Error(path + ": input shape must be [null, height, width, channels], got " +
                         (shape == nullptr ? std::string("none") : DumpJson(*shape)));
  }
  for (size_t i = 1; i < shape->size(); ++i) {
    const std::optional<size_t> d = AsSize((*shape)[i]);
    if (!d || *d == 0) {
      return Status::Error(path + ": input shape must be fixed and positive, got " +
                           DumpJson(*shape));
    }
    l->input_shape.push_back(*d);
  }
  l->declared_shape = l->input_shape;
  if (l->input_shape.size() == 2) l->input_shape.push_back(1);
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["batch_input_shape"] = Json::array({nullptr});
  for (size_t d : l.declared_shape) (*config)["batch_input_shape"].push_back(d);
}

Status OutputShape(const Layer& l, const Shape&, const std::string&, Shape* out) {
  *out = l.input_shape;
  return Status::Ok();
}

}  // namespace

const LayerKindOps& InputLayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kInput,
                                .keras_classes = {"InputLayer"},
                                .category = "Data",
                                .description = "The picture the model reads.",
                                .input_rank = 0,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = &OutputShape};
  return ops;
}

}  // namespace convscope

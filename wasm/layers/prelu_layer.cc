// PReLU: x for x > 0, alpha * x otherwise, with a learned alpha per position and channel, or shared
// over the axes named in shared_axes (1: rows, 2: columns). Pointwise when alpha is shared over the
// whole map (one per channel): then the occlusion trunk runs it on tiles.
#include <algorithm>

#include "keras_config.h"
#include "model/model_file.h"
#include "pointwise.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  const Json* shared = Find(config, "shared_axes");
  if (shared == nullptr || shared->is_null()) return Status::Ok();
  const Json list = shared->is_array() ? *shared : Json::array({*shared});
  for (const Json& a : list) {
    const auto axis = AsSize(a);
    if (!axis || *axis < 1 || *axis > 3) {
      return Status::Error(path + ".shared_axes must list axes 1 to 3");
    }
    l->shared_axes.push_back(*axis);
  }
  std::sort(l->shared_axes.begin(), l->shared_axes.end());
  l->shared_axes.erase(std::unique(l->shared_axes.begin(), l->shared_axes.end()),
                       l->shared_axes.end());
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) {
  (*config)["shared_axes"] = l.shared_axes.empty() ? Json() : Json(l.shared_axes);
}

Status OutputShape(const Layer& l, const Shape& in, const std::string& where, Shape* out) {
  for (size_t a : l.shared_axes) {
    if (a > in.size())
      return Status::Error(where + ": shared axis " + std::to_string(a) +
                           " is not an axis of its input " + ShapeString(in));
  }
  *out = in;
  return Status::Ok();
}

// Keras' alpha shape: the input's, with each shared axis 1.
Shape AlphaShape(const Layer& l, const Shape& in) {
  Shape alpha = in;
  for (size_t a : l.shared_axes) alpha[a - 1] = 1;
  return alpha;
}

std::vector<WeightSpec> Weights(const Layer& l, const Shape& in) {
  return {{.name = "alpha", .keras_shape = AlphaShape(l, in)}};
}

// The index into alpha of input element `i` of a tensor shaped `in`.
size_t AlphaIndex(const Shape& in, const Shape& alpha, size_t i) {
  size_t index = 0, stride = 1;
  for (size_t d = in.size(); d-- > 0;) {
    const size_t coordinate = i % in[d];
    i /= in[d];
    if (alpha[d] != 1) index += coordinate * stride;
    stride *= alpha[d];
  }
  return index;
}

// One alpha per channel: the pointwise case.
class ChannelAlphaOp final : public PointwiseOp {
 public:
  explicit ChannelAlphaOp(std::vector<float> alpha)
      : PointwiseOp(alpha.size()), alpha_(std::move(alpha)) {}
  void Run(const float* in, float* out, size_t rows) const override {
    const size_t c = channels();
    for (size_t i = 0; i < rows * c; ++i) out[i] = in[i] > 0 ? in[i] : alpha_[i % c] * in[i];
  }

 private:
  std::vector<float> alpha_;
};

bool PerChannel(const Shape& alpha) {
  return std::all_of(alpha.begin(), alpha.end() - 1, [](size_t d) { return d == 1; });
}

Status MakeOp(const Layer& l, const std::vector<TensorView>& w, size_t channels,
              std::unique_ptr<PointwiseOp>* out) {
  std::vector<float> alpha = ValuesAsF32(w[0]);
  // One alpha for the whole map (shared_axes [1, 2, 3]) serves every channel.
  if (alpha.size() == 1) alpha.assign(channels, alpha[0]);
  if (!PerChannel(w[0].entry->keras_shape) || alpha.size() != channels) {
    return Status::Error("layer " + l.name + ": its alpha is not one per channel");
  }
  *out = std::make_unique<ChannelAlphaOp>(std::move(alpha));
  return Status::Ok();
}

class Forward final : public LayerForward {
 public:
  Forward(std::vector<float> alpha, Shape alpha_shape, Shape in, const float* input, float* output)
      : alpha_(std::move(alpha)),
        alpha_shape_(std::move(alpha_shape)),
        in_(std::move(in)),
        input_(input),
        output_(output) {}
  Status Run() override {
    size_t n = 1;
    for (size_t d : in_) n *= d;
    for (size_t i = 0; i < n; ++i) {
      const float x = input_[i];
      output_[i] = x > 0 ? x : alpha_[AlphaIndex(in_, alpha_shape_, i)] * x;
    }
    return Status::Ok();
  }

 private:
  std::vector<float> alpha_;
  Shape alpha_shape_, in_;
  const float* input_;
  float* output_;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  const TensorView& alpha = (*c.views)[0];
  *out = std::make_unique<Forward>(ValuesAsF32(alpha), alpha.entry->keras_shape, c.input_shape(),
                                   c.input(), c.output);
  return Status::Ok();
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const TensorView alpha = c.model->Weights(c.index)[0];
  const std::vector<float> a = ValuesAsF32(alpha);
  const Shape& in = c.input_shape();
  for (size_t i = 0; i < gradient->size(); ++i) {
    float& g = (*gradient)[i];
    if (c.guided) g = std::max(g, 0.0f);  // PReLU is ReLU-like
    if (!(c.input()[i] > 0)) g *= a[AlphaIndex(in, alpha.entry->keras_shape, i)];
  }
  return Status::Ok();
}

Status BuildTiles(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                  std::unique_ptr<TileRunner>* out) {
  if (!PerChannel(model.Weights(index)[0].entry->keras_shape)) return Status::Ok();
  return PointwiseTilesFor(model, index, &MakeOp, threadpool, out);
}

}  // namespace

const LayerKindOps& PReLULayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kPReLU,
                                .keras_classes = {"PReLU"},
                                .category = "Activation",
                                .description = "ReLU with a learned slope for negative values.",
                                .input_rank = kAnyRank,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = &OutputShape,
                                .weights = &Weights,
                                .forward = &BuildForward,
                                .backward = &Backward,
                                .tiles = &BuildTiles};
  return ops;
}

}  // namespace convscope

// Concatenate along the channel axis (DenseNet's blocks, Inception's branches): at each position,
// the first input's channels, then the second's, ... Maps of equal height and width, or vectors.
// Other axes are refused: a picture model concatenates channels.
#include <pthreadpool.h>

#include <algorithm>
#include <cstring>

#include "base/checked_math.h"
#include "keras_config.h"
#include "layer_kind.h"
#include "pointwise.h"

namespace convscope {
namespace {

Status FromKeras(const Json& config, const std::string& path, KerasDialect, Layer* l) {
  if (const Json* a = Find(config, "axis"); a != nullptr) {
    if (!a->is_number_integer()) return Status::Error(path + ".axis must be an integer");
    l->axis = a->get<int>();
  }
  return Status::Ok();
}

void ToKeras(const Layer& l, Json* config) { (*config)["axis"] = l.axis; }

Status MergedShape(const Layer& l, const std::vector<Shape>& ins, const std::string& where,
                   Shape* out) {
  const size_t rank = ins.front().size();
  // Keras' axis counts the batch: the channels are -1 or the rank.
  if (l.axis != -1 && l.axis != static_cast<int>(rank)) {
    return Status::Error(where + " concatenates along axis " + std::to_string(l.axis) +
                         ": convscope concatenates channels (axis -1) only");
  }
  Shape shape = ins.front();
  shape.back() = 0;
  for (const Shape& in : ins) {
    if (in.size() != rank || !std::equal(in.begin(), in.end() - 1, shape.begin())) {
      return Status::Error(where + " cannot concatenate " + ShapeString(ins.front()) + " and " +
                           ShapeString(in) + ": all but the channels must agree");
    }
    if (__builtin_add_overflow(shape.back(), in.back(), &shape.back()) ||
        shape.back() > kMaxTensorElements) {
      return Status::Error(where + " concatenates more channels than a tensor may hold");
    }
  }
  *out = shape;
  return Status::Ok();
}

// The inputs' channels side by side at each position; the gradient splits the same way.
struct Layout {
  std::vector<size_t> channels;  // each input's
  size_t positions = 0, total = 0;
};
Layout LayoutOf(const std::vector<const Shape*>& shapes) {
  Layout layout;
  layout.positions = RowsOf(*shapes.front());
  for (const Shape* s : shapes) {
    layout.channels.push_back(ChannelsOf(*s));
    layout.total += layout.channels.back();
  }
  return layout;
}

class Forward final : public LayerForward {
 public:
  Status Run() override {
    pthreadpool_parallelize_1d(threadpool, &RunPosition, this, layout.positions, 0);
    return Status::Ok();
  }
  static void RunPosition(void* context, size_t p) {
    const auto& f = *static_cast<const Forward*>(context);
    float* o = f.output + p * f.layout.total;
    for (size_t k = 0; k < f.inputs.size(); ++k) {
      const size_t c = f.layout.channels[k];
      std::memcpy(o, f.inputs[k] + p * c, c * sizeof(float));
      o += c;
    }
  }
  std::vector<const float*> inputs;
  Layout layout;
  float* output = nullptr;
  pthreadpool_t threadpool = nullptr;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  auto f = std::make_unique<Forward>();
  f->inputs.assign(c.inputs.begin(), c.inputs.end());
  f->layout = LayoutOf(c.input_shapes);
  f->output = c.output;
  f->threadpool = c.threadpool;
  *out = std::move(f);
  return Status::Ok();
}

Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const Layout layout = LayoutOf(c.input_shapes);
  std::vector<std::vector<float>> grads(layout.channels.size());
  for (size_t k = 0; k < grads.size(); ++k) grads[k].resize(layout.positions * layout.channels[k]);
  const float* g = gradient->data();
  for (size_t p = 0; p < layout.positions; ++p) {
    for (size_t k = 0; k < grads.size(); ++k) {
      const size_t ch = layout.channels[k];
      std::copy(g, g + ch, grads[k].begin() + static_cast<std::ptrdiff_t>(p * ch));
      g += ch;
    }
  }
  *gradient = std::move(grads[0]);
  for (size_t k = 1; k < grads.size(); ++k) c.more_gradients->push_back(std::move(grads[k]));
  return Status::Ok();
}

}  // namespace

const LayerKindOps& ConcatenateLayerKind() {
  static const LayerKindOps ops{.kind = LayerKind::kConcatenate,
                                .keras_classes = {"Concatenate"},
                                .category = "Tensor",
                                .description = "Puts its inputs' channels side by side.",
                                .input_rank = kAnyRank,
                                .from_keras = &FromKeras,
                                .to_keras = &ToKeras,
                                .output_shape = nullptr,
                                .min_inputs = 1,
                                .max_inputs = SIZE_MAX,
                                .merged_shape = &MergedShape,
                                .forward = &BuildForward,
                                .backward = &Backward};
  return ops;
}

}  // namespace convscope

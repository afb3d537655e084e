// The merge layers of Keras — Add, Subtract, Multiply, Average, Maximum, Minimum — which combine
// their inputs element by element (residual shortcuts, squeeze-and-excitation). Inputs of equal
// rank broadcast as Keras broadcasts them: on each axis the sizes agree or one of them is 1, so
// SE's (h, w, c) times (1, 1, c) scales every position's channels. The operation folds the inputs
// from the first, as Keras' merge layers do (Average: their sum, divided by their count), and the
// gradient of Maximum and Minimum goes to the first input holding the extreme (TensorFlow's rule:
// x wins where x >= y).
#include <pthreadpool.h>

#include <algorithm>

#include "keras_config.h"
#include "layer_kind.h"
#include "model/model_file.h"

namespace convscope {
namespace {

struct MergeClass {
  const char* keras_class;
  MergeOp op;
};
constexpr MergeClass kClasses[] = {
    {"Add", MergeOp::kAdd},           {"Subtract", MergeOp::kSubtract},
    {"Multiply", MergeOp::kMultiply}, {"Average", MergeOp::kAverage},
    {"Maximum", MergeOp::kMaximum},   {"Minimum", MergeOp::kMinimum}};

Status FromKeras(const Json&, const std::string&, KerasDialect, Layer* l) {
  for (const MergeClass& c : kClasses) {
    if (l->keras_class == c.keras_class) l->merge = c.op;
  }
  return Status::Ok();
}

// A map or a vector as rows x columns x channels (a vector: one position of N channels).
struct Dims {
  size_t h = 1, w = 1, c = 1;
};
Dims DimsOf(const Shape& s) { return s.size() == 3 ? Dims{s[0], s[1], s[2]} : Dims{1, 1, s[0]}; }

Status MergedShape(const Layer& l, const std::vector<Shape>& ins, const std::string& where,
                   Shape* out) {
  if (l.merge == MergeOp::kSubtract && ins.size() != 2) {
    return Status::Error(where + " subtracts exactly two inputs, the model gives it " +
                         std::to_string(ins.size()));
  }
  Shape shape = ins.front();
  for (const Shape& in : ins) {
    if (in.size() != shape.size() || (in.size() != 1 && in.size() != 3)) {
      return Status::Error(where + " merges inputs of different ranks or of neither a map nor a " +
                           "vector: " + ShapeString(ins.front()) + " and " + ShapeString(in));
    }
    for (size_t a = 0; a < in.size(); ++a) {
      if (in[a] != shape[a] && in[a] != 1 && shape[a] != 1) {
        return Status::Error(where + " cannot merge " + ShapeString(ins.front()) + " and " +
                             ShapeString(in) + ": on each axis the sizes must agree or one be 1");
      }
      shape[a] = std::max(shape[a], in[a]);
    }
  }
  *out = shape;
  return Status::Ok();
}

// Where an input's value for output position (y, x) starts, and its step between channels.
struct Operand {
  const float* data;
  Dims dims;
  const float* At(size_t y, size_t x) const {
    return data + ((dims.h == 1 ? 0 : y) * dims.w + (dims.w == 1 ? 0 : x)) * dims.c;
  }
  size_t step() const { return dims.c == 1 ? 0 : 1; }
};

float Combine(MergeOp op, float a, float b) {
  switch (op) {
    case MergeOp::kSubtract:
      return a - b;
    case MergeOp::kMultiply:
      return a * b;
    case MergeOp::kMaximum:
      return std::max(a, b);
    case MergeOp::kMinimum:
      return std::min(a, b);
    case MergeOp::kAdd:
    case MergeOp::kAverage:
      break;
  }
  return a + b;
}

class Forward final : public LayerForward {
 public:
  Status Run() override {
    pthreadpool_parallelize_1d(threadpool, &RunPosition, this, out_dims.h * out_dims.w, 0);
    return Status::Ok();
  }
  static void RunPosition(void* context, size_t p) {
    const auto& f = *static_cast<const Forward*>(context);
    const size_t channels = f.out_dims.c, y = p / f.out_dims.w, x = p % f.out_dims.w;
    float* o = f.output + p * channels;
    for (size_t k = 0; k < f.inputs.size(); ++k) {
      const float* a = f.inputs[k].At(y, x);
      const size_t step = f.inputs[k].step();
      for (size_t c = 0; c < channels; ++c)
        o[c] = k == 0 ? a[c * step] : Combine(f.op, o[c], a[c * step]);
    }
    if (f.op == MergeOp::kAverage) {
      const auto n = static_cast<float>(f.inputs.size());
      for (size_t c = 0; c < channels; ++c) o[c] /= n;
    }
  }
  std::vector<Operand> inputs;
  Dims out_dims;
  float* output = nullptr;
  MergeOp op = MergeOp::kAdd;
  pthreadpool_t threadpool = nullptr;
};

Status BuildForward(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  auto f = std::make_unique<Forward>();
  for (size_t k = 0; k < c.inputs.size(); ++k) {
    f->inputs.push_back({c.inputs[k], DimsOf(*c.input_shapes[k])});
  }
  f->out_dims = DimsOf(c.layer->output_shape);
  f->output = c.output;
  f->op = c.layer->merge;
  f->threadpool = c.threadpool;
  *out = std::move(f);
  return Status::Ok();
}

// d output / d input k at one element, given every input's value there.
float Derivative(MergeOp op, const std::vector<float>& values, size_t k) {
  switch (op) {
    case MergeOp::kSubtract:
      return k == 0 ? 1.0f : -1.0f;
    case MergeOp::kAverage:
      return 1.0f / static_cast<float>(values.size());
    case MergeOp::kMultiply: {
      float product = 1.0f;
      for (size_t j = 0; j < values.size(); ++j) product *= j == k ? 1.0f : values[j];
      return product;
    }
    case MergeOp::kMaximum:
    case MergeOp::kMinimum: {
      size_t winner = 0;
      for (size_t j = 1; j < values.size(); ++j) {
        const bool beats =
            op == MergeOp::kMaximum ? values[j] > values[winner] : values[j] < values[winner];
        if (beats) winner = j;
      }
      return winner == k ? 1.0f : 0.0f;
    }
    case MergeOp::kAdd:
      break;
  }
  return 1.0f;
}

// Each input's gradient: the output's times the derivative, summed over the positions and channels
// the input was broadcast to, in the output's order (so the same bits on any thread count).
Status Backward(const BackwardContext& c, std::vector<float>* gradient) {
  const Dims out = DimsOf(c.layer->output_shape);
  const size_t n = c.inputs.size();
  std::vector<Operand> operands;
  std::vector<std::vector<float>> grads(n);
  for (size_t k = 0; k < n; ++k) {
    operands.push_back({c.inputs[k].data(), DimsOf(*c.input_shapes[k])});
    grads[k].assign(c.inputs[k].size(), 0.0f);
  }
  std::vector<float> values(n);
  const float* g = gradient->data();
  for (size_t y = 0; y < out.h; ++y) {
    for (size_t x = 0; x < out.w; ++x) {
      for (size_t ch = 0; ch < out.c; ++ch, ++g) {
        for (size_t k = 0; k < n; ++k) values[k] = operands[k].At(y, x)[ch * operands[k].step()];
        for (size_t k = 0; k < n; ++k) {
          const size_t at = static_cast<size_t>(operands[k].At(y, x) - operands[k].data) +
                            ch * operands[k].step();
          grads[k][at] += *g * Derivative(c.layer->merge, values, k);
        }
      }
    }
  }
  *gradient = std::move(grads[0]);
  for (size_t k = 1; k < n; ++k) c.more_gradients->push_back(std::move(grads[k]));
  return Status::Ok();
}

}  // namespace

const LayerKindOps& MergeLayerKind() {
  static const LayerKindOps ops{
      .kind = LayerKind::kMerge,
      .keras_classes = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"},
      .category = "Tensor",
      .description =
          "Combines its inputs value by value (a sum, a difference, a product, a mean, "
          "a maximum or a minimum).",
      .input_rank = kAnyRank,
      .from_keras = &FromKeras,
      .output_shape = nullptr,
      .min_inputs = 1,
      .max_inputs = SIZE_MAX,
      .merged_shape = &MergedShape,
      .forward = &BuildForward,
      .backward = &Backward};
  return ops;
}

}  // namespace convscope

#include "pointwise.h"

#include <algorithm>
#include <cstring>

#include "model/model_file.h"

namespace convscope {
namespace {

struct PointwiseTask {
  const PointwiseOp* op;
  const float* in;
  float* out;
};

void RunRows(void* context, size_t begin, size_t count) {
  const auto& t = *static_cast<const PointwiseTask*>(context);
  const size_t c = t.op->channels();
  t.op->Run(t.in + begin * c, t.out + begin * c, count);
}

class CopyOp final : public PointwiseOp {
 public:
  explicit CopyOp(size_t channels) : PointwiseOp(channels) {}
  void Run(const float* in, float* out, size_t rows) const override {
    if (in != out) std::memcpy(out, in, rows * channels() * sizeof(float));
  }
};

}  // namespace

Status MakeCopyOp(const Layer&, const std::vector<TensorView>&, size_t channels,
                  std::unique_ptr<PointwiseOp>* out) {
  *out = std::make_unique<CopyOp>(channels);
  return Status::Ok();
}

void ActivationOp::Run(const float* in, float* out, size_t rows) const {
  const size_t n = rows * channels();
  ApplyActivation(f_, {in, n}, channels(), {out, n});
}

size_t RowsOf(const Shape& shape) {
  size_t rows = 1;
  for (size_t i = 0; i + 1 < shape.size(); ++i) rows *= shape[i];
  return rows;
}

size_t ChannelsOf(const Shape& shape) { return shape.empty() ? 1 : shape.back(); }

void RunPointwise(const PointwiseOp& op, const float* in, float* out, size_t rows,
                  pthreadpool_t threadpool) {
  PointwiseTask task{&op, in, out};
  // About 16K values a task: enough to pay for handing it to a thread.
  const size_t tile = std::max<size_t>(1, 16384 / std::max<size_t>(op.channels(), 1));
  pthreadpool_parallelize_1d_tile_1d(threadpool, RunRows, &task, rows, tile, /*flags=*/0);
}

Status PointwiseTilesFor(const ModelFile& model, size_t index, MakePointwise make,
                         pthreadpool_t threadpool, std::unique_ptr<TileRunner>* out) {
  const Layer& l = model.header().layers[index].layer;
  const Shape& in = model.header().layers[l.inputs[0]].layer.output_shape;
  std::unique_ptr<PointwiseOp> op;
  CONVSCOPE_RETURN_IF_ERROR(make(l, model.Weights(index), ChannelsOf(in), &op));
  *out = std::make_unique<PointwiseTiles>(std::move(op), threadpool);
  return Status::Ok();
}

}  // namespace convscope

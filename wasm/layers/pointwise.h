// Layers that map each position's channels on their own — BatchNormalization, activations,
// Rescaling, Normalization, PReLU with its alpha shared over the map, the identities — as one
// operation on rows of channels. One object serves the engine (the whole map, split by rows among
// the pool's threads) and the occlusion trunk (tiles of any size, no halo: a 1x1 window).
#pragma once

#include <pthreadpool.h>

#include <memory>
#include <vector>

#include "activation_function.h"
#include "layer_kind.h"
#include "model/model_file.h"

namespace convscope {

class PointwiseOp {
 public:
  virtual ~PointwiseOp() = default;
  // `rows` rows of `channels()` values from `in` to `out` (which may be `in`).
  virtual void Run(const float* in, float* out, size_t rows) const = 0;
  size_t channels() const { return channels_; }

 protected:
  explicit PointwiseOp(size_t channels) : channels_(channels) {}

 private:
  size_t channels_;
};

// An activation function as a PointwiseOp.
class ActivationOp final : public PointwiseOp {
 public:
  ActivationOp(const ActivationFn& f, size_t channels) : PointwiseOp(channels), f_(f) {}
  void Run(const float* in, float* out, size_t rows) const override;

 private:
  ActivationFn f_;
};

// Rows of a shape: H*W rows of C for a map, one row of N for a vector.
size_t RowsOf(const Shape& shape);
size_t ChannelsOf(const Shape& shape);

// Runs `op` on `rows` rows, split by whole rows among the pool's threads.
void RunPointwise(const PointwiseOp& op, const float* in, float* out, size_t rows,
                  pthreadpool_t threadpool);

// A kind's PointwiseOp for layer `layer` on inputs of `channels` channels, from its stored weights.
using MakePointwise = Status (*)(const Layer& layer, const std::vector<TensorView>& weights,
                                 size_t channels, std::unique_ptr<PointwiseOp>* out);

// The runner of a pointwise layer: its op on the engine's buffers.
class PointwiseForward final : public LayerForward {
 public:
  PointwiseForward(std::unique_ptr<PointwiseOp> op, const float* in, float* out, size_t rows,
                   pthreadpool_t threadpool)
      : op_(std::move(op)), in_(in), out_(out), rows_(rows), threadpool_(threadpool) {}
  Status Run() override {
    RunPointwise(*op_, in_, out_, rows_, threadpool_);
    return Status::Ok();
  }

 private:
  std::unique_ptr<PointwiseOp> op_;
  const float* in_;
  float* out_;
  size_t rows_;
  pthreadpool_t threadpool_;
};

// A pointwise op as a tile runner (batches of tiles of any size, nothing outside them needed).
class PointwiseTiles final : public TileRunner {
 public:
  PointwiseTiles(std::unique_ptr<PointwiseOp> op, pthreadpool_t threadpool)
      : op_(std::move(op)), threadpool_(threadpool) {}
  Status Run(const float* input, size_t batch, size_t height, size_t width,
             float* output) override {
    RunPointwise(*op_, input, output, batch * height * width, threadpool_);
    return Status::Ok();
  }

 private:
  std::unique_ptr<PointwiseOp> op_;
  pthreadpool_t threadpool_;
};

// LayerKindOps::forward and ::tiles of a pointwise kind.
template <MakePointwise make>
Status ForwardPointwise(const ForwardContext& c, std::unique_ptr<LayerForward>* out) {
  std::unique_ptr<PointwiseOp> op;
  CONVSCOPE_RETURN_IF_ERROR(make(*c.layer, *c.views, ChannelsOf(c.input_shape()), &op));
  *out = std::make_unique<PointwiseForward>(std::move(op), c.input(), c.output,
                                            RowsOf(c.input_shape()), c.threadpool);
  return Status::Ok();
}
// The identity (Dropout at inference; ZeroPadding2D's tiles, whose zeros the gathering adds): a
// MakePointwise.
Status MakeCopyOp(const Layer& layer, const std::vector<TensorView>& weights, size_t channels,
                  std::unique_ptr<PointwiseOp>* out);

Status PointwiseTilesFor(const ModelFile& model, size_t index, MakePointwise make,
                         pthreadpool_t threadpool, std::unique_ptr<TileRunner>* out);
template <MakePointwise make>
Status TilesPointwise(const ModelFile& model, size_t index, pthreadpool_t threadpool,
                      std::unique_ptr<TileRunner>* out) {
  return PointwiseTilesFor(model, index, make, threadpool, out);
}

}  // namespace convscope

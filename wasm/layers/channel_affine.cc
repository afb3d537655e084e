#include "channel_affine.h"

#include "model/model_file.h"

namespace convscope {

void AffineOp::Run(const float* in, float* out, size_t rows) const {
  const size_t c = channels();
  for (size_t r = 0; r < rows; ++r) {
    for (size_t k = 0; k < c; ++k) {
      out[r * c + k] = in[r * c + k] * affine_.scale[k] + affine_.shift[k];
    }
  }
}

Status AffinePointwise(const Layer& layer, const std::vector<TensorView>& weights, size_t channels,
                       MakeAffine make, std::unique_ptr<PointwiseOp>* out) {
  ChannelAffine affine;
  CONVSCOPE_RETURN_IF_ERROR(make(layer, weights, channels, &affine));
  *out = std::make_unique<AffineOp>(std::move(affine));
  return Status::Ok();
}

Status AffineBackward(const BackwardContext& c, MakeAffine make, std::vector<float>* gradient) {
  const Layer& l = c.model->header().layers[c.index].layer;
  const size_t channels = ChannelsOf(c.input_shape());
  ChannelAffine affine;
  CONVSCOPE_RETURN_IF_ERROR(make(l, c.model->Weights(c.index), channels, &affine));
  for (size_t i = 0; i < gradient->size(); ++i) (*gradient)[i] *= affine.scale[i % channels];
  return Status::Ok();
}

Status PerChannel(const std::vector<double>& values, size_t channels, const std::string& what,
                  std::vector<float>* out) {
  if (values.size() != 1 && values.size() != channels) {
    return Status::Error(what + " has " + std::to_string(values.size()) + " values for " +
                         std::to_string(channels) + " channels");
  }
  out->resize(channels);
  for (size_t c = 0; c < channels; ++c) {
    (*out)[c] = static_cast<float>(values.size() == 1 ? values[0] : values[c]);
  }
  return Status::Ok();
}

}  // namespace convscope

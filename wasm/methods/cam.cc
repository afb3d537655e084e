#include "cam.h"

#include <algorithm>
#include <string>

#include "images/resample.h"

namespace convscope {

Status CamActivationOf(const MethodInput& in, const char* label, CamInput* out) {
  const Layer& l = in.header->layers[in.layer].layer;
  if (l.output_shape.size() != 3 || in.layer == 0) {
    return Status::Error(std::string(label) + " needs a convolution or pooling layer; " + l.name +
                         " has output " + ShapeString(l.output_shape));
  }
  out->h = l.output_shape[0];
  out->w = l.output_shape[1];
  out->k = l.output_shape[2];
  out->a = in.engine->activation(in.layer);
  return Status::Ok();
}

Status CamInputOf(const MethodInput& in, const char* label, CamInput* out) {
  CONVSCOPE_RETURN_IF_ERROR(CamActivationOf(in, label, out));
  return in.backward->Gradient(*in.engine, in.class_index, in.layer, BackwardMode::kPlain, &out->g);
}

std::vector<double> WeightedChannels(const CamInput& c, std::span<const double> weights) {
  std::vector<double> cam(c.h * c.w, 0.0);
  for (size_t p = 0; p < cam.size(); ++p) {
    for (size_t i = 0; i < c.k; ++i) cam[p] += weights[i] * c.a[p * c.k + i];
  }
  return cam;
}

void FinishCam(const MethodInput& in, const char* method, const CamInput& c,
               const std::vector<double>& cam, Explanation* out) {
  out->raw.resize(cam.size());
  for (size_t p = 0; p < cam.size(); ++p) out->raw[p] = static_cast<float>(std::max(cam[p], 0.0));
  out->method = method;
  out->layer = in.layer;
  out->raw_shape = {c.h, c.w};
  const Shape& input = in.header->layers.front().layer.output_shape;
  out->height = input[0];
  out->width = input[1];
  std::vector<float> normalized = out->raw;
  out->value_range = NormalizeMap(normalized, kCamScale);
  out->map = ResizeBilinear(normalized, c.h, c.w, out->height, out->width);
}

}  // namespace convscope

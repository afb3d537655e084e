#include "layer_runtime.h"

#include <string>
#include <vector>

namespace convscope {
namespace {

constexpr uint32_t kInputId = 0, kOutputId = 1;

std::vector<size_t> BatchDims(const Shape& s) {
  std::vector<size_t> dims = {1};
  dims.insert(dims.end(), s.begin(), s.end());
  return dims;
}

}  // namespace

Status LayerRuntime::Create(const Layer& layer, const Shape& input_shape, DefineNode define,
                            pthreadpool_t threadpool, float* input, float* output,
                            std::unique_ptr<LayerRuntime>* out) {
  auto fail = [&](const Status& s) {
    return Status::Error("layer " + layer.name + " (" + layer.keras_class + "): " + s.message());
  };
  CONVSCOPE_RETURN_IF_ERROR(EnsureXnnInitialized());
  xnn_subgraph_t raw = nullptr;
  if (Status s = XnnCheck(xnn_create_subgraph(2, 0, &raw), "xnn_create_subgraph"); !s.ok()) {
    return fail(s);
  }
  SubgraphPtr subgraph(raw);
  const std::vector<size_t> in_dims = BatchDims(input_shape);
  const std::vector<size_t> out_dims = BatchDims(layer.output_shape);
  uint32_t input_id = 0, output_id = 0;
  Status s =
      XnnCheck(xnn_define_tensor_value(raw, xnn_datatype_fp32, in_dims.size(), in_dims.data(),
                                       nullptr, kInputId, XNN_VALUE_FLAG_EXTERNAL_INPUT, &input_id),
               "defining the input");
  if (s.ok()) {
    s = XnnCheck(
        xnn_define_tensor_value(raw, xnn_datatype_fp32, out_dims.size(), out_dims.data(), nullptr,
                                kOutputId, XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &output_id),
        "defining the output");
  }
  if (s.ok()) s = define(raw, layer, input_shape, input_id, output_id);
  if (!s.ok()) return fail(s);

  std::unique_ptr<LayerRuntime> r(new LayerRuntime());
  r->channels_ = input_shape.back();
  s = CreateRuntime(raw, threadpool, &r->runtime_);
  if (s.ok() && input != nullptr) {
    s = ReshapeRuntimeInput(r->runtime_.get(), kInputId,
                            {1, input_shape[0], input_shape[1], input_shape[2]}, &r->input_dims_);
    const xnn_external_value externals[2] = {{kInputId, input}, {kOutputId, output}};
    if (s.ok()) {
      s = XnnCheck(xnn_setup_runtime_v2(r->runtime_.get(), 2, externals), "setting up the runtime");
    }
  }
  if (!s.ok()) return fail(s);
  *out = std::move(r);
  return Status::Ok();
}

Status LayerRuntime::RunBatch(const float* input, size_t batch, size_t height, size_t width,
                              float* output) {
  CONVSCOPE_RETURN_IF_ERROR(ReshapeRuntimeInput(runtime_.get(), kInputId,
                                                {batch, height, width, channels_}, &input_dims_));
  const xnn_external_value externals[2] = {{kInputId, const_cast<float*>(input)},
                                           {kOutputId, output}};
  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_setup_runtime_v2(runtime_.get(), 2, externals), "setting up a layer"));
  return Run();
}

}  // namespace convscope

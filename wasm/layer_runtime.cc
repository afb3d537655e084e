#include "layer_runtime.h"

#include <limits>
#include <string>
#include <vector>

namespace convscope {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr uint32_t kInputId = 0, kOutputId = 1, kLogitsId = 2;

// Defines the value feeding a Conv2D or Dense node: the f32 input itself, or its per-image int8
// quantization when the weights are int8.
Status DefineGemmInput(xnn_subgraph_t g, const LayerWeights& w, const std::vector<size_t>& dims,
                       size_t nonbatch_dims, uint32_t input_id, uint32_t* gemm_input_id) {
  *gemm_input_id = input_id;
  if (w.kernel_int8.empty()) return Status::Ok();
  CONVSCOPE_RETURN_IF_ERROR(XnnCheck(xnn_define_dynamically_quantized_tensor_value(
                                         g, xnn_datatype_qdint8, dims.size(), nonbatch_dims,
                                         dims.data(), XNN_INVALID_VALUE_ID, 0, gemm_input_id),
                                     "defining a quantized input"));
  return XnnCheck(xnn_define_unary(g, xnn_unary_convert, nullptr, input_id, *gemm_input_id, 0),
                  "defining the input quantization");
}

Status DefineKernel(xnn_subgraph_t g, const LayerWeights& w, const std::vector<size_t>& dims,
                    uint32_t* kernel_id) {
  if (!w.kernel_int8.empty()) {
    return XnnCheck(xnn_define_channelwise_quantized_tensor_value(
                        g, xnn_datatype_qcint8, w.scales.data(), dims.size(), /*channel_dim=*/0,
                        dims.data(), w.kernel_int8.data(), XNN_INVALID_VALUE_ID, 0, kernel_id),
                    "defining int8 weights");
  }
  return XnnCheck(xnn_define_tensor_value(g, xnn_datatype_fp32, dims.size(), dims.data(),
                                          w.kernel_f32.data(), XNN_INVALID_VALUE_ID, 0, kernel_id),
                  "defining f32 weights");
}

Status DefineBias(xnn_subgraph_t g, const LayerWeights& w, uint32_t* bias_id) {
  *bias_id = XNN_INVALID_VALUE_ID;
  if (w.bias.empty()) return Status::Ok();
  const size_t dims[1] = {w.bias.size()};
  return XnnCheck(xnn_define_tensor_value(g, xnn_datatype_fp32, 1, dims, w.bias.data(),
                                          XNN_INVALID_VALUE_ID, 0, bias_id),
                  "defining the bias");
}

Status DefineLayer(xnn_subgraph_t g, const Layer& l, const Shape& in, const LayerWeights& w,
                   uint32_t input_id, uint32_t output_id, bool* has_logits) {
  *has_logits = false;
  const float relu_min = l.activation == Activation::kRelu ? 0.0f : -kInf;
  switch (l.kind) {
    case LayerKind::kConv2D: {
      uint32_t gemm_input = 0, kernel = 0, bias = 0;
      CONVSCOPE_RETURN_IF_ERROR(
          DefineGemmInput(g, w, {1, in[0], in[1], in[2]}, 3, input_id, &gemm_input));
      CONVSCOPE_RETURN_IF_ERROR(
          DefineKernel(g, w, {l.units, l.kernel_h, l.kernel_w, in[2]}, &kernel));
      CONVSCOPE_RETURN_IF_ERROR(DefineBias(g, w, &bias));
      // Keras 'same' with stride 1 and an odd kernel pads (k - 1) / 2 on every side.
      const auto ph = static_cast<uint32_t>(l.padding == Padding::kSame ? (l.kernel_h - 1) / 2 : 0);
      const auto pw = static_cast<uint32_t>(l.padding == Padding::kSame ? (l.kernel_w - 1) / 2 : 0);
      return XnnCheck(xnn_define_convolution_2d(
                          g, ph, pw, ph, pw, static_cast<uint32_t>(l.kernel_h),
                          static_cast<uint32_t>(l.kernel_w), 1, 1, 1, 1, 1, in[2], l.units,
                          relu_min, kInf, gemm_input, kernel, bias, output_id, 0),
                      "defining the convolution");
    }
    case LayerKind::kMaxPooling2D:
      return XnnCheck(xnn_define_max_pooling_2d(
                          g, 0, 0, 0, 0, static_cast<uint32_t>(l.kernel_h),
                          static_cast<uint32_t>(l.kernel_w), static_cast<uint32_t>(l.stride_h),
                          static_cast<uint32_t>(l.stride_w), 1, 1, -kInf, kInf, input_id, output_id,
                          l.padding == Padding::kSame ? XNN_FLAG_TENSORFLOW_SAME_PADDING : 0),
                      "defining the max pooling");
    case LayerKind::kFlatten: {
      const size_t shape[2] = {1, in[0] * in[1] * in[2]};
      return XnnCheck(xnn_define_static_reshape(g, 2, shape, input_id, output_id, 0),
                      "defining the flatten");
    }
    case LayerKind::kGlobalAveragePooling2D: {
      const size_t axes[2] = {1, 2};
      return XnnCheck(xnn_define_static_reduce(g, xnn_reduce_mean, 2, axes, input_id, output_id, 0),
                      "defining the global average pooling");
    }
    case LayerKind::kDense: {
      uint32_t gemm_input = 0, kernel = 0, bias = 0;
      CONVSCOPE_RETURN_IF_ERROR(DefineGemmInput(g, w, {1, in[0]}, 1, input_id, &gemm_input));
      CONVSCOPE_RETURN_IF_ERROR(DefineKernel(g, w, {l.units, in[0]}, &kernel));
      CONVSCOPE_RETURN_IF_ERROR(DefineBias(g, w, &bias));
      if (l.activation != Activation::kSoftmax) {
        return XnnCheck(
            xnn_define_fully_connected(g, relu_min, kInf, gemm_input, kernel, bias, output_id, 0),
            "defining the dense layer");
      }
      // Softmax: keep the logits (explanations use them) as an output of their own.
      *has_logits = true;
      const size_t dims[2] = {1, l.units};
      uint32_t logits = 0;
      CONVSCOPE_RETURN_IF_ERROR(
          XnnCheck(xnn_define_tensor_value(g, xnn_datatype_fp32, 2, dims, nullptr, kLogitsId,
                                           XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &logits),
                   "defining the logits"));
      CONVSCOPE_RETURN_IF_ERROR(
          XnnCheck(xnn_define_fully_connected(g, -kInf, kInf, gemm_input, kernel, bias, logits, 0),
                   "defining the dense layer"));
      return XnnCheck(xnn_define_softmax(g, logits, output_id, 0), "defining the softmax");
    }
    case LayerKind::kInput:
      break;
  }
  return Status::Error("layer " + l.name + " has no runtime");
}

std::vector<size_t> BatchDims(const Shape& s) {
  std::vector<size_t> dims = {1};
  dims.insert(dims.end(), s.begin(), s.end());
  return dims;
}

}  // namespace

Status LayerRuntime::Create(const Layer& layer, const Shape& input_shape,
                            const LayerWeights& weights, pthreadpool_t threadpool, float* input,
                            float* output, float* logits, std::unique_ptr<LayerRuntime>* out) {
  auto fail = [&](const Status& s) {
    return Status::Error("layer " + layer.name + " (" + KerasClassName(layer.kind) +
                         "): " + s.message());
  };
  CONVSCOPE_RETURN_IF_ERROR(EnsureXnnInitialized());
  xnn_subgraph_t raw = nullptr;
  if (Status s = XnnCheck(xnn_create_subgraph(3, 0, &raw), "xnn_create_subgraph"); !s.ok()) {
    return fail(s);
  }
  SubgraphPtr subgraph(raw);
  const std::vector<size_t> in_dims = BatchDims(input_shape);
  const std::vector<size_t> out_dims = BatchDims(layer.output_shape);
  uint32_t input_id = 0, output_id = 0;
  bool has_logits = false;
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
  if (s.ok()) s = DefineLayer(raw, layer, input_shape, weights, input_id, output_id, &has_logits);
  if (!s.ok()) return fail(s);

  std::unique_ptr<LayerRuntime> r(new LayerRuntime());
  s = CreateRuntime(raw, threadpool, &r->runtime_);
  if (!s.ok()) return fail(s);
  xnn_runtime_t runtime = r->runtime_.get();
  s = XnnCheck(xnn_reshape_runtime(runtime), "reshaping the runtime");
  if (!s.ok()) return fail(s);
  std::vector<xnn_external_value> externals = {{kInputId, input}, {kOutputId, output}};
  if (has_logits) externals.push_back({kLogitsId, logits});
  s = XnnCheck(xnn_setup_runtime_v2(runtime, externals.size(), externals.data()),
               "setting up the runtime");
  if (!s.ok()) return fail(s);
  *out = std::move(r);
  return Status::Ok();
}

}  // namespace convscope

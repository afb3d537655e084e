#include "conv2d.h"

#include <cmath>
#include <limits>
#include <string>

#include "base/checked_math.h"

namespace convscope {
namespace {

std::string Describe(const Conv2dShape& s) {
  std::string d = "convolution with kernel " + std::to_string(s.kernel_height) + "x" +
                  std::to_string(s.kernel_width) + "x" + std::to_string(s.group_in_channels()) +
                  "x" + std::to_string(s.out_channels);
  if (s.groups > 1) d += " in " + std::to_string(s.groups) + " groups";
  if (s.stride_height > 1 || s.stride_width > 1) {
    d += ", stride " + std::to_string(s.stride_height) + "x" + std::to_string(s.stride_width);
  }
  if (s.dilation_height > 1 || s.dilation_width > 1) {
    d += ", dilation " + std::to_string(s.dilation_height) + "x" + std::to_string(s.dilation_width);
  }
  return d + " on " + std::to_string(s.height) + "x" + std::to_string(s.width) + " input";
}

Status Fail(const Conv2dShape& s, const std::string& why) {
  return Status::Error("failed to create " + Describe(s) + ": " + why);
}

}  // namespace

Status ValidateConv2d(const Conv2dShape& s, size_t weights_size, size_t bias_size) {
  const struct {
    const char* name;
    size_t value;
  } positive[] = {{"height", s.height},
                  {"width", s.width},
                  {"inChannels", s.in_channels},
                  {"outChannels", s.out_channels},
                  {"kernelHeight", s.kernel_height},
                  {"kernelWidth", s.kernel_width},
                  {"strideHeight", s.stride_height},
                  {"strideWidth", s.stride_width},
                  {"dilationHeight", s.dilation_height},
                  {"dilationWidth", s.dilation_width},
                  {"groups", s.groups}};
  for (const auto& p : positive) {
    if (p.value == 0) return Fail(s, std::string(p.name) + " must be positive, got 0");
  }
  if (s.in_channels % s.groups != 0 || s.out_channels % s.groups != 0) {
    return Fail(s, "the channels must divide into the groups");
  }
  // Sizes come from JavaScript or a model file: every product is checked before it is used.
  const auto in_elems = ElementCount({s.height, s.width, s.in_channels});
  const auto w_elems =
      ElementCount({s.out_channels, s.kernel_height, s.kernel_width, s.group_in_channels()});
  const auto window = ElementCount({s.kernel_height, s.kernel_width, s.dilation_height,
                                    s.dilation_width, s.stride_height, s.stride_width});
  if (!in_elems || !w_elems || !window) {
    return Fail(s, "a tensor would exceed " + std::to_string(kMaxTensorElements) + " elements");
  }
  // Every dimension is now below kMaxTensorElements, so the sums below cannot overflow.
  if (s.padding_height >= s.window_height() || s.padding_width >= s.window_width() ||
      s.padding_bottom_extra > 1 || s.padding_right_extra > 1) {
    const std::string padding =
        s.padding_height == s.padding_width
            ? std::to_string(s.padding_height)
            : std::to_string(s.padding_height) + "x" + std::to_string(s.padding_width);
    return Fail(s, "padding " + padding + " must be smaller than the kernel");
  }
  if (s.padded_height() < s.window_height() || s.padded_width() < s.window_width()) {
    return Fail(s, "the kernel is larger than the padded input");
  }
  if (!ElementCount({s.output_height(), s.output_width(), s.out_channels})) {
    return Fail(s, "the output would exceed " + std::to_string(kMaxTensorElements) + " elements");
  }
  if (weights_size != *w_elems) {
    return Fail(s, "weights has " + std::to_string(weights_size) + " elements, expected " +
                       std::to_string(*w_elems) + " (OHWI)");
  }
  if (bias_size != s.out_channels) {
    return Fail(s, "bias has " + std::to_string(bias_size) + " elements, expected " +
                       std::to_string(s.out_channels));
  }
  return Status::Ok();
}

Status Conv2d::Create(const Conv2dShape& shape, Precision precision, std::span<const float> weights,
                      std::span<const float> bias, pthreadpool_t threadpool,
                      std::unique_ptr<Conv2d>* conv_out, Conv2dBuffers buffers) {
  if (Status s = ValidateConv2d(shape, weights.size(), bias.size()); !s.ok()) return s;
  for (float w : weights) {
    if (!std::isfinite(w)) return Fail(shape, "weights contain NaN or infinity");
  }
  for (float b : bias) {
    if (!std::isfinite(b)) return Fail(shape, "bias contains NaN or infinity");
  }
  LayerWeights w{.bias = bias};
  ChannelwiseInt8 quantized;  // packed by Create below, then dropped
  if (precision == Precision::kF32) {
    w.kernel_f32 = weights;
  } else {
    quantized = QuantizeChannelwise(weights, shape.out_channels);
    w.kernel_int8 = quantized.values;
    w.scales = quantized.scales;
  }
  return Create(shape, w, threadpool, conv_out, buffers);
}

Status Conv2d::Create(const Conv2dShape& shape, const LayerWeights& weights,
                      pthreadpool_t threadpool, std::unique_ptr<Conv2d>* conv_out,
                      Conv2dBuffers buffers) {
  const bool int8 = !weights.kernel_int8.empty();
  const size_t kernel_size = int8 ? weights.kernel_int8.size() : weights.kernel_f32.size();
  // A layer may have no bias (Keras' use_bias=False).
  const size_t bias_size = weights.bias.empty() ? shape.out_channels : weights.bias.size();
  if (Status s = ValidateConv2d(shape, kernel_size, bias_size); !s.ok()) return s;
  if (int8 && weights.scales.size() != shape.out_channels) {
    return Fail(shape, "int8 weights need one scale per output channel");
  }
  if (Status s = EnsureXnnInitialized(); !s.ok()) return s;

  std::unique_ptr<Conv2d> conv(new Conv2d());
  conv->shape_ = shape;
  conv->precision_ = int8 ? Precision::kInt8 : Precision::kF32;
  conv->input_size_ = shape.height * shape.width * shape.in_channels;
  conv->output_size_ = shape.output_height() * shape.output_width() * shape.out_channels;
  if (buffers == Conv2dBuffers::kOwn) {
    conv->input_.assign(conv->input_size_ + XNN_EXTRA_BYTES / sizeof(float), 0.0f);
    conv->output_.assign(conv->output_size_, 0.0f);
  }
  const Status built = !int8 && WinogradConv::Suits(shape)
                           ? WinogradConv::Create(shape, weights.kernel_f32, weights.bias,
                                                  threadpool, &conv->winograd_)
                           : conv->Build(weights, threadpool);
  if (!built.ok()) return Fail(shape, built.message());
  *conv_out = std::move(conv);
  return Status::Ok();
}

Conv2d::~Conv2d() = default;

// XNNPACK packs the weights and the bias when the runtime is created, so the caller's copies need
// not outlive this.
Status Conv2d::Build(const LayerWeights& w, pthreadpool_t threadpool) {
  const Conv2dShape& s = shape_;
  xnn_subgraph_t raw_subgraph = nullptr;
  CONVSCOPE_RETURN_IF_ERROR(XnnCheck(
      xnn_create_subgraph(/*external_value_ids=*/2, 0, &raw_subgraph), "xnn_create_subgraph"));
  SubgraphPtr subgraph(raw_subgraph);
  xnn_subgraph_t g = subgraph.get();

  const size_t input_dims[4] = {1, s.height, s.width, s.in_channels};
  const size_t output_dims[4] = {1, s.output_height(), s.output_width(), s.out_channels};
  const size_t weight_dims[4] = {s.out_channels, s.kernel_height, s.kernel_width,
                                 s.group_in_channels()};
  const size_t bias_dims[1] = {s.out_channels};
  uint32_t input_id = XNN_INVALID_VALUE_ID;
  uint32_t output_id = XNN_INVALID_VALUE_ID;
  uint32_t weights_id = XNN_INVALID_VALUE_ID;
  uint32_t bias_id = XNN_INVALID_VALUE_ID;

  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_define_tensor_value(g, xnn_datatype_fp32, 4, input_dims, nullptr, 0,
                                       XNN_VALUE_FLAG_EXTERNAL_INPUT, &input_id),
               "defining the input"));
  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_define_tensor_value(g, xnn_datatype_fp32, 4, output_dims, nullptr, 1,
                                       XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &output_id),
               "defining the output"));
  if (!w.bias.empty()) {
    CONVSCOPE_RETURN_IF_ERROR(
        XnnCheck(xnn_define_tensor_value(g, xnn_datatype_fp32, 1, bias_dims, w.bias.data(),
                                         XNN_INVALID_VALUE_ID, 0, &bias_id),
                 "defining the bias"));
  }

  uint32_t conv_input_id = input_id;
  if (precision_ == Precision::kF32) {
    CONVSCOPE_RETURN_IF_ERROR(
        XnnCheck(xnn_define_tensor_value(g, xnn_datatype_fp32, 4, weight_dims, w.kernel_f32.data(),
                                         XNN_INVALID_VALUE_ID, 0, &weights_id),
                 "defining the f32 weights"));
  } else {
    CONVSCOPE_RETURN_IF_ERROR(
        XnnCheck(xnn_define_channelwise_quantized_tensor_value(
                     g, xnn_datatype_qcint8, w.scales.data(), 4, /*channel_dim=*/0, weight_dims,
                     w.kernel_int8.data(), XNN_INVALID_VALUE_ID, 0, &weights_id),
                 "defining the int8 weights"));
    // Activations are quantized on the fly: one scale and zero point per image.
    CONVSCOPE_RETURN_IF_ERROR(XnnCheck(xnn_define_dynamically_quantized_tensor_value(
                                           g, xnn_datatype_qdint8, 4, /*num_nonbatch_dims=*/3,
                                           input_dims, XNN_INVALID_VALUE_ID, 0, &conv_input_id),
                                       "defining the quantized input"));
    CONVSCOPE_RETURN_IF_ERROR(
        XnnCheck(xnn_define_unary(g, xnn_unary_convert, nullptr, input_id, conv_input_id, 0),
                 "defining the input quantization"));
  }

  constexpr float kInf = std::numeric_limits<float>::infinity();
  const auto u32 = [](size_t v) { return static_cast<uint32_t>(v); };
  const uint32_t top = u32(s.padding_height), left = u32(s.padding_width);
  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_define_convolution_2d(
                   g, top, left + u32(s.padding_right_extra), top + u32(s.padding_bottom_extra),
                   left, u32(s.kernel_height), u32(s.kernel_width), u32(s.stride_height),
                   u32(s.stride_width), u32(s.dilation_height), u32(s.dilation_width),
                   u32(s.groups), s.group_in_channels(), s.out_channels / s.groups,
                   s.relu ? 0.0f : -kInf, kInf, conv_input_id, weights_id, bias_id, output_id, 0),
               "defining the convolution"));

  CONVSCOPE_RETURN_IF_ERROR(CreateRuntime(g, threadpool, &runtime_));
  if (input_.empty()) return Status::Ok();  // the caller's buffers, set up by RunOn or RunBatch
  return Setup(input_.data(), 1, s.height, s.width, output_.data());
}

Status Conv2d::Setup(const float* input, size_t batch, size_t height, size_t width, float* output) {
  CONVSCOPE_RETURN_IF_ERROR(ReshapeRuntimeInput(
      runtime_.get(), 0, {batch, height, width, shape_.in_channels}, &runtime_input_dims_));
  // The subgraph's external values: 0 is the input, 1 the output.
  const xnn_external_value externals[2] = {{0, const_cast<float*>(input)}, {1, output}};
  return XnnCheck(xnn_setup_runtime_v2(runtime_.get(), 2, externals), "xnn_setup_runtime_v2");
}

Status Conv2d::Run() {
  if (input_.empty()) return Status::Error("this convolution runs on its caller's buffers (RunOn)");
  if (winograd_) return winograd_->Run(input_.data(), output_.data());
  return XnnCheck(xnn_invoke_runtime(runtime_.get()), "running the convolution");
}

Status Conv2d::RunOn(std::span<const float> input, std::span<float> output) {
  if (!input_.empty() || input.size() < input_size_ + XNN_EXTRA_BYTES / sizeof(float) ||
      output.size() < output_size_) {
    return Status::Error(
        "RunOn needs a convolution made with Conv2dBuffers::kCaller, an input of " +
        std::to_string(input_size_) + " values and padding, and an output of " +
        std::to_string(output_size_));
  }
  return RunBatch(input.data(), 1, shape_.height, shape_.width, output.data());
}

Status Conv2d::RunBatch(const float* input, size_t batch, size_t height, size_t width,
                        float* output) {
  const Conv2dShape& s = shape_;
  if (!input_.empty() ||
      height + 2 * s.padding_height + s.padding_bottom_extra < s.window_height() ||
      width + 2 * s.padding_width + s.padding_right_extra < s.window_width()) {
    return Status::Error(
        "RunBatch needs a convolution made with Conv2dBuffers::kCaller and an input the kernel "
        "fits in, got " +
        std::to_string(height) + "x" + std::to_string(width));
  }
  if (winograd_) return winograd_->Run(input, batch, height, width, output);
  CONVSCOPE_RETURN_IF_ERROR(Setup(input, batch, height, width, output));
  return XnnCheck(xnn_invoke_runtime(runtime_.get()), "running the convolution");
}

}  // namespace convscope

#include "conv2d_transpose.h"

#include <limits>
#include <vector>

namespace convscope {

Status Conv2dTranspose::Create(const Conv2dShape& s, std::span<const float> weights,
                               pthreadpool_t threadpool, std::unique_ptr<Conv2dTranspose>* out) {
  CONVSCOPE_RETURN_IF_ERROR(EnsureXnnInitialized());
  const size_t groups = s.groups, conv_in = s.group_in_channels();
  const size_t conv_out = s.out_channels / groups, kh = s.kernel_height, kw = s.kernel_width;
  if (weights.size() != s.out_channels * kh * kw * conv_in) {
    return Status::Error("the transposed convolution's weights do not fit its shape");
  }
  // XNNPACK's deconvolution filter is [group][its output channel][kh][kw][its input channel]: the
  // convolution's [group][out][kh][kw][in] with in and out swapped within each group.
  std::vector<float> filter(weights.size());
  for (size_t g = 0; g < groups; ++g)
    for (size_t o = 0; o < conv_out; ++o)
      for (size_t k = 0; k < kh * kw; ++k)
        for (size_t i = 0; i < conv_in; ++i) {
          filter[((g * conv_in + i) * kh * kw + k) * conv_out + o] =
              weights[((g * conv_out + o) * kh * kw + k) * conv_in + i];
        }
  xnn_subgraph_t raw = nullptr;
  CONVSCOPE_RETURN_IF_ERROR(XnnCheck(xnn_create_subgraph(2, 0, &raw), "xnn_create_subgraph"));
  SubgraphPtr subgraph(raw);
  const size_t in_dims[4] = {1, s.output_height(), s.output_width(), s.out_channels};
  const size_t out_dims[4] = {1, s.height, s.width, s.in_channels};
  const size_t filter_dims[4] = {groups * conv_in, kh, kw, conv_out};
  uint32_t input_id = 0, output_id = 0, filter_id = 0;
  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_define_tensor_value(raw, xnn_datatype_fp32, 4, in_dims, nullptr, 0,
                                       XNN_VALUE_FLAG_EXTERNAL_INPUT, &input_id),
               "defining the gradient"));
  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_define_tensor_value(raw, xnn_datatype_fp32, 4, out_dims, nullptr, 1,
                                       XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &output_id),
               "defining the input gradient"));
  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_define_tensor_value(raw, xnn_datatype_fp32, 4, filter_dims, filter.data(),
                                       XNN_INVALID_VALUE_ID, 0, &filter_id),
               "defining the transposed weights"));
  // Rows of the input the convolution never read (past its last window) get no gradient: the
  // adjustment adds them below and to the right.
  const auto u32 = [](size_t v) { return static_cast<uint32_t>(v); };
  const size_t top = s.padding_height, bottom = s.padding_height + s.padding_bottom_extra;
  const size_t left = s.padding_width, right = s.padding_width + s.padding_right_extra;
  const size_t reached_h = (s.output_height() - 1) * s.stride_height + s.window_height();
  const size_t reached_w = (s.output_width() - 1) * s.stride_width + s.window_width();
  const size_t adjust_h = s.height + top + bottom - reached_h;
  const size_t adjust_w = s.width + left + right - reached_w;
  constexpr float kInf = std::numeric_limits<float>::infinity();
  CONVSCOPE_RETURN_IF_ERROR(XnnCheck(
      xnn_define_deconvolution_2d(raw, u32(top), u32(right), u32(bottom), u32(left), u32(adjust_h),
                                  u32(adjust_w), u32(kh), u32(kw), u32(s.stride_height),
                                  u32(s.stride_width), u32(s.dilation_height),
                                  u32(s.dilation_width), u32(groups), conv_out, conv_in, -kInf,
                                  kInf, input_id, filter_id, XNN_INVALID_VALUE_ID, output_id, 0),
      "defining the transposed convolution"));
  std::unique_ptr<Conv2dTranspose> t(new Conv2dTranspose());
  t->forward_ = s;
  CONVSCOPE_RETURN_IF_ERROR(CreateRuntime(raw, threadpool, &t->runtime_));
  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_reshape_runtime(t->runtime_.get()), "reshaping the transpose"));
  *out = std::move(t);
  return Status::Ok();
}

Status Conv2dTranspose::Run(std::span<const float> output_gradient,
                            std::span<float> input_gradient) {
  const Conv2dShape& s = forward_;
  if (output_gradient.size() < s.output_height() * s.output_width() * s.out_channels ||
      input_gradient.size() < s.height * s.width * s.in_channels) {
    return Status::Error("the transposed convolution got buffers of the wrong size");
  }
  const xnn_external_value externals[2] = {{0, const_cast<float*>(output_gradient.data())},
                                           {1, input_gradient.data()}};
  CONVSCOPE_RETURN_IF_ERROR(
      XnnCheck(xnn_setup_runtime_v2(runtime_.get(), 2, externals), "setting up the transpose"));
  return XnnCheck(xnn_invoke_runtime(runtime_.get()), "running the transposed convolution");
}

}  // namespace convscope

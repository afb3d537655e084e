#include "preprocess.h"

namespace convscope {

Status PreprocessingFor(const std::string& mode, Preprocessing* p) {
  const std::array<double, 3> zero = {0.0, 0.0, 0.0}, one = {1.0, 1.0, 1.0};
  if (mode == "caffe") {
    *p = Preprocessing{};  // BGR, minus the ImageNet mean, no scaling
  } else if (mode == "tf") {
    *p = {PreprocessingMode::kTf, ChannelOrder::kRGB, 1.0 / 127.5, one, one};
  } else if (mode == "torch") {
    *p = {PreprocessingMode::kTorch,
          ChannelOrder::kRGB,
          1.0 / 255.0,
          {0.485, 0.456, 0.406},
          {0.229, 0.224, 0.225}};
  } else if (mode == "rescale") {
    *p = {PreprocessingMode::kRescale, ChannelOrder::kRGB, 1.0 / 255.0, zero, one};
  } else if (mode == "raw") {
    *p = {PreprocessingMode::kRaw, ChannelOrder::kRGB, 1.0, zero, one};
  } else {
    return Status::Error("unknown preprocessing '" + mode +
                         "' (use rescale, raw, caffe, tf or torch)");
  }
  return Status::Ok();
}

void Preprocess(const RgbImage& image, const Preprocessing& p, size_t channels,
                std::span<float> out) {
  for (size_t i = 0; i < image.width * image.height; ++i) {
    const uint8_t* pixel = &image.pixels[i * 3];
    if (channels == 1) {
      out[i] = PreprocessValue(p, Luminance(pixel), 0);
      continue;
    }
    for (size_t c = 0; c < 3; ++c)
      out[i * 3 + c] = PreprocessValue(p, pixel[SourceChannel(p, c)], c);
  }
}

void Deprocess(std::span<const float> input, const Preprocessing& p, size_t channels,
               std::span<float> rgb) {
  for (size_t i = 0; i * channels < input.size(); ++i) {
    for (size_t c = 0; c < 3; ++c) {
      rgb[i * 3 + (channels == 1 ? c : SourceChannel(p, c))] =
          DeprocessValue(p, input[i * channels + (channels == 1 ? 0 : c)], channels == 1 ? 0 : c);
    }
  }
}

}  // namespace convscope

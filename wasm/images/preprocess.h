// The model's pixel preprocessing (wasm/model/model_header.h) in one place, both ways: an RGB pixel
// value in [0, 255] becomes model channel c's input value x' = (x * scale - mean[c]) / std[c],
// model channel c reading RGB channel SourceChannel(c) (BGR models swap red and blue) or, for a
// grayscale model, the pixel's luminance (Luminance); Deprocess turns model input values back into
// RGB pixel values (a grayscale model's gray in all three).
#pragma once

#include <span>
#include <string>

#include "image.h"
#include "model/model_header.h"

namespace convscope {

// The RGB channel that model channel `channel` of a 3-channel model reads.
inline size_t SourceChannel(const Preprocessing& p, size_t channel) {
  return p.channel_order == ChannelOrder::kBGR ? 2 - channel : channel;
}

// A pixel's gray value as tf.image.rgb_to_grayscale weighs it (ITU-R BT.601), not rounded.
inline double Luminance(const uint8_t* rgb) {
  return 0.2989 * rgb[0] + 0.5870 * rgb[1] + 0.1140 * rgb[2];
}

// The numbers of a preprocessing mode: Keras' preprocess_input modes (caffe, tf, torch), rescale
// (x / 255) and raw (0-255 as is).
Status PreprocessingFor(const std::string& mode, Preprocessing* p);

// One pixel value of model channel `channel`, preprocessed.
inline float PreprocessValue(const Preprocessing& p, double pixel, size_t channel) {
  return static_cast<float>((pixel * p.scale - p.mean[channel]) / p.std[channel]);
}

// One preprocessed value of model channel `channel` back as a pixel value (not rounded or clamped).
inline float DeprocessValue(const Preprocessing& p, float value, size_t channel) {
  return static_cast<float>((value * p.std[channel] + p.mean[channel]) / p.scale);
}

// `out` has width * height * channels floats, NHWC; `channels` is the model's, 3 or 1.
void Preprocess(const RgbImage& image, const Preprocessing& p, size_t channels,
                std::span<float> out);

// `input` (NHWC, `channels` channels, as Preprocess writes it) back to RGB pixel values in `rgb`
// (3 per pixel), not rounded or clamped.
void Deprocess(std::span<const float> input, const Preprocessing& p, size_t channels,
               std::span<float> rgb);

}  // namespace convscope

#include "explanation.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace convscope {

std::string ArithmeticLabel(const Explanation& x) {
  if (x.weights == x.activations) return PrecisionName(x.weights);
  return std::string(PrecisionName(x.weights)) + " weights, " + PrecisionName(x.activations) +
         " pass";
}

Status CheckPartResults(const PartResults& results, size_t parts, size_t passes, size_t pass_size) {
  if (results.size() != parts) {
    return Status::Error("combining needs the results of all " + std::to_string(parts) +
                         " parts, got " + std::to_string(results.size()));
  }
  for (size_t p = 0; p < parts; ++p) {
    const size_t want = PassParts{p, parts}.Count(passes) * pass_size;
    if (results[p].size() != want) {
      return Status::Error("part " + std::to_string(p) + " of " + std::to_string(parts) + " has " +
                           std::to_string(results[p].size()) + " values, expected " +
                           std::to_string(want) + ": was it made with the same options?");
    }
  }
  return Status::Ok();
}

Status ReportProgress(const ProgressFn& progress, double fraction) {
  if (progress && !progress(fraction)) return Status::Error("cancelled");
  return Status::Ok();
}

Status InputGradientAt(const MethodInput& in, std::span<const float> input, BackwardMode mode,
                       std::vector<float>* gradient) {
  std::copy(input.begin(), input.end(), in.engine->input().begin());
  CONVSCOPE_RETURN_IF_ERROR(in.engine->Run());
  return in.backward->Gradient(*in.engine, in.class_index, 0, mode, gradient);
}

std::vector<float> MaxAbsOverChannels(std::span<const float> values, size_t channels) {
  std::vector<float> map(values.size() / channels, 0.0f);
  for (size_t p = 0; p < map.size(); ++p) {
    for (size_t c = 0; c < channels; ++c)
      map[p] = std::max(map[p], std::fabs(values[p * channels + c]));
  }
  return map;
}

ValueRange NormalizeMinMax(std::span<float> map) {
  if (map.empty()) return {};
  const auto [lo, hi] = std::minmax_element(map.begin(), map.end());
  const float min = *lo, max = *hi, range = max - min;
  for (float& v : map) v = range > 0 ? (v - min) / range : 0.0f;
  return {min, max};
}

std::vector<float> ResampleBilinear(std::span<const float> map, size_t height, size_t width,
                                    size_t out_height, size_t out_width, AxisMap rows,
                                    AxisMap cols) {
  auto source = [](size_t d, AxisMap axis, size_t in, size_t* i0, size_t* i1, float* t) {
    const double s = std::clamp(static_cast<double>(d) * axis.scale + axis.offset, 0.0,
                                static_cast<double>(in - 1));
    *i0 = static_cast<size_t>(std::floor(s));
    *i1 = std::min(*i0 + 1, in - 1);
    *t = static_cast<float>(s - static_cast<double>(*i0));
  };
  std::vector<float> out(out_height * out_width);
  for (size_t y = 0; y < out_height; ++y) {
    size_t y0, y1;
    float ty;
    source(y, rows, height, &y0, &y1, &ty);
    for (size_t x = 0; x < out_width; ++x) {
      size_t x0, x1;
      float tx;
      source(x, cols, width, &x0, &x1, &tx);
      const float top = map[y0 * width + x0] * (1 - tx) + map[y0 * width + x1] * tx;
      const float bottom = map[y1 * width + x0] * (1 - tx) + map[y1 * width + x1] * tx;
      out[y * out_width + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

std::vector<float> ResizeBilinear(std::span<const float> map, size_t height, size_t width,
                                  size_t out_height, size_t out_width) {
  // Source coordinate of output pixel d: (d + 0.5) * in / out - 0.5.
  auto half_pixel = [](size_t in, size_t out) {
    const double scale = static_cast<double>(in) / static_cast<double>(out);
    return AxisMap{scale, 0.5 * scale - 0.5};
  };
  return ResampleBilinear(map, height, width, out_height, out_width, half_pixel(height, out_height),
                          half_pixel(width, out_width));
}

}  // namespace convscope

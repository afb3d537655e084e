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

Status CheckParts(size_t part, size_t parts) {
  if (parts == 0 || parts > kMaxParts || part >= parts) {
    return Status::Error("part must be 0 to parts - 1 and parts 1 to " + std::to_string(kMaxParts) +
                         ", got part " + std::to_string(part) + " of " + std::to_string(parts));
  }
  return Status::Ok();
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

ValueRange NormalizeMap(std::span<float> map, MapScale scale) {
  float largest = 0;  // the largest value, or |value| when signed
  for (float v : map) largest = std::max(largest, scale == MapScale::kSigned ? std::fabs(v) : v);
  if (scale == MapScale::kSigned) {
    for (float& v : map) v = largest > 0 ? 0.5f + 0.5f * v / largest : 0.5f;
    return {-largest, largest};
  }
  for (float& v : map) v = largest > 0 ? std::max(v, 0.0f) / largest : 0.0f;
  return {0, largest};
}

}  // namespace convscope

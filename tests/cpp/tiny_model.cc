#include "tiny_model.h"

#include <random>

#include "quantize.h"
#include "test_seed.h"

namespace convscope::testing {
namespace {

Layer MakeLayer(const char* json) {
  const Json j = Json::parse(json);
  std::optional<Layer> layer;
  (void)LayerFromKeras(j["class_name"].get<std::string>(), j["config"], &layer);
  return *layer;
}

}  // namespace

TinyModel MakeTinyModel(bool int8) {
  TinyModel m;
  std::mt19937 rng(7);
  m.conv_kernel_ohwi = RandomVector(rng, 4 * 3 * 3 * 3, -0.5f, 0.5f);
  m.conv_bias = RandomVector(rng, 4, -0.1f, 0.1f);
  m.dense_kernel_oi = RandomVector(rng, 3 * 36, -0.5f, 0.5f);
  m.dense_bias = RandomVector(rng, 3, -0.1f, 0.1f);

  std::vector<Layer> layers = {
      MakeLayer(R"({"class_name": "InputLayer", "config": {"name": "input_1",
                    "batch_input_shape": [null, 6, 6, 3]}})"),
      MakeLayer(R"({"class_name": "Conv2D", "config": {"name": "block1_conv1", "filters": 4,
                    "kernel_size": [3, 3], "padding": "same", "activation": "relu"}})"),
      MakeLayer(R"({"class_name": "MaxPooling2D", "config": {"name": "block1_pool",
                    "pool_size": [2, 2], "padding": "valid"}})"),
      MakeLayer(R"({"class_name": "Flatten", "config": {"name": "flatten"}})"),
      MakeLayer(R"({"class_name": "Dense", "config": {"name": "predictions", "units": 3,
                    "activation": "softmax"}})")};
  (void)InferShapes(&layers);

  auto add = [&](std::span<const uint8_t> bytes) {
    m.sections.emplace_back(bytes.begin(), bytes.end());
    return m.sections.size() - 1;
  };
  auto weight = [&](const char* name, Shape keras_shape, const std::vector<float>& values) {
    WeightEntry w;
    w.name = name;
    w.keras_shape = keras_shape;
    w.shape = StoredShape(keras_shape);
    w.layout = StoredLayout(keras_shape);
    w.stats = Json::object();
    if (int8 && keras_shape.size() > 1) {
      const ChannelwiseInt8 q = QuantizeChannelwise(values, w.shape.front());
      w.dtype = DType::kInt8;
      w.data_section = add(AsBytes(std::span<const int8_t>(q.values)));
      w.scales_section = add(AsBytes(std::span<const float>(q.scales)));
    } else {
      w.data_section = add(AsBytes(std::span<const float>(values)));
    }
    return w;
  };
  ModelHeader& h = m.header;
  h.name = "tiny";
  h.precision = int8 ? "int8" : "f32";
  h.labels = {"cat", "dog", "bird"};
  h.layers.resize(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    h.layers[i].layer = layers[i];
    h.total_params += layers[i].params;
  }
  h.layers[1].weights = {weight("kernel", {3, 3, 3, 4}, m.conv_kernel_ohwi),
                         weight("bias", {4}, m.conv_bias)};
  h.layers[4].weights = {weight("kernel", {36, 3}, m.dense_kernel_oi),
                         weight("bias", {3}, m.dense_bias)};
  // Section offsets as the builder will lay them out.
  ModelBuilder layout;
  for (const auto& s : m.sections) layout.AddSection(s);
  h.sections = layout.sections();
  return m;
}

std::vector<uint8_t> BuildFile(const TinyModel& model, const Json& header) {
  ModelBuilder builder;
  for (const auto& s : model.sections) builder.AddSection(s);
  return builder.Finish(header);
}

}  // namespace convscope::testing

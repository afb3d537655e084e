#include "test_models.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "engine/quantize.h"

namespace convscope::testing {

TestModel MakeModel(const std::vector<Json>& configs, bool int8, uint32_t seed,
                    std::vector<std::string> labels) {
  TestModel m;
  std::mt19937 rng(seed);
  std::vector<Layer> layers;
  for (const Json& j : configs) {
    Layer layer;
    const Status s = LayerFromKeras(j["class_name"].get<std::string>(), j["config"],
                                    KerasDialect::kKeras3, &layer);
    if (!s.ok()) std::abort();  // a bug in the test itself
    if (const Json* inbound = Find(j, "inbound")) {
      for (const Json& name : *inbound) {
        const auto from = std::find_if(layers.begin(), layers.end(), [&](const Layer& l) {
          return l.name == name.get<std::string>();
        });
        if (from == layers.end()) std::abort();
        layer.inputs.push_back(static_cast<size_t>(from - layers.begin()));
      }
    }
    layers.push_back(layer);
  }
  if (!InferShapes(&layers).ok()) std::abort();

  ModelHeader& h = m.header;
  h.name = "test";
  h.precision = int8 ? Precision::kInt8 : Precision::kF32;
  h.labels = std::move(labels);
  h.layers.resize(layers.size());
  m.weights.resize(layers.size());
  auto add = [&](std::span<const uint8_t> bytes) {
    m.sections.emplace_back(bytes.begin(), bytes.end());
    return m.sections.size() - 1;
  };
  for (size_t i = 0; i < layers.size(); ++i) {
    h.layers[i].layer = layers[i];
    h.total_params += layers[i].params;
    h.trainable_params += layers[i].trainable_params;
    const Shape input = i == 0 ? Shape() : layers[layers[i].inputs[0]].output_shape;
    for (const WeightSpec& spec : StoredWeightSpecs(layers[i], input)) {
      const Shape& keras_shape = spec.keras_shape;
      WeightEntry w;
      const bool kernel = spec.quantizable;
      w.name = spec.name;
      w.keras_shape = keras_shape;
      w.shape = StoredShape(spec);
      w.layout = LayoutName(spec.layout);
      w.trainable = spec.trainable;
      w.stats = Json::object();
      size_t n = 1;
      for (size_t d : keras_shape) n *= d;
      // He initialization (kernels), small biases.
      const double fan_in = kernel ? static_cast<double>(n / keras_shape.back()) : 1.0;
      std::normal_distribution<float> dist(
          0.0f, kernel ? static_cast<float>(std::sqrt(2.0 / fan_in)) : 0.05f);
      std::vector<float> values(n);
      for (float& v : values) v = dist(rng);
      // A variance is positive (BatchNormalization's moving one, Normalization's).
      if (std::string(spec.name).find("variance") != std::string::npos) {
        for (float& v : values) v = std::fabs(v) * 10 + 0.5f;
      }
      if (int8 && kernel) {
        const ChannelwiseInt8 q = QuantizeChannelwise(values, w.shape.front());
        w.dtype = Precision::kInt8;
        w.data_section = add(AsBytes(std::span<const int8_t>(q.values)));
        w.scales_section = add(AsBytes(std::span<const float>(q.scales)));
      } else {
        w.data_section = add(AsBytes(std::span<const float>(values)));
      }
      m.weights[i].push_back(std::move(values));
      h.layers[i].weights.push_back(std::move(w));
    }
  }
  ModelBuilder layout;  // section offsets as BuildFile will lay them out
  for (const auto& s : m.sections) layout.AddSection(s);
  h.sections = layout.sections();
  return m;
}

TestModel MakeTinyModel(bool int8) {
  return MakeModel(
      {Json::parse(R"({"class_name": "InputLayer", "config": {"name": "input_1",
                       "batch_input_shape": [null, 6, 6, 3]}})"),
       Json::parse(R"({"class_name": "Conv2D", "config": {"name": "block1_conv1", "filters": 4,
                       "kernel_size": [3, 3], "padding": "same", "activation": "relu"}})"),
       Json::parse(R"({"class_name": "MaxPooling2D", "config": {"name": "block1_pool",
                       "pool_size": [2, 2], "padding": "valid"}})"),
       Json::parse(R"({"class_name": "Flatten", "config": {"name": "flatten"}})"),
       Json::parse(R"({"class_name": "Dense", "config": {"name": "predictions", "units": 3,
                       "activation": "softmax"}})")},
      int8, 7, {"cat", "dog", "bird"});
}

TestModel MakeVgg16(const VggSpec& v) {
  std::vector<Json> layers = {
      {{"class_name", "InputLayer"},
       {"config", {{"name", "input_1"}, {"batch_input_shape", {nullptr, v.input, v.input, 3}}}}}};
  const size_t blocks[5][2] = {{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}};
  for (size_t b = 0; b < 5; ++b) {
    const std::string block = "block" + std::to_string(b + 1);
    for (size_t c = 1; c <= blocks[b][0]; ++c) {
      layers.push_back({{"class_name", "Conv2D"},
                        {"config",
                         {{"name", block + "_conv" + std::to_string(c)},
                          {"filters", std::max<size_t>(1, blocks[b][1] / v.width_divisor)},
                          {"kernel_size", {3, 3}},
                          {"padding", "same"},
                          {"activation", "relu"}}}});
    }
    layers.push_back(
        {{"class_name", "MaxPooling2D"},
         {"config", {{"name", block + "_pool"}, {"pool_size", {2, 2}}, {"padding", "valid"}}}});
  }
  layers.push_back({{"class_name", "Flatten"}, {"config", {{"name", "flatten"}}}});
  for (const auto& [name, units, activation] :
       {std::tuple{"fc1", v.fc_units, "relu"}, std::tuple{"fc2", v.fc_units, "relu"},
        std::tuple{"predictions", v.classes, "softmax"}}) {
    layers.push_back({{"class_name", "Dense"},
                      {"config", {{"name", name}, {"units", units}, {"activation", activation}}}});
  }
  std::vector<std::string> labels;
  for (size_t i = 0; i < v.classes; ++i) labels.push_back("class " + std::to_string(i));
  return MakeModel(layers, v.int8, v.seed, labels);
}

std::vector<uint8_t> BuildFile(const TestModel& model, const Json& header) {
  ModelBuilder builder;
  for (const auto& s : model.sections) builder.AddSection(s);
  return builder.Finish(header);
}

OpenedModel::OpenedModel(const TestModel& model) : raw(BuildFile(model)), bytes(raw) {
  if (!ModelFile::Open(bytes.span, &file).ok()) file.reset();
}

}  // namespace convscope::testing

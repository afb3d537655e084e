// libFuzzer target: the Keras model config reader (model_convert/keras_model_config.h) on any
// text — config.json of a .keras archive or a legacy .h5's model_config, in both dialects (the
// input's size picks one). Beyond "no crash": an architecture it accepts has consistent shapes, and
// every layer reads back from its own Keras config (LayerToKeras, then LayerFromKeras) unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "keras_model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace convert = convscope::convert;
  const convert::ConfigOptions options{.dialect = size % 2 == 0 ? convscope::KerasDialect::kKeras3
                                                                : convscope::KerasDialect::kKeras2,
                                       .free_height = 8 + size % 24,
                                       .free_width = 8 + size % 17};
  convert::Architecture a;
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!convert::ArchitectureFromModelConfig(text, options, &a).ok()) return 0;
  std::vector<convscope::Layer> again;
  for (const convscope::Layer& l : a.layers) {
    const convscope::Json keras = convscope::LayerToKeras(l);
    convscope::Layer back;
    const convscope::Status s =
        convscope::LayerFromKeras(keras["class_name"].get<std::string>(), keras["config"],
                                  convscope::KerasDialect::kKeras3, &back);
    if (!s.ok()) {
      std::fprintf(stderr, "layer %s does not read back: %s\n", l.name.c_str(),
                   s.message().c_str());
      std::abort();
    }
    back.inputs = l.inputs;
    again.push_back(back);
  }
  if (!convscope::InferShapes(&again).ok()) std::abort();
  for (size_t i = 0; i < again.size(); ++i) {
    if (again[i].output_shape != a.layers[i].output_shape ||
        again[i].params != a.layers[i].params ||
        convscope::LayerToKeras(again[i]) != convscope::LayerToKeras(a.layers[i])) {
      std::fprintf(stderr, "layer %s changed on its way back\n", a.layers[i].name.c_str());
      std::abort();
    }
  }
  return 0;
}

#include "converter.h"

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include "atomic_file.h"
#include "imagenet_labels.h"
#include "json_util.h"
#include "keras_architecture.h"
#include "keras_file.h"
#include "model_builder.h"
#include "quantize.h"
#include "weight_stats.h"

namespace convscope::convert {
namespace {

// Keras' preprocess_input modes, applied to RGB pixels in [0, 255].
Status PreprocessingFor(const std::string& mode, Preprocessing* p) {
  if (mode == "caffe") {
    *p = Preprocessing{};  // BGR, minus the ImageNet mean, no scaling
  } else if (mode == "tf") {
    *p = {"tf", "RGB", 1.0 / 127.5, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}};
  } else if (mode == "torch") {
    *p = {"torch", "RGB", 1.0 / 255.0, {0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}};
  } else {
    return Status::Error("unknown preprocessing '" + mode + "' (use caffe, tf or torch)");
  }
  return Status::Ok();
}

// Keras' class index ({"0": ["n01440764", "tench"], ...}) or a plain list of names.
Status ParseLabels(const std::string& text, const std::string& what,
                   std::vector<std::string>* labels) {
  Json j;
  CONVSCOPE_RETURN_IF_ERROR(ParseJson(text, what, &j));
  labels->clear();
  if (j.is_array()) {
    for (const Json& e : j) {
      if (!e.is_string()) return Status::Error(what + ": every label must be a string");
      labels->push_back(e.get<std::string>());
    }
    return Status::Ok();
  }
  if (!j.is_object()) return Status::Error(what + " must be a list or a Keras class index");
  labels->resize(j.size());
  for (const auto& [key, value] : j.items()) {
    char* end = nullptr;
    const unsigned long index = std::strtoul(key.c_str(), &end, 10);
    if (*end != '\0' || index >= labels->size() || !value.is_array() || value.size() != 2 ||
        !value[1].is_string()) {
      return Status::Error(what + ": entry \"" + key + "\" is not index: [id, name]");
    }
    (*labels)[index] = value[1].get<std::string>();
  }
  return Status::Ok();
}

Status LoadLabels(const ConvertOptions& o, size_t outputs, std::vector<std::string>* labels) {
  if (o.labels_path.empty()) {
    if (outputs == 1000) return ParseLabels(ImagenetClassIndexJson(), "ImageNet labels", labels);
    return Status::Ok();
  }
  std::ifstream in(o.labels_path);
  if (!in) return Status::Error("cannot read labels file " + o.labels_path);
  std::stringstream text;
  text << in.rdbuf();
  CONVSCOPE_RETURN_IF_ERROR(ParseLabels(text.str(), o.labels_path, labels));
  if (labels->size() != outputs) {
    return Status::Error(o.labels_path + " has " + std::to_string(labels->size()) +
                         " labels but the model has " + std::to_string(outputs) + " outputs");
  }
  return Status::Ok();
}

// Keras HWIO (conv) or (in, out) (dense) -> OHWI or (out, in); a bias stays as it is.
std::vector<float> ToStoredLayout(const std::vector<float>& v, const Shape& keras) {
  if (keras.size() != 4 && keras.size() != 2) return v;
  const size_t out = keras.back();
  const size_t per_out = v.size() / out;  // kh*kw*in, or in
  std::vector<float> t(v.size());
  for (size_t i = 0; i < per_out; ++i) {
    for (size_t o = 0; o < out; ++o) t[o * per_out + i] = v[i * out + o];
  }
  return t;
}

class LayerConverter {
 public:
  LayerConverter(const KerasFile& file, const ConvertOptions& options, ModelBuilder* builder,
                 const ConvertProgress& progress)
      : file_(file), options_(options), builder_(builder), progress_(progress) {}

  Status Convert(const Layer& layer, const Shape& input, LayerEntry* entry) {
    entry->layer = layer;
    const std::vector<Shape> expected = KerasWeightShapes(layer, input);
    if (expected.empty()) return Status::Ok();
    const std::string where = file_.path() + ": layer " + layer.name;
    const KerasLayerWeights* stored = file_.Find(layer.name);
    if (stored == nullptr) return Status::Error(where + " has no weights in the file");
    if (stored->weights.size() != expected.size()) {
      return Status::Error(where + " has " + std::to_string(stored->weights.size()) +
                           " weights in the file, the architecture needs " +
                           std::to_string(expected.size()));
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      const KerasWeight& w = stored->weights[i];
      if (w.shape != expected[i]) {
        return Status::Error(where + ": weight " + w.name + " has shape " + DimsString(w.shape) +
                             ", the architecture needs " + DimsString(expected[i]));
      }
      WeightEntry out;
      CONVSCOPE_RETURN_IF_ERROR(ConvertWeight(layer, w, i == 0 ? "kernel" : "bias", &out));
      entry->weights.push_back(std::move(out));
    }
    return Status::Ok();
  }

 private:
  Status ConvertWeight(const Layer& layer, const KerasWeight& w, const char* role,
                       WeightEntry* out) {
    std::vector<float> values;
    CONVSCOPE_RETURN_IF_ERROR(file_.ReadWeight(layer.name, w, &values));
    done_ += values.size() * sizeof(float);
    if (progress_) progress_(done_, file_.total_weight_bytes(), layer.name);
    for (size_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(values[i])) {
        return Status::Error(file_.path() + ": layer " + layer.name + ": weight " + w.name +
                             " contains " + (std::isnan(values[i]) ? "NaN" : "infinity") +
                             " (element " + std::to_string(i) + ")");
      }
    }
    out->name = role;
    out->keras_shape = w.shape;
    out->shape = StoredShape(w.shape);
    out->layout = StoredLayout(w.shape);
    out->stats = WeightStats(values);
    const std::vector<float> stored = ToStoredLayout(values, w.shape);
    values = {};  // free the Keras copy before quantizing: peak stays near 2x one weight
    const bool quantize = options_.precision == "int8" && std::string(role) == "kernel";
    if (!quantize) {
      out->dtype = DType::kF32;
      out->data_section = builder_->AddSection(AsBytes(std::span<const float>(stored)));
      return Status::Ok();
    }
    const ChannelwiseInt8 q = QuantizeChannelwise(stored, out->shape.front());
    out->quantization = QuantizationError(stored, q);
    out->dtype = DType::kInt8;
    out->data_section = builder_->AddSection(AsBytes(std::span<const int8_t>(q.values)));
    out->scales_section = builder_->AddSection(AsBytes(std::span<const float>(q.scales)));
    return Status::Ok();
  }

  const KerasFile& file_;
  const ConvertOptions& options_;
  ModelBuilder* builder_;
  const ConvertProgress& progress_;
  uint64_t done_ = 0;
};

}  // namespace

Status Convert(const ConvertOptions& o, const ConvertProgress& progress, ConvertResult* result) {
  if (o.precision != "f32" && o.precision != "int8") {
    return Status::Error("unknown precision '" + o.precision + "' (use f32 or int8)");
  }
  ModelHeader h;
  CONVSCOPE_RETURN_IF_ERROR(PreprocessingFor(o.preprocessing, &h.preprocessing));
  std::unique_ptr<KerasFile> file;
  CONVSCOPE_RETURN_IF_ERROR(KerasFile::Open(o.input, &file));
  Architecture arch;
  if (file->layout() == KerasLayout::kFullModel) {
    if (Status s = ArchitectureFromModelConfig(file->model_config(), &arch); !s.ok()) {
      return Status::Error(o.input + ": " + s.message());
    }
  } else {
    CONVSCOPE_RETURN_IF_ERROR(InferVgg16(*file, &arch));
  }
  if (o.notop) {
    size_t keep = 0;
    while (keep < arch.layers.size() && arch.layers[keep].kind != LayerKind::kFlatten &&
           arch.layers[keep].kind != LayerKind::kDense &&
           arch.layers[keep].kind != LayerKind::kGlobalAveragePooling2D) {
      ++keep;
    }
    arch.layers.resize(keep);
    if (arch.name == "vgg16") arch.name = "vgg16_notop";
  }
  const Shape& output = arch.layers.back().output_shape;
  if (output.size() == 1) {
    CONVSCOPE_RETURN_IF_ERROR(LoadLabels(o, output[0], &h.labels));
  } else if (!o.labels_path.empty()) {
    return Status::Error("--labels needs a model with a flat output, this one ends in " +
                         ShapeString(output));
  }

  // Fail before reading hundreds of megabytes, not after.
  CONVSCOPE_RETURN_IF_ERROR(CheckWritable(o.output));
  ModelBuilder builder;
  LayerConverter converter(*file, o, &builder, progress);
  Shape input;
  for (const Layer& layer : arch.layers) {
    LayerEntry entry;
    CONVSCOPE_RETURN_IF_ERROR(converter.Convert(layer, input, &entry));
    h.total_params += layer.params;
    input = layer.output_shape;
    h.layers.push_back(std::move(entry));
  }
  h.name = arch.name;
  h.precision = o.precision;
  h.source = {{"file", o.input.substr(o.input.find_last_of('/') + 1)},
              {"layout", KerasLayoutName(file->layout())},
              {"architecture", arch.origin},
              {"keras_version", file->keras_version()},
              {"backend", file->backend()}};
  h.converter = {{"name", "model_convert"}, {"version", kConverterVersion}};
  h.sections = builder.sections();
  const std::vector<uint8_t> bytes = builder.Finish(HeaderToJson(h));
  CONVSCOPE_RETURN_IF_ERROR(WriteFileAtomically(o.output, bytes));
  result->file_size = bytes.size();
  result->origin = arch.origin;
  result->header = std::move(h);
  return Status::Ok();
}

}  // namespace convscope::convert

#include "converter.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include "atomic_file.h"
#include "base/json_util.h"
#include "engine/quantize.h"
#include "imagenet_labels.h"
#include "keras_architecture.h"
#include "keras_file.h"
#include "model/model_builder.h"
#include "model/model_format.h"
#include "weight_stats.h"

namespace convscope::convert {
namespace {

// Keras' preprocess_input modes, applied to RGB pixels in [0, 255].
Status PreprocessingFor(const std::string& mode, Preprocessing* p) {
  if (mode == "caffe") {
    *p = Preprocessing{};  // BGR, minus the ImageNet mean, no scaling
  } else if (mode == "tf") {
    *p = {
        PreprocessingMode::kTf, ChannelOrder::kRGB, 1.0 / 127.5, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}};
  } else if (mode == "torch") {
    *p = {PreprocessingMode::kTorch,
          ChannelOrder::kRGB,
          1.0 / 255.0,
          {0.485, 0.456, 0.406},
          {0.229, 0.224, 0.225}};
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

// Elements read from the Keras file at a time: the Keras-layout copy of a weight never exists
// whole, so converting fc1 (411 MB of f32) needs 411 MB + 16 MB, not twice 411 MB.
constexpr size_t kBlockElements = size_t{4} << 20;

// Room reserved for the JSON header (VGG16's, with its weight histograms, is about 60 KB).
constexpr size_t kHeaderAllowance = size_t{1} << 20;

// Where a weight's values go: Keras HWIO (conv) or (in, out) (dense) is stored OHWI or (out, in);
// a bias stays as it is.
struct StoredLayoutMap {
  explicit StoredLayoutMap(const KerasWeight& w)
      : transpose(w.shape.size() == 4 || w.shape.size() == 2),
        out(w.shape.empty() ? 1 : std::max<size_t>(w.shape.back(), 1)),
        per_out(w.elements / out) {}
  // Calls fn(k, o, stored) for the values k = 0..count-1 of a block starting at Keras' flat index
  // `first` (a multiple of out: blocks are whole rows): o is the value's output channel, stored
  // its index in the stored layout.
  template <typename Fn>
  void ForEach(size_t first, size_t count, Fn fn) const {
    for (size_t k = 0; k < count; k += out) {
      const size_t i = (first + k) / out;
      for (size_t o = 0; o < out && k + o < count; ++o) {
        fn(k + o, o, transpose ? o * per_out + i : first + k + o);
      }
    }
  }

  bool transpose;
  size_t out;      // output channels (Keras' last axis)
  size_t per_out;  // kh*kw*in, or in
};

// Reads a weight block by block (rows of Keras' first axis, about kBlockElements values) and calls
// fn(first, block) with the flat Keras index of block[0]; the Keras-layout copy never exists whole.
// Refuses NaN and infinity, naming the first one.
template <typename Fn>
Status ForEachBlock(const KerasFile& file, const std::string& layer, const KerasWeight& w, Fn fn) {
  const size_t rows = w.shape.empty() ? 0 : w.shape[0];
  const size_t row_elements = rows == 0 ? 0 : w.elements / rows;
  const size_t block_rows = std::max<size_t>(1, kBlockElements / std::max<size_t>(row_elements, 1));
  std::vector<float> block;
  for (size_t row = 0; row < rows; row += block_rows) {
    const size_t n = std::min(block_rows, rows - row);
    block.resize(n * row_elements);
    CONVSCOPE_RETURN_IF_ERROR(file.ReadWeightRows(layer, w, row, n, block.data()));
    const size_t first = row * row_elements;
    for (size_t k = 0; k < block.size(); ++k) {
      if (!std::isfinite(block[k])) {
        return Status::Error(file.path() + ": layer " + layer + ": weight " + w.name +
                             " contains " + (std::isnan(block[k]) ? "NaN" : "infinity") +
                             " (element " + std::to_string(first + k) + ")");
      }
    }
    CONVSCOPE_RETURN_IF_ERROR(fn(first, std::span<const float>(block)));
  }
  return Status::Ok();
}

class LayerConverter {
 public:
  LayerConverter(const KerasFile& file, Precision precision, ModelBuilder* builder,
                 const ConvertProgress& progress)
      : file_(file), precision_(precision), builder_(builder), progress_(progress) {}

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

  // What the layer's weights will take in the model file (sections and their alignment), so the
  // builder can hold the whole file in one allocation.
  size_t OutputBytes(const Layer& layer) const {
    const KerasLayerWeights* stored = file_.Find(layer.name);
    if (stored == nullptr) return 0;
    size_t bytes = 0;
    for (size_t i = 0; i < stored->weights.size(); ++i) {
      const KerasWeight& w = stored->weights[i];
      const bool quantized = Quantized(i == 0 ? "kernel" : "bias");
      bytes += (quantized ? w.elements : w.elements * sizeof(float)) + kSectionAlignment;
      if (quantized && !w.shape.empty())
        bytes += w.shape.back() * sizeof(float) + kSectionAlignment;
    }
    return bytes;
  }

 private:
  // Streams one weight into the file being built: f32 in one read; int8 in two, one for each
  // channel's scale and one to quantize, so even fc1 (411 MB of f32) needs no f32 copy.
  Status ConvertWeight(const Layer& layer, const KerasWeight& w, const char* role,
                       WeightEntry* out) {
    out->name = role;
    out->keras_shape = w.shape;
    out->shape = StoredShape(w.shape);
    out->layout = StoredLayout(w.shape);
    const StoredLayoutMap to_stored(w);
    const bool quantized = Quantized(role);
    // Progress counts bytes read, a twice-read weight's at half weight per pass.
    const double per_byte = quantized ? 0.5 : 1.0;
    WeightStatsBuilder stats;
    size_t index = 0;
    std::span<float> f32;
    if (!quantized) {
      const std::span<uint8_t> section =
          builder_->AppendSection(w.elements * sizeof(float), &index);
      f32 = {reinterpret_cast<float*>(section.data()), w.elements};
    }
    std::vector<float> max_abs(quantized ? to_stored.out : 0, 0.0f);
    CONVSCOPE_RETURN_IF_ERROR(ForEachBlock(file_, layer.name, w, [&](size_t first, auto block) {
      stats.AddMoments(block);
      to_stored.ForEach(first, block.size(), [&](size_t k, size_t o, size_t stored) {
        if (quantized) {
          max_abs[o] = std::max(max_abs[o], std::fabs(block[k]));
        } else {
          f32[stored] = block[k];
        }
      });
      return Progress(layer, static_cast<double>(block.size() * sizeof(float)) * per_byte);
    }));
    if (!quantized) {
      stats.AddToHistogram(f32);
      out->stats = stats.Finish();
      out->dtype = Precision::kF32;
      out->data_section = index;
      return Status::Ok();
    }
    std::vector<float> scales(max_abs.size());
    std::transform(max_abs.begin(), max_abs.end(), scales.begin(), ChannelScale);
    const std::span<uint8_t> section = builder_->AppendSection(w.elements, &index);
    QuantizationErrorBuilder error;
    CONVSCOPE_RETURN_IF_ERROR(ForEachBlock(file_, layer.name, w, [&](size_t first, auto block) {
      stats.AddToHistogram(block);
      to_stored.ForEach(first, block.size(), [&](size_t k, size_t o, size_t stored) {
        const int8_t q = QuantizeValue(block[k], scales[o]);
        section[stored] = static_cast<uint8_t>(q);
        error.Add(block[k], scales[o], q);
      });
      return Progress(layer, static_cast<double>(block.size() * sizeof(float)) * per_byte);
    }));
    out->stats = stats.Finish();
    out->quantization = error.Finish();
    out->dtype = Precision::kInt8;
    out->data_section = index;
    out->scales_section = builder_->AddSection(AsBytes(std::span<const float>(scales)));
    return Status::Ok();
  }

  // Reports `bytes` more read; an error when the caller cancelled.
  Status Progress(const Layer& layer, double bytes) {
    done_ += bytes;
    if (progress_ &&
        !progress_(static_cast<uint64_t>(done_), file_.total_weight_bytes(), layer.name)) {
      return Status::Error("cancelled");
    }
    return Status::Ok();
  }

  bool Quantized(const std::string& role) const {
    return precision_ == Precision::kInt8 && role == "kernel";
  }

  const KerasFile& file_;
  const Precision precision_;
  ModelBuilder* builder_;
  const ConvertProgress& progress_;
  double done_ = 0;  // bytes read
};

}  // namespace

Status ConvertToBytes(const ConvertOptions& o, const ConvertProgress& progress,
                      ConvertResult* result, std::vector<uint8_t>* bytes) {
  ModelHeader h;
  const std::optional<size_t> precision = IndexOfName(kPrecisionNames, o.precision);
  if (!precision) {
    return Status::Error("unknown precision '" + o.precision + "' (use " +
                         OneOf(kPrecisionNames, false) + ")");
  }
  h.precision = static_cast<Precision>(*precision);
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
    // The top is everything from the first layer with a flat output (Flatten, pooling, Dense).
    size_t keep = 0;
    while (keep < arch.layers.size() && arch.layers[keep].output_shape.size() == 3) ++keep;
    arch.layers.resize(keep);
    if (arch.name == "vgg16") arch.name = "vgg16_notop";
  }
  // What the loader refuses is refused here, before any weight is read.
  for (Status s :
       {CheckLayerCount(arch.layers.size()), CheckRgbInput(arch.layers.front().output_shape)}) {
    if (!s.ok()) return Status::Error(o.input + ": " + s.message());
  }
  const Shape& output = arch.layers.back().output_shape;
  if (output.size() == 1) {
    CONVSCOPE_RETURN_IF_ERROR(LoadLabels(o, output[0], &h.labels));
  } else if (!o.labels_path.empty()) {
    return Status::Error("--labels needs a model with a flat output, this one ends in " +
                         ShapeString(output));
  }

  ModelBuilder builder;
  LayerConverter converter(*file, h.precision, &builder, progress);
  size_t file_bytes = kPreambleSize + kHeaderAllowance;
  for (const Layer& layer : arch.layers) file_bytes += converter.OutputBytes(layer);
  if (file_bytes > kMaxModelFileSize) {
    return Status::Error(o.input + ": the converted model would take " +
                         std::to_string(file_bytes) + " bytes, over the limit of " +
                         std::to_string(kMaxModelFileSize) + " for a model file");
  }
  builder.Reserve(file_bytes);
  Shape input;
  for (const Layer& layer : arch.layers) {
    LayerEntry entry;
    CONVSCOPE_RETURN_IF_ERROR(converter.Convert(layer, input, &entry));
    h.total_params += layer.params;
    input = layer.output_shape;
    h.layers.push_back(std::move(entry));
  }
  h.name = arch.name;
  h.source = {{"file", o.input.substr(o.input.find_last_of('/') + 1)},
              {"layout", KerasLayoutName(file->layout())},
              {"architecture", arch.origin},
              {"keras_version", file->keras_version()},
              {"backend", file->backend()}};
  h.converter = {{"name", "model_convert"}, {"version", kConverterVersion}};
  h.sections = builder.sections();
  *bytes = builder.Finish(HeaderToJson(h));
  result->file_size = bytes->size();
  result->origin = arch.origin;
  result->header = std::move(h);
  return Status::Ok();
}

Status Convert(const ConvertOptions& o, const ConvertProgress& progress, ConvertResult* result) {
  // Fail before reading hundreds of megabytes, not after.
  CONVSCOPE_RETURN_IF_ERROR(CheckWritable(o.output));
  std::vector<uint8_t> bytes;
  CONVSCOPE_RETURN_IF_ERROR(ConvertToBytes(o, progress, result, &bytes));
  return WriteFileAtomically(o.output, bytes);
}

}  // namespace convscope::convert

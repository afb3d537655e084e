#include "converter.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include "atomic_file.h"
#include "base/json_util.h"
#include "conversion_choices.h"
#include "engine/quantize.h"
#include "images/preprocess.h"
#include "infer_vgg16.h"
#include "keras_file.h"
#include "keras_refusals.h"
#include "model/head.h"
#include "model/model_builder.h"
#include "model/model_file.h"
#include "model/model_format.h"
#include "model_file_edit.h"
#include "nested_models.h"
#include "weight_stats.h"

namespace convscope::convert {
namespace {

// Elements read from the Keras file at a time: the Keras-layout copy of a weight never exists
// whole, so converting fc1 (411 MB of f32) needs 411 MB + 16 MB, not twice 411 MB.
constexpr size_t kBlockElements = size_t{4} << 20;

// Room reserved for the JSON header (VGG16's, with its weight histograms, is about 60 KB).
constexpr size_t kHeaderAllowance = size_t{1} << 20;

// Where a weight's values go: Keras HWIO (conv), HWCM (depthwise) or (in, out) (dense) is stored
// OHWI or (out, in), by its output channel (for a depthwise kernel C*M of them); vectors stay as
// they are.
struct StoredLayoutMap {
  StoredLayoutMap(const WeightSpec& spec, const KerasWeight& w)
      : transpose(spec.layout != WeightLayout::kAsIs),
        out(std::max<size_t>(StoredChannels(spec), 1)),
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
Status ForEachBlock(const KerasFile& file, const KerasLayerWeights& layer, const KerasWeight& w,
                    Fn fn) {
  const size_t rows = w.shape.empty() ? 1 : w.shape[0];
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
        return Status::Error(file.path() + ": layer " + layer.layer + ": weight " + w.name +
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
    const std::vector<WeightSpec> expected = WeightSpecs(layer, input);
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
      if (w.shape != expected[i].keras_shape) {
        // An archive's weights are numbered: say which one it should be.
        const std::string role = w.name.find(expected[i].name) == std::string::npos
                                     ? std::string(" (") + expected[i].name + ")"
                                     : "";
        return Status::Error(where + ": weight " + w.name + role + " has shape " +
                             DimsString(w.shape) + ", the architecture needs " +
                             DimsString(expected[i].keras_shape));
      }
      if (!expected[i].stored) continue;
      WeightEntry out;
      CONVSCOPE_RETURN_IF_ERROR(ConvertWeight(*stored, expected[i], w, &out));
      entry->weights.push_back(std::move(out));
    }
    return Status::Ok();
  }

  // What the layer's weights will take in the model file (sections and their alignment), so the
  // builder can hold the whole file in one allocation.
  size_t OutputBytes(const Layer& layer, const Shape& input) const {
    size_t bytes = 0;
    for (const WeightSpec& spec : StoredWeightSpecs(layer, input)) {
      size_t elements = 1;
      for (size_t d : spec.keras_shape) elements *= d;
      const bool quantized = Quantized(spec);
      bytes += (quantized ? elements : elements * sizeof(float)) + kSectionAlignment;
      if (quantized) bytes += StoredChannels(spec) * sizeof(float) + kSectionAlignment;
    }
    return bytes;
  }

 private:
  // Streams one weight into the file being built: f32 in one read; int8 in two, one for each
  // channel's scale and one to quantize, so even fc1 (411 MB of f32) needs no f32 copy.
  Status ConvertWeight(const KerasLayerWeights& layer, const WeightSpec& spec, const KerasWeight& w,
                       WeightEntry* out) {
    out->name = spec.name;
    out->keras_shape = w.shape;
    out->shape = StoredShape(spec);
    out->layout = LayoutName(spec.layout);
    out->trainable = spec.trainable;
    const StoredLayoutMap to_stored(spec, w);
    const bool quantized = Quantized(spec);
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
    CONVSCOPE_RETURN_IF_ERROR(ForEachBlock(file_, layer, w, [&](size_t first, auto block) {
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
      return CheckVariance(layer, spec, w, f32);
    }
    std::vector<float> scales(max_abs.size());
    std::transform(max_abs.begin(), max_abs.end(), scales.begin(), ChannelScale);
    const std::span<uint8_t> section = builder_->AppendSection(w.elements, &index);
    QuantizationErrorBuilder error;
    CONVSCOPE_RETURN_IF_ERROR(ForEachBlock(file_, layer, w, [&](size_t first, auto block) {
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
  Status Progress(const KerasLayerWeights& layer, double bytes) {
    done_ += bytes;
    if (progress_ &&
        !progress_(static_cast<uint64_t>(done_), file_.total_weight_bytes(), layer.layer)) {
      return Status::Error("cancelled");
    }
    return Status::Ok();
  }

  // A variance (BatchNormalization's moving one, Normalization's) is never negative: a file that
  // says otherwise would give NaN everywhere after it.
  Status CheckVariance(const KerasLayerWeights& layer, const WeightSpec& spec, const KerasWeight& w,
                       std::span<const float> values) const {
    const std::string name = spec.name;
    if (name != "moving_variance" && name != "variance") return Status::Ok();
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] < 0) {
        return Status::Error(file_.path() + ": layer " + layer.layer + ": weight " + w.name + " (" +
                             name + ") holds a negative variance (" + std::to_string(values[i]) +
                             " at " + std::to_string(i) + ")");
      }
    }
    return Status::Ok();
  }

  bool Quantized(const WeightSpec& spec) const {
    return precision_ == Precision::kInt8 && spec.quantizable;
  }

  const KerasFile& file_;
  const Precision precision_;
  ModelBuilder* builder_;
  const ConvertProgress& progress_;
  double done_ = 0;  // bytes read
};

// The model's layers, from its config or (a weights-only file) inferred; cut at the top with
// --notop. Refuses what the loader would refuse, before any weight is read.
Status ReadArchitecture(const ConvertOptions& o, KerasFile* file, Architecture* arch) {
  if (file->has_model_config()) {
    const ConfigOptions config{.dialect = DialectOf(file->keras_version()),
                               .free_height = o.input_height,
                               .free_width = o.input_width};
    if (Status s = ArchitectureFromModelConfig(file->model_config(), config, arch); !s.ok()) {
      return Status::Error(o.input + ": " + s.message());
    }
    if (Status s = file->BindLayers(arch->keras_layers); !s.ok()) {
      return Status::Error(o.input + ": " + s.message());
    }
  } else {
    CONVSCOPE_RETURN_IF_ERROR(InferVgg16(*file, arch));
  }
  const bool inferred_notop = arch->name == "vgg16_notop";
  if (o.notop) {
    // The top is everything after the last layer with a map output (Flatten, pooling, Dense).
    // In a graph a flat output may come early (squeeze-and-excitation's pooling): the top starts
    // after the last map.
    size_t keep = arch->layers.size();
    while (keep > 1 && arch->layers[keep - 1].output_shape.size() != 3) --keep;
    arch->layers.resize(keep);
    if (Status s = InferShapes(&arch->layers); !s.ok())
      return Status::Error(o.input + ": " + s.message());
    if (arch->name == "vgg16") arch->name = "vgg16_notop";
  }
  for (Status s :
       {CheckLayerCount(arch->layers.size()), CheckImageInput(arch->layers.front().output_shape)}) {
    if (!s.ok()) return Status::Error(o.input + ": " + s.message());
  }
  const Layer& last = arch->layers.back();
  if (!o.notop && !inferred_notop && FindHead(arch->layers).kind == HeadKind::kNone) {
    return Status::Error(o.input + ": layer " + last.name + " (" + last.keras_class + ") outputs " +
                         ShapeString(last.output_shape) +
                         ", a map rather than a vector of class scores (an autoencoder or a "
                         "feature extractor?): convscope explains classifiers (add --notop to "
                         "keep its feature maps only); " +
                         kWhatConvscopeOpens);
  }
  return Status::Ok();
}

}  // namespace

Status ConvertToBytes(const ConvertOptions& o, const ConvertProgress& progress,
                      ConvertResult* result, std::vector<uint8_t>* bytes) {
  ModelHeader h;
  const std::optional<size_t> precision =
      IndexOfName(kPrecisionNames, o.precision.empty() ? std::string("int8") : o.precision);
  if (!precision) {
    return Status::Error("unknown precision '" + o.precision + "' (use " +
                         OneOf(kPrecisionNames, false) + ")");
  }
  h.precision = static_cast<Precision>(*precision);
  if (!o.preprocessing.empty()) {
    CONVSCOPE_RETURN_IF_ERROR(PreprocessingFor(o.preprocessing, &h.preprocessing));
  }
  std::unique_ptr<KerasFile> file;
  CONVSCOPE_RETURN_IF_ERROR(KerasFile::Open(o.input, &file));
  Architecture arch;
  CONVSCOPE_RETURN_IF_ERROR(ReadArchitecture(o, file.get(), &arch));
  PreprocessingChoice preprocessing;
  CONVSCOPE_RETURN_IF_ERROR(ChoosePreprocessing(o.preprocessing, arch, &preprocessing));
  h.preprocessing = preprocessing.preprocessing;
  const Head head = FindHead(arch.layers);
  if (head.kind != HeadKind::kNone) {
    CONVSCOPE_RETURN_IF_ERROR(LoadLabels(o.labels_path, head.classes, &h.labels));
  } else if (!o.labels_path.empty()) {
    return Status::Error(
        "--labels needs a model whose output is a vector of class scores, this "
        "one ends in " +
        ShapeString(arch.layers.back().output_shape));
  }

  ModelBuilder builder;
  LayerConverter converter(*file, h.precision, &builder, progress);
  const auto input_of = [&](const Layer& l) {
    return l.inputs.empty() ? Shape() : arch.layers[l.inputs[0]].output_shape;
  };
  size_t file_bytes = kPreambleSize + kHeaderAllowance;
  for (const Layer& l : arch.layers) file_bytes += converter.OutputBytes(l, input_of(l));
  if (file_bytes > kMaxModelFileSize) {
    return Status::Error(o.input + ": the converted model would take " +
                         std::to_string(file_bytes) + " bytes, over the limit of " +
                         std::to_string(kMaxModelFileSize) + " for a model file");
  }
  builder.Reserve(file_bytes);
  for (const Layer& layer : arch.layers) {
    LayerEntry entry;
    CONVSCOPE_RETURN_IF_ERROR(converter.Convert(layer, input_of(layer), &entry));
    h.total_params += layer.params;
    h.trainable_params += layer.trainable_params;
    h.layers.push_back(std::move(entry));
  }
  h.name = arch.name;
  h.source = {{"file", o.input.substr(o.input.find_last_of('/') + 1)},
              {"layout", KerasLayoutName(file->layout())},
              {"architecture", arch.origin},
              {"model_class", arch.model_class},
              {"keras_version", file->keras_version()},
              {"backend", file->backend()},
              {"preprocessing", preprocessing.note},
              {"preprocessing_inferred", preprocessing.inferred}};
  if (!arch.input_size_note.empty()) {
    h.source["input_size"] = arch.input_size_note;
    h.source["input_free_axes"] = arch.free_axes;
  }
  if (Json nested = NestedModelsJson(arch.keras_layers); !nested.empty()) {
    h.source["nested_models"] = std::move(nested);
  }
  if (const auto& optimizer = file->optimizer_state()) {
    h.source["optimizer"] = {{"params", optimizer->params}, {"bytes", optimizer->bytes}};
  }
  h.converter = {{"name", "model_convert"}, {"version", kConverterVersion}};
  h.sections = builder.sections();
  *bytes = builder.Finish(HeaderToJson(h));
  result->file_size = bytes->size();
  result->origin = arch.origin;
  result->preprocessing_inferred = preprocessing.inferred;
  // The header as the loader reads it (the layers' shapes, the head).
  Json header = HeaderToJson(h);
  if (Status s = HeaderFromJson(header, &result->header); !s.ok()) {
    return Status::Error(o.input + ": the converted model does not read back: " + s.message());
  }
  return Status::Ok();
}

Status Convert(const ConvertOptions& o, const ConvertProgress& progress, ConvertResult* result) {
  // Fail before reading hundreds of megabytes, not after.
  CONVSCOPE_RETURN_IF_ERROR(CheckWritable(o.output));
  std::vector<uint8_t> bytes;
  const bool model_file = IsModelFile(o.input);
  if (model_file) {
    if (!o.labels_path.empty() || !o.preprocessing.empty() || o.notop || !o.precision.empty() ||
        o.input_size_given || o.training_pictures_path.empty()) {
      return Status::Error(o.input +
                           " is already a convscope model file: only --training-pictures can "
                           "change it (convert its Keras file again for anything else)");
    }
    CONVSCOPE_RETURN_IF_ERROR(ReadWholeFile(o.input, &bytes));
    std::unique_ptr<ModelFile> model;
    if (Status s = ModelFile::Open(bytes, &model); !s.ok()) {
      return Status::Error(o.input + ": " + s.message());
    }
    result->origin = "a convscope model file, header rewritten";
  } else {
    CONVSCOPE_RETURN_IF_ERROR(ConvertToBytes(o, progress, result, &bytes));
  }
  if (!o.training_pictures_path.empty()) {
    CONVSCOPE_RETURN_IF_ERROR(AddTrainingPictures(o.training_pictures_path, &bytes));
    std::unique_ptr<ModelFile> model;  // the header as the loader reads it
    CONVSCOPE_RETURN_IF_ERROR(ModelFile::Open(bytes, &model));
    result->header = model->header();
  }
  result->file_size = bytes.size();
  return WriteFileAtomically(o.output, bytes);
}

}  // namespace convscope::convert

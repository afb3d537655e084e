#include "model_edit.h"

#include <functional>
#include <memory>

#include "base/crc32.h"
#include "class_labels.h"
#include "images/preprocess.h"
#include "model_file.h"

namespace convscope {

namespace {

// `file` with its header changed by `edit`; the weights stay where they are, so only the header
// and the preamble that describes it are written again.
Status WithHeader(std::span<const uint8_t> file, const std::function<Status(ModelHeader*)>& edit,
                  std::vector<uint8_t>* out) {
  std::unique_ptr<ModelFile> model;
  CONVSCOPE_RETURN_IF_ERROR(ModelFile::Open(file, &model));
  ModelHeader header = model->header();
  CONVSCOPE_RETURN_IF_ERROR(edit(&header));
  Preamble p;
  CONVSCOPE_RETURN_IF_ERROR(DecodePreamble(file, &p));
  const Json json = HeaderToJson(header);
  const std::string text = DumpJson(json);
  p.version = static_cast<uint32_t>(json["format_version"].get<size_t>());  // the header's own
  const auto offset = static_cast<size_t>(p.header_offset);
  out->assign(file.begin(), file.begin() + static_cast<ptrdiff_t>(offset));
  out->insert(out->end(), text.begin(), text.end());
  p.header_size = text.size();
  p.file_size = out->size();
  p.header_crc32 = Crc32({out->data() + offset, text.size()});
  const auto preamble = EncodePreamble(p);
  std::copy(preamble.begin(), preamble.end(), out->begin());
  return Status::Ok();
}

}  // namespace

Status WithPreprocessing(std::span<const uint8_t> file, const std::string& mode,
                         std::vector<uint8_t>* out) {
  return WithHeader(
      file,
      [&mode](ModelHeader* header) {
        const Preprocessing before = header->preprocessing;
        CONVSCOPE_RETURN_IF_ERROR(PreprocessingFor(mode, &header->preprocessing));
        if (header->training_pictures) {
          ChangePreprocessing(before, header->preprocessing, &*header->training_pictures);
        }
        header->source["preprocessing"] = mode + ": chosen by the user";
        header->source["preprocessing_inferred"] = true;
        return Status::Ok();
      },
      out);
}

Status WithLabels(std::span<const uint8_t> file, const std::string& text, const std::string& what,
                  std::vector<uint8_t>* out) {
  return WithHeader(
      file,
      [&](ModelHeader* header) {
        std::vector<std::string> labels;
        CONVSCOPE_RETURN_IF_ERROR(ParseLabels(text, what, &labels));
        const Head& head = header->head;
        if (head.kind == HeadKind::kNone) {
          return Status::Error(what + ": the model has no class scores to name");
        }
        if (labels.size() != head.classes) {
          return Status::Error(what + " has " + std::to_string(labels.size()) +
                               (labels.size() == 1 ? " name" : " names") + " but the model has " +
                               std::to_string(head.classes) +
                               " classes: give one name per class, in the model's order");
        }
        header->labels = std::move(labels);
        return Status::Ok();
      },
      out);
}

Status WithTrainingPictures(std::span<const uint8_t> file, const Json& pictures,
                            std::vector<uint8_t>* out) {
  return WithHeader(
      file,
      [&pictures](ModelHeader* header) {
        header->training_pictures.emplace();
        return TrainingPicturesFromJson(pictures, header->layers.front().layer.output_shape, "",
                                        &*header->training_pictures);
      },
      out);
}

}  // namespace convscope

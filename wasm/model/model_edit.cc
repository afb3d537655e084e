#include "model_edit.h"

#include <memory>

#include "base/crc32.h"
#include "images/preprocess.h"
#include "model_file.h"

namespace convscope {

Status WithPreprocessing(std::span<const uint8_t> file, const std::string& mode,
                         std::vector<uint8_t>* out) {
  std::unique_ptr<ModelFile> model;
  CONVSCOPE_RETURN_IF_ERROR(ModelFile::Open(file, &model));
  ModelHeader header = model->header();
  CONVSCOPE_RETURN_IF_ERROR(PreprocessingFor(mode, &header.preprocessing));
  header.source["preprocessing"] = mode + ": chosen by the user";
  header.source["preprocessing_inferred"] = true;
  Preamble p;
  CONVSCOPE_RETURN_IF_ERROR(DecodePreamble(file, &p));
  const std::string text = DumpJson(HeaderToJson(header));
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

}  // namespace convscope

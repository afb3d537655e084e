#include "model_file_edit.h"

#include <array>
#include <fstream>
#include <iterator>
#include <string_view>

#include "base/json_util.h"
#include "model/model_edit.h"
#include "model/model_format.h"

namespace convscope::convert {

bool IsModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<uint8_t, kModelMagic.size()> magic = {};
  return in.read(reinterpret_cast<char*>(magic.data()), magic.size()) && magic == kModelMagic;
}

Status ReadWholeFile(const std::string& path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(path + ": cannot open it");
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return in.bad() ? Status::Error(path + ": cannot read it") : Status::Ok();
}

Status AddTrainingPictures(const std::string& path, std::vector<uint8_t>* bytes) {
  std::vector<uint8_t> text;
  CONVSCOPE_RETURN_IF_ERROR(ReadWholeFile(path, &text));
  Json pictures;
  CONVSCOPE_RETURN_IF_ERROR(ParseJson(
      std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), path, &pictures));
  std::vector<uint8_t> edited;
  if (Status s = WithTrainingPictures(*bytes, pictures, &edited); !s.ok()) {
    return Status::Error(path + ": " + s.message());
  }
  bytes->swap(edited);
  return Status::Ok();
}

}  // namespace convscope::convert

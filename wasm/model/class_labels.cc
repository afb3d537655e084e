#include "class_labels.h"

#include <cstdlib>
#include <sstream>

#include "base/json_util.h"

namespace convscope {

Status ParseLabels(const std::string& text, const std::string& what,
                   std::vector<std::string>* labels) {
  labels->clear();
  Json j;
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (text[first] != '[' && text[first] != '{')) {
    // One name per line.
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) labels->push_back(line);
    }
    if (labels->empty()) return Status::Error(what + " holds no class names");
    return Status::Ok();
  }
  CONVSCOPE_RETURN_IF_ERROR(ParseJson(text, what, &j));
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

}  // namespace convscope

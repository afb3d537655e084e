// The native side of tests/fixtures/hostile_inputs.json: every hostile image and model file gives
// exactly its expected error through the same core the wasm build runs (tests/js replays the list
// there).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "base/json_util.h"
#include "images/image.h"
#include "model/model.h"

namespace convscope {
namespace {

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(HostileInputs, EachGivesItsExpectedError) {
  const std::vector<uint8_t> list = ReadFile("tests/fixtures/hostile_inputs.json");
  ASSERT_FALSE(list.empty()) << "run from the repository root";
  Json json;
  ASSERT_TRUE(ParseJson(std::string_view(reinterpret_cast<const char*>(list.data()), list.size()),
                        "hostile_inputs.json", &json)
                  .ok());
  size_t checked = 0;
  for (const Json& c : json["cases"]) {
    const std::string file = c["file"].get<std::string>();
    // null: a finding whose fix made it harmless rather than invalid; it must load.
    const std::string expected = c["error"].is_null() ? "" : c["error"].get<std::string>();
    std::vector<uint8_t> bytes = ReadFile("tests/fixtures/hostile/" + file);
    Status status = Status::Ok();
    if (c["kind"].get<std::string>() == "image") {
      RgbImage image;
      status = DecodeImage(bytes, &image);
    } else {
      // The loader needs 4-byte-aligned storage; a vector's is.
      std::unique_ptr<Model> model;
      status = Model::Load(std::move(bytes), nullptr, &model);
    }
    EXPECT_EQ(status.message(), expected) << file;
    ++checked;
  }
  EXPECT_GE(checked, 20u);
}

}  // namespace
}  // namespace convscope

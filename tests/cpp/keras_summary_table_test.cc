// Keras' model.summary() text (wasm/model/keras_summary_table.h) against the expected outputs in
// tests/fixtures/summaries/, which tests/reference/keras_summary.py renders with rich the way each
// Keras version does, byte for byte.
#include "model/keras_summary_table.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace convscope {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The reference tool's JSON description as the C++ one.
KerasSummaryModel FromJson(const nlohmann::json& j) {
  KerasSummaryModel m;
  m.name = j.value("model_name", "");
  m.keras_version = j.value("keras_version", "");
  m.sequential = j.value("model_kind", "") == "Sequential";
  m.terminal_columns = j.value("terminal_columns", kKerasSummaryTerminalColumns);
  if (j.contains("optimizer")) {
    m.optimizer = KerasSummaryOptimizer{j["optimizer"].value("params", uint64_t{0}),
                                        j["optimizer"].value("bytes", uint64_t{0})};
  }
  for (const nlohmann::json& l : j.value("layers", nlohmann::json::array())) {
    KerasSummaryRow r{l.value("name", ""),
                      l.value("class_name", ""),
                      l.value("output_shape", ""),
                      l.value("params", uint64_t{0}),
                      l.value("trainable_params", uint64_t{0}),
                      l.value("weight_bytes", uint64_t{0}),
                      {},
                      {}};
    if (l.contains("trainable_weight_bytes")) {
      r.trainable_weight_bytes = l["trainable_weight_bytes"].get<uint64_t>();
    }
    for (const nlohmann::json& ref : l.value("inbound", nlohmann::json::array())) {
      r.connected_to.push_back(ref[0].get<std::string>());
    }
    m.graph = m.graph || r.connected_to.size() > 1;
    m.rows.push_back(r);
  }
  return m;
}

class Fixture : public testing::TestWithParam<const char*> {};

TEST_P(Fixture, PrintsWhatThatKerasPrints) {
  const std::string base = std::string("tests/fixtures/summaries/") + GetParam();
  const std::string json = ReadText(base + ".json");
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded()) << base << ".json";
  EXPECT_EQ(KerasSummaryTable(FromJson(j)), ReadText(base + ".txt"));
}

INSTANTIATE_TEST_SUITE_P(
    KerasSummaryTable, Fixture,
    testing::Values("keras-3.13.2-sequential-mnist", "keras-3.0.0-sequential-mnist",
                    "keras-3.13.2-functional-vgg16",
                    "keras-3.13.2-functional-batchnorm-120-columns",
                    "keras-3.13.2-functional-long-names-optimizer",
                    "tf-keras-2.10.0-sequential-batchnorm", "tf-keras-2.13.1-functional-long-names",
                    "tf-keras-2.15.0-functional-batchnorm", "convscope-small-vgg16",
                    // Graphs: the "Connected to" column.
                    "keras-3.13.2-functional-resnet-block", "keras-3.0.0-functional-resnet-block",
                    "keras-3.13.2-functional-squeeze-excitation-120-columns",
                    "tf-keras-2.10.0-functional-resnet-block",
                    "tf-keras-2.13.1-functional-resnet-block",
                    "tf-keras-2.10.0-functional-nested-model-chain"));

// An unknown version keeps convscope's earlier table (convscope-small-vgg16.txt is the CLI's
// tests/fixtures/cli_summary_small_vgg16.txt from before summaries followed Keras versions).
TEST(KerasSummaryTable, UnknownVersionKeepsTheEarlierTable) {
  const std::string base = "tests/fixtures/summaries/convscope-small-vgg16";
  const nlohmann::json j = nlohmann::json::parse(ReadText(base + ".json"), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << base << ".json (run from the repository's root)";
  KerasSummaryModel m = FromJson(j);
  const std::string earlier = ReadText(base + ".txt");
  ASSERT_FALSE(earlier.empty());
  for (const char* version : {"", "unknown", "v3.13.2", "1.2.0", "4.0.0"}) {
    m.keras_version = version;
    EXPECT_EQ(KerasSummaryTable(m), earlier) << version;
  }
}

// Sizes print the float Python has, rounded half to even: 1152 bytes are 1.125 KB, "1.12 KB".
TEST(KerasSummaryTable, SizesRoundHalfToEvenAndNameBytesByVersion) {
  KerasSummaryModel m;
  m.name = "m";
  m.keras_version = "3.13.2";
  m.rows.push_back({"d", "Dense", "(None, 8)", 288, 288, 1152, {}, {}});
  const std::string keras3 = KerasSummaryTable(m);
  EXPECT_NE(keras3.find(" Total params: 288 (1.12 KB)\n"), std::string::npos) << keras3;
  EXPECT_NE(keras3.find(" Non-trainable params: 0 (0.00 B)\n"), std::string::npos) << keras3;
  m.keras_version = "2.15.0";
  const std::string tf215 = KerasSummaryTable(m);
  EXPECT_NE(tf215.find("\nTotal params: 288 (1.12 KB)\n"), std::string::npos) << tf215;
  EXPECT_NE(tf215.find("\nNon-trainable params: 0 (0.00 Byte)\n"), std::string::npos) << tf215;
}

}  // namespace
}  // namespace convscope

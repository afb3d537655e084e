// The Keras config reader on what the generator's files do not show: a free input size, a
// Sequential whose input shape is only in its first layer's build_config, a Functional model
// listed out of execution order (a nested one too), names that collide after flattening, Keras 3
// operations saved under layers' class names, and the dialect's one difference.
#include "keras_model_config.h"

#include <gtest/gtest.h>

#include "model/model_summary.h"
#include "nested_models.h"

namespace convscope::convert {
namespace {

Architecture Read(const std::string& config, KerasDialect dialect = KerasDialect::kKeras3) {
  Architecture a;
  const Status s = ArchitectureFromModelConfig(config, {.dialect = dialect}, &a);
  EXPECT_TRUE(s.ok()) << s.message();
  return a;
}

std::string Names(const Architecture& a) {
  std::string out;
  for (const Layer& l : a.layers) out += (out.empty() ? "" : " ") + l.name;
  return out;
}

TEST(KerasModelConfig, AFreeInputSizeGetsTheChosenOneAndSaysSo) {
  const Architecture a = Read(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, null, null, 3]}},
      {"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": 3}},
      {"class_name": "GlobalAveragePooling2D", "config": {"name": "g"}},
      {"class_name": "Dense", "config": {"name": "d", "units": 4, "activation": "softmax"}}]}})");
  ASSERT_EQ(a.layers.size(), 4u);
  EXPECT_EQ(a.layers[1].output_shape, (Shape{222, 222, 2}));
  EXPECT_NE(a.input_size_note.find("any height and width"), std::string::npos);
  EXPECT_NE(a.input_size_note.find("224 x 224"), std::string::npos);
  // The summary prints None where Keras does, and says the size convscope runs.
  ModelHeader h;
  h.name = "s";
  h.keras_version = "3.13.2";
  h.sequential = true;
  h.source = {{"input_size", a.input_size_note}, {"input_free_axes", a.free_axes}};
  for (const Layer& l : a.layers) h.layers.push_back({l, {}});
  const std::string text = KerasSummary(h);
  EXPECT_NE(text.find("(None, None, None, 2)"), std::string::npos) << text;
  EXPECT_NE(text.find("(None, 2)"), std::string::npos) << text;
  EXPECT_NE(text.find("Input size: the model takes pictures of any height and width; convscope "
                      "runs it at 224 x 224"),
            std::string::npos)
      << text;
}

TEST(KerasModelConfig, AnInputWithoutChannelsIsReadOnlyByFlattenOrReshape) {
  const Architecture mlp = Read(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 28, 28]}},
      {"class_name": "Flatten", "config": {"name": "f"}},
      {"class_name": "Dense", "config": {"name": "d", "units": 10}}]}})");
  EXPECT_EQ(mlp.layers[0].declared_shape, (Shape{28, 28}));
  EXPECT_EQ(mlp.layers[1].output_shape, (Shape{784}));
  Architecture a;
  const Status s = ArchitectureFromModelConfig(
      R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 28, 28]}},
          {"class_name": "Softmax", "config": {"name": "sm"}}]}})",
      {}, &a);
  EXPECT_NE(s.message().find("layer sm (Softmax) reads the input (None, 28, 28) directly"),
            std::string::npos)
      << s.message();
}

TEST(KerasModelConfig, ASequentialSaysItsInputInItsFirstLayersBuildConfig) {
  const Architecture a = Read(R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "Flatten", "config": {"name": "f"},
       "build_config": {"input_shape": [null, 28, 28]}},
      {"class_name": "Dense", "config": {"name": "d", "units": 10}}]}})");
  EXPECT_EQ(Names(a), "f_input f d");
  EXPECT_EQ(a.layers[0].output_shape, (Shape{28, 28, 1}));  // a grayscale picture
  ASSERT_EQ(a.keras_layers.size(), 2u);                     // model.layers: no InputLayer
}

TEST(KerasModelConfig, AFunctionalModelRunsInTheOrderItsInputsGive) {
  // Keras lists layers by depth from the output: here the dense layer comes first.
  const Architecture a = Read(R"({"class_name": "Functional", "config": {"name": "f",
      "input_layers": [["in", 0, 0]], "output_layers": [["d", 0, 0]], "layers": [
      {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 3},
       "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
                                    "config": {"keras_history": ["f", 0, 0]}}], "kwargs": {}}]},
      {"class_name": "Flatten", "name": "f", "config": {"name": "f"},
       "inbound_nodes": [[["in", 0, 0, {}]]]},
      {"class_name": "InputLayer", "name": "in",
       "config": {"name": "in", "batch_shape": [null, 4, 4, 1]}, "inbound_nodes": []}]}})");
  EXPECT_EQ(Names(a), "in f d");
  EXPECT_EQ(a.layers[2].inputs, (std::vector<size_t>{1}));
  EXPECT_EQ(a.keras_layers.front().name, "d") << "model.layers keeps the file's order";
}

TEST(KerasModelConfig, TfKeras2sHardSigmoidIsItsOwn) {
  const std::string config = R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 2]}},
      {"class_name": "Activation", "config": {"name": "a", "activation": "hard_sigmoid"}}]}})";
  Architecture keras3, keras2;
  // A vector input is no picture: refused, but after the layers are read.
  EXPECT_FALSE(
      ArchitectureFromModelConfig(config, {.dialect = KerasDialect::kKeras3}, &keras3).ok());
  const std::string picture = R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
      {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 2, 2, 1]}},
      {"class_name": "Activation", "config": {"name": "a", "activation": "hard_sigmoid"}}]}})";
  keras3 = Read(picture, KerasDialect::kKeras3);
  keras2 = Read(picture, KerasDialect::kKeras2);
  EXPECT_FLOAT_EQ(keras3.layers[1].activation.slope, 1.0f / 6);
  EXPECT_FLOAT_EQ(keras2.layers[1].activation.slope, 0.2f);
  EXPECT_EQ(DialectOf("2.10.0"), KerasDialect::kKeras2);
  EXPECT_EQ(DialectOf("3.13.2"), KerasDialect::kKeras3);
  EXPECT_EQ(DialectOf(""), KerasDialect::kKeras3);
}

TEST(KerasModelConfig, RefusesWithTheLayerItsClassAndWhy) {
  Architecture a;
  const Status s = ArchitectureFromModelConfig(
      R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 8, 8, 1]}},
          {"class_name": "UpSampling2D", "config": {"name": "up"}}]}})",
      {}, &a);
  EXPECT_NE(s.message().find("layer up (UpSampling2D) upsamples a map"), std::string::npos)
      << s.message();
  const Status subclassed =
      ArchitectureFromModelConfig(R"({"class_name": "MyModel", "config": {}})", {}, &a);
  EXPECT_NE(subclassed.message().find("a subclassed model"), std::string::npos);
}

// A Functional whose base model is listed after the layer that reads it, with a layer named as
// one of the base's: the base's layers take its place in running order, the inner "d" becomes
// "base/d", and the outer Dense reads the base's last layer.
TEST(KerasModelConfig, ANestedModelIsFlattenedInRunningOrderWithCollidingNamesPrefixed) {
  const Architecture a = Read(R"({"class_name": "Functional", "config": {"name": "outer",
      "input_layers": [["in", 0, 0]], "output_layers": [["d", 0, 0]], "layers": [
      {"class_name": "InputLayer", "name": "in",
       "config": {"name": "in", "batch_shape": [null, 8, 8, 3]}, "inbound_nodes": []},
      {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 3},
       "inbound_nodes": [[["base", 0, 0, {}]]]},
      {"class_name": "Functional", "name": "base", "inbound_nodes": [[["in", 0, 0, {}]]],
       "config": {"name": "base", "input_layers": [["x", 0, 0]], "output_layers": [["g", 0, 0]],
        "layers": [
         {"class_name": "InputLayer", "name": "x",
          "config": {"name": "x", "batch_shape": [null, 8, 8, 3]}, "inbound_nodes": []},
         {"class_name": "Conv2D", "name": "d", "config": {"name": "d", "filters": 2,
          "kernel_size": 3}, "inbound_nodes": [[["x", 0, 0, {}]]]},
         {"class_name": "GlobalAveragePooling2D", "name": "g", "config": {"name": "g"},
          "inbound_nodes": [[["d", 0, 0, {}]]]}]}}]}})");
  EXPECT_EQ(Names(a), "in base/d g d");
  EXPECT_EQ(a.layers[1].inputs, (std::vector<size_t>{0}));
  EXPECT_EQ(a.layers[3].inputs, (std::vector<size_t>{2}));
  EXPECT_EQ(a.layers[3].output_shape, (Shape{3}));
  const KerasLayerRef& base = a.keras_layers[2];
  ASSERT_EQ(base.layers.size(), 3u);
  EXPECT_EQ(base.layers[1].name, "base/d");
  EXPECT_EQ(base.layers[1].keras_name, "d");
  EXPECT_TRUE(base.has_weights);
}

// Keras' summary prints a nested model as one row, even when it comes last (its output is the
// model's) and its input shares the outer input's name; what it reads is listed once though two of
// its layers read it.
TEST(KerasModelConfig, TheSummaryPrintsANestedModelAsOneRow) {
  const Architecture a = Read(R"({"class_name": "Functional", "config": {"name": "outer",
      "input_layers": [["in", 0, 0]], "output_layers": [["base", 0, 0]], "layers": [
      {"class_name": "InputLayer", "name": "in",
       "config": {"name": "in", "batch_shape": [null, 8, 8, 3]}, "inbound_nodes": []},
      {"class_name": "Functional", "name": "base", "inbound_nodes": [[["in", 0, 0, {}]]],
       "config": {"name": "base", "input_layers": [["in", 0, 0]], "output_layers": [["g", 0, 0]],
        "layers": [
         {"class_name": "InputLayer", "name": "in",
          "config": {"name": "in", "batch_shape": [null, 8, 8, 3]}, "inbound_nodes": []},
         {"class_name": "Conv2D", "name": "c1", "config": {"name": "c1", "filters": 2,
          "kernel_size": 3}, "inbound_nodes": [[["in", 0, 0, {}]]]},
         {"class_name": "Conv2D", "name": "c2", "config": {"name": "c2", "filters": 2,
          "kernel_size": 3}, "inbound_nodes": [[["in", 0, 0, {}]]]},
         {"class_name": "Add", "name": "add", "config": {"name": "add"},
          "inbound_nodes": [[["c1", 0, 0, {}], ["c2", 0, 0, {}]]]},
         {"class_name": "GlobalAveragePooling2D", "name": "g", "config": {"name": "g"},
          "inbound_nodes": [[["add", 0, 0, {}]]]}]}}]}})");
  EXPECT_EQ(Names(a), "in c1 c2 add g");
  ModelHeader h;
  h.name = "outer";
  h.keras_version = "3.13.2";
  h.source = {{"nested_models", NestedModelsJson(a.keras_layers)}};
  for (const Layer& l : a.layers) h.layers.push_back({l, {}});
  const std::string text = KerasSummary(h);
  EXPECT_NE(text.find("in (InputLayer)"), std::string::npos) << text;
  EXPECT_NE(text.find("base (Functional)"), std::string::npos) << text;
  EXPECT_NE(text.find("(None, 2)"), std::string::npos) << "the base's output shape\n" << text;
  EXPECT_EQ(text.find("c1"), std::string::npos) << text;
  EXPECT_EQ(text.find("Connected to"), std::string::npos) << "a chain of two rows\n" << text;
}

TEST(KerasModelConfig, RefusesKerasOperationsSavedUnderALayersClassName) {
  Architecture a;
  // `x * (1 / 255.)` in a Keras 3 Functional: an entry named like the Multiply layer.
  const Status s = ArchitectureFromModelConfig(
      R"({"class_name": "Functional", "config": {"name": "f",
      "input_layers": [["in", 0, 0]], "output_layers": [["d", 0, 0]], "layers": [
      {"class_name": "InputLayer", "name": "in",
       "config": {"name": "in", "batch_shape": [null, 4, 4, 1]}, "inbound_nodes": []},
      {"module": "keras.src.ops.numpy", "class_name": "Multiply", "name": "multiply",
       "config": {"name": "multiply"}, "inbound_nodes": [{"args": [{"class_name":
       "__keras_tensor__", "config": {"keras_history": ["in", 0, 0]}}, 0.0039], "kwargs": {}}]},
      {"class_name": "Flatten", "name": "d", "config": {"name": "d"},
       "inbound_nodes": [[["multiply", 0, 0, {}]]]}]}})",
      {}, &a);
  EXPECT_NE(s.message().find("layer multiply (Multiply) is an operation on tensors "
                             "(keras.src.ops.numpy.Multiply), not a Keras layer"),
            std::string::npos)
      << s.message();
}

// A layer nothing reads, listed after the output: named as such, not as a second output.
TEST(KerasModelConfig, ALayerThatLeadsNowhereIsNamedWhereverTheFileListsIt) {
  Architecture a;
  const Status s = ArchitectureFromModelConfig(
      R"({"class_name": "Functional", "config": {"name": "f",
      "input_layers": [["in", 0, 0]], "output_layers": [["d", 0, 0]], "layers": [
      {"class_name": "InputLayer", "name": "in",
       "config": {"name": "in", "batch_shape": [null, 4, 4, 1]}, "inbound_nodes": []},
      {"class_name": "Flatten", "name": "d", "config": {"name": "d"},
       "inbound_nodes": [[["in", 0, 0, {}]]]},
      {"class_name": "Flatten", "name": "unused", "config": {"name": "unused"},
       "inbound_nodes": [[["in", 0, 0, {}]]]}]}})",
      {}, &a);
  EXPECT_NE(s.message().find("layer unused leads nowhere: no layer reads it and it is not the "
                             "model's output (d)"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace convscope::convert

// Graphs: a model whose layers read several inputs and feed several layers. The merge kinds'
// outputs against their definition on the engine's own input activations (with broadcasting), the
// gradient through every merge kind against finite differences of the class score, the same bits
// with threads, and the graph checks of the model header (cycles, unknown inputs, dead ends,
// shapes Keras would not merge).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "engine/backward.h"
#include "engine/engine.h"
#include "engine/thread_pool.h"
#include "test_models.h"
#include "test_seed.h"

namespace convscope {
namespace {

Json L(const char* json) { return Json::parse(json); }

// Every merge kind, broadcasting (a squeeze-and-excitation Multiply by (1, 1, c)), a depthwise
// convolution, a concatenation of five branches; smooth activations, so that finite differences
// see no kinks but the merges' own (Maximum, Minimum: ties have measure zero).
std::vector<Json> GraphLayers() {
  return {
      L(R"({"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 8, 8, 3]}})"),
      L(R"({"class_name": "Conv2D", "config": {"name": "stem", "filters": 6, "kernel_size": [3, 3],
          "padding": "same", "activation": "tanh"}})"),
      L(R"({"class_name": "Conv2D", "config": {"name": "branch", "filters": 6, "kernel_size": [3, 3],
          "padding": "same", "activation": "linear"}})"),
      L(R"({"class_name": "Add", "config": {"name": "add"}, "inbound": ["stem", "branch"]})"),
      L(R"({"class_name": "DepthwiseConv2D", "config": {"name": "dw", "kernel_size": [3, 3],
          "strides": [2, 2], "padding": "same", "depth_multiplier": 2, "activation": "swish"}})"),
      L(R"({"class_name": "GlobalAveragePooling2D", "config": {"name": "squeeze", "keepdims": true}})"),
      L(R"({"class_name": "Conv2D", "config": {"name": "excite", "filters": 12, "kernel_size": [1, 1],
          "activation": "sigmoid"}})"),
      L(R"({"class_name": "Multiply", "config": {"name": "scale"}, "inbound": ["dw", "excite"]})"),
      L(R"({"class_name": "Conv2D", "config": {"name": "p", "filters": 4, "kernel_size": [1, 1],
          "strides": [2, 2], "activation": "linear"}, "inbound": ["add"]})"),
      L(R"({"class_name": "AveragePooling2D", "config": {"name": "pool", "pool_size": [2, 2]},
          "inbound": ["add"]})"),
      L(R"({"class_name": "Conv2D", "config": {"name": "q", "filters": 4, "kernel_size": [1, 1],
          "activation": "linear"}})"),
      L(R"({"class_name": "Subtract", "config": {"name": "sub"}, "inbound": ["p", "q"]})"),
      L(R"({"class_name": "Maximum", "config": {"name": "max"}, "inbound": ["p", "q"]})"),
      L(R"({"class_name": "Minimum", "config": {"name": "min"}, "inbound": ["p", "q"]})"),
      L(R"({"class_name": "Average", "config": {"name": "avg"}, "inbound": ["p", "q", "sub"]})"),
      L(R"({"class_name": "Concatenate", "config": {"name": "cat", "axis": -1},
          "inbound": ["scale", "sub", "max", "min", "avg"]})"),
      L(R"({"class_name": "Conv2D", "config": {"name": "head_conv", "filters": 8,
          "kernel_size": [3, 3], "activation": "swish"}})"),
      L(R"({"class_name": "GlobalAveragePooling2D", "config": {"name": "gap"}})"),
      L(R"({"class_name": "Dense", "config": {"name": "predictions", "units": 5,
          "activation": "softmax"}})"),
  };
}

size_t IndexOf(const ModelFile& file, const std::string& name) {
  const auto& layers = file.header().layers;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].layer.name == name) return i;
  }
  ADD_FAILURE() << "no layer " << name;
  return 0;
}

struct Ran {
  explicit Ran(const testing::TestModel& m, pthreadpool_t pool = nullptr) : opened(m) {
    EXPECT_NE(opened.file, nullptr);
    EXPECT_TRUE(Engine::Create(*opened.file, Precision::kF32, pool, &engine).ok());
    std::mt19937 rng(testing::TestSeed());
    input = testing::RandomVector(rng, engine->input().size(), -1.0f, 1.0f);
    Run(input);
  }
  void Run(const std::vector<float>& x) {
    std::copy(x.begin(), x.end(), engine->input().begin());
    const Status s = engine->Run();
    EXPECT_TRUE(s.ok()) << s.message();
  }
  std::span<const float> Of(const std::string& name) const {
    return engine->activation(IndexOf(*opened.file, name));
  }
  testing::OpenedModel opened;
  std::unique_ptr<Engine> engine;
  std::vector<float> input;
};

TEST(Graph, MergesComputeWhatKerasDefines) {
  const Ran r(testing::MakeModel(GraphLayers(), false, 3));
  ASSERT_EQ(r.opened.file->header().format_version, 2u);
  const auto stem = r.Of("stem"), branch = r.Of("branch"), add = r.Of("add");
  for (size_t i = 0; i < add.size(); ++i) EXPECT_FLOAT_EQ(add[i], stem[i] + branch[i]);
  // (4, 4, 12) times (1, 1, 12): each position's channels scaled.
  const auto dw = r.Of("dw"), excite = r.Of("excite"), scale = r.Of("scale");
  ASSERT_EQ(scale.size(), 4u * 4 * 12);
  for (size_t i = 0; i < scale.size(); ++i) EXPECT_FLOAT_EQ(scale[i], dw[i] * excite[i % 12]);
  const auto p = r.Of("p"), q = r.Of("q"), sub = r.Of("sub"), avg = r.Of("avg");
  const auto mx = r.Of("max"), mn = r.Of("min"), cat = r.Of("cat");
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_FLOAT_EQ(sub[i], p[i] - q[i]);
    EXPECT_FLOAT_EQ(mx[i], std::max(p[i], q[i]));
    EXPECT_FLOAT_EQ(mn[i], std::min(p[i], q[i]));
    EXPECT_FLOAT_EQ(avg[i], (p[i] + q[i] + sub[i]) / 3.0f);
  }
  // Channels side by side: 12 + 4 * 4 at each of the 4 x 4 positions.
  ASSERT_EQ(cat.size(), 16u * 28);
  for (size_t pos = 0; pos < 16; ++pos) {
    EXPECT_EQ(cat[pos * 28 + 11], scale[pos * 12 + 11]);
    EXPECT_EQ(cat[pos * 28 + 12], sub[pos * 4]);
    EXPECT_EQ(cat[pos * 28 + 27], avg[pos * 4 + 3]);
  }
}

TEST(Graph, GradientsThroughEveryMergeEqualFiniteDifferences) {
  const testing::TestModel m = testing::MakeModel(GraphLayers(), false, 5);
  Ran r(m);
  Backward backward(*r.opened.file, nullptr);
  const size_t cls = 2;
  std::vector<float> gradient;
  ASSERT_TRUE(backward.Gradient(*r.engine, cls, 0, BackwardMode::kPlain, &gradient).ok());
  ASSERT_EQ(gradient.size(), r.input.size());
  // Central differences of the class score (the logit before the softmax), in double around f32
  // passes: h = 1e-2 on inputs in [-1, 1].
  const double h = 1e-2;
  double dot = 0, nn = 0, ff = 0;
  for (size_t i = 0; i < r.input.size(); i += 3) {
    std::vector<float> x = r.input;
    x[i] = r.input[i] + static_cast<float>(h);
    r.Run(x);
    const double up = r.engine->scores()[cls];
    x[i] = r.input[i] - static_cast<float>(h);
    r.Run(x);
    const double down = r.engine->scores()[cls];
    const double fd = (up - down) / (2 * h);
    dot += fd * gradient[i];
    nn += static_cast<double>(gradient[i]) * gradient[i];
    ff += fd * fd;
  }
  EXPECT_GT(dot / std::sqrt(nn * ff), 0.999);
  EXPECT_NEAR(std::sqrt(nn / ff), 1.0, 0.01);
}

#if !defined(__EMSCRIPTEN__)
TEST(Graph, GradientsAreTheSameBitsOnThreeThreads) {
  const testing::TestModel m = testing::MakeModel(GraphLayers(), false, 7);
  ASSERT_TRUE(SetThreadCount(3, SIZE_MAX).ok());
  const ThreadPool pool = CurrentThreadPool();
  ASSERT_TRUE(SetThreadCount(1, 0).ok());
  const Ran alone(m), pooled(m, pool.get());
  Backward a(*alone.opened.file, nullptr), b(*pooled.opened.file, pool.get());
  for (const BackwardMode mode : {BackwardMode::kPlain, BackwardMode::kGuided}) {
    std::vector<float> ga, gb;
    ASSERT_TRUE(a.Gradient(*alone.engine, 1, 0, mode, &ga).ok());
    ASSERT_TRUE(b.Gradient(*pooled.engine, 1, 0, mode, &gb).ok());
    EXPECT_EQ(ga, gb);
  }
}
#endif

// The header of GraphLayers' model with `edit` applied to its layers, opened: the error message.
std::string OpenEdited(const std::function<void(Json& layers)>& edit) {
  const testing::TestModel m = testing::MakeModel(GraphLayers(), false, 1);
  Json header = HeaderToJson(m.header);
  edit(header["layers"]);
  const std::vector<uint8_t> bytes = testing::BuildFile(m, header);
  const testing::AlignedBytes aligned(bytes);
  std::unique_ptr<ModelFile> file;
  const Status s = ModelFile::Open(aligned.span, &file);
  return s.ok() ? "" : s.message();
}

Json* Named(Json& layers, const std::string& name) {
  for (Json& l : layers) {
    if (l["config"]["name"] == name) return &l;
  }
  return nullptr;
}

TEST(Graph, TheHeaderRefusesWhatIsNotAGraphThatRuns) {
  EXPECT_EQ(OpenEdited([](Json&) {}), "");
  EXPECT_NE(OpenEdited([](Json& l) {
              (*Named(l, "add"))["inbound"] = {"stem", "nowhere"};
            }).find("layer add reads nowhere, which the model does not have"),
            std::string::npos);
  // A cycle: stem reads add, which reads stem.
  EXPECT_NE(OpenEdited([](Json& l) {
              (*Named(l, "stem"))["inbound"] = {"add"};
            }).find("layer stem (Conv2D) reads layer add, which does not come before it"),
            std::string::npos);
  // p no longer reads add; q's pooling still does. Nothing reads "branch" once add reads stem
  // twice.
  EXPECT_NE(OpenEdited([](Json& l) {
              (*Named(l, "add"))["inbound"] = {"stem", "stem"};
            }).find("layer branch leads nowhere"),
            std::string::npos);
  EXPECT_NE(OpenEdited([](Json& l) {
              (*Named(l, "sub"))["inbound"] = {"p", "dw"};
            }).find("layer sub (Subtract) cannot merge (None, 4, 4, 4) and (None, 4, 4, 12)"),
            std::string::npos);
  EXPECT_NE(OpenEdited([](Json& l) {
              (*Named(l, "sub"))["inbound"] = {"p", "q", "p"};
            }).find("subtracts exactly two inputs"),
            std::string::npos);
  EXPECT_NE(OpenEdited([](Json& l) {
              (*Named(l, "cat"))["inbound"] = {"scale", "add"};
            }).find("cannot concatenate (None, 4, 4, 12) and (None, 8, 8, 6)"),
            std::string::npos);
  EXPECT_NE(OpenEdited([](Json& l) {
              Named(l, "cat")->erase("inbound");
            }).find("header.layers[15].inbound must list the layers it reads"),
            std::string::npos);
}

TEST(Graph, AChainIsStillWrittenAsVersionOne) {
  const testing::TestModel m = testing::MakeTinyModel(false);
  const Json header = HeaderToJson(m.header);
  EXPECT_EQ(header["format_version"], 1);
  EXPECT_FALSE(header["layers"][1].contains("inbound"));
  const testing::OpenedModel opened(m);
  ASSERT_NE(opened.file, nullptr);
  EXPECT_EQ(opened.file->header().format_version, 1u);
}

}  // namespace
}  // namespace convscope

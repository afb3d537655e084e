// The module's thread pool (wasm/engine/thread_pool.h): counts are checked, a model keeps the pool
// it was loaded with while the current one changes, and a model on a pool computes exactly what a
// model without one does. Natively the pool has real threads; in the single-threaded wasm build the
// limit is one thread.
#include "engine/thread_pool.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>

#include "model/model.h"
#include "test_models.h"

namespace convscope {
namespace {

// Natively any number of threads can start; the single-threaded wasm build has no workers.
#if defined(__EMSCRIPTEN__)
constexpr size_t kWorkers = 0;
#else
constexpr size_t kWorkers = SIZE_MAX;
#endif

struct ResetPool {
  ~ResetPool() { EXPECT_TRUE(SetThreadCount(1, 0).ok()); }
};

TEST(ThreadPool, RefusesCountsTheModuleCannotRun) {
  ResetPool reset;
  EXPECT_EQ(SetThreadCount(0, kWorkers).message(), "the thread count must be at least 1, got 0");
  EXPECT_EQ(
      SetThreadCount(3, 1).message(),
      "this module can run 2 thread(s), not 3 (its workers start with it: load it with more)");
  EXPECT_EQ(SetThreadCount(2, 0).message(),
            "this module can run 1 thread(s), not 2 (it is the single-threaded build)");
  EXPECT_EQ(CurrentThreadCount(), 1u);
  EXPECT_EQ(CurrentThreadPool(), nullptr);
}

#if !defined(__EMSCRIPTEN__)
TEST(ThreadPool, AModelKeepsItsPoolAndComputesWhatOneThreadDoes) {
  ResetPool reset;
  // Big enough that XNNPACK quantizes each convolution's input in ranges on every thread
  // (third_party/patches/xnnpack-qd8-convert-threads.patch: from 16,384 values).
  const testing::TestModel m = testing::MakeVgg16(
      {.input = 64, .width_divisor = 2, .fc_units = 32, .classes = 10, .int8 = true, .seed = 4});
  std::ifstream in("tests/data/images/chelsea.png", std::ios::binary);
  ASSERT_TRUE(in.good()) << "run from the repository root";
  RgbImage image;
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
  ASSERT_TRUE(DecodeImage(bytes, &image).ok());

  std::unique_ptr<Model> alone, pooled;
  ASSERT_TRUE(Model::Load(testing::BuildFile(m), CurrentThreadPool(), &alone).ok());
  ASSERT_TRUE(SetThreadCount(3, kWorkers).ok());
  EXPECT_EQ(CurrentThreadCount(), 3u);
  ASSERT_TRUE(Model::Load(testing::BuildFile(m), CurrentThreadPool(), &pooled).ok());
  EXPECT_EQ(alone->thread_count(), 1u);
  EXPECT_EQ(pooled->thread_count(), 3u);
  // The current pool goes; the model's stays until the model does.
  ASSERT_TRUE(SetThreadCount(1, kWorkers).ok());
  EXPECT_EQ(CurrentThreadPool(), nullptr);
  EXPECT_EQ(pooled->thread_count(), 3u);

  for (Precision p : {Precision::kF32, Precision::kInt8}) {
    RunResult a, b;
    ASSERT_TRUE(alone->Run(image, {.precision = p, .top_k = 10}, &a).ok());
    ASSERT_TRUE(pooled->Run(image, {.precision = p, .top_k = 10}, &b).ok());
    const auto la = alone->last_engine()->scores(), lb = pooled->last_engine()->scores();
    ASSERT_EQ(la.size(), lb.size());
    for (size_t i = 0; i < la.size(); ++i) EXPECT_EQ(la[i], lb[i]) << "logit " << i;
    Explanation ea, eb;
    ASSERT_TRUE(alone->Explain({.method = "gradcam"}, &ea).ok());
    ASSERT_TRUE(pooled->Explain({.method = "gradcam"}, &eb).ok());
    EXPECT_EQ(ea.map, eb.map);
  }
}
#endif

}  // namespace
}  // namespace convscope

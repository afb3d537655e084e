// Reproducible randomness for the tests: the seed comes from CONVSCOPE_TEST_SEED when set, and
// every test that uses it prints it on failure (SCOPED_TRACE) so a failing case can be re-run.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace convscope::testing {

inline uint32_t TestSeed() {
  const char* env = std::getenv("CONVSCOPE_TEST_SEED");
  return env != nullptr ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10)) : 20261129u;
}

inline std::string SeedTrace(uint32_t seed) {
  return "seed " + std::to_string(seed) +
         " (re-run with CONVSCOPE_TEST_SEED=" + std::to_string(seed) + ")";
}

inline std::vector<float> RandomVector(std::mt19937& rng, size_t n, float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

}  // namespace convscope::testing

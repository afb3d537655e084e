#include "eigen_cam.h"

#include <cmath>

#include "cam.h"

namespace convscope {
namespace {

// The unit eigenvector of the largest eigenvalue of the symmetric n x n matrix `m` (positive
// semidefinite), by power iteration; where the two largest eigenvalues are close, `m` is squared
// (its eigenvectors kept, their eigenvalues' ratio squared) until it converges.
std::vector<double> TopEigenvector(std::vector<double> m, size_t n) {
  std::vector<double> v(n), next(n);
  // A fixed start with every component nonzero (a vector of ones is in the null space of the
  // positions' Gram matrix: the columns are centred).
  for (size_t i = 0; i < n; ++i) v[i] = 1.0 + 0.5 * std::sin(static_cast<double>(i) + 1.0);
  const auto normalize = [](std::vector<double>& x) {
    double norm = 0;
    for (double d : x) norm += d * d;
    norm = std::sqrt(norm);
    if (norm > 0) {
      for (double& d : x) d /= norm;
    }
    return norm;
  };
  normalize(v);
  constexpr int kIterations = 200, kSquarings = 8;
  for (int squaring = 0; squaring <= kSquarings; ++squaring) {
    for (int it = 0; it < kIterations; ++it) {
      for (size_t i = 0; i < n; ++i) {
        double s = 0;
        for (size_t j = 0; j < n; ++j) s += m[i * n + j] * v[j];
        next[i] = s;
      }
      if (normalize(next) == 0) return next;  // m is zero: no component
      double change = 0;
      for (size_t i = 0; i < n; ++i) change = std::max(change, std::fabs(next[i] - v[i]));
      v.swap(next);
      if (change < 1e-12) return v;
    }
    std::vector<double> squared(n * n, 0.0);
    double largest = 0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        double s = 0;
        for (size_t l = 0; l < n; ++l) s += m[i * n + l] * m[l * n + j];
        squared[i * n + j] = s;
        largest = std::max(largest, std::fabs(s));
      }
    }
    for (double& d : squared) d /= largest;
    m.swap(squared);
  }
  return v;
}

}  // namespace

Status EigenCam(const MethodInput& in, Explanation* out) {
  CamInput c;
  CONVSCOPE_RETURN_IF_ERROR(CamActivationOf(in, "Eigen-CAM", &c));
  const size_t positions = c.h * c.w, k = c.k;
  std::vector<double> mean(k, 0.0), x(positions * k), totals(positions, 0.0);
  for (size_t p = 0; p < positions; ++p) {
    for (size_t i = 0; i < k; ++i) mean[i] += c.a[p * k + i];
  }
  for (double& m : mean) m /= static_cast<double>(positions);
  for (size_t p = 0; p < positions; ++p) {
    for (size_t i = 0; i < k; ++i) {
      x[p * k + i] = c.a[p * k + i] - mean[i];
      totals[p] += c.a[p * k + i];
    }
  }
  // The projection X v1 = sigma1 u1: from the smaller of the Gram matrices, X^T X (channels) or
  // X X^T (positions), whose top eigenvectors are v1 and u1.
  std::vector<double> projection(positions, 0.0);
  if (k <= positions) {
    std::vector<double> gram(k * k, 0.0);
    for (size_t p = 0; p < positions; ++p) {
      for (size_t i = 0; i < k; ++i) {
        for (size_t j = 0; j < k; ++j) gram[i * k + j] += x[p * k + i] * x[p * k + j];
      }
    }
    const std::vector<double> v = TopEigenvector(std::move(gram), k);
    for (size_t p = 0; p < positions; ++p) {
      for (size_t i = 0; i < k; ++i) projection[p] += x[p * k + i] * v[i];
    }
  } else {
    std::vector<double> gram(positions * positions, 0.0);
    for (size_t p = 0; p < positions; ++p) {
      for (size_t q = 0; q < positions; ++q) {
        for (size_t i = 0; i < k; ++i) gram[p * positions + q] += x[p * k + i] * x[q * k + i];
      }
    }
    const std::vector<double> u = TopEigenvector(std::move(gram), positions);
    // sigma1 = |X^T u|.
    std::vector<double> xu(k, 0.0);
    for (size_t p = 0; p < positions; ++p) {
      for (size_t i = 0; i < k; ++i) xu[i] += x[p * k + i] * u[p];
    }
    double sigma = 0;
    for (double d : xu) sigma += d * d;
    sigma = std::sqrt(sigma);
    for (size_t p = 0; p < positions; ++p) projection[p] = sigma * u[p];
  }
  double agreement = 0;
  for (size_t p = 0; p < positions; ++p) agreement += projection[p] * totals[p];
  if (agreement < 0) {
    for (double& d : projection) d = -d;
  }
  FinishCam(in, "eigencam", c, projection, out);
  return Status::Ok();
}

MethodInfo EigenCamMethod() {
  return {.name = "eigencam",
          .label = "Eigen-CAM",
          .help =
              "The layer's strongest pattern: the first principal component of its maps. The "
              "same for every class (it uses no class score); no gradients, no extra pass.",
          .needs_layer = true,
          .reruns_forward = false,
          .uses_gradients = false,
          .run = &EigenCam,
          .combine = nullptr,
          .value =
              "Eigen-CAM: the layer's activations projected on their first principal component, "
              "after ReLU; the same for every class",
          .scale = kCamScale,
          .options = {}};
}

}  // namespace convscope

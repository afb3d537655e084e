#include "linear_imputation.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace convscope {
namespace {

struct Neighbour {
  int dy, dx;
  double weight;
};
constexpr Neighbour kNeighbours[] = {{-1, -1, 1.0 / 12}, {-1, 0, 1.0 / 6}, {-1, 1, 1.0 / 12},
                                     {0, -1, 1.0 / 6},   {0, 1, 1.0 / 6},  {1, -1, 1.0 / 12},
                                     {1, 0, 1.0 / 6},    {1, 1, 1.0 / 12}};

// Removed pixels below this many are solved from zero; above, from the solution on a grid half as
// fine, so that conjugate gradients only has the fine detail left to find.
constexpr size_t kCoarsestUnknowns = 64;

// A plane of h x w pixels of `channels` values, the removed ones to be solved for.
struct Plane {
  size_t h = 0, w = 0, channels = 0;
  std::vector<double> values;    // h x w x channels
  std::vector<uint8_t> removed;  // h x w
};

// The system of `plane`'s removed pixels, one row per removed pixel k:
//   d_k x_k - sum over removed neighbours j of w_kj x_j = sum over kept neighbours j of w_kj v_j,
// d_k the sum of k's neighbours' weights inside the image. It is symmetric and positive definite:
// every connected set of removed pixels borders a kept one (at least one pixel is kept).
struct System {
  std::vector<size_t> pixel;      // row k's pixel
  std::vector<double> diagonal;   // d_k
  std::vector<size_t> row_start;  // rows' entries in `column`, `weight`
  std::vector<size_t> column;     // a removed neighbour's row
  std::vector<double> weight;     // its w_kj
  std::vector<double> right;      // rows x channels
};

System SystemOf(const Plane& p) {
  System s;
  std::vector<size_t> row_of(p.h * p.w, 0);
  for (size_t i = 0; i < p.h * p.w; ++i) {
    if (p.removed[i] == 0) continue;
    row_of[i] = s.pixel.size();
    s.pixel.push_back(i);
  }
  s.diagonal.assign(s.pixel.size(), 0);
  s.right.assign(s.pixel.size() * p.channels, 0);
  for (size_t k = 0; k < s.pixel.size(); ++k) {
    s.row_start.push_back(s.column.size());
    const auto y = static_cast<ptrdiff_t>(s.pixel[k] / p.w),
               x = static_cast<ptrdiff_t>(s.pixel[k] % p.w);
    for (const Neighbour& n : kNeighbours) {
      const ptrdiff_t ny = y + n.dy, nx = x + n.dx;
      if (ny < 0 || nx < 0 || ny >= static_cast<ptrdiff_t>(p.h) ||
          nx >= static_cast<ptrdiff_t>(p.w)) {
        continue;
      }
      const size_t j = static_cast<size_t>(ny) * p.w + static_cast<size_t>(nx);
      s.diagonal[k] += n.weight;
      if (p.removed[j] != 0) {
        s.column.push_back(row_of[j]);
        s.weight.push_back(n.weight);
      } else {
        for (size_t c = 0; c < p.channels; ++c) {
          s.right[k * p.channels + c] += n.weight * p.values[j * p.channels + c];
        }
      }
    }
  }
  s.row_start.push_back(s.column.size());
  return s;
}

// out = A v.
void Multiply(const System& s, const std::vector<double>& v, std::vector<double>* out) {
  for (size_t k = 0; k < s.pixel.size(); ++k) {
    double sum = s.diagonal[k] * v[k];
    for (size_t e = s.row_start[k]; e < s.row_start[k + 1]; ++e)
      sum -= s.weight[e] * v[s.column[e]];
    (*out)[k] = sum;
  }
}

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// Conjugate gradients with Jacobi preconditioning on channel c, from the plane's values; stops
// when no row would move its pixel by more than `tolerance`.
void SolveChannel(const System& s, size_t c, double tolerance, Plane* p) {
  const size_t n = s.pixel.size();
  std::vector<double> x(n), r(n), z(n), d(n), q(n);
  for (size_t k = 0; k < n; ++k) x[k] = p->values[s.pixel[k] * p->channels + c];
  Multiply(s, x, &q);
  for (size_t k = 0; k < n; ++k) r[k] = s.right[k * p->channels + c] - q[k];
  double rz_before = 0;
  // In exact arithmetic n steps solve it; rounding may need a few more.
  for (size_t step = 0; step < 2 * n + 16; ++step) {
    double largest = 0;
    for (size_t k = 0; k < n; ++k) {
      z[k] = r[k] / s.diagonal[k];
      largest = std::max(largest, std::abs(z[k]));
    }
    if (largest <= tolerance) break;
    const double rz = Dot(r, z);
    for (size_t k = 0; k < n; ++k) d[k] = z[k] + (step == 0 ? 0 : rz / rz_before * d[k]);
    rz_before = rz;
    Multiply(s, d, &q);
    const double alpha = rz / Dot(d, q);
    for (size_t k = 0; k < n; ++k) {
      x[k] += alpha * d[k];
      r[k] -= alpha * q[k];
    }
  }
  for (size_t k = 0; k < n; ++k) p->values[s.pixel[k] * p->channels + c] = x[k];
}

// The plane at half the resolution: a pixel is kept where any of its up to four pixels is, with
// their mean.
Plane Coarser(const Plane& p) {
  Plane coarse{(p.h + 1) / 2, (p.w + 1) / 2, p.channels, {}, {}};
  coarse.values.assign(coarse.h * coarse.w * p.channels, 0);
  coarse.removed.assign(coarse.h * coarse.w, 1);
  std::vector<double> kept(coarse.h * coarse.w, 0);
  for (size_t i = 0; i < p.h * p.w; ++i) {
    if (p.removed[i] != 0) continue;
    const size_t parent = (i / p.w / 2) * coarse.w + (i % p.w) / 2;
    coarse.removed[parent] = 0;
    kept[parent] += 1;
    for (size_t c = 0; c < p.channels; ++c) {
      coarse.values[parent * p.channels + c] += p.values[i * p.channels + c];
    }
  }
  for (size_t i = 0; i < coarse.h * coarse.w; ++i) {
    for (size_t c = 0; c < p.channels; ++c)
      coarse.values[i * p.channels + c] /= std::max(kept[i], 1.0);
  }
  return coarse;
}

// Solves for `p`'s removed pixels to `tolerance[c]` on channel c.
void Solve(const std::vector<double>& tolerance, Plane* p) {
  const System s = SystemOf(*p);
  if (s.pixel.empty()) return;
  if (s.pixel.size() > kCoarsestUnknowns && p->h > 1 && p->w > 1) {
    Plane coarse = Coarser(*p);
    Solve(tolerance, &coarse);
    for (const size_t i : s.pixel) {
      const size_t parent = (i / p->w / 2) * coarse.w + (i % p->w) / 2;
      for (size_t c = 0; c < p->channels; ++c) {
        p->values[i * p->channels + c] = coarse.values[parent * p->channels + c];
      }
    }
  }
  for (size_t c = 0; c < p->channels; ++c) SolveChannel(s, c, tolerance[c], p);
}

// A standard normal value from two of `rng`'s words (Box-Muller; the standard library's
// distributions differ between implementations).
double Normal(std::mt19937& rng) {
  const double u = (static_cast<double>(rng() >> 8) + 0.5) / (1 << 24);
  const double v = static_cast<double>(rng() >> 8) / (1 << 24);
  return std::sqrt(-2 * std::log(u)) * std::cos(2 * std::numbers::pi * v);
}

}  // namespace

void ImputeLinear(std::span<float> image, size_t h, size_t w, std::span<const uint8_t> removed,
                  std::span<const float> noise_sd, uint32_t seed) {
  const size_t channels = image.size() / (h * w);
  Plane p{h, w, channels, std::vector<double>(image.begin(), image.end()),
          std::vector<uint8_t>(removed.begin(), removed.end())};
  // Solved to a millionth of each channel's spread of kept values: far below the noise and a
  // pixel level.
  std::vector<double> tolerance(channels, 0);
  for (size_t c = 0; c < channels; ++c) {
    double low = INFINITY, high = -INFINITY;
    for (size_t i = 0; i < h * w; ++i) {
      if (removed[i] != 0) continue;
      low = std::min(low, p.values[i * channels + c]);
      high = std::max(high, p.values[i * channels + c]);
    }
    tolerance[c] = 1e-6 * std::max(high - low, 1e-6);
  }
  // Removed pixels start from nothing of theirs: the smallest systems are solved from where they
  // start, and a solve should not begin at the values it is to replace.
  for (size_t i = 0; i < h * w; ++i) {
    if (removed[i] != 0)
      std::fill_n(p.values.begin() + static_cast<ptrdiff_t>(i * channels), channels, 0.0);
  }
  Solve(tolerance, &p);
  std::mt19937 rng(seed);
  for (size_t i = 0; i < h * w; ++i) {
    if (removed[i] == 0) continue;
    for (size_t c = 0; c < channels; ++c) {
      image[i * channels + c] =
          static_cast<float>(p.values[i * channels + c] + noise_sd[c] * Normal(rng));
    }
  }
}

}  // namespace convscope

// Row kernels of the candidate-list solver (dense_lap_candidates.hpp): each reads a row of the caller's
// matrix once, vectorised (SSE2, or AVX2 when compiled for it), and hands the few entries that matter (a
// new column minimum, an entry below the row's current threshold) to scalar code in increasing column
// order. Internal.
//
// The arithmetic is the scalar code's: x = sign * cost (exact: sign is +-1), h = x - v, compared exactly;
// so the results do not depend on the vector width. Validity (each x finite with |x| <= limit, or +inf)
// is screened on the way with the row's least and largest values and a NaN flag: a row that may hold a
// bad entry (or holds +inf) is then checked exactly by the caller, which names the first bad column.
#pragma once

#include <koc/matching/detail/dense_lap.hpp>

#if defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace koc {
namespace detail {
namespace simd {

#if defined(__AVX2__)
#define KOC_LAP_SIMD 1
inline constexpr std::size_t width = 4;
struct vec {
  __m256d r;
};
inline vec set(double x) noexcept { return {_mm256_set1_pd(x)}; }
inline vec load(const double* p) noexcept { return {_mm256_loadu_pd(p)}; }
inline vec mul(vec a, vec b) noexcept { return {_mm256_mul_pd(a.r, b.r)}; }
inline vec add(vec a, vec b) noexcept { return {_mm256_add_pd(a.r, b.r)}; }
inline vec sub(vec a, vec b) noexcept { return {_mm256_sub_pd(a.r, b.r)}; }
inline vec min(vec a, vec b) noexcept { return {_mm256_min_pd(a.r, b.r)}; }
inline vec max(vec a, vec b) noexcept { return {_mm256_max_pd(a.r, b.r)}; }
inline vec lt(vec a, vec b) noexcept { return {_mm256_cmp_pd(a.r, b.r, _CMP_LT_OQ)}; }
inline vec eq(vec a, vec b) noexcept { return {_mm256_cmp_pd(a.r, b.r, _CMP_EQ_OQ)}; }
inline vec unordered(vec a, vec b) noexcept { return {_mm256_cmp_pd(a.r, b.r, _CMP_UNORD_Q)}; }
inline vec bit_or(vec a, vec b) noexcept { return {_mm256_or_pd(a.r, b.r)}; }
inline vec and_not(vec mask, vec a) noexcept { return {_mm256_andnot_pd(mask.r, a.r)}; }  // a where mask is clear
inline vec select(vec mask, vec a, vec b) noexcept { return {_mm256_blendv_pd(b.r, a.r, mask.r)}; }
inline unsigned bits(vec mask) noexcept { return static_cast<unsigned>(_mm256_movemask_pd(mask.r)); }
inline void store(double* p, vec a) noexcept { _mm256_storeu_pd(p, a.r); }
#elif defined(__SSE2__)
#define KOC_LAP_SIMD 1
inline constexpr std::size_t width = 2;
struct vec {
  __m128d r;
};
inline vec set(double x) noexcept { return {_mm_set1_pd(x)}; }
inline vec load(const double* p) noexcept { return {_mm_loadu_pd(p)}; }
inline vec mul(vec a, vec b) noexcept { return {_mm_mul_pd(a.r, b.r)}; }
inline vec add(vec a, vec b) noexcept { return {_mm_add_pd(a.r, b.r)}; }
inline vec sub(vec a, vec b) noexcept { return {_mm_sub_pd(a.r, b.r)}; }
inline vec min(vec a, vec b) noexcept { return {_mm_min_pd(a.r, b.r)}; }
inline vec max(vec a, vec b) noexcept { return {_mm_max_pd(a.r, b.r)}; }
inline vec lt(vec a, vec b) noexcept { return {_mm_cmplt_pd(a.r, b.r)}; }
inline vec eq(vec a, vec b) noexcept { return {_mm_cmpeq_pd(a.r, b.r)}; }
inline vec unordered(vec a, vec b) noexcept { return {_mm_cmpunord_pd(a.r, b.r)}; }
inline vec bit_or(vec a, vec b) noexcept { return {_mm_or_pd(a.r, b.r)}; }
inline vec and_not(vec mask, vec a) noexcept { return {_mm_andnot_pd(mask.r, a.r)}; }
inline vec select(vec mask, vec a, vec b) noexcept { return {_mm_or_pd(_mm_and_pd(mask.r, a.r), _mm_andnot_pd(mask.r, b.r))}; }
inline unsigned bits(vec mask) noexcept { return static_cast<unsigned>(_mm_movemask_pd(mask.r)); }
inline void store(double* p, vec a) noexcept { _mm_storeu_pd(p, a.r); }
#endif

#ifdef KOC_LAP_SIMD
/// Screens sign-applied costs: clean when no NaN and every value within [-limit, limit] (+inf is not
/// clean: rows with forbidden entries are checked exactly, which accepts them).
struct screen {
  vec nan = set(0.0), lo = set(kInf), hi = set(-kInf);
  void add(vec x0, vec x1) noexcept {
    nan = bit_or(nan, unordered(x0, x1));
    lo = min(lo, min(x0, x1));
    hi = max(hi, max(x0, x1));
  }
  bool clean(double limit) const noexcept {
    alignas(32) double l[width], h[width];
    store(l, lo);
    store(h, hi);
    bool good = bits(nan) == 0;
    for (std::size_t t = 0; t < width; ++t) good = good && l[t] >= -limit && h[t] <= limit;
    return good;
  }
};
#endif

}  // namespace simd

/// The first `keep` columns of a row in (value, column) order, offered in increasing column order below
/// threshold(): a buffer cut back to `keep` with nth_element whenever it fills (cheaper than a heap: most
/// offers are appends). After finish(), the lexicographically last kept pair is the row's first column left
/// out when `keep` were found.
class first_columns {
 public:
  struct pair {
    double h;
    std::int32_t j;
  };
  static bool before(const pair& a, const pair& b) noexcept { return a.h < b.h || (a.h == b.h && a.j < b.j); }

  /// `data` holds room for capacity(keep) pairs.
  static std::size_t capacity(std::uint32_t keep) noexcept { return 4 * std::size_t{keep} + 16; }
  /// `bound`: only values below it are offered (a guess); if fewer than `keep` were, the caller offers the
  /// row again with no bound.
  void start(pair* data, std::uint32_t keep, double bound = kInf) noexcept {
    data_ = data;
    keep_ = keep;
    cap_ = static_cast<std::uint32_t>(capacity(keep));
    size_ = 0;
    thr_ = bound;
  }
  double threshold() const noexcept { return thr_; }
  /// (h, j) with h < threshold() and j above every column offered before.
  void offer(double h, std::int32_t j) {
    data_[size_++] = {h, j};
    if (size_ == cap_) cut();
  }
  /// Leaves the kept pairs in data()[0, size()), the lexicographically last at size() - 1 when size() ==
  /// keep (the others in no order).
  void finish() {
    if (size_ > keep_) cut();
    if (size_ == keep_) {
      pair* last = std::max_element(data_, data_ + size_, before);
      std::swap(*last, data_[size_ - 1]);
    }
  }
  std::uint32_t size() const noexcept { return size_; }
  std::uint32_t keep() const noexcept { return keep_; }
  const pair* data() const noexcept { return data_; }

 private:
  void cut() {
    std::nth_element(data_, data_ + (keep_ - 1), data_ + size_, before);
    size_ = keep_;
    thr_ = data_[keep_ - 1].h;  // later columns tie-break after it: only smaller values enter
  }
  pair* data_ = nullptr;
  std::uint32_t keep_ = 0, cap_ = 0, size_ = 0;
  double thr_ = kInf;
};

/// Whether a sign-applied cost is valid: finite within `limit`, or +inf (forbidden).
inline bool valid_cost(double x, double limit) noexcept { return std::fabs(x) <= limit || x == kInf; }

/// Square first pass over row i: x_j = sign * row_j. Where x_j < v_j: v_j = x_j, arg_j = i (strict: ties
/// keep the earlier row), so v holds the column minima of the rows so far. Every reduced cost against
/// them, h_j = x_j - v_j (v_j updated first), below the sink's threshold is offered to it: the final column
/// minima are no larger, so h_j bounds the final reduced cost from below. Returns false when the row may
/// hold an invalid entry (or holds +inf): the caller checks it exactly.
inline bool square_row(const double* row, std::size_t m, double sign, double limit, double* v, std::int64_t* arg,
                       std::int64_t i, first_columns& sink) {
  std::size_t j = 0;
  bool clean = true;
  double thr = sink.threshold();
  auto one = [&](std::size_t k) {
    const double x = sign * row[k];
    if (x < v[k]) {
      v[k] = x;
      arg[k] = i;
    }
    const double h = x - v[k];
    if (h < thr) {
      sink.offer(h, static_cast<std::int32_t>(k));
      thr = sink.threshold();
    }
  };
#ifdef KOC_LAP_SIMD
  using namespace simd;
  constexpr std::size_t W = width;
  const vec s = set(sign);
  vec t = set(thr);
  screen sc;
  for (; j + 2 * W <= m; j += 2 * W) {
    const vec x0 = mul(s, load(row + j)), x1 = mul(s, load(row + j + W));
    sc.add(x0, x1);
    const vec v0 = load(v + j), v1 = load(v + j + W);
    const vec lower = bit_or(lt(x0, v0), lt(x1, v1));
    const vec below = bit_or(lt(sub(x0, min(x0, v0)), t), lt(sub(x1, min(x1, v1)), t));
    if (bits(bit_or(lower, below)) == 0) continue;
    for (std::size_t k = j; k < j + 2 * W; ++k) one(k);
    t = set(thr);
  }
  clean = sc.clean(limit);
#endif
  for (; j < m; ++j) {
    clean = clean && std::fabs(sign * row[j]) <= limit;
    one(j);
  }
  return clean;
}

/// Row pass with the reduced cost h_j = sign * row_j - v_j (v == nullptr: v = 0, h = sign * row_j): every
/// h_j below the sink's threshold is offered to it. With `Screen`, returns false when the row may hold an
/// invalid entry (or holds +inf); else true.
template <bool Screen>
inline bool filter_row(const double* row, std::size_t m, double sign, const double* v, double limit,
                       first_columns& sink) {
  std::size_t j = 0;
  bool clean = true;
  double thr = sink.threshold();
  auto one = [&](std::size_t k) {
    const double h = v != nullptr ? sign * row[k] - v[k] : sign * row[k];
    if (h < thr) {
      sink.offer(h, static_cast<std::int32_t>(k));
      thr = sink.threshold();
    }
  };
#ifdef KOC_LAP_SIMD
  using namespace simd;
  constexpr std::size_t W = width;
  const vec s = set(sign);
  vec t = set(thr);
  screen sc;
  for (; j + 2 * W <= m; j += 2 * W) {
    vec x0 = mul(s, load(row + j)), x1 = mul(s, load(row + j + W));
    if constexpr (Screen) sc.add(x0, x1);
    if (v != nullptr) {
      x0 = sub(x0, load(v + j));
      x1 = sub(x1, load(v + j + W));
    }
    if (bits(bit_or(lt(x0, t), lt(x1, t))) == 0) continue;
    for (std::size_t k = j; k < j + 2 * W; ++k) one(k);
    t = set(thr);
  }
  if constexpr (Screen) clean = sc.clean(limit);
#endif
  for (; j < m; ++j) {
    if constexpr (Screen) clean = clean && std::fabs(sign * row[j]) <= limit;
    one(j);
  }
  return clean;
}

/// Transposed first pass: caller row r offers x_i = sign * row_i, as column r, to every internal row i
/// (the caller's columns) whose threshold thr[i] it is below; offer(i, x) must update thr[i]. Returns false
/// when the row may hold an invalid entry (or holds +inf).
template <class Offer>
inline bool feed_columns(const double* row, std::size_t n, double sign, double limit, const double* thr, Offer&& offer) {
  std::size_t i = 0;
  bool clean = true;
#ifdef KOC_LAP_SIMD
  using namespace simd;
  constexpr std::size_t W = width;
  const vec s = set(sign);
  screen sc;
  for (; i + 2 * W <= n; i += 2 * W) {
    const vec x0 = mul(s, load(row + i)), x1 = mul(s, load(row + i + W));
    sc.add(x0, x1);
    if (bits(bit_or(lt(x0, load(thr + i)), lt(x1, load(thr + i + W)))) == 0) continue;
    for (std::size_t k = i; k < i + 2 * W; ++k) {
      const double x = sign * row[k];
      if (x < thr[k]) offer(k, x);
    }
  }
  clean = sc.clean(limit);
#endif
  for (; i < n; ++i) {
    const double x = sign * row[i];
    clean = clean && std::fabs(x) <= limit;
    if (x < thr[i]) offer(i, x);
  }
  return clean;
}

/// Splits a row by h_j = sign * row_j - v_j: columns with h_j < tau go to keep(j, sign * row_j) in
/// increasing j; returns the first of the others in (h, j) order, (+inf, m) when none is finite.
template <class Keep>
inline std::pair<double, std::size_t> split_row(const double* row, std::size_t m, double sign, const double* v,
                                                double tau, Keep&& keep) {
  double best = kInf;
  std::size_t best_j = m;
  std::size_t j = 0;
#ifdef KOC_LAP_SIMD
  using namespace simd;
  constexpr std::size_t W = width;
  const vec s = set(sign), t = set(tau), inf = set(kInf);
  vec lane_best = inf;
  vec lane_j = set(0.0);  // column indices as doubles: exact below 2^53
  alignas(32) double offsets[W];
  for (std::size_t k = 0; k < W; ++k) offsets[k] = static_cast<double>(k);
  vec jv = load(offsets);
  const vec step = set(static_cast<double>(W));
  for (; j + W <= m; j += W) {
    const vec h = sub(mul(s, load(row + j)), load(v + j));
    const vec below = lt(h, t);
    const vec rest = select(below, inf, h);
    const vec better = lt(rest, lane_best);  // strict: the first column of a value in each lane
    lane_best = select(better, rest, lane_best);
    lane_j = select(better, jv, lane_j);
    jv = add(jv, step);
    if (unsigned b = bits(below))
      for (std::size_t k = 0; k < W; ++k)
        if (b >> k & 1u) keep(j + k, sign * row[j + k]);
  }
  alignas(32) double lb[W], lj[W];
  store(lb, lane_best);
  store(lj, lane_j);
  for (std::size_t k = 0; k < W; ++k) {
    const auto jk = static_cast<std::size_t>(lj[k]);
    if (lb[k] < best || (lb[k] == best && lb[k] < kInf && jk < best_j)) {
      best = lb[k];
      best_j = jk;
    }
  }
#endif
  for (; j < m; ++j) {
    const double h = sign * row[j] - v[j];
    if (h < tau) {
      keep(j, sign * row[j]);
    } else if (h < best || (h == best && j < best_j)) {
      best = h;
      best_j = j;
    }
  }
  if (!(best < kInf)) best_j = m;
  return {best, best_j};
}

}  // namespace detail
}  // namespace koc

// The score's terms: how one metric value becomes a contribution. The roster-wide statistics a
// normalisation needs (min_max, percentile), each normalisation as a plain function
// (normalise_replaced: the definition, which growth gaps also use to try a new value), and the fused
// kernel classify() runs over a chunk of rows (range check, normalise, invert, weigh, add to the score,
// in one vectorised loop with the same operations in the same order, so the same bits). The formulas
// are those of tiers/policy.hpp.
//
// Internal (namespace koc::detail): classify.hpp and growth_gap.hpp are its users.
#pragma once

#include <koc/detail/dispatch.hpp>
#include <koc/detail/log1p.hpp>
#include <koc/tiers/policy.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace koc {
namespace detail {

/// Roster-wide statistics a normalisation needs (min_max, percentile), computed once per metric.
struct metric_stats {
  std::vector<double> sorted;  ///< percentile: the column sorted ascending (or its distinct values, see below)
  /// percentile from a tier_reference: `sorted` holds distinct values and below[k] counts values < sorted[k]
  /// (one more entry: the roster size). Empty when `sorted` is the full column.
  std::vector<std::uint64_t> below;
  std::vector<double> f;  ///< percentile of this roster's own column: each row's normalised value (mid-rank)
  double min1 = 0, min2 = 0, max1 = 0, max2 = 0;  ///< min_max: two smallest and two largest
  std::size_t argmin = 0, argmax = 0;  ///< local rows (SIZE_MAX: outside this partition)

  /// Number of roster values < x and <= x.
  std::size_t count_less(double x) const {
    const auto k = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin());
    return below.empty() ? k : static_cast<std::size_t>(below[k]);
  }
  std::size_t count_le(double x) const {
    const auto k = static_cast<std::size_t>(std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin());
    return below.empty() ? k : static_cast<std::size_t>(below[k]);
  }
};

inline double minmax_f(double x, double lo, double hi) { return hi > lo ? (x - lo) / (hi - lo) : 0.0; }
inline double percentile_f(std::size_t less, std::size_t equal_others, std::size_t n) {
  // Mid-rank: (2·less + equal_including_self − 1) / (2·(n − 1)); integers are exact in double.
  if (n <= 1) return 0.5;
  return static_cast<double>(2 * less + equal_others) / static_cast<double>(2 * (n - 1));
}

/// f for a value that is not part of the column (the KOC's own value replaced by x): the KOC at row
/// `self` with original value `self_x` is removed from the statistics first.
inline double normalise_replaced(const metric_weight& w, const metric_stats& st, std::size_t n, std::size_t self,
                                 double self_x, double x) {
  double f = 0.0;
  switch (w.norm) {
    case normalisation::none: f = x; break;
    // As the fused term kernel computes it (min(1, log1p(x) / log1p(ref)), clamped before the logarithm).
    case normalisation::log1p: f = detail::log1p(std::min(x, w.reference)) / detail::log1p(w.reference); break;
    case normalisation::cap: f = std::min(x, w.reference) / w.reference; break;
    case normalisation::min_max: {
      if (n <= 1) { f = 0.0; break; }
      const double lo_o = self == st.argmin ? st.min2 : st.min1;
      const double hi_o = self == st.argmax ? st.max2 : st.max1;
      f = minmax_f(x, std::min(lo_o, x), std::max(hi_o, x));
      break;
    }
    case normalisation::percentile: {
      std::size_t less = st.count_less(x);
      std::size_t eq = st.count_le(x) - less;
      if (self_x < x) --less;
      else if (self_x == x) --eq;
      f = percentile_f(less, eq, n);
      break;
    }
  }
  return w.invert ? 1.0 - f : f;
}


/// True when every value of x[0, n) is in [lo, hi] (lo finite): no NaN, no infinity. Each value is
/// clamped into [lo, hi] (NaN goes to lo, inf to the largest double) and the bit differences are ORed
/// together: branch-free, so the loop vectorises. Exactly the values column_problems reports fail it.
KOC_DISPATCH_AVX2 inline bool values_in_range(const double* x, std::size_t n, double lo, double hi) noexcept {
  const double lim = std::min(hi, std::numeric_limits<double>::max());
  std::uint64_t diff = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double y = x[i] >= lo ? x[i] : lo;
    y = y <= lim ? y : lim;
    std::uint64_t bx, by;
    std::memcpy(&bx, &x[i], sizeof bx);
    std::memcpy(&by, &y, sizeof by);
    diff |= bx ^ by;
  }
  return diff == 0;
}

/// True when no value of x[0, n) is infinite or NaN (branch-free, so the loop vectorises).
inline bool all_finite(const double* x, std::size_t n) noexcept {
  constexpr std::uint64_t exponent = 0x7ff0000000000000ULL;
  std::uint64_t special = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, &x[i], sizeof bits);
    special |= static_cast<std::uint64_t>((bits & exponent) == exponent);
  }
  return special == 0;
}

/// The normalisations the fused term kernel applies itself (min_max and percentile rows come to it
/// already normalised, as `none`).
enum class fused_norm : std::uint8_t { none, cap, log1p };

template <fused_norm N, bool Invert>
KOC_ALWAYS_INLINE std::uint64_t fused_term_loop(const double* x, std::size_t n, double lim, double ref, double denom,
                                                double weight, double* acc, double* c) noexcept {
  // The range check of values_in_range on the value already loaded, in integer arithmetic: GCC will not
  // if-convert one more floating-point select next to log1p's arithmetic (-ftrapping-math), which would
  // keep the loop scalar. For doubles without the sign bit, the order of the bit patterns is the order
  // of the values (NaN and +inf come after every finite value), so with a = |v|'s bits, a > lim's bits
  // sets the top bit of lim_bits - a; -0.0 passes, as in values_in_range, and any other negative value
  // sets the top bit of bits & (a + 2^63 - 1).
  constexpr std::uint64_t magnitude = 0x7fffffffffffffffULL;
  std::uint64_t lim_bits;
  std::memcpy(&lim_bits, &lim, sizeof lim_bits);
  std::uint64_t diff = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double v = x[k];
    std::uint64_t bv;
    std::memcpy(&bv, &v, sizeof bv);
    const std::uint64_t a = bv & magnitude;
    diff |= (lim_bits - a) | (bv & (a + magnitude));
    double f = v;
    if (N == fused_norm::cap) f = (v < ref ? v : ref) / ref;
    // Clamped before the logarithm, not after: log1p(min(v, ref)) / log1p(ref) is min(1, log1p(v) /
    // log1p(ref)) (log1p increases), and a select feeding the multiplication below would keep GCC from
    // vectorising the loop.
    if (N == fused_norm::log1p) f = log1p(v < ref ? v : ref) / denom;
    const double t = (Invert ? 1.0 - f : f) * weight;
    c[k] = t;
    acc[k] += t;
  }
  return diff >> 63;
}

/// One term of the fused pass over a chunk of rows, in one loop: checks that x[0, n) is in [0, lim]
/// (the result is nonzero when not, as in values_in_range), normalises (none; cap at `ref`; log1p against
/// `ref`, `denom` being log1p(ref)), inverts, weighs, writes the contribution to c and adds it to acc.
/// One loop instead of a pass per step: the first read of the chunk's column from memory overlaps the
/// arithmetic, and the chunk is not re-read from L1 for each step. The operations and their order are
/// those of the definition (f, then (invert ? 1 - f : f) · weight, then acc += that), so the bits are too.
KOC_DISPATCH_AVX2 inline std::uint64_t fused_term(fused_norm norm, bool invert, const double* x, std::size_t n,
                                                  double lim, double ref, double denom, double weight, double* acc,
                                                  double* c) noexcept {
  switch (norm) {
    case fused_norm::none:
      return invert ? fused_term_loop<fused_norm::none, true>(x, n, lim, ref, denom, weight, acc, c)
                    : fused_term_loop<fused_norm::none, false>(x, n, lim, ref, denom, weight, acc, c);
    case fused_norm::cap:
      return invert ? fused_term_loop<fused_norm::cap, true>(x, n, lim, ref, denom, weight, acc, c)
                    : fused_term_loop<fused_norm::cap, false>(x, n, lim, ref, denom, weight, acc, c);
    case fused_norm::log1p:
      return invert ? fused_term_loop<fused_norm::log1p, true>(x, n, lim, ref, denom, weight, acc, c)
                    : fused_term_loop<fused_norm::log1p, false>(x, n, lim, ref, denom, weight, acc, c);
  }
  return 0;
}

}  // namespace detail
}  // namespace koc

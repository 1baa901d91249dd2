// The plain dense Jonker-Volgenant kernel behind koc::solve_dense_assignment (see
// koc/matching/dense_assignment.hpp for the algorithm, its references, certificate and tie-break). Internal:
// not public API. It is the statement of the rules that the candidate-list solver
// (dense_lap_candidates.hpp) must reproduce bit for bit, and it solves small problems itself.
#pragma once

#include <koc/error.hpp>

#if defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace koc {
namespace detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline bool candidate_lists_fit(std::size_t m) noexcept { return m < (std::size_t{1} << 31); }

/// Whether the candidate lists beat the full scan at n x m (n <= m): below about 3 MB the full scan's rows
/// stay in cache and the lists' bookkeeping costs more than it saves (measured on the five benchmark
/// families; benchmarks/RESULTS.md).
inline bool candidate_lists_pay(std::size_t n, std::size_t m) noexcept {
  return n >= 32 && n * m >= 360000 && candidate_lists_fit(m);
}

/// How many times ARR may re-scan a row it has just evicted, per row of the problem, before leaving the
/// rest to the (exact, always terminating) shortest-path phase. A function of the shape alone, so both
/// ways of reading the matrix make the same steps. On matrices small enough for the full scan, an evicted
/// row waits for the next pass instead: the immediate re-scans ping-pong between rows whose rows are
/// cheap to read again anyway, and the shortest paths finish sooner (1.2-1.9x faster at 16-512 square on
/// uniform, spatial and logarithmic costs; benchmarks/RESULTS.md). On larger ones the re-scans pay.
inline std::size_t arr_rescans_per_row(std::size_t n, std::size_t m) noexcept { return candidate_lists_pay(n, m) ? 4 : 0; }

/// Working arrays of the full scan, kept with the state so that a batch solving problem after problem on
/// one thread allocates them once: each solve sets the sizes it reads (assign/clear keep the capacity).
struct lap_scratch {
  std::vector<std::int64_t> free_rows, next_free, again, arg, matches, pred, scanned_rows, scanned_cols;
  std::vector<double> dist, final_dist, saved_v;
  std::vector<double> work;  ///< the working copy of the matrix, when one is made (dense_assignment.hpp)
};

/// The solver state for the internal orientation: n rows (the smaller side) x m columns, n <= m,
/// row-major with leading dimension lda, minimisation, forbidden = +inf.
struct lap_state {
  std::vector<double> u, v;          // potentials
  std::vector<std::int64_t> x, y;    // x[row] = column, y[col] = row, -1 when free
  std::vector<std::int64_t> blocking;  // Hall violator rows when infeasible
  lap_scratch scratch;
};

[[noreturn]] inline void throw_bad_cost(double c, std::size_t row, std::size_t col, double limit) {
  if (std::isfinite(c)) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%.6g", limit);
    throw error(errc::out_of_range,
                std::string("cost magnitude is above ") + shown +
                    " (for this size, the potentials would leave the double range) at column " + std::to_string(col),
                static_cast<std::int64_t>(row), "cost");
  }
  std::string what = std::isnan(c) ? "cost is NaN"
                     : c > 0      ? "cost is +inf, which is invalid when maximising (use -inf or the mask to forbid a pair)"
                                  : "cost is -inf, which is invalid when minimising (use +inf or the mask to forbid a pair)";
  throw error(errc::invalid_value, what + " at column " + std::to_string(col), static_cast<std::int64_t>(row),
              "cost");
}

/// The largest finite cost magnitude the solver takes for n = min(rows, cols): every potential, distance
/// and sum stays below DBL_MAX / 2 (solve_lap bounds them by 6 (n + 7)^2 times the largest cost).
inline double cost_limit(std::size_t n) noexcept {
  const double k = static_cast<double>(n) + 7.0;
  return std::numeric_limits<double>::max() / (12.0 * k * k);
}

/// Whether every entry of a row is the forbidden infinity or finite with magnitude <= limit (so no NaN,
/// no wrong-signed infinity). Branch-free: the loop vectorises.
inline bool row_is_valid(const double* row, std::size_t cols, bool maximize, double limit) {
  const double forbidden = maximize ? -kInf : kInf;
  bool bad = false;
  for (std::size_t j = 0; j < cols; ++j) bad |= !(std::fabs(row[j]) <= limit) & (row[j] != forbidden);
  return !bad;
}

inline void check_row(const double* row, std::size_t r, std::size_t cols, bool maximize, double limit) {
  if (row_is_valid(row, cols, maximize, limit)) return;
  const double forbidden = maximize ? -kInf : kInf;
  for (std::size_t j = 0; j < cols; ++j)
    if (!(std::fabs(row[j]) <= limit) && row[j] != forbidden) throw_bad_cost(row[j], r, j, limit);
}

/// d_j = min(d_j, base + (row_j - v_j)) for every column, pred_j = i where it improved; returns min_j d_j.
/// The arithmetic is the same in the vector and scalar parts, so results do not depend on alignment. The
/// reduced cost row_j - v_j is rounded first: rounding is monotone, so a bound on it (the candidate lists'
/// theta, dense_lap_candidates.hpp) bounds the distance too. Negate: the row holds a maximisation's
/// entries and each is read as -row_j (exact: the same value a negated working copy holds).
template <bool Negate = false>
inline double relax_row(const double* row, const double* v, double* d, std::int64_t* pred, std::size_t m,
                        double base, std::int64_t i) {
  std::size_t j = 0;
  double lowest = kInf;
#if defined(__AVX2__)
  {
    const __m256d vb = _mm256_set1_pd(base);
    const __m256i vi = _mm256_set1_epi64x(i);
    const __m256d flip = _mm256_set1_pd(Negate ? -0.0 : 0.0);  // xor with the sign bit negates
    __m256d vlo = _mm256_set1_pd(kInf);
    for (; j + 4 <= m; j += 4) {
      const __m256d r = _mm256_add_pd(vb, _mm256_sub_pd(_mm256_xor_pd(_mm256_loadu_pd(row + j), flip), _mm256_loadu_pd(v + j)));
      const __m256d dj = _mm256_loadu_pd(d + j);
      const __m256d lt = _mm256_cmp_pd(r, dj, _CMP_LT_OQ);
      const __m256d nd = _mm256_min_pd(r, dj);
      _mm256_storeu_pd(d + j, nd);
      auto* pp = reinterpret_cast<__m256i*>(pred + j);
      const __m256i p = _mm256_loadu_si256(pp);
      _mm256_storeu_si256(pp, _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(p), _mm256_castsi256_pd(vi), lt)));
      vlo = _mm256_min_pd(nd, vlo);
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, vlo);
    for (const double l : lanes) lowest = l < lowest ? l : lowest;
  }
#elif defined(__SSE2__)
  {
    const __m128d vb = _mm_set1_pd(base);
    const __m128i vi = _mm_set1_epi64x(i);
    const __m128d flip = _mm_set1_pd(Negate ? -0.0 : 0.0);  // xor with the sign bit negates
    __m128d vlo = _mm_set1_pd(kInf);
    for (; j + 2 <= m; j += 2) {
      const __m128d r = _mm_add_pd(vb, _mm_sub_pd(_mm_xor_pd(_mm_loadu_pd(row + j), flip), _mm_loadu_pd(v + j)));
      const __m128d dj = _mm_loadu_pd(d + j);
      const __m128i lt = _mm_castpd_si128(_mm_cmplt_pd(r, dj));
      const __m128d nd = _mm_min_pd(r, dj);
      _mm_storeu_pd(d + j, nd);
      auto* pp = reinterpret_cast<__m128i*>(pred + j);
      const __m128i p = _mm_loadu_si128(pp);
      _mm_storeu_si128(pp, _mm_or_si128(_mm_and_si128(lt, vi), _mm_andnot_si128(lt, p)));
      vlo = _mm_min_pd(nd, vlo);
    }
    alignas(16) double lanes[2];
    _mm_store_pd(lanes, vlo);
    for (const double l : lanes) lowest = l < lowest ? l : lowest;
  }
#endif
  for (; j < m; ++j) {
    const double r = base + ((Negate ? -row[j] : row[j]) - v[j]);
    if (r < d[j]) {
      d[j] = r;
      pred[j] = i;
    }
    lowest = d[j] < lowest ? d[j] : lowest;
  }
  return lowest;
}

/// The column to scan next among those with d_j == lowest: a free one (lowest index) if any, else the
/// lowest index. Exact equality: `lowest` is one of the d_j.
inline std::int64_t pick_column(const double* d, const std::int64_t* y, std::size_t m, double lowest) {
  std::int64_t first = -1;
  std::size_t j = 0;
  auto consider = [&](std::size_t k) {
    if (d[k] != lowest) return false;
    if (first < 0) first = static_cast<std::int64_t>(k);
    return y[k] < 0;
  };
#if defined(__AVX2__)
  const __m256d vl = _mm256_set1_pd(lowest);
  for (; j + 4 <= m; j += 4) {
    if (_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(d + j), vl, _CMP_EQ_OQ)) == 0) continue;
    for (std::size_t k = j; k < j + 4; ++k)
      if (consider(k)) return static_cast<std::int64_t>(k);
  }
#elif defined(__SSE2__)
  const __m128d vl = _mm_set1_pd(lowest);
  for (; j + 2 <= m; j += 2) {
    if (_mm_movemask_pd(_mm_cmpeq_pd(_mm_loadu_pd(d + j), vl)) == 0) continue;
    for (std::size_t k = j; k < j + 2; ++k)
      if (consider(k)) return static_cast<std::int64_t>(k);
  }
#endif
  for (; j < m; ++j)
    if (consider(j)) return static_cast<std::int64_t>(j);
  return first;
}

/// The two lowest reduced costs c_ij - v_j of a row and their columns, lowest column first on ties; j1 < 0
/// when every pair of the row is forbidden.
struct row_first_two {
  double u1 = kInf, u2 = kInf;
  std::int64_t j1 = -1, j2 = -1;
};

/// Augmenting row reduction (JV 1987, section 4.2), bounded: the one statement of the step for both ways
/// of reading the matrix. `Scan` is the strategy that reads a row:
///   row_first_two first_two(std::size_t i, bool first_read);   first_read: pass 0, taken from the free list
///   std::int64_t first_free_at(std::size_t i, double u1);      lowest free column with c_ij - v_j == u1, or -1
///   void took(std::int64_t j);                                  column j has just been assigned
/// On return free_rows holds the rows still free, in increasing order.
/// Invariant: every assigned row's column has its minimal reduced cost c_ij - v_j (within rounding).
template <class Scan>
void augmenting_row_reduction(Scan& scan, lap_state& s, std::size_t n, std::size_t m, std::vector<std::int64_t>& free_rows) {
  double* v = s.v.data();
  std::int64_t* x = s.x.data();
  std::int64_t* y = s.y.data();
  std::vector<std::int64_t>& next_free = s.scratch.next_free;
  std::vector<std::int64_t>& again = s.scratch.again;
  next_free.reserve(n);
  const std::size_t rescan_budget = arr_rescans_per_row(n, m) * n;
  for (int pass = 0; pass < 2 && !free_rows.empty(); ++pass) {
    std::size_t rescans = 0;
    next_free.clear();
    again.clear();
    std::size_t k = 0;
    // An evicted row with a strictly better column is re-scanned at once (JV's free[--k] = i0); those wait
    // in a small stack instead of overwriting the list being read. Each step takes a row from free_rows or
    // from `again`, which at most rescan_budget pushes fill: at most |free_rows| + arr_rescans_per_row · n
    // steps per pass.
    while (k < free_rows.size() || !again.empty()) {
      std::int64_t i;
      const bool first_read = pass == 0 && again.empty();
      if (!again.empty()) {
        i = again.back();
        again.pop_back();
      } else {
        i = free_rows[k++];
      }
      const row_first_two f = scan.first_two(static_cast<std::size_t>(i), first_read);
      if (f.j1 < 0) {  // every pair of this row is forbidden: the shortest-path phase will prove it
        next_free.push_back(i);
        continue;
      }
      std::int64_t j1 = f.j1;
      std::int64_t i0 = y[j1];
      const bool strict = f.u1 < f.u2 && f.u2 < kInf;
      if (strict) {
        v[j1] -= f.u2 - f.u1;  // makes j1 exactly as attractive as j2 for row i, so i0 may move there
      } else if (i0 >= 0) {
        // Tie: prefer a free column among the minimal ones (lowest index): a constant matrix then gives
        // the identity; otherwise take the second column as JV do, to make progress.
        const std::int64_t jf = scan.first_free_at(static_cast<std::size_t>(i), f.u1);
        if (jf >= 0) {
          j1 = jf;
        } else if (f.j2 >= 0) {
          j1 = f.j2;
        }
        i0 = y[j1];
      }
      if (i0 >= 0) x[i0] = -1;
      x[i] = j1;
      y[j1] = i;
      scan.took(j1);
      if (i0 >= 0) {
        if (strict && rescans < rescan_budget) {
          ++rescans;
          again.push_back(i0);
        } else {
          next_free.push_back(i0);
        }
      }
    }
    std::sort(next_free.begin(), next_free.end());
    free_rows.swap(next_free);
  }
}

/// The full scan: reads the whole row of the caller's matrix (checking it on its first read when asked).
struct full_row_scan {
  const double* a;
  std::size_t m, lda;
  const double* v;
  const std::int64_t* y;
  bool validate;  ///< check each row on its first read (rows the column reduction has not checked)
  double limit;

  row_first_two first_two(std::size_t i, bool first_read) const {
    const double* row = a + i * lda;
    if (validate && first_read) check_row(row, i, m, false, limit);
    // Locals, not the struct's fields, in the loop: the compiler keeps them in registers.
    const double* vv = v;
    const auto sm = static_cast<std::int64_t>(m);
    double u1 = kInf, u2 = kInf;
    std::int64_t j1 = -1, j2 = -1;
    for (std::int64_t j = 0; j < sm; ++j) {
      const double h = row[j] - vv[j];
      if (h < u2) {
        if (h < u1) {
          u2 = u1;
          j2 = j1;
          u1 = h;
          j1 = j;
        } else {
          u2 = h;
          j2 = j;
        }
      }
    }
    return {u1, u2, j1, j2};
  }

  std::int64_t first_free_at(std::size_t i, double u1) const {
    const double* row = a + i * lda;
    for (std::size_t j = 0; j < m; ++j)
      if (y[j] < 0 && row[j] - v[j] == u1) return static_cast<std::int64_t>(j);
    return -1;
  }

  void took(std::int64_t) const noexcept {}
};

/// The shortest augmenting paths (Crouse 2016, Algorithm 1 with JV's potentials) for `free_rows`, in that
/// order, from the state ARR left in `s` (u set on the assigned rows), reading whole rows of the internal
/// matrix a (n x m, leading dimension lda, minimisation; Negate: a maximisation's entries, read negated).
/// The candidate lists hand their free rows to it where the full scan is faster (candidate_lap::solve).
/// Returns false (and fills s.blocking) when some row cannot be assigned.
template <bool Negate>
bool full_scan_paths(const double* a, std::size_t n, std::size_t m, std::size_t lda, lap_state& s,
                     const std::vector<std::int64_t>& free_rows) {
  lap_scratch& w = s.scratch;
  double* v = s.v.data();
  std::int64_t* x = s.x.data();
  std::int64_t* y = s.y.data();
  // Each relaxation scans the whole row contiguously (vectorised in relax_row) instead of a shrinking
  // list of unscanned columns: a scanned column gets v_j = -inf (its real v_j is kept aside) and
  // d_j = +inf, so its reduced cost is +inf, it is never relaxed again and never the minimum.
  double* u = s.u.data();
  std::vector<double>& dist = w.dist;
  std::vector<double>& final_dist = w.final_dist;
  std::vector<double>& saved_v = w.saved_v;
  std::vector<std::int64_t>& pred = w.pred;
  std::vector<std::int64_t>& scanned_rows = w.scanned_rows;
  std::vector<std::int64_t>& scanned_cols = w.scanned_cols;
  dist.assign(m, kInf);
  final_dist.assign(m, 0.0);
  pred.assign(m, -1);
  scanned_rows.reserve(n);
  scanned_cols.reserve(m);
  saved_v.reserve(m);
  double* d = dist.data();
  for (const std::int64_t f : free_rows) {
    scanned_rows.clear();
    scanned_cols.clear();
    saved_v.clear();
    double min_val = 0.0;
    std::int64_t i = f, sink = -1;
    scanned_rows.push_back(f);
    u[f] = 0.0;
    // Each step scans a column not scanned before (a scanned column has d = +inf and is never the minimum):
    // at most m steps.
    while (sink < 0) {
      const double* row = a + static_cast<std::size_t>(i) * lda;
      const double lowest = relax_row<Negate>(row, v, d, pred.data(), m, min_val - u[i], i);
      if (!(lowest < kInf)) {  // nothing reachable: the scanned rows form a Hall violator
        s.blocking = scanned_rows;
        std::sort(s.blocking.begin(), s.blocking.end());
        return false;
      }
      // Among the columns at distance `lowest`: a free one first, then the lowest index.
      const std::int64_t best = pick_column(d, y, m, lowest);
      min_val = lowest;
      final_dist[static_cast<std::size_t>(best)] = lowest;
      scanned_cols.push_back(best);
      saved_v.push_back(v[best]);
      v[best] = -kInf;
      d[best] = kInf;
      if (y[best] < 0) {
        sink = best;
      } else {
        i = y[best];
        scanned_rows.push_back(i);
      }
    }
    for (std::size_t k = 0; k < scanned_cols.size(); ++k) {
      const std::int64_t j = scanned_cols[k];
      v[j] = saved_v[k] - (min_val - final_dist[static_cast<std::size_t>(j)]);
    }
    u[f] += min_val;
    for (std::size_t k = 1; k < scanned_rows.size(); ++k) {
      const std::int64_t r = scanned_rows[k];
      u[r] += min_val - final_dist[static_cast<std::size_t>(x[r])];
    }
    for (std::int64_t j = sink;;) {  // augment along the predecessor chain: at most |scanned_rows| steps to f
      const std::int64_t r = pred[j];
      y[j] = r;
      std::swap(x[r], j);
      if (r == f) break;
    }
    std::fill(dist.begin(), dist.end(), kInf);
  }
  return true;
}

/// Returns false (and fills s.blocking) when some row cannot be assigned.
/// `validate`: the rows are the caller's own (minimisation, not transposed) and not yet checked for NaN
/// and -inf; each is checked on its first read, which saves a pass over memory (the solve is
/// memory-bound). Rows are first read in increasing order, so the first bad row is the one reported.
inline bool solve_lap(const double* a, std::size_t n, std::size_t m, std::size_t lda, lap_state& s,
                      bool validate = false) {
  s.u.assign(n, 0.0);
  s.v.assign(m, 0.0);
  s.x.assign(n, -1);
  s.y.assign(m, -1);
  s.blocking.clear();
  if (n == 0) return true;
  // Magnitudes, for C = the largest |cost| (at most cost_limit(n), checked as rows are read): column
  // reduction leaves v in [-3C, C]; a strict ARR step sets v_j1 = c_ij1 - c_ij2 + v_j2, so each of the at
  // most 2 · 5n steps lowers min v by at most 2C; a shortest path to a free column (whose v is still in
  // [-3C, C]) is at most (2n + 4)C long (the alternating path's reduced length telescopes to sums of costs),
  // and each of the n augmentations lowers a scanned v by at most (2n + 6)C. So |v| <= 2(n + 7)^2 C, and
  // u, the distances and every sum below stay within 6(n + 7)^2 C <= DBL_MAX / 2.
  const double limit = cost_limit(n);
  double* v = s.v.data();
  std::int64_t* x = s.x.data();
  std::int64_t* y = s.y.data();

  lap_scratch& w = s.scratch;
  std::vector<std::int64_t>& free_rows = w.free_rows;
  free_rows.clear();
  free_rows.reserve(n);
  if (n == m) {
    // --- Column reduction and reduction transfer (JV 1987, section 4.1), square only. -------------
    // v_j = min_i c_ij gives ARR a far better start; it may make v_j > 0, which only the square LP
    // (all constraints equalities) allows. Scanned row by row so the inner loop is contiguous.
    std::vector<std::int64_t>& arg = w.arg;
    arg.assign(m, 0);
    if (validate) check_row(a, 0, m, false, limit);
    std::copy(a, a + m, v);
    for (std::size_t i = 1; i < n; ++i) {
      const double* row = a + i * lda;
      if (validate) check_row(row, i, m, false, limit);
      for (std::size_t j = 0; j < m; ++j) {
        const bool lower = row[j] < v[j];  // strict: ties keep the lowest row
        v[j] = lower ? row[j] : v[j];
        arg[j] = lower ? static_cast<std::int64_t>(i) : arg[j];
      }
    }
    std::vector<std::int64_t>& matches = w.matches;
    matches.assign(n, 0);
    for (std::size_t j = 0; j < m; ++j) {
      if (!(v[j] < kInf)) {  // a column no row may take: keep it free with a finite potential
        v[j] = 0.0;
        continue;
      }
      const std::int64_t i = arg[j];
      if (++matches[static_cast<std::size_t>(i)] == 1) {
        x[i] = static_cast<std::int64_t>(j);
        y[j] = i;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (matches[i] == 0) {
        free_rows.push_back(static_cast<std::int64_t>(i));
      } else if (matches[i] == 1) {
        // Lower v of the row's only column by its gap to the next best, so ARR sees the true margin.
        const double* row = a + i * lda;
        const auto j1 = static_cast<std::size_t>(x[i]);
        double gap = kInf;
        for (std::size_t j = 0; j < m; ++j) {
          const double h = j == j1 ? kInf : row[j] - v[j];
          gap = h < gap ? h : gap;
        }
        if (gap < kInf) v[j1] -= gap;
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) free_rows.push_back(static_cast<std::int64_t>(i));
  }
  // --- Augmenting row reduction (JV 1987, section 4.2), reading whole rows. -------------------------
  full_row_scan scan{a, m, lda, v, y, validate && n != m, limit};
  augmenting_row_reduction(scan, s, n, m, free_rows);
  // Row potentials of the rows ARR assigned: tight on their column.
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] >= 0) s.u[i] = a[i * lda + static_cast<std::size_t>(x[i])] - v[x[i]];

  return full_scan_paths<false>(a, n, m, lda, s, free_rows);
}

}  // namespace detail

}  // namespace koc

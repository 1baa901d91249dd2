// Dense rectangular 1:1 assignment (KOCs x tasks, every pair scored): koc's linear_sum_assignment.
//
//   Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> fit = ...;  // KOCs x tasks
//   koc::dense_assignment_options opt;
//   opt.maximize = true;                                  // fit scores: higher is better
//   auto r = koc::solve_dense_assignment(fit, opt);
//   if (r.status == koc::assignment_status::optimal)      // r.row_ind[k] does task r.col_ind[k]
//     assert(koc::verify(fit, r).ok);
//
// Same answer shape as scipy.optimize.linear_sum_assignment: min(rows, cols) pairs, row_ind strictly
// increasing, col_ind the matching columns, forbidden pairs marked +inf (minimise) or -inf (maximise)
// or through an optional mask. An infeasible problem is a status, not an exception.
//
// Algorithm: Jonker & Volgenant, "A shortest augmenting path algorithm for dense and sparse linear
// assignment problems", Computing 38 (1987): column reduction with reduction transfer (square problems
// only), two bounded passes of augmenting row reduction (ARR), then one Dijkstra-like shortest
// augmenting path per row still free, in the rectangular form of D. F. Crouse, "On implementing 2D
// rectangular assignment algorithms", IEEE TAES 52(4), 2016 (the algorithm scipy uses). Rectangular
// problems skip column reduction: it would make column duals positive, which the rectangular
// certificate below forbids; ARR started from v = 0 only ever lowers v.
// Complexity: O(n^2 m) worst case for n = min(rows, cols), m = max(rows, cols); extra O(n m) memory only
// when a working copy is needed (maximize, a mask, or rows > cols, which is transposed so that every
// scan runs along a contiguous row of the longer side). With rows <= cols, minimise and no mask, the
// caller's buffer is read in place and validated on first read (the solve is memory-bound). Each
// shortest-path step scans a whole row branch-free (SSE2, or AVX2 when compiled with it).
//
// Numerical robustness: ARR passes are bounded (at most 2 passes and kArrRescansPerRow re-scans per
// row), so near-equal costs (1 + k*1e-15) cannot ping-pong forever; the shortest-path phase scans each
// column at most once per augmentation, with exact comparisons, and always terminates. Finite costs may
// be as large as cost_limit(n) = DBL_MAX / (12 (n + 7)^2) in magnitude for n = min(rows, cols) (about
// 1e301 at n = 4000): the potentials then stay finite (bound in solve_lap); larger ones are refused with
// out_of_range, naming the row and column.
//
// Tie-break (deterministic, bit for bit): rows are processed in increasing index; among columns of
// equal reduced cost a free column is preferred, then the lowest column index. A constant matrix
// therefore gives the identity assignment (row i -> column i).
//
// Certificate (the LP dual), stated for the minimisation form c' (c' = c, or -c when maximising), with
// forbidden pairs simply absent from the LP. Let n_r = rows, n_c = cols.
//   primal: min sum c'_ij x_ij  s.t.  sum_j x_ij (=|<=) 1 for each row, sum_i x_ij (=|<=) 1 for each
//           column, x >= 0, where the smaller side has "= 1" and the larger side "<= 1" (both "= 1"
//           when square).
//   dual:   max sum_i u_i + sum_j v_j  s.t.  u_i + v_j <= c'_ij for every allowed pair,
//           and the duals of the "<= 1" side are <= 0.
//   optimality (complementary slackness):
//     (1) u_i + v_j <= c'_ij          for every allowed (i, j)        (dual feasibility)
//     (2) u_i + v_j == c'_ij          for every chosen pair            (tightness)
//     (3) if n_r < n_c: v_j <= 0 for every column and v_j == 0 for every unassigned column;
//         if n_r > n_c: u_i <= 0 for every row    and u_i == 0 for every unassigned row;
//         if square: no sign condition.
//   Why this proves optimality (rows < cols; the other case is symmetric): for any feasible x,
//   sum c' x >= sum_ij (u_i + v_j) x_ij = sum_i u_i + sum_j v_j load_j >= sum_i u_i + sum_j v_j, since
//   load_j <= 1 and v_j <= 0; the returned assignment attains equality in both steps by (2) and by
//   v_j = 0 wherever load_j = 0.
// Infeasibility certificate (Hall's theorem): a set S on the smaller side whose allowed partners on the
// other side are fewer than |S|; returned in blocking_rows (n_r <= n_c) or blocking_cols (n_r > n_c).
#pragma once

#include <koc/check.hpp>
#include <koc/error.hpp>

#include <Eigen/Core>

#if defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace koc {

enum class assignment_status : std::uint8_t {
  optimal = 0,     ///< min(rows, cols) pairs assigned at optimal cost (certified by u, v)
  infeasible = 1,  ///< the smaller side cannot be fully assigned with allowed pairs (certified by a blocking set)
};

struct dense_assignment_options {
  /// Maximise the sum instead of minimising it. Forbidden entries are then -inf (+inf is invalid).
  bool maximize = false;
  /// Optional rows x cols row-major mask (same layout as the cost, leading dimension = cols); nonzero
  /// means the pair is forbidden. nullptr: no mask. The mask is read, never kept.
  const std::uint8_t* forbidden = nullptr;
};

struct dense_assignment_result {
  assignment_status status = assignment_status::optimal;
  bool maximize = false;  ///< copied from the options: says which form u, v certify
  /// The chosen pairs, sorted by row (strictly increasing), like scipy. Empty when infeasible.
  std::vector<std::int64_t> row_ind;
  std::vector<std::int64_t> col_ind;
  /// Sum of the chosen entries in the caller's sign (0 when infeasible or empty).
  double total_cost = 0.0;
  /// Dual potentials of the minimisation form (see the header comment): u per row, v per column.
  /// Filled when status == optimal.
  std::vector<double> row_potential;
  std::vector<double> col_potential;
  /// When infeasible: the Hall violator, a set of rows (rows <= cols) or of columns (rows > cols),
  /// in increasing order, with fewer allowed partners than members. Each listed row/column is one
  /// that cannot all be served: the per-row reason of the infeasibility.
  std::vector<std::int64_t> blocking_rows;
  std::vector<std::int64_t> blocking_cols;
};

/// Row-major dense cost matrix view: a C-contiguous numpy array or Eigen row-major matrix, no copy.
using dense_cost_view =
    Eigen::Ref<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

namespace detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
/// How many times ARR may re-scan a row it has just evicted, per row of the problem, before leaving
/// the rest to the (exact, always terminating) shortest-path phase.
inline constexpr std::size_t kArrRescansPerRow = 4;

/// The solver state for the internal orientation: n rows (the smaller side) x m columns, n <= m,
/// row-major with leading dimension lda, minimisation, forbidden = +inf.
struct lap_state {
  std::vector<double> u, v;          // potentials
  std::vector<std::int64_t> x, y;    // x[row] = column, y[col] = row, -1 when free
  std::vector<std::int64_t> blocking;  // Hall violator rows when infeasible
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

/// d_j = min(d_j, base + row_j - v_j) for every column, pred_j = i where it improved; returns min_j d_j.
/// The arithmetic is the same in the vector and scalar parts, so results do not depend on alignment.
inline double relax_row(const double* row, const double* v, double* d, std::int64_t* pred, std::size_t m,
                        double base, std::int64_t i) {
  std::size_t j = 0;
  double lowest = kInf;
#if defined(__AVX2__)
  {
    const __m256d vb = _mm256_set1_pd(base);
    const __m256i vi = _mm256_set1_epi64x(i);
    __m256d vlo = _mm256_set1_pd(kInf);
    for (; j + 4 <= m; j += 4) {
      const __m256d r = _mm256_sub_pd(_mm256_add_pd(vb, _mm256_loadu_pd(row + j)), _mm256_loadu_pd(v + j));
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
    __m128d vlo = _mm_set1_pd(kInf);
    for (; j + 2 <= m; j += 2) {
      const __m128d r = _mm_sub_pd(_mm_add_pd(vb, _mm_loadu_pd(row + j)), _mm_loadu_pd(v + j));
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
    const double r = (base + row[j]) - v[j];
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
  const auto sm = static_cast<std::int64_t>(m);

  // --- Augmenting row reduction (JV 1987, section 4.2), bounded. -----------------------------------
  // Invariant: every assigned row's column has its minimal reduced cost c_ij - v_j (within rounding).
  std::vector<std::int64_t> free_rows, next_free;
  free_rows.reserve(n);
  next_free.reserve(n);
  if (n == m) {
    // --- Column reduction and reduction transfer (JV 1987, section 4.1), square only. -------------
    // v_j = min_i c_ij gives ARR a far better start; it may make v_j > 0, which only the square LP
    // (all constraints equalities) allows. Scanned row by row so the inner loop is contiguous.
    std::vector<std::int64_t> arg(m, 0);
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
    std::vector<std::int64_t> matches(n, 0);
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
  const std::size_t rescan_budget = kArrRescansPerRow * n;
  for (int pass = 0; pass < 2 && !free_rows.empty(); ++pass) {
    std::size_t rescans = 0;
    next_free.clear();
    std::size_t k = 0;
    // An evicted row with a strictly better column is re-scanned at once (JV's free[--k] = i0); we
    // keep those in a small stack instead of overwriting the list being read.
    std::vector<std::int64_t> again;
    // Each step takes a row from free_rows or from `again`, which at most rescan_budget pushes fill: at
    // most |free_rows| + kArrRescansPerRow · n steps per pass.
    while (k < free_rows.size() || !again.empty()) {
      std::int64_t i;
      const bool again_empty_before = again.empty();
      if (!again_empty_before) {
        i = again.back();
        again.pop_back();
      } else {
        i = free_rows[k++];
      }
      const double* row = a + static_cast<std::size_t>(i) * lda;
      if (validate && pass == 0 && n != m && again_empty_before) check_row(row, static_cast<std::size_t>(i), m, false, limit);
      double u1 = kInf, u2 = kInf;
      std::int64_t j1 = -1, j2 = -1;
      for (std::int64_t j = 0; j < sm; ++j) {
        const double h = row[j] - v[j];
        if (h < u2) {
          if (h < u1) {
            u2 = u1; j2 = j1; u1 = h; j1 = j;
          } else {
            u2 = h; j2 = j;
          }
        }
      }
      if (j1 < 0) {  // every pair of this row is forbidden: the shortest-path phase will prove it
        next_free.push_back(i);
        continue;
      }
      std::int64_t i0 = y[j1];
      bool strict = u1 < u2 && u2 < kInf;
      if (strict) {
        v[j1] -= u2 - u1;  // makes j1 exactly as attractive as j2 for row i, so i0 may move there
      } else if (i0 >= 0) {
        // Tie: prefer a free column among the minimal ones (lowest index): a constant matrix then
        // gives the identity; otherwise take the second column as JV do, to make progress.
        std::int64_t jf = -1;
        for (std::int64_t j = 0; j < sm; ++j)
          if (y[j] < 0 && row[j] - v[j] == u1) { jf = j; break; }
        if (jf >= 0) {
          j1 = jf;
        } else if (j2 >= 0) {
          j1 = j2;
        }
        i0 = y[j1];
      }
      if (i0 >= 0) x[i0] = -1;
      x[i] = j1;
      y[j1] = i;
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
  // Row potentials of the rows ARR assigned: tight on their column.
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] >= 0) s.u[i] = a[i * lda + static_cast<std::size_t>(x[i])] - v[x[i]];

  // --- Shortest augmenting paths (Crouse 2016, Algorithm 1 with JV's potentials). ------------------
  // Each relaxation scans the whole row contiguously (vectorised in relax_row) instead of a shrinking
  // list of unscanned columns: a scanned column gets v_j = -inf (its real v_j is kept aside) and
  // d_j = +inf, so its reduced cost is +inf, it is never relaxed again and never the minimum.
  double* u = s.u.data();
  std::vector<double> dist(m, kInf), final_dist(m, 0.0), saved_v;
  std::vector<std::int64_t> pred(m, -1), scanned_rows, scanned_cols;
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
      const double lowest = relax_row(row, v, d, pred.data(), m, min_val - u[i], i);
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

}  // namespace detail

/// Solves the assignment on `rows` x `cols` costs, row-major with leading dimension `ld` (>= cols).
/// Throws koc::error(invalid_value, ..., row, "cost") on NaN or a wrong-signed infinity, and
/// koc::error(out_of_range, ...) on a finite cost above detail::cost_limit(min(rows, cols)) in magnitude.
inline dense_assignment_result solve_dense_assignment(const double* cost, std::size_t rows, std::size_t cols,
                                                      std::size_t ld, const dense_assignment_options& options = {}) {
  using detail::kInf;
  if (ld < cols) throw error(errc::invalid_argument, "leading dimension is smaller than the number of columns", -1, "cost");
  if (rows > 0 && cols > 0 && cost == nullptr) throw error(errc::invalid_argument, "cost is null", -1, "cost");
  const bool maximize = options.maximize;
  const std::uint8_t* mask = options.forbidden;

  dense_assignment_result res;
  res.maximize = maximize;
  const bool transposed = rows > cols;
  const std::size_t n = transposed ? cols : rows, m = transposed ? rows : cols;

  // Working matrix (n x m, minimisation, forbidden = +inf). Read in place when nothing changes.
  std::vector<double> work;
  const double* a = cost;
  std::size_t lda = ld;
  if (transposed || maximize || mask != nullptr) {
    for (std::size_t r = 0; r < rows; ++r) detail::check_row(cost + r * ld, r, cols, maximize, detail::cost_limit(n));
    work.resize(n * m);
    const double sign = maximize ? -1.0 : 1.0;
    auto value = [&](std::size_t r, std::size_t c) {
      const double e = cost[r * ld + c];
      return (mask != nullptr && mask[r * cols + c] != 0) ? kInf : sign * e;
    };
    if (!transposed) {
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) work[r * m + c] = value(r, c);
    } else {  // blocked transpose keeps both sides in cache
      constexpr std::size_t B = 32;
      for (std::size_t r0 = 0; r0 < rows; r0 += B)
        for (std::size_t c0 = 0; c0 < cols; c0 += B)
          for (std::size_t r = r0; r < std::min(rows, r0 + B); ++r)
            for (std::size_t c = c0; c < std::min(cols, c0 + B); ++c) work[c * m + r] = value(r, c);
    }
    a = work.data();
    lda = m;
  }

  detail::lap_state st;
  const bool feasible = detail::solve_lap(a, n, m, lda, st, /*validate=*/work.empty());
  if (!feasible) {
    res.status = assignment_status::infeasible;
    (transposed ? res.blocking_cols : res.blocking_rows) = std::move(st.blocking);
    return res;
  }
  res.status = assignment_status::optimal;
  res.row_ind.reserve(n);
  res.col_ind.reserve(n);
  if (!transposed) {
    for (std::size_t i = 0; i < n; ++i) {
      res.row_ind.push_back(static_cast<std::int64_t>(i));
      res.col_ind.push_back(st.x[i]);
    }
    res.row_potential = std::move(st.u);
    res.col_potential = std::move(st.v);
  } else {  // internal columns are the caller's rows: y lists them in increasing order already
    for (std::size_t r = 0; r < m; ++r)
      if (st.y[r] >= 0) {
        res.row_ind.push_back(static_cast<std::int64_t>(r));
        res.col_ind.push_back(st.y[r]);
      }
    res.row_potential = std::move(st.v);
    res.col_potential = std::move(st.u);
  }
  double total = 0.0;
  for (std::size_t k = 0; k < res.row_ind.size(); ++k)
    total += cost[static_cast<std::size_t>(res.row_ind[k]) * ld + static_cast<std::size_t>(res.col_ind[k])];
  res.total_cost = total;
  return res;
}

/// `cost`: rows x cols, row-major, C-contiguous (numpy's default layout).
inline dense_assignment_result solve_dense_assignment(const double* cost, std::size_t rows, std::size_t cols,
                                                      const dense_assignment_options& options = {}) {
  return solve_dense_assignment(cost, rows, cols, cols, options);
}

inline dense_assignment_result solve_dense_assignment(const dense_cost_view& cost,
                                                      const dense_assignment_options& options = {}) {
  return solve_dense_assignment(cost.data(), static_cast<std::size_t>(cost.rows()),
                                static_cast<std::size_t>(cost.cols()), static_cast<std::size_t>(cost.outerStride()),
                                options);
}

using assignment_check = check_result;  ///< what verify() returns (koc/check.hpp)

/// Independently checks `result` against `cost` (rows x cols, row-major, leading dimension ld):
/// feasibility (sorted rows, each row/column at most once, min(rows, cols) pairs, no forbidden pair,
/// total_cost) and optimality (conditions (1)-(3) of the header comment) — or, when infeasible, that
/// the blocking set really violates Hall's condition. `tolerance` is relative to max(1, max |allowed
/// cost|). `forbidden`: the same mask the solve used, or nullptr.
inline assignment_check verify(const double* cost, std::size_t rows, std::size_t cols, std::size_t ld,
                               const dense_assignment_result& result, double tolerance = 1e-9,
                               const std::uint8_t* forbidden = nullptr) {
  using detail::kInf;
  const bool maxi = result.maximize;
  const double forbid_value = maxi ? -kInf : kInf;
  auto allowed = [&](std::size_t i, std::size_t j) {
    return !(forbidden != nullptr && forbidden[i * cols + j] != 0) && cost[i * ld + j] != forbid_value;
  };
  auto cmin = [&](std::size_t i, std::size_t j) { return maxi ? -cost[i * ld + j] : cost[i * ld + j]; };
  auto fail = [](std::string m) { return assignment_check{false, std::move(m)}; };
  auto pair_str = [](std::size_t i, std::size_t j) {
    return "(" + std::to_string(i) + ", " + std::to_string(j) + ")";
  };
  const std::size_t k_expected = std::min(rows, cols);

  if (result.status == assignment_status::infeasible) {
    const bool on_rows = rows <= cols;
    const auto& set = on_rows ? result.blocking_rows : result.blocking_cols;
    if (!(on_rows ? result.blocking_cols : result.blocking_rows).empty())
      return fail("infeasible: the blocking set must be on the smaller side only");
    if (set.empty()) return fail("infeasible but the blocking set is empty");
    const std::size_t side = on_rows ? rows : cols, other = on_rows ? cols : rows;
    std::vector<char> member(side, 0), partner(other, 0);
    for (const auto s : set) {
      if (s < 0 || static_cast<std::size_t>(s) >= side) return fail("blocking index " + std::to_string(s) + " out of range");
      if (member[static_cast<std::size_t>(s)]) return fail("blocking index " + std::to_string(s) + " listed twice");
      member[static_cast<std::size_t>(s)] = 1;
    }
    std::size_t n_partners = 0;
    for (const auto s : set)
      for (std::size_t t = 0; t < other; ++t) {
        const std::size_t i = on_rows ? static_cast<std::size_t>(s) : t, j = on_rows ? t : static_cast<std::size_t>(s);
        if (!partner[t] && allowed(i, j)) {
          partner[t] = 1;
          ++n_partners;
        }
      }
    if (n_partners >= set.size())
      return fail("blocking set of " + std::to_string(set.size()) + " has " + std::to_string(n_partners) +
                  " allowed partners: not a Hall violator");
    return {};
  }

  // --- feasibility ---
  const auto& ri = result.row_ind;
  const auto& ci = result.col_ind;
  if (ri.size() != ci.size()) return fail("row_ind and col_ind differ in length");
  if (ri.size() != k_expected)
    return fail(std::to_string(ri.size()) + " pairs assigned, expected min(rows, cols) = " + std::to_string(k_expected));
  std::vector<char> row_used(rows, 0), col_used(cols, 0);
  double total = 0.0, scale = 1.0;
  for (std::size_t k = 0; k < ri.size(); ++k) {
    if (ri[k] < 0 || static_cast<std::size_t>(ri[k]) >= rows) return fail("row index out of range at pair " + std::to_string(k));
    if (ci[k] < 0 || static_cast<std::size_t>(ci[k]) >= cols) return fail("column index out of range at pair " + std::to_string(k));
    if (k > 0 && ri[k] <= ri[k - 1]) return fail("row_ind is not strictly increasing at pair " + std::to_string(k));
    const auto i = static_cast<std::size_t>(ri[k]), j = static_cast<std::size_t>(ci[k]);
    if (col_used[j]) return fail("column " + std::to_string(j) + " assigned twice");
    row_used[i] = col_used[j] = 1;
    if (!allowed(i, j)) return fail("forbidden pair " + pair_str(i, j) + " assigned");
    total += cost[i * ld + j];
  }
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      if (allowed(i, j)) scale = std::max(scale, std::abs(cost[i * ld + j]));
  const double tol = tolerance * scale;
  if (!(std::abs(total - result.total_cost) <= tol * std::max<double>(1.0, static_cast<double>(k_expected))))
    return fail("total_cost " + std::to_string(result.total_cost) + " differs from the sum of chosen entries " +
                std::to_string(total));

  // --- optimality: conditions (1)-(3) ---
  const auto& u = result.row_potential;
  const auto& v = result.col_potential;
  if (u.size() != rows || v.size() != cols) return fail("potentials have the wrong length");
  for (std::size_t i = 0; i < rows; ++i)
    if (!std::isfinite(u[i])) return fail("row potential " + std::to_string(i) + " is not finite");
  for (std::size_t j = 0; j < cols; ++j)
    if (!std::isfinite(v[j])) return fail("column potential " + std::to_string(j) + " is not finite");
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      if (allowed(i, j) && u[i] + v[j] > cmin(i, j) + tol)
        return fail("dual infeasible at " + pair_str(i, j) + ": u + v = " + std::to_string(u[i] + v[j]) +
                    " > cost " + std::to_string(cmin(i, j)));
  for (std::size_t k = 0; k < ri.size(); ++k) {
    const auto i = static_cast<std::size_t>(ri[k]), j = static_cast<std::size_t>(ci[k]);
    if (!(std::abs(u[i] + v[j] - cmin(i, j)) <= tol))
      return fail("chosen pair " + pair_str(i, j) + " is not tight: u + v = " + std::to_string(u[i] + v[j]) +
                  ", cost " + std::to_string(cmin(i, j)));
  }
  if (rows < cols) {
    for (std::size_t j = 0; j < cols; ++j) {
      if (v[j] > tol) return fail("column potential " + std::to_string(j) + " is positive (rows < cols)");
      if (!col_used[j] && std::abs(v[j]) > tol)
        return fail("unassigned column " + std::to_string(j) + " has a nonzero potential");
    }
  } else if (rows > cols) {
    for (std::size_t i = 0; i < rows; ++i) {
      if (u[i] > tol) return fail("row potential " + std::to_string(i) + " is positive (rows > cols)");
      if (!row_used[i] && std::abs(u[i]) > tol)
        return fail("unassigned row " + std::to_string(i) + " has a nonzero potential");
    }
  }
  return {};
}

inline assignment_check verify(const double* cost, std::size_t rows, std::size_t cols,
                               const dense_assignment_result& result, double tolerance = 1e-9,
                               const std::uint8_t* forbidden = nullptr) {
  return verify(cost, rows, cols, cols, result, tolerance, forbidden);
}

inline assignment_check verify(const dense_cost_view& cost, const dense_assignment_result& result,
                               double tolerance = 1e-9, const std::uint8_t* forbidden = nullptr) {
  return verify(cost.data(), static_cast<std::size_t>(cost.rows()), static_cast<std::size_t>(cost.cols()),
                static_cast<std::size_t>(cost.outerStride()), result, tolerance, forbidden);
}

}  // namespace koc

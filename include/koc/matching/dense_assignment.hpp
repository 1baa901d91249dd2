// Dense rectangular 1:1 assignment (KOCs x tasks, every pair scored): koc's linear_sum_assignment.
//
//   Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> fit = ...;  // KOCs x tasks
//   koc::dense_assignment_options opt;
//   opt.maximize = true;                                  // fit scores: higher is better
//   auto r = koc::solve_dense_assignment(fit, opt);
//   if (r.status == koc::assignment_status::optimal)      // r.row_ind[k] does task r.col_ind[k]
//     assert(koc::verify(fit, r).ok);
//
//   // Many small problems in one call, on every core: costs holds count matrices of rows x cols.
//   std::vector<koc::dense_assignment_result> rs = koc::solve_dense_assignment_batch(costs, count, rows, cols);
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
// Reading the matrix (dense_method; both ways give the same answer, bit for bit): the full scan reads a
// whole row at every step that looks at it (detail/dense_lap.hpp: the plain statement of the steps, and
// the faster way below about 3 MB, where rows stay in cache). Above that, candidate lists
// (detail/dense_lap_candidates.hpp): each row keeps its cheapest columns by reduced cost c_ij - v_j and a
// bound on the columns it leaves out, which stays valid because column potentials only decrease; ARR and
// the shortest-path searches work on the lists, and a row is read again only where that bound says a
// left-out column could matter (then with twice the members). One pass over the matrix validates it and
// builds the lists, together with the column reduction when square; most problems then need no further
// full read of a row. The two ways are two row-scan strategies behind one statement of ARR
// (detail::augmenting_row_reduction: full_row_scan and the lists' scan); the column reduction and the
// shortest-path search keep one form per way (a linear pass over the distances against a heap with lazy
// row reads), held to each other bit for bit by the tests. Where many rows are still free after ARR and
// the matrix fits the cache (detail::full_scan_takes_over: geometric costs up to about 1000 x 1000), the
// lists hand those rows to the full scan's search (detail::full_scan_paths), which is faster there; the
// state is the same in both ways at that point, so the answer does not change.
// Orientation: with rows > cols the problem is solved as its transpose, in place: the first pass streams
// the caller's rows into every column's list, and a later full read of an internal row walks down a
// caller's column. Maximising negates entries as they are read (exact). A working copy (n x m) is made
// only for a forbidden mask, or for a small matrix (full scan) that is tall or maximised.
// Complexity: O(n^2 m) worst case for n = min(rows, cols), m = max(rows, cols), as the full scan; on the
// benchmark families (uniform, logarithmic, integer, 0/1 and spatial costs) about one pass over the matrix
// plus list work, O(K log K) per Dijkstra step for K members (16 at first, at most 1,024). Extra memory:
// the lists, 20 bytes per member (about 0.3 MB per 1,000 rows at first), and n x m only when copying.
// The passes are branch-free vector code (SSE2, or AVX2 when compiled with it) that hands the rare entries
// that matter (a new column minimum, a value below a row's threshold) to scalar code.
// Batch: solve_dense_assignment_batch spreads independent problems over std::threads (every core by
// default); each is solved exactly as alone and placed by its index, so the results do not depend on the
// number of threads.
//
// Numerical robustness: ARR passes are bounded (at most 2 passes and arr_rescans_per_row re-scans per
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
#include <koc/matching/detail/dense_lap.hpp>
#include <koc/matching/detail/dense_lap_candidates.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace koc {

enum class assignment_status : std::uint8_t {
  optimal = 0,     ///< min(rows, cols) pairs assigned at optimal cost (certified by u, v)
  infeasible = 1,  ///< the smaller side cannot be fully assigned with allowed pairs (certified by a blocking set)
};

/// How the solver reads the matrix. Both give the same answer bit for bit (assignment and potentials); only
/// the speed differs.
enum class dense_method : std::uint8_t {
  automatic = 0,        ///< candidate lists, except on small matrices where the full scan is faster
  full_scan = 1,        ///< every step reads whole rows: the plain statement (detail/dense_lap.hpp)
  candidate_lists = 2,  ///< rows keep their cheapest columns and are read in full about twice
};

struct dense_assignment_options {
  /// Maximise the sum instead of minimising it. Forbidden entries are then -inf (+inf is invalid).
  bool maximize = false;
  /// Optional rows x cols row-major mask (same layout as the cost, leading dimension = cols); nonzero
  /// means the pair is forbidden. nullptr: no mask. The mask is read, never kept.
  const std::uint8_t* forbidden = nullptr;
  dense_method method = dense_method::automatic;
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

/// The solve itself, into `st` (the internal orientation: n = min(rows, cols) rows; transposed when
/// rows > cols). Returns false when infeasible (st.blocking then holds the Hall violator). `st` may come
/// from an earlier solve: its arrays are resized, their capacity reused (the batch relies on that).
inline bool dense_solve(const double* cost, std::size_t rows, std::size_t cols, std::size_t ld,
                        const dense_assignment_options& options, lap_state& st) {
  if (ld < cols) throw error(errc::invalid_argument, "leading dimension is smaller than the number of columns", -1, "cost");
  if (rows > 0 && cols > 0 && cost == nullptr) throw error(errc::invalid_argument, "cost is null", -1, "cost");
  const bool maximize = options.maximize;
  const std::uint8_t* mask = options.forbidden;
  const bool transposed = rows > cols;
  const std::size_t n = transposed ? cols : rows, m = transposed ? rows : cols;

  const bool lists = options.method == dense_method::automatic ? candidate_lists_pay(n, m)
                     : options.method == dense_method::candidate_lists && candidate_lists_fit(m);
  if (mask != nullptr || (!lists && (transposed || maximize))) {
    // Working matrix (n x m, minimisation, forbidden = +inf): only for a mask, or for the full scan when
    // it would otherwise read a transposed or negated matrix.
    for (std::size_t r = 0; r < rows; ++r) check_row(cost + r * ld, r, cols, maximize, cost_limit(n));
    std::vector<double> work = std::move(st.scratch.work);
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
    const bool feasible = lists ? candidate_lap<false>({work.data(), n, m, m, 1.0}, st, false, false).solve()
                                : solve_lap(work.data(), n, m, m, st, /*validate=*/false);
    st.scratch.work = std::move(work);  // kept for the next solve on this state
    return feasible;
  }
  if (!lists) return solve_lap(cost, n, m, ld, st, /*validate=*/true);
  if (transposed)  // the caller's rows are the internal columns: read in place, no transposed copy
    return candidate_lap<true>({cost, n, m, ld, maximize ? -1.0 : 1.0}, st, true, maximize).solve();
  return candidate_lap<false>({cost, n, m, ld, maximize ? -1.0 : 1.0}, st, true, maximize).solve();
}

/// Calls emit(row, col) for the chosen pairs of a feasible solve in `st`, by increasing caller's row.
template <class Emit>
void for_each_chosen_pair(const lap_state& st, std::size_t rows, std::size_t cols, Emit&& emit) {
  if (rows <= cols) {
    for (std::size_t i = 0; i < rows; ++i) emit(static_cast<std::int64_t>(i), st.x[i]);
  } else {  // internal columns are the caller's rows: y lists them in increasing order already
    for (std::size_t r = 0; r < rows; ++r)
      if (st.y[r] >= 0) emit(static_cast<std::int64_t>(r), st.y[r]);
  }
}

}  // namespace detail

/// Solves the assignment on `rows` x `cols` costs, row-major with leading dimension `ld` (>= cols).
/// Throws koc::error(invalid_value, ..., row, "cost") on NaN or a wrong-signed infinity, and
/// koc::error(out_of_range, ...) on a finite cost above detail::cost_limit(min(rows, cols)) in magnitude.
inline dense_assignment_result solve_dense_assignment(const double* cost, std::size_t rows, std::size_t cols,
                                                      std::size_t ld, const dense_assignment_options& options = {}) {
  dense_assignment_result res;
  res.maximize = options.maximize;
  const bool transposed = rows > cols;
  detail::lap_state st;
  if (!detail::dense_solve(cost, rows, cols, ld, options, st)) {
    res.status = assignment_status::infeasible;
    (transposed ? res.blocking_cols : res.blocking_rows) = std::move(st.blocking);
    return res;
  }
  res.status = assignment_status::optimal;
  const std::size_t n = std::min(rows, cols);
  res.row_ind.reserve(n);
  res.col_ind.reserve(n);
  double total = 0.0;
  detail::for_each_chosen_pair(st, rows, cols, [&](std::int64_t r, std::int64_t c) {
    res.row_ind.push_back(r);
    res.col_ind.push_back(c);
    total += cost[static_cast<std::size_t>(r) * ld + static_cast<std::size_t>(c)];
  });
  res.total_cost = total;
  res.row_potential = std::move(transposed ? st.v : st.u);
  res.col_potential = std::move(transposed ? st.u : st.v);
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

/// One matrix of a batch: rows x cols, row-major with leading dimension ld (>= cols; 0 means cols).
struct dense_problem {
  const double* cost = nullptr;
  std::size_t rows = 0, cols = 0, ld = 0;
};

struct dense_batch_options {
  bool maximize = false;                          ///< for every problem
  dense_method method = dense_method::automatic;  ///< for every problem
  unsigned threads = 0;                           ///< 0: one per core (std::thread::hardware_concurrency)
};

namespace detail {

/// The number of threads for `count` pieces of work: min(threads, or the cores when 0, count), at least 1.
inline std::size_t thread_count(std::size_t count, unsigned threads) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min<std::size_t>(threads == 0 ? cores : threads, count));
}

/// Runs work(k, worker) for every k in [0, count) on up to `threads` threads (0: one per core); worker
/// (< the number of threads) names the thread, for state kept per thread. Indices are handed out in
/// increasing order, in blocks of `grain` (cheap problems: fewer trips to the shared counter). A thread
/// that fails stops its block there (the rest of it comes later) and takes no new one; the others finish
/// theirs. So every index below the lowest failing one has run, and that index's exception is the one
/// rethrown: the outcome does not depend on timing.
template <class Work>
void for_each_index(std::size_t count, unsigned threads, Work&& work, std::size_t grain = 1) {
  grain = std::max<std::size_t>(grain, 1);
  const std::size_t blocks = count / grain + (count % grain != 0);
  const std::size_t workers = thread_count(blocks, threads);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex failure;
  std::size_t failed = count;
  std::exception_ptr first_error;
  auto run = [&](std::size_t worker) {
    while (!stop.load(std::memory_order_relaxed)) {
      const std::size_t b = next.fetch_add(1, std::memory_order_relaxed);
      if (b >= blocks) return;
      for (std::size_t k = b * grain; k < std::min(count, (b + 1) * grain); ++k) {
        try {
          work(k, worker);
        } catch (...) {
          const std::lock_guard<std::mutex> hold(failure);
          if (k < failed) {
            failed = k;
            first_error = std::current_exception();
          }
          stop.store(true, std::memory_order_relaxed);
          break;
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < workers; ++t) {
    try {
      pool.emplace_back(run, t);
    } catch (const std::system_error&) {  // no more threads to be had: the ones running share the work
      break;
    }
  }
  run(0);
  for (std::thread& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

/// Problems per block handed to a thread: about 64k matrix entries a block, so tiny problems do not
/// queue on the shared counter one by one.
inline std::size_t batch_grain(std::size_t rows, std::size_t cols) {
  const std::size_t entries = std::max<std::size_t>(rows * cols, 1);
  return std::max<std::size_t>(1, std::min<std::size_t>(256, 65536 / entries));
}

}  // namespace detail

/// Solves `count` independent problems, spread over threads (options.threads; 0: one per core). out[k] is
/// problem k's result, bit for bit what solve_dense_assignment gives it alone, whatever the number of
/// threads. An invalid matrix throws the error of the lowest-numbered bad problem, its message naming the
/// problem ("problem 3: cost is NaN at column 1 (row 0, field 'cost')"); e.row() is the row in that problem.
inline std::vector<dense_assignment_result> solve_dense_assignment_batch(const dense_problem* problems,
                                                                         std::size_t count,
                                                                         const dense_batch_options& options = {}) {
  if (count > 0 && problems == nullptr) throw error(errc::invalid_argument, "problems is null", -1, "cost");
  std::vector<dense_assignment_result> out(count);
  dense_assignment_options each;
  each.maximize = options.maximize;
  each.method = options.method;
  detail::for_each_index(count, options.threads, [&](std::size_t k, std::size_t) {
    const dense_problem& p = problems[k];
    try {
      out[k] = solve_dense_assignment(p.cost, p.rows, p.cols, p.ld == 0 ? p.cols : p.ld, each);
    } catch (const error& e) {
      throw error(e.code(), "problem " + std::to_string(k) + ": " + e.detail(), e.row(), e.field());
    }
  });
  return out;
}

/// `count` matrices of rows x cols, each row-major, one after another: a C-contiguous array of shape
/// (count, rows, cols), numpy's default layout for a stack of matrices.
inline std::vector<dense_assignment_result> solve_dense_assignment_batch(const double* costs, std::size_t count,
                                                                         std::size_t rows, std::size_t cols,
                                                                         const dense_batch_options& options = {}) {
  if (count > 0 && rows > 0 && cols > 0 && costs == nullptr) throw error(errc::invalid_argument, "cost is null", -1, "cost");
  std::vector<dense_problem> problems(count);
  for (std::size_t k = 0; k < count; ++k) problems[k] = {costs == nullptr ? nullptr : costs + k * rows * cols, rows, cols, cols};
  return solve_dense_assignment_batch(problems.data(), count, options);
}

/// The answer to a stacked batch in flat arrays (problem b's k = min(rows, cols) pairs from b * k): what
/// numpy and C callers hold, with nothing allocated per problem.
struct dense_batch_arrays {
  std::size_t count = 0, pairs_per_problem = 0;  ///< count and k
  std::vector<std::int64_t> row_ind;  ///< count * k; sorted by row within a problem; -1 when infeasible
  std::vector<std::int64_t> col_ind;  ///< count * k; -1 when infeasible
  std::vector<double> total_cost;     ///< count; 0 when infeasible
  std::vector<std::uint8_t> optimal;  ///< count; 1 optimal, 0 infeasible (assignment_status)
};

/// solve_dense_assignment_batch on a stack of `count` matrices of rows x cols (row-major, one after another),
/// answered in flat arrays: the same pairs and totals, bit for bit, as each problem solved alone, whatever
/// the number of threads. Each thread keeps one solver state for all its problems (a batch of small
/// matrices then allocates per thread, not per problem). Errors as solve_dense_assignment_batch.
inline dense_batch_arrays solve_dense_assignment_stack(const double* costs, std::size_t count, std::size_t rows,
                                                       std::size_t cols, const dense_batch_options& options = {}) {
  if (count > 0 && rows > 0 && cols > 0 && costs == nullptr) throw error(errc::invalid_argument, "cost is null", -1, "cost");
  dense_batch_arrays out;
  const std::size_t k = std::min(rows, cols);
  out.count = count;
  out.pairs_per_problem = k;
  out.row_ind.assign(count * k, -1);
  out.col_ind.assign(count * k, -1);
  out.total_cost.assign(count, 0.0);
  out.optimal.assign(count, 0);
  dense_assignment_options each;
  each.maximize = options.maximize;
  each.method = options.method;
  std::vector<detail::lap_state> state(detail::thread_count(count, options.threads));
  detail::for_each_index(
      count, options.threads,
      [&](std::size_t b, std::size_t worker) {
        const double* cost = costs == nullptr ? nullptr : costs + b * rows * cols;
        detail::lap_state& st = state[worker];
        try {
          if (!detail::dense_solve(cost, rows, cols, cols, each, st)) return;
        } catch (const error& e) {
          throw error(e.code(), "problem " + std::to_string(b) + ": " + e.detail(), e.row(), e.field());
        }
        std::int64_t* ri = out.row_ind.data() + b * k;
        std::int64_t* ci = out.col_ind.data() + b * k;
        double total = 0.0;  // in increasing row order, as solve_dense_assignment sums it
        detail::for_each_chosen_pair(st, rows, cols, [&](std::int64_t r, std::int64_t c) {
          *ri++ = r;
          *ci++ = c;
          total += cost[static_cast<std::size_t>(r) * cols + static_cast<std::size_t>(c)];
        });
        out.total_cost[b] = total;
        out.optimal[b] = 1;
      },
      detail::batch_grain(rows, cols));
  return out;
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

// Capacitated assignment (b-matching, the transportation problem on a sparse candidate graph): each
// KOC k takes up to capacity[k] tasks, each task t up to slots[t] KOCs, each candidate pair at most
// once.
//
//   koc::candidate_graph g = ...;                      // CSR over KOCs, score per pair
//   std::vector<std::int32_t> capacity = ..., slots = ...;
//   koc::capacitated_assignment_options opt;           // max_score, resolution 1e-6
//   auto r = koc::solve_capacitated_assignment(g, capacity, slots, opt);
//   assert(koc::verify(g, capacity, slots, opt, r).ok);
//   for (std::size_t i = 0; i < r.pair.size(); ++i) use(r.koc[i], r.task[i]);
//   // a few rows or pairs changed: start from the previous prices
//   auto r2 = koc::resolve_capacitated_assignment(g2, capacity2, slots2, opt, r.duals);
//
// Objectives:
//   max_score            maximise the total score; a pair is taken only if it raises the total, so
//                        a pair whose integerised score is <= 0 is never taken.
//   max_fill_then_score  maximise the number of pairs (a maximum flow) first, then the total score.
//
// Exactness: scores are integerised, w_p = llround(score_p / score_resolution), and the problem is
// solved exactly in int64 for those integers. The optimum is exact for w; it is within
// n_pairs_chosen * score_resolution / 2 of the optimum for the raw doubles.
//
// Methods (options.method; both exact, both certified, chosen by measurement on the benchmark families
// of benchmarks/RESULTS.md):
//   auction (the default)  an epsilon-scaling auction, KOCs bidding for task copies, with a reverse step
//                          that reprices copies left empty (detail/capacitated_auction.hpp, which gives
//                          the algorithm, its references, bounds and tie rules). Scores are scaled by
//                          scale = 2 min(n_kocs, n_tasks) + 4 and solved to epsilon = 1, which is exact
//                          for the integers w. `automatic` uses it unless those scaled integers would
//                          leave int64, or the rows are long (200 or more candidates per KOC on average),
//                          where the shortest paths were faster by measurement.
//   shortest_paths         the successive-shortest-paths engine below (and price seeding), also the
//                          reference the auction is tested against.
// Time limit, cancellation and progress: options.control (koc/solve_control.hpp); a stopped solve throws
// errc::timeout or errc::cancelled.
// Pricing (a graph too large for one node, solved from a part of it): capacitated_violations() checks
// pairs the solve did not see against its certificate; none failing over the whole graph proves the
// solve optimal for all of it (max_score). koc.dask / koc.spark match(solve="priced") are built on it.
//
// Shortest paths: successive shortest paths (Edmonds & Karp, "Theoretical improvements in algorithmic
// efficiency for network flow problems", JACM 1972; Tomizawa 1971) in the form of Jonker &
// Volgenant's shortest augmenting path method ("A shortest augmenting path algorithm for dense and
// sparse linear assignment problems", Computing 1987), generalised to slots and capacities: the
// slots of each task are routed by Dijkstra searches from that task alone, a search stops at the
// first sink it settles (a KOC with spare capacity, or an empty slot), only nodes closer than that
// change potential, and every other path of the same length in the tree is augmented at once.
// A settled task's candidate arcs come from a per-task heap keyed by reduced cost, so a short search
// reads only the few arcs that can beat its best sink; a long one (more than 8 tasks settled) scans
// the remaining tasks' rows instead, each row sorted by decreasing w + pi(k) once it has been scanned
// 8 times, so that the scan stops at the first arc that cannot matter (KOC potentials only decrease,
// so the keys stay upper bounds). On tight instances (below) every search scans sorted rows and no
// arc heaps are built.
// Complexity: O(S * (m + T log T)) worst case for S slots, m pairs, T tasks; on the benchmark shapes
// a search settles a handful of tasks. Warm start: every KOC best-responds to the previous task
// prices (O(m)); the few overfull tasks are repaired by backward searches, the rest routed as above.
//
// Price seeding (options.price_seeding, on by default): when every slot must be filled and the slots
// take at least 90% of the KOCs' usable capacity, spare KOCs are rare and each search walks a long way,
// which makes a cold solve several times slower than on a slack instance. If such an instance has at
// least 8,192 KOCs, koc first solves the sampled problem of every second KOC (slots scaled by the
// sample's share of capacity), itself seeded the same way while it stays large and tight (each level halves
// the KOCs, so at most log2(KOCs / 8,192) + 1 levels), and warm-starts
// the full problem from the sample's task prices, which are close to the full problem's (a market with
// half the KOCs and half the slots clears at similar prices). Before the warm start, the sample's
// prices take one Jacobi step of market clearing on the full problem: each task gets the lowest price
// at which no more than its slots want it, given every KOC's best alternative at the sample's prices
// (on the benchmark this cuts the warm start's repairs from 1,358 to 234 and the long fill searches
// from 839 to 517). Measured on the 20,000 x 500, 98%-tight benchmark: several times faster than a
// cold solve; on slack instances it would be slower, hence the threshold. The final solve is the exact
// warm-started solve below, so exactness and the certificate do not depend on the seed.
//
// Tight instances (max_fill_then_score with slots >= 90% of the usable capacity, any size): spare KOCs
// are rare, so searches settle dozens of tasks; every search then scans rows sorted by w + pi(k) at
// their first scan (only their head at first, max(64, len/8) arcs, the rest when a scan reaches it),
// and no arc heaps are built.
//
// Certificate (result.duals): potentials of the flow network, in units of 1/duals.scale of a score unit
//   S -> task t      capacity slots[t]; every slot is routed
//   task t -> KOC k  capacity 1,           cost -scale (w_p + pair_bonus)   for every eligible pair p (all
//                                                           pairs under max_fill_then_score; w_p > 0 under
//                                                           max_score)
//   KOC k -> Z       capacity capacity[k], cost 0
//   task t -> Z      unbounded,            cost -pi(S)      an empty slot (pi(S) = 0 under max_score;
//                                                           a large negative number under max_fill)
// with reduced cost rc(u->v) = cost + pi(u) - pi(v) >= -epsilon on every residual arc and pi(Z) = 0.
// With scale 1 and epsilon 0 (the shortest-paths method) this is exact complementary slackness: an
// unused pair has pi(t) - pi(k) >= w_p, a used one <= w_p; a KOC with spare capacity has pi(k) >= 0, a
// loaded one pi(k) <= 0; a task with empty slots has pi(t) <= pi(S), a full one pi(t) >= pi(S). With
// epsilon > 0 (the auction: epsilon 1) each holds within epsilon, and epsilon (2 min(n_kocs, n_tasks) + 3)
// < scale makes it a proof all the same: a simple cycle of the network has at most 2 min(n_kocs, n_tasks)
// + 3 nodes and costs a multiple of scale, so no cycle can be negative. Under max_score pair_bonus and
// pi(S) are 0. Under max_fill_then_score the auction adds pair_bonus to every pair and the shortest-
// paths method charges empty slots through pi(S); either way the certificate proves the score optimal
// among assignments of the same size, and verify() proves the size maximal by finding no augmenting
// path. verify() checks all of it in exact arithmetic.
//
// Determinism: same input, same output (the auction's tie rules: detail/capacitated_auction.hpp). The
// shortest-paths method breaks ties by input order: searches pop the lowest
// (label, task index), a KOC keeps the first pair that reaches it at its best label (in task order,
// then in the order the task's arcs are read: reduced cost then row order from the heap, row order,
// or decreasing w + pi(k) at the row's sort then row order from a sorted row), and the nearest free KOC
// found first wins.
#pragma once

#include <koc/check.hpp>
#include <koc/error.hpp>
#include <koc/int128.hpp>
#include <koc/matching/candidates.hpp>
#include <koc/matching/detail/capacitated_auction.hpp>
#include <koc/matching/detail/capacitated_ssp.hpp>
#include <koc/matching/reason.hpp>
#include <koc/solve_control.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc {

enum class capacitated_objective : int {
  max_score = 0,            ///< maximise the total score, partial assignment allowed
  max_fill_then_score = 1,  ///< maximise the number of pairs, then the total score
};

/// Which exact algorithm solves (both give an optimum with a certificate that verify() checks).
enum class capacitated_method : int {
  automatic = 0,       ///< the auction, unless its scaled integers would not fit in int64 (then shortest paths)
  auction = 1,         ///< epsilon-scaling auction (detail/capacitated_auction.hpp)
  shortest_paths = 2,  ///< successive shortest paths (detail/capacitated_ssp.hpp)
};

struct capacitated_assignment_options {
  capacitated_objective objective = capacitated_objective::max_score;
  capacitated_method method = capacitated_method::automatic;
  /// Score unit of the exact solve: w = llround(score / score_resolution). Must be > 0 and finite.
  double score_resolution = 1e-6;
  /// Shortest-paths method only: start large, tight max_fill_then_score solves from the task prices of a
  /// sampled half problem (see "Price seeding" at the top of this header). Changes the speed only: the
  /// result is the exact optimum either way (which optimum, among equally good ones, may differ).
  bool price_seeding = true;
  /// Auction method only: epsilon is divided by this factor from phase to phase (>= 2).
  std::int64_t epsilon_factor = 8;
  /// Time limit, cancellation and progress (koc/solve_control.hpp): a stopped solve throws errc::timeout
  /// or errc::cancelled and returns no assignment.
  solve_control control;
};

enum class capacitated_status : int {
  optimal = 0,           ///< optimal for the integerised scores, at least one pair chosen
  nothing_assigned = 1,  ///< optimal, and the optimum chooses no pair
};

/// Reasons are koc::match_reason (koc/matching/reason.hpp); a capacitated solve uses none,
/// nobody_eligible, all_candidates_at_capacity and better_pairs_chosen.

/// Potentials of the flow network described at the top of this header (the optimality certificate,
/// and the warm start of resolve_capacitated_assignment).
struct capacitated_duals {
  std::vector<std::int64_t> koc_potential;   ///< pi(k), n_kocs
  std::vector<std::int64_t> task_potential;  ///< pi(t), n_tasks
  std::int64_t source_potential = 0;         ///< pi(S)
  std::int64_t sink_potential = 0;           ///< pi(Z), always 0
  /// Potentials are in units of 1/scale of a score unit, and pair p costs -scale * (w_p + pair_bonus).
  std::int64_t scale = 1;
  /// Every residual arc's reduced cost is >= -epsilon; epsilon * (2 min(n_kocs, n_tasks) + 3) < scale, or
  /// epsilon == 0, makes that a proof of optimality (see the top of this header).
  std::int64_t epsilon = 0;
  /// 0 under max_score; under max_fill_then_score (auction), a bonus per pair that makes one more pair
  /// worth more than any exchange of scores (the shortest-paths method uses source_potential instead).
  std::int64_t pair_bonus = 0;
};

struct capacitated_assignment_result {
  capacitated_status status = capacitated_status::nothing_assigned;
  capacitated_objective objective = capacitated_objective::max_score;
  double score_resolution = 1e-6;
  // Chosen pairs, ascending pair index.
  std::vector<std::int64_t> pair;  ///< index into the candidate arrays
  std::vector<std::int32_t> koc;   ///< KOC of each chosen pair
  std::vector<std::int32_t> task;  ///< task of each chosen pair
  // Per row.
  std::vector<std::int32_t> koc_load;     ///< n_kocs: pairs chosen per KOC
  std::vector<std::int32_t> task_filled;  ///< n_tasks: pairs chosen per task
  std::vector<match_reason> koc_reason;   ///< n_kocs
  std::vector<match_reason> task_reason;  ///< n_tasks
  // Totals.
  std::int64_t total_score_units = 0;  ///< sum of integerised scores (exactly optimal)
  double total_score = 0;              ///< sum of the raw scores of the chosen pairs
  std::int64_t assigned = 0;           ///< number of chosen pairs
  capacitated_duals duals;
  // Work done (for benchmarks): shortest-path searches, tasks settled by them, augmenting paths.
  std::int64_t searches = 0;
  std::int64_t tasks_settled = 0;
  std::int64_t augmentations = 0;
};

using capacitated_verify_report = check_result;  ///< what verify() returns (koc/check.hpp)

namespace detail {

// Exact sums of int64 reduced costs: koc::int128 (koc/int128.hpp).

inline void check_capacitated_input(const candidate_view& g, span<const std::int32_t> capacity,
                                    span<const std::int32_t> slots,
                                    const capacitated_assignment_options& opt) {
  validate(g);
  if (capacity.size() != g.n_kocs)
    throw error(errc::length_mismatch,
                "capacity must have n_kocs = " + std::to_string(g.n_kocs) + " entries, has " +
                    std::to_string(capacity.size()),
                -1, "capacity");
  if (slots.size() != g.n_tasks)
    throw error(errc::length_mismatch,
                "slots must have n_tasks = " + std::to_string(g.n_tasks) + " entries, has " +
                    std::to_string(slots.size()),
                -1, "slots");
  for (std::size_t k = 0; k < capacity.size(); ++k)
    if (capacity[k] < 0)
      throw error(errc::invalid_value, "capacity is negative", static_cast<std::int64_t>(k), "capacity");
  for (std::size_t t = 0; t < slots.size(); ++t)
    if (slots[t] < 0) throw error(errc::invalid_value, "slots is negative", static_cast<std::int64_t>(t), "slots");
  if (!(opt.score_resolution > 0) || !std::isfinite(opt.score_resolution))
    throw error(errc::invalid_argument, "score_resolution must be positive and finite", -1, "score_resolution");
  if (opt.objective != capacitated_objective::max_score && opt.objective != capacitated_objective::max_fill_then_score)
    throw error(errc::invalid_argument, "unknown objective", -1, "objective");
  if (g.n_kocs >= (std::size_t{1} << 31) || g.n_tasks >= (std::size_t{1} << 31))
    throw error(errc::overflow, "more than 2^31 - 1 KOCs or tasks", -1, g.n_kocs >= (std::size_t{1} << 31) ? "capacity" : "slots");
}

/// Integerised scores with their range.
struct integer_scores {
  std::vector<std::int64_t> w;
  std::int64_t wmin = 0, wmax = 0;  ///< 0, 0 when there is no pair
};

/// llround(x) (half away from zero) for |x| < 2^62, inline and without a library call: the conversion
/// truncates exactly, x - trunc(x) is exact for every double, and at or above 2^52 every double is whole.
inline std::int64_t round_half_away(double x) noexcept {
  const auto i = static_cast<std::int64_t>(x);
  const double f = x - static_cast<double>(i);
  return i + (f >= 0.5) - (f <= -0.5);
}

/// One pair's integerised score, llround(score / resolution) as integerise() makes it; errors name `row`
/// (NaN or infinite: invalid_value; beyond int64: overflow). For pairs priced outside a solve.
inline std::int64_t score_units(double score, double resolution, std::int64_t row) {
  if (!std::isfinite(score)) throw error(errc::invalid_value, std::isnan(score) ? "score is NaN" : "score is infinite", row, "score");
  const double x = score / resolution;
  if (!(std::fabs(x) < 4.0e18)) throw error(errc::overflow, "score / score_resolution does not fit in int64", row, "score");
  return round_half_away(x);
}

/// Integerised scores llround(score / resolution) and their range; throws overflow when a score, a total
/// or a potential could leave int64. One vectorised pass; a failing check names its first pair after it.
inline integer_scores integerise(const candidate_view& g, double resolution) {
  integer_scores out;
  auto& w = out.w;
  w.resize(g.n_pairs());
  const double* score = g.score.data();
  bool in_range = true;
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
  for (std::size_t p = 0; p < w.size(); ++p) {
    const double x = score[p] / resolution;
    in_range &= std::fabs(x) < 4.0e18;  // false for NaN too
    const std::int64_t v = round_half_away(in_range ? x : 0.0);
    w[p] = v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!in_range)
    for (std::size_t p = 0; p < w.size(); ++p)
      if (!(std::fabs(score[p] / resolution) < 4.0e18))
        throw error(errc::overflow, "score / score_resolution does not fit in int64", static_cast<std::int64_t>(p), "score");
  if (w.empty()) return out;  // no pair: nothing to bound (lo and hi are still their sentinels)
  out.wmin = lo, out.wmax = hi;
  const std::int64_t max_abs = std::max(hi < 0 ? -hi : hi, lo < 0 ? -lo : lo);  // |w| < 4e18: no overflow
  // Totals are bounded by n_pairs * max|w|, potentials by (n_kocs + n_tasks + 2) * max|w| (a
  // shortest path visits each node once); keep a factor 4 of headroom for reduced-cost sums.
  const int128 nodes = static_cast<int128>(g.n_kocs) + static_cast<int128>(g.n_tasks) + 2;
  const int128 reach = std::max<int128>(nodes, static_cast<int128>(g.n_pairs()));
  if (static_cast<int128>(max_abs) * reach * 4 >= static_cast<int128>(std::numeric_limits<std::int64_t>::max() / 4)) {
    std::size_t arg = 0;  // the first pair of largest magnitude
    while ((w[arg] < 0 ? -w[arg] : w[arg]) != max_abs) ++arg;
    throw error(errc::overflow,
                "integerised scores too large for exact int64 totals and potentials: raise score_resolution",
                static_cast<std::int64_t>(arg), "score");
  }
  return out;
}

inline std::vector<std::int64_t> integerise_scores(const candidate_view& g, double resolution) {
  return integerise(g, resolution).w;
}

/// Whether every slot must be filled and the slots take at least 90% of the KOCs' usable capacity (a
/// KOC cannot take more pairs than it has candidates): spare KOCs are then rare and searches long.
inline bool tight_fill(const candidate_view& g, span<const std::int32_t> capacity, span<const std::int32_t> slots,
                       const capacitated_assignment_options& opt) {
  if (opt.objective != capacitated_objective::max_fill_then_score) return false;
  int128 units = 0, need = 0;
  for (std::size_t k = 0; k < g.n_kocs; ++k) units += std::min<std::int64_t>(capacity[k], g.offsets[k + 1] - g.offsets[k]);
  for (std::size_t t = 0; t < g.n_tasks; ++t) need += slots[t];
  return units > 0 && need * 10 >= units * 9;
}

// Loads the problem into the engine (w: the integerised scores, moved in and released once the
// engine has its arcs, to keep the peak memory of programme-scale runs down).
inline void setup_engine(capacitated_ssp& e, const candidate_view& g, span<const std::int32_t> capacity,
                         span<const std::int32_t> slots, const capacitated_assignment_options& opt,
                         std::vector<std::int64_t> w) {
  e.n_kocs = g.n_kocs;
  e.n_tasks = g.n_tasks;
  e.n_pairs = g.n_pairs();
  e.offsets = g.offsets.data();
  e.pair_task = g.task.data();
  const bool max_score = opt.objective == capacitated_objective::max_score;
  e.pair_state.assign(e.n_pairs, capacitated_ssp::unused);
  std::int64_t max_abs = 0;
  for (std::size_t p = 0; p < e.n_pairs; ++p) {
    if (max_score && w[p] <= 0) e.pair_state[p] = capacitated_ssp::inactive;
    max_abs = std::max(max_abs, w[p] < 0 ? -w[p] : w[p]);
  }
  e.pair_w = std::move(w);
  // Above the cost of any simple path (see capacitated_ssp.hpp); integerise_scores checked the room.
  e.dummy_cost = max_score ? 0 : 2 * static_cast<std::int64_t>(g.n_kocs + g.n_tasks + 2) * max_abs + 1;
  e.capacity.assign(capacity.begin(), capacity.end());
  e.slots.assign(slots.begin(), slots.end());
  e.init();
  e.max_abs_w = max_abs;
  // Tight instances: searches settle dozens of tasks, and rows sorted by w + pik from the first scan beat
  // the arc heaps (tight benchmark: fill 0.37 -> 0.27 s). Slack ones keep the heaps (their searches are
  // short), which also keeps the memory of programme-scale runs down (a sorted row copy is 24 bytes
  // per arc).
  if (tight_fill(g, capacity, slots, opt)) e.row_scan_after = 0, e.sort_rows_after = 0;
  std::vector<std::int64_t>().swap(e.pair_w);
}

// Chosen pairs, loads, totals and per-row reasons from one flag per pair (1 = chosen).
inline void collect_pairs(capacitated_assignment_result& r, const candidate_view& g, span<const std::int32_t> capacity,
                          span<const std::int32_t> slots, const std::vector<std::uint8_t>& chosen,
                          const capacitated_assignment_options& opt) {
  const std::size_t K = g.n_kocs, T = g.n_tasks;
  r.objective = opt.objective;
  r.score_resolution = opt.score_resolution;
  r.koc_load.assign(K, 0);
  r.task_filled.assign(T, 0);
  std::size_t n = 0;
  for (std::size_t p = 0; p < chosen.size(); ++p) n += chosen[p];
  r.pair.reserve(n), r.koc.reserve(n), r.task.reserve(n);
  r.total_score_units = 0;
  r.total_score = 0;
  for (std::size_t k = 0; k < K; ++k)
    for (auto p = g.offsets[k]; p < g.offsets[k + 1]; ++p) {
      const auto pp = static_cast<std::size_t>(p);
      if (!chosen[pp]) continue;
      const auto t = g.task[pp];
      r.pair.push_back(p);
      r.koc.push_back(static_cast<std::int32_t>(k));
      r.task.push_back(t);
      r.total_score += g.score[pp];
      r.total_score_units += std::llround(g.score[pp] / opt.score_resolution);
      ++r.koc_load[k];
      ++r.task_filled[static_cast<std::size_t>(t)];
    }
  r.assigned = static_cast<std::int64_t>(r.pair.size());
  r.status = r.pair.empty() ? capacitated_status::nothing_assigned : capacitated_status::optimal;
  // Reasons: scan every candidate pair (including the ineligible ones) once from each side.
  r.koc_reason.assign(K, match_reason::none);
  r.task_reason.assign(T, match_reason::none);
  std::vector<std::uint8_t> task_has_pair(T, 0), task_has_open(T, 0);
  for (std::size_t k = 0; k < K; ++k) {
    bool koc_open = false;
    const bool koc_room = r.koc_load[k] < capacity[k];
    for (auto p = g.offsets[k]; p < g.offsets[k + 1]; ++p) {
      const auto t = static_cast<std::size_t>(g.task[static_cast<std::size_t>(p)]);
      task_has_pair[t] = 1;
      if (chosen[static_cast<std::size_t>(p)]) continue;
      if (r.task_filled[t] < slots[t]) koc_open = true;
      if (koc_room) task_has_open[t] = 1;
    }
    if (!koc_room) continue;
    if (g.offsets[k] == g.offsets[k + 1]) r.koc_reason[k] = match_reason::nobody_eligible;
    else r.koc_reason[k] = koc_open ? match_reason::better_pairs_chosen : match_reason::all_candidates_at_capacity;
  }
  for (std::size_t t = 0; t < T; ++t) {
    if (r.task_filled[t] >= slots[t]) continue;
    if (!task_has_pair[t]) r.task_reason[t] = match_reason::nobody_eligible;
    else r.task_reason[t] = task_has_open[t] ? match_reason::better_pairs_chosen : match_reason::all_candidates_at_capacity;
  }
}

inline capacitated_assignment_result collect_result(capacitated_ssp& e, const candidate_view& g,
                                                    span<const std::int32_t> capacity, span<const std::int32_t> slots,
                                                    const capacitated_assignment_options& opt) {
  e.export_pairs();
  capacitated_assignment_result r;
  std::vector<std::uint8_t> chosen(e.pair_state.size());
  for (std::size_t p = 0; p < chosen.size(); ++p) chosen[p] = e.pair_state[p] == capacitated_ssp::used;
  collect_pairs(r, g, capacity, slots, chosen, opt);
  r.duals.koc_potential = e.pik;
  r.duals.task_potential = e.pit;
  r.duals.source_potential = -e.dummy_cost;
  r.duals.sink_potential = 0;
  r.searches = e.searches;
  r.tasks_settled = e.settled;
  r.augmentations = e.augmentations;
  return r;
}

/// A KOC with spare capacity that an augmenting path reaches (breadth-first from the tasks with free
/// slots, along unchosen pairs to KOCs and chosen pairs back to tasks), or -1 when the fill is maximal.
template <class Load>
std::int64_t augmenting_path_end(const candidate_view& graph, span<const std::int32_t> capacity, span<const std::int32_t> slots,
                                 const std::vector<std::uint8_t>& chosen, const std::vector<Load>& load,
                                 const std::vector<Load>& filled) {
  const std::size_t K = graph.n_kocs, T = graph.n_tasks, P = graph.n_pairs();
  std::vector<std::uint8_t> seen_t(T, 0), seen_k(K, 0);
  // Task-major pair ids, 4 bytes each when they fit (memory at programme scale); a pair's KOC is found by
  // binary search in the CSR offsets (each pair is looked at once).
  std::vector<std::int64_t> task_off(T + 1, 0);
  for (std::size_t p = 0; p < P; ++p) ++task_off[static_cast<std::size_t>(graph.task[p]) + 1];
  for (std::size_t t = 0; t < T; ++t) task_off[t + 1] += task_off[t];
  const bool narrow = P < (std::size_t{1} << 32);
  std::vector<std::uint32_t> pairs32(narrow ? P : 0);
  std::vector<std::uint64_t> pairs64(narrow ? 0 : P);
  {
    std::vector<std::int64_t> at(task_off.begin(), task_off.end() - 1);
    for (std::size_t p = 0; p < P; ++p) {
      const auto i = static_cast<std::size_t>(at[static_cast<std::size_t>(graph.task[p])]++);
      if (narrow) pairs32[i] = static_cast<std::uint32_t>(p);
      else pairs64[i] = p;
    }
  }
  const auto koc_of = [&](std::size_t p) {
    const auto it = std::upper_bound(graph.offsets.begin(), graph.offsets.end(), static_cast<std::int64_t>(p));
    return static_cast<std::size_t>(it - graph.offsets.begin()) - 1;
  };
  std::vector<std::int64_t> queue;
  for (std::size_t t = 0; t < T; ++t)
    if (filled[t] < slots[t]) seen_t[t] = 1, queue.push_back(static_cast<std::int64_t>(t));
  for (std::size_t head = 0; head < queue.size(); ++head) {  // each task enters the queue once
    const auto t = static_cast<std::size_t>(queue[head]);
    for (auto i = task_off[t]; i < task_off[t + 1]; ++i) {
      const auto p = narrow ? static_cast<std::size_t>(pairs32[static_cast<std::size_t>(i)])
                            : static_cast<std::size_t>(pairs64[static_cast<std::size_t>(i)]);
      if (chosen[p]) continue;
      const auto k = koc_of(p);
      if (seen_k[k]) continue;
      seen_k[k] = 1;
      if (load[k] < capacity[k]) return static_cast<std::int64_t>(k);
      for (auto q = graph.offsets[k]; q < graph.offsets[k + 1]; ++q) {
        const auto t2 = static_cast<std::size_t>(graph.task[static_cast<std::size_t>(q)]);
        if (chosen[static_cast<std::size_t>(q)] && !seen_t[t2]) seen_t[t2] = 1, queue.push_back(static_cast<std::int64_t>(t2));
      }
    }
  }
  return -1;
}

/// The auction's integers (see detail/capacitated_auction.hpp): scale, the per-pair bonus under
/// max_fill_then_score, and whether scale * (w + bonus) leaves int64 room for the bids (a factor 16).
struct auction_units {
  std::int64_t scale = 1, bonus = 0, max_value = 0;
  std::int64_t spread = 0;  ///< scale * the range of scores that differences between pairs span
  std::int64_t wmin = 0, wmax = 0;
  bool fits = false;
};
/// The units for a bonus covering augmenting paths of up to `path_pairs` pairs given up (-1: min(K, T),
/// every path), from the integerised scores' range.
inline auction_units auction_units_with(const candidate_view& g, std::int64_t wmin, std::int64_t wmax,
                                        const capacitated_assignment_options& opt, std::int64_t path_pairs = -1) {
  auction_units u;
  u.wmin = wmin, u.wmax = wmax;
  const bool max_score = opt.objective == capacitated_objective::max_score;
  const int128 m = static_cast<int128>(std::min(g.n_kocs, g.n_tasks));
  u.scale = static_cast<std::int64_t>(std::min<int128>(2 * m + 4, std::numeric_limits<std::int64_t>::max()));
  int128 bonus = 0;
  // One more pair must beat any exchange along an augmenting path (at most min(K, T) pairs given up for
  // one more taken): bonus > L (wmax - wmin) - wmin, with L = m, keeps every pair positive and does it.
  // A smaller L (path_pairs) covers the paths of up to L pairs given up; solve_by_auction starts there.
  const int128 L = path_pairs < 0 ? m : std::min<int128>(m, path_pairs);
  if (!max_score) bonus = L * (static_cast<int128>(wmax) - wmin) - wmin + 1;
  const int128 top = static_cast<int128>(u.scale) * (static_cast<int128>(std::max<std::int64_t>(wmax, 0)) + bonus);
  const int128 low = static_cast<int128>(u.scale) * (static_cast<int128>(std::min<std::int64_t>(wmin, 0)) + bonus);
  const int128 room = static_cast<int128>(std::numeric_limits<std::int64_t>::max() / 16);
  u.fits = top < room && -low < room && bonus < room && g.n_pairs() < (std::size_t{1} << 32);
  if (u.fits) {
    u.bonus = static_cast<std::int64_t>(bonus);
    u.max_value = static_cast<std::int64_t>(top);
    u.spread = static_cast<std::int64_t>(static_cast<int128>(u.scale) *
                                         (static_cast<int128>(wmax) - (max_score ? std::min<std::int64_t>(wmin, 0) : wmin)));
  }
  return u;
}
/// The automatic choice. Long rows (on average kLongRow candidates or more per KOC with any) favour the
/// shortest paths: each of the auction's bids reads the bidder's whole row, while a search reads only the
/// few arcs its arc heaps offer (measured on the long-row family, benchmarks/RESULTS.md).
constexpr std::size_t kLongRow = 200;
inline bool use_auction(const candidate_view& g, const auction_units& u, const capacitated_assignment_options& opt) {
  if (opt.method == capacitated_method::shortest_paths) return false;
  if (opt.method == capacitated_method::auction) {
    if (!u.fits)
      throw error(errc::overflow, "the auction's scaled scores do not fit in int64: use the shortest-paths method or raise score_resolution",
                  -1, "score");
    return true;
  }
  std::size_t with_pairs = 0;
  for (std::size_t k = 0; k < g.n_kocs; ++k) with_pairs += g.offsets[k + 1] > g.offsets[k];
  const bool long_rows = with_pairs > 0 && g.n_pairs() >= kLongRow * with_pairs;
  return u.fits && !long_rows;
}

/// Solves by the epsilon-scaling auction; `warm`: task prices in `warm_scale` units to start from (a
/// previous result's duals), or null. `u`: the units with the full bonus (they fit, see use_auction).
///
/// Under max_fill_then_score the bonus that guarantees a maximum fill (paths of min(K, T) pairs) is far
/// larger than the scores' spread, and makes every value alike: the auction then needs more phases and
/// its reverse steps cannot stop their scans early. Augmenting paths that trade many pairs are rare, so
/// the solve starts with the bonus for paths of up to 4 pairs; if the result still has an augmenting path
/// (checked in O(pairs)), the bonus grows eightfold and the solve runs again, up to the full bonus. The
/// result maximises the total plus bonus per pair over every assignment, and has a maximum fill, so it
/// maximises the total among maximum fills whatever the bonus.
inline capacitated_assignment_result solve_by_auction(const candidate_view& g, span<const std::int32_t> capacity,
                                                      span<const std::int32_t> slots,
                                                      const capacitated_assignment_options& opt, std::vector<std::int64_t> w,
                                                      const auction_units& full, const capacitated_duals* warm) {
  if (opt.epsilon_factor < 2) throw error(errc::invalid_argument, "epsilon_factor must be >= 2", -1, "epsilon_factor");
  const bool max_fill = opt.objective == capacitated_objective::max_fill_then_score;
  const auto m = static_cast<std::int64_t>(std::min(g.n_kocs, g.n_tasks));
  solve_watch watch(opt.control);
  // Ends: path_pairs grows eightfold up to m, and the round at m returns: at most log8(m) + 2 rounds.
  for (std::int64_t path_pairs = max_fill ? std::min<std::int64_t>(m, 4) : m;; path_pairs = std::min(m, path_pairs * 8)) {
    const auto u = path_pairs >= m ? full : auction_units_with(g, full.wmin, full.wmax, opt, path_pairs);
    capacitated_auction a;
    a.n_kocs = g.n_kocs;
    a.n_tasks = g.n_tasks;
    a.offsets = g.offsets.data();
    a.pair_task = g.task.data();
    a.scale = u.scale;
    a.epsilon_factor = opt.epsilon_factor;
    // The values take w's memory (peak memory at programme scale); a second round integerises again.
    if (w.empty()) w = integerise_scores(g, opt.score_resolution);
    for (auto& x : w) x = u.scale * (x + u.bonus);  // max_score: w <= 0 stays <= 0
    a.value = std::move(w);
    w.clear();
    a.capacity.assign(capacity.begin(), capacity.end());
    a.slots.assign(slots.begin(), slots.end());
    a.prepare();
    // Phase 1 sets the price level (under max_fill_then_score, near the bonus); phase 2 starts at an eighth
    // of the scores' own spread, where exchanges between pairs begin to matter.
    a.second_epsilon = std::max<std::int64_t>(1, u.spread / 8);
    // The first phase's epsilon: half the largest value, so that the first prices climb in a couple of steps
    // to where demand meets the slots.
    std::int64_t eps0 = std::max<std::int64_t>(1, u.max_value / 2);
    if (warm != nullptr) {
      // A task's price over a pair's value is task_potential / scale - pair_bonus in either method's duals;
      // here it becomes scale * (that + bonus), clamped to the value range.
      std::vector<std::int64_t> p(g.n_tasks);
      for (std::size_t t = 0; t < g.n_tasks; ++t) {
        const int128 x = static_cast<int128>(warm->task_potential[t]) * u.scale / warm->scale +
                         static_cast<int128>(u.scale) * (static_cast<int128>(u.bonus) - warm->pair_bonus);
        p[t] = static_cast<std::int64_t>(std::min<int128>(std::max<int128>(x, 0), u.max_value));
      }
      a.set_prices(p);
      eps0 = std::max<std::int64_t>(1, u.scale / 2);  // close prices: start near the end of the schedule
    }
    a.run(eps0, watch);
    if (max_fill && path_pairs < m && augmenting_path_end(g, capacity, slots, a.held, a.load, a.filled) >= 0) continue;
    capacitated_assignment_result r;
    collect_pairs(r, g, capacity, slots, a.held, opt);
    r.duals.scale = u.scale;
    r.duals.epsilon = 1;
    r.duals.pair_bonus = u.bonus;
    r.duals.task_potential.resize(g.n_tasks);
    for (std::size_t t = 0; t < g.n_tasks; ++t) r.duals.task_potential[t] = a.task_price(t);
    r.duals.koc_potential.resize(g.n_kocs);
    for (std::size_t k = 0; k < g.n_kocs; ++k) r.duals.koc_potential[k] = -a.koc_profit(k, 1);
    r.searches = a.bids;
    r.tasks_settled = a.phases;
    r.augmentations = a.reverse_steps;
    return r;
  }
}

}  // namespace detail

inline capacitated_assignment_result solve_capacitated_assignment(const candidate_view& graph,
                                                                  span<const std::int32_t> capacity,
                                                                  span<const std::int32_t> slots,
                                                                  const capacitated_assignment_options& options = {});

namespace detail {

/// Previous task potentials clamped to this problem's score range (potentials from another problem
/// may exceed its headroom), as warm_start takes them.
inline std::vector<std::int64_t> clamped_task_prices(const capacitated_ssp& e, std::vector<std::int64_t> pit,
                                                     std::int64_t shift) {
  const std::int64_t bound = e.max_abs_w * static_cast<std::int64_t>(e.n_kocs + e.n_tasks + 2);
  for (auto& x : pit) {
    const int128 y = static_cast<int128>(x) + shift;
    x = static_cast<std::int64_t>(std::min<int128>(std::max<int128>(y, -e.dummy_cost - bound), bound));
  }
  return pit;
}

/// Task prices from the sampled half problem when the instance is large and tight (see "Price seeding"
/// above); empty when seeding does not apply.
inline std::vector<std::int64_t> seeded_task_prices(const candidate_view& g, span<const std::int32_t> capacity,
                                                    span<const std::int32_t> slots,
                                                    const capacitated_assignment_options& opt) {
  constexpr std::size_t min_kocs = 8192;
  if (!opt.price_seeding || g.n_kocs < min_kocs || !tight_fill(g, capacity, slots, opt)) return {};
  int128 units = 0, sample_units = 0;
  for (std::size_t k = 0; k < g.n_kocs; ++k) {
    const auto u = std::min<std::int64_t>(capacity[k], g.offsets[k + 1] - g.offsets[k]);
    units += u;
    if (k % 2 == 0) sample_units += u;
  }
  candidate_graph s;
  s.n_tasks = g.n_tasks;
  s.n_kocs = (g.n_kocs + 1) / 2;
  s.offsets.assign(1, 0);
  s.offsets.reserve(s.n_kocs + 1);
  std::vector<std::int32_t> s_capacity, s_slots(g.n_tasks);
  s_capacity.reserve(s.n_kocs);
  for (std::size_t k = 0; k < g.n_kocs; k += 2) {
    s.task.insert(s.task.end(), g.task.begin() + g.offsets[k], g.task.begin() + g.offsets[k + 1]);
    s.score.insert(s.score.end(), g.score.begin() + g.offsets[k], g.score.begin() + g.offsets[k + 1]);
    s.offsets.push_back(static_cast<std::int64_t>(s.task.size()));
    s_capacity.push_back(capacity[k]);
  }
  for (std::size_t t = 0; t < g.n_tasks; ++t)
    s_slots[t] = static_cast<std::int32_t>(static_cast<int128>(slots[t]) * sample_units / units);
  // Potentials are relative to pi(Z) = 0 and do not depend on the dummy cost, so the sample's task
  // potentials are used as they are (the same method, so the same units).
  auto sample_opt = opt;
  sample_opt.method = capacitated_method::shortest_paths;
  return solve_capacitated_assignment(s, s_capacity, s_slots, sample_opt).duals.task_potential;
}

}  // namespace detail

/// Solves from scratch. Throws koc::error on invalid input (negative capacity/slots: invalid_value
/// with the row and field "capacity"/"slots"; overflow when scores / resolution are too large).
inline capacitated_assignment_result solve_capacitated_assignment(const candidate_view& graph,
                                                                  span<const std::int32_t> capacity,
                                                                  span<const std::int32_t> slots,
                                                                  const capacitated_assignment_options& options) {
  detail::check_capacitated_input(graph, capacity, slots, options);
  {
    auto scores = detail::integerise(graph, options.score_resolution);
    auto& w = scores.w;
    const auto units = detail::auction_units_with(graph, scores.wmin, scores.wmax, options);
    if (detail::use_auction(graph, units, options))
      return detail::solve_by_auction(graph, capacity, slots, options, std::move(w), units, nullptr);
  }
  detail::solve_watch watch(options.control);
  // Before the full engine is built: the sample's solve is done and freed by then (peak memory).
  auto seed = detail::seeded_task_prices(graph, capacity, slots, options);
  detail::capacitated_ssp e;
  e.watch = &watch;
  detail::setup_engine(e, graph, capacity, slots, options, detail::integerise_scores(graph, options.score_resolution));
  if (seed.empty()) {
    e.cold_potentials();
  } else {
    // The sample's prices, one step closer to clearing the full market (see clear_market).
    seed = detail::clamped_task_prices(e, std::move(seed), 0);
    e.clear_market(seed);
    e.warm_start(detail::clamped_task_prices(e, std::move(seed), 0));
  }
  e.fill();
  return detail::collect_result(e, graph, capacity, slots, options);
}

/// Re-solves after some KOCs, tasks or pairs changed, starting from a previous result's duals
/// (the same KOC and task indexing; `previous.task_potential` must have n_tasks entries, the KOC
/// potentials are re-derived). Any duals give the exact optimum; close ones make it fast.
inline capacitated_assignment_result resolve_capacitated_assignment(const candidate_view& graph,
                                                                    span<const std::int32_t> capacity,
                                                                    span<const std::int32_t> slots,
                                                                    const capacitated_assignment_options& options,
                                                                    const capacitated_duals& previous) {
  detail::check_capacitated_input(graph, capacity, slots, options);
  if (previous.task_potential.size() != graph.n_tasks)
    throw error(errc::length_mismatch,
                "previous duals have " + std::to_string(previous.task_potential.size()) +
                    " task potentials, the problem has " + std::to_string(graph.n_tasks) + " tasks",
                -1, "task_potential");
  if (previous.scale < 1) throw error(errc::invalid_value, "previous duals have a scale below 1", -1, "scale");
  {
    auto scores = detail::integerise(graph, options.score_resolution);
    auto& w = scores.w;
    const auto units = detail::auction_units_with(graph, scores.wmin, scores.wmax, options);
    if (detail::use_auction(graph, units, options))
      return detail::solve_by_auction(graph, capacity, slots, options, std::move(w), units, &previous);
  }
  detail::solve_watch watch(options.control);
  detail::capacitated_ssp e;
  e.watch = &watch;
  detail::setup_engine(e, graph, capacity, slots, options, detail::integerise_scores(graph, options.score_resolution));
  // A task's price over a pair's value is task_potential / scale - pair_bonus in either method's duals.
  std::vector<std::int64_t> prices(graph.n_tasks);
  for (std::size_t t = 0; t < graph.n_tasks; ++t)
    prices[t] = static_cast<std::int64_t>(std::max<int128>(
        std::min<int128>(previous.task_potential[t] / previous.scale - static_cast<int128>(previous.pair_bonus),
                                 std::numeric_limits<std::int64_t>::max() / 4),
        std::numeric_limits<std::int64_t>::min() / 4));
  e.warm_start(detail::clamped_task_prices(e, std::move(prices), 0));
  e.fill();
  return detail::collect_result(e, graph, capacity, slots, options);
}

namespace detail {
enum class pair_check { holds, unused_negative, used_positive };
/// The certificate's condition on one candidate pair (integerised score w, its task's and KOC's
/// potentials): an unused pair's reduced cost -scale (w + pair_bonus) + pi(t) - pi(k) is >= -epsilon, a
/// used one's <= +epsilon. Under max_score a pair with w <= 0 is not an arc and always holds. Shared by
/// verify() and capacitated_violations().
inline pair_check pair_certificate(const capacitated_duals& d, bool max_score, std::int64_t w, std::int64_t pi_task,
                                   std::int64_t pi_koc, bool used) {
  if (max_score && w <= 0) return pair_check::holds;
  const int128 rc = -static_cast<int128>(d.scale) * (static_cast<int128>(w) + d.pair_bonus) + pi_task - pi_koc;
  if (!used && rc < -static_cast<int128>(d.epsilon)) return pair_check::unused_negative;
  if (used && rc > static_cast<int128>(d.epsilon)) return pair_check::used_positive;
  return pair_check::holds;
}
}  // namespace detail

/// Independent check of a result: primal feasibility, the totals and per-row columns, and
/// optimality through the certificate, all in exact integer arithmetic. Never throws on a bad
/// result (only on invalid input); returns {false, what is wrong}.
inline capacitated_verify_report verify(const candidate_view& graph, span<const std::int32_t> capacity,
                                        span<const std::int32_t> slots,
                                        const capacitated_assignment_options& options,
                                        const capacitated_assignment_result& r) {
  detail::check_capacitated_input(graph, capacity, slots, options);
  using i128 = int128;
  const auto fail = [](std::string m) { return capacitated_verify_report{false, std::move(m)}; };
  const std::vector<std::int64_t> w = detail::integerise_scores(graph, options.score_resolution);
  const std::size_t K = graph.n_kocs, T = graph.n_tasks, P = graph.n_pairs();
  const bool max_score = options.objective == capacitated_objective::max_score;
  if (r.objective != options.objective) return fail("result was solved for another objective");
  if (r.pair.size() != r.koc.size() || r.pair.size() != r.task.size()) return fail("chosen-pair columns differ in length");
  if (r.koc_load.size() != K || r.task_filled.size() != T || r.koc_reason.size() != K || r.task_reason.size() != T)
    return fail("per-row columns have the wrong length");
  if (r.duals.koc_potential.size() != K || r.duals.task_potential.size() != T) return fail("duals have the wrong length");
  std::vector<std::uint8_t> chosen(P, 0);
  std::vector<std::int64_t> load(K, 0), filled(T, 0);
  i128 total = 0;
  std::int64_t prev = -1;
  for (std::size_t i = 0; i < r.pair.size(); ++i) {
    const auto p = r.pair[i];
    if (p <= prev || p >= static_cast<std::int64_t>(P)) return fail("chosen pairs are not ascending valid indices at " + std::to_string(i));
    prev = p;
    const auto t = graph.task[static_cast<std::size_t>(p)];
    const auto k = r.koc[i];
    if (k < 0 || static_cast<std::size_t>(k) >= K || p < graph.offsets[static_cast<std::size_t>(k)] || p >= graph.offsets[static_cast<std::size_t>(k) + 1])
      return fail("chosen pair " + std::to_string(p) + " does not belong to KOC " + std::to_string(k));
    if (r.task[i] != t) return fail("chosen pair " + std::to_string(p) + " has the wrong task");
    if (max_score && w[static_cast<std::size_t>(p)] <= 0) return fail("pair " + std::to_string(p) + " with score <= 0 chosen under max_score");
    chosen[static_cast<std::size_t>(p)] = 1;
    ++load[static_cast<std::size_t>(k)];
    ++filled[static_cast<std::size_t>(t)];
    total += w[static_cast<std::size_t>(p)];
  }
  if (total != r.total_score_units) return fail("total_score_units does not match the chosen pairs");
  if (r.assigned != static_cast<std::int64_t>(r.pair.size())) return fail("assigned does not match the chosen pairs");
  if ((r.status == capacitated_status::nothing_assigned) != r.pair.empty()) return fail("status does not match the chosen pairs");
  for (std::size_t k = 0; k < K; ++k) {
    if (load[k] != r.koc_load[k]) return fail("koc_load of KOC " + std::to_string(k) + " is wrong");
    if (load[k] > capacity[k]) return fail("KOC " + std::to_string(k) + " is over capacity");
  }
  for (std::size_t t = 0; t < T; ++t) {
    if (filled[t] != r.task_filled[t]) return fail("task_filled of task " + std::to_string(t) + " is wrong");
    if (filled[t] > slots[t]) return fail("task " + std::to_string(t) + " is overfilled");
  }
  // Reduced costs of every residual arc, in units of 1/scale, each at least -epsilon.
  const auto& pk = r.duals.koc_potential;
  const auto& pt = r.duals.task_potential;
  const i128 ps = r.duals.source_potential, pz = r.duals.sink_potential;
  const i128 scale = r.duals.scale, eps = r.duals.epsilon, bonus = r.duals.pair_bonus;
  if (pz != 0) return fail("the sink potential must be 0");
  if (scale < 1) return fail("the duals' scale must be at least 1");
  if (eps < 0) return fail("the duals' epsilon must be >= 0");
  // A cycle of the network visits at most 2 min(K, T) + 3 nodes, and costs a multiple of scale: with
  // every reduced cost >= -epsilon, a negative one would cost more than -scale, so there is none.
  if (eps > 0 && eps * (2 * static_cast<i128>(std::min(K, T)) + 3) >= scale)
    return fail("epsilon is too large for the duals' scale to prove optimality");
  if (max_score && bonus != 0) return fail("under max_score the pair bonus must be 0");
  for (std::size_t k = 0; k < K; ++k) {
    if (load[k] < capacity[k] && i128(pk[k]) - pz < -eps) return fail("KOC " + std::to_string(k) + " has spare capacity and a negative reduced cost to the sink");
    if (load[k] > 0 && pz - pk[k] < -eps) return fail("KOC " + std::to_string(k) + " is loaded and its sink arc's reverse has a negative reduced cost");
    for (auto p = graph.offsets[k]; p < graph.offsets[k + 1]; ++p) {
      const auto pp = static_cast<std::size_t>(p);
      const auto t = static_cast<std::size_t>(graph.task[pp]);
      switch (detail::pair_certificate(r.duals, max_score, w[pp], pt[t], pk[k], chosen[pp] != 0)) {
        case detail::pair_check::unused_negative: return fail("unused pair " + std::to_string(p) + " has a negative reduced cost");
        case detail::pair_check::used_positive: return fail("used pair " + std::to_string(p) + " has a positive reduced cost");
        case detail::pair_check::holds: break;
      }
    }
  }
  // Dummy arcs t -> Z of cost -pi(S): used by the empty slots, unused by a full task.
  for (std::size_t t = 0; t < T; ++t) {
    if (filled[t] < slots[t] && i128(pt[t]) - ps > eps) return fail("task " + std::to_string(t) + " has empty slots and a positive reduced cost on its empty-slot arc");
    if (filled[t] == slots[t] && i128(pt[t]) - ps < -eps) return fail("task " + std::to_string(t) + " is full and its empty-slot arc has a negative reduced cost");
  }
  if (max_score) {
    // An empty slot scores 0 and pairs with w <= 0 are not arcs (dropping such a pair from any
    // assignment never lowers the total, and none is chosen: checked above).
    if (ps != 0) return fail("under max_score the source potential must be 0 (an empty slot scores 0)");
  } else {
    // Maximum flow: no S->Z path in the residual graph.
    const auto k = detail::augmenting_path_end(graph, capacity, slots, chosen, load, filled);
    if (k >= 0) return fail("an augmenting path reaches KOC " + std::to_string(k) + ": the fill is not maximal");
  }
  // Reasons, by their documented definitions.
  for (std::size_t k = 0; k < K; ++k) {
    match_reason want = match_reason::none;
    if (load[k] < capacity[k]) {
      bool open = false;
      for (auto p = graph.offsets[k]; p < graph.offsets[k + 1]; ++p) {
        const auto t = static_cast<std::size_t>(graph.task[static_cast<std::size_t>(p)]);
        if (!chosen[static_cast<std::size_t>(p)] && filled[t] < slots[t]) open = true;
      }
      want = graph.offsets[k] == graph.offsets[k + 1] ? match_reason::nobody_eligible
             : open                                  ? match_reason::better_pairs_chosen
                                                     : match_reason::all_candidates_at_capacity;
    }
    if (r.koc_reason[k] != want) return fail("koc_reason of KOC " + std::to_string(k) + " is wrong");
  }
  std::vector<std::uint8_t> has_pair(T, 0), open_t(T, 0);
  for (std::size_t k = 0; k < K; ++k)
    for (auto p = graph.offsets[k]; p < graph.offsets[k + 1]; ++p) {
      const auto t = static_cast<std::size_t>(graph.task[static_cast<std::size_t>(p)]);
      has_pair[t] = 1;
      if (!chosen[static_cast<std::size_t>(p)] && load[k] < capacity[k]) open_t[t] = 1;
    }
  for (std::size_t t = 0; t < T; ++t) {
    match_reason want = match_reason::none;
    if (filled[t] < slots[t])
      want = !has_pair[t] ? match_reason::nobody_eligible
             : open_t[t]  ? match_reason::better_pairs_chosen
                          : match_reason::all_candidates_at_capacity;
    if (r.task_reason[t] != want) return fail("task_reason of task " + std::to_string(t) + " is wrong");
  }
  return {true, "optimal: primal feasible and every residual arc has a non-negative reduced cost"};
}

/// Pricing, for a solve over part of a candidate graph (column generation: the rest of the graph is
/// checked where it lives, e.g. on the workers of a cluster, see docs/scale-out.md). Given more pairs of
/// the same problem, as KOC and task indices in the solve's index spaces, raw scores and whether each is
/// one of the solve's chosen pairs, returns the rows (ascending) of the pairs that break the certificate
/// of `r`: an unused pair whose reduced cost is below -epsilon (taking it could raise the total), or a
/// chosen pair whose reduced cost is above +epsilon. Exactly verify()'s condition on a pair.
///
/// When no pair of the whole graph breaks it, `r` is optimal for the whole graph and its duals are the
/// certificate over all of it: the node conditions (spare capacity, empty slots) do not depend on the
/// pairs, and the bound epsilon (2 min(n_kocs, n_tasks) + 3) < scale holds since the index spaces are the
/// same. Under max_score only: a maximum fill is a property of the whole graph (an augmenting path) that
/// a check pair by pair cannot prove, so max_fill_then_score is refused (errc::invalid_argument). A
/// max_fill problem is priced as max_score on score units plus a bonus per pair large enough that one
/// more pair outweighs any exchange (koc.dask and koc.spark do this; see docs/scale-out.md).
///
/// Errors name the row and field: koc / task outside the duals' index spaces (errc::unknown_id), a
/// NaN or infinite score (errc::invalid_value) or one that does not integerise (errc::overflow), lengths
/// that differ (errc::length_mismatch).
inline std::vector<std::int64_t> capacitated_violations(span<const std::int32_t> koc, span<const std::int32_t> task,
                                                        span<const double> score, span<const std::uint8_t> chosen,
                                                        const capacitated_assignment_result& r,
                                                        const capacitated_assignment_options& opt) {
  if (opt.objective != capacitated_objective::max_score)
    throw error(errc::invalid_argument, "pricing proves optimality under max_score only (a maximum fill is a property of the whole graph)",
                -1, "objective");
  if (r.objective != opt.objective) throw error(errc::invalid_argument, "the result was solved for another objective", -1, "objective");
  if (!(opt.score_resolution > 0) || !std::isfinite(opt.score_resolution))
    throw error(errc::invalid_argument, "score_resolution must be positive and finite", -1, "score_resolution");
  const std::size_t n = koc.size();
  const auto length = [n](std::size_t m, const char* field) {
    if (m != n)
      throw error(errc::length_mismatch, std::string(field) + " has " + std::to_string(m) + " entries, koc has " + std::to_string(n),
                  -1, field);
  };
  length(task.size(), "task");
  length(score.size(), "score");
  length(chosen.size(), "chosen");
  const auto& pk = r.duals.koc_potential;
  const auto& pt = r.duals.task_potential;
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto row = static_cast<std::int64_t>(i);
    if (koc[i] < 0 || static_cast<std::size_t>(koc[i]) >= pk.size())
      throw error(errc::unknown_id, "KOC index " + std::to_string(koc[i]) + " is not in [0, " + std::to_string(pk.size()) + ")", row, "koc");
    if (task[i] < 0 || static_cast<std::size_t>(task[i]) >= pt.size())
      throw error(errc::unknown_id, "task index " + std::to_string(task[i]) + " is not in [0, " + std::to_string(pt.size()) + ")", row, "task");
    const auto w = detail::score_units(score[i], opt.score_resolution, row);
    if (chosen[i] > 1) throw error(errc::invalid_value, "chosen must be 0 or 1", row, "chosen");
    if (detail::pair_certificate(r.duals, true, w, pt[static_cast<std::size_t>(task[i])], pk[static_cast<std::size_t>(koc[i])],
                                 chosen[i] != 0) != detail::pair_check::holds)
      out.push_back(row);
  }
  return out;
}

}  // namespace koc

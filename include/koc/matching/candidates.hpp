// The candidate graph: which KOC may do which task, and how well (the output of eligibility + fit,
// the input of every assignment solver).
//
// Shape: compressed sparse rows over KOCs. For KOC k, its candidate pairs are the half-open range
// [offsets[k], offsets[k+1]) of `task` and `score`. Within a row, tasks are strictly increasing (this
// makes "each pair at most once" structural and gives a deterministic order for tie-breaks).
//   offsets: n_kocs + 1 entries, offsets[0] == 0, non-decreasing, offsets[n_kocs] == number of pairs
//   task:    n_pairs task indices in [0, n_tasks)
//   score:   n_pairs fit scores (dimensionless, higher is better), finite
//
// From an edge list (koc[i], task[i], score[i]) in any order: candidate_graph_from_edges, the one builder
// the C++ API, the C ABI (koc_capacitated_assignment) and Python (koc.capacitated_assignment) share, so
// every front names the same edge row for the same bad input. Its checks, in this order:
//   1. column lengths (length_mismatch, field "task" or "score"); more than 2^31 - 1 KOCs or tasks
//      (overflow, field "n_kocs" or "n_tasks");
//   2. row by row in input order: the KOC index, the task index (unknown_id, field "koc" / "task"), then
//      the score (invalid_value, field "score"): the first bad row is named;
//   3. pairs: a pair given twice is duplicate_id, field "task", naming the duplicate row = the first row,
//      in input order, that repeats an earlier row's pair (koc=[0,1,1,0], task=[0,0,0,0]: row 2).
// Rows are sorted by (KOC, task) with two stable counting passes: O(n_pairs + n_kocs + n_tasks).
#pragma once

#include <koc/error.hpp>
#include <koc/span.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc {

/// Non-owning view of a candidate graph (what solvers take).
struct candidate_view {
  std::size_t n_kocs = 0;
  std::size_t n_tasks = 0;
  span<const std::int64_t> offsets;  ///< n_kocs + 1
  span<const std::int32_t> task;     ///< n_pairs
  span<const double> score;          ///< n_pairs

  std::size_t n_pairs() const noexcept { return task.size(); }
};

/// Owning candidate graph (what eligibility + fit produce).
struct candidate_graph {
  std::size_t n_kocs = 0;
  std::size_t n_tasks = 0;
  std::vector<std::int64_t> offsets{0};
  std::vector<std::int32_t> task;
  std::vector<double> score;

  candidate_view view() const noexcept { return {n_kocs, n_tasks, offsets, task, score}; }
  operator candidate_view() const noexcept { return view(); }  // NOLINT(google-explicit-constructor)
};

/// Throws koc::error unless `g` is a well-formed candidate graph (rows = pair index, fields named).
inline void validate(const candidate_view& g) {
  if (g.offsets.size() != g.n_kocs + 1)
    throw error(errc::length_mismatch,
                "offsets must have n_kocs + 1 = " + std::to_string(g.n_kocs + 1) + " entries, has " +
                    std::to_string(g.offsets.size()),
                -1, "offsets");
  if (g.score.size() != g.task.size())
    throw error(errc::length_mismatch, "score and task columns differ in length", -1, "score");
  if (g.offsets[0] != 0) throw error(errc::invalid_value, "offsets[0] must be 0", 0, "offsets");
  if (static_cast<std::size_t>(g.offsets[g.n_kocs]) != g.task.size())
    throw error(errc::length_mismatch, "offsets[n_kocs] must equal the number of pairs",
                static_cast<std::int64_t>(g.n_kocs), "offsets");
  for (std::size_t k = 0; k < g.n_kocs; ++k) {
    const auto b = g.offsets[k], e = g.offsets[k + 1];
    if (e < b) throw error(errc::invalid_value, "offsets must be non-decreasing", static_cast<std::int64_t>(k + 1), "offsets");
    for (auto p = b; p < e; ++p) {
      const auto t = g.task[static_cast<std::size_t>(p)];
      if (t < 0 || static_cast<std::size_t>(t) >= g.n_tasks)
        throw error(errc::unknown_id, "task index " + std::to_string(t) + " is not in [0, n_tasks)", p, "task");
      if (p > b && g.task[static_cast<std::size_t>(p - 1)] >= t)
        throw error(errc::invalid_value, "tasks within a KOC's row must be strictly increasing (duplicate pair?)", p, "task");
      if (!std::isfinite(g.score[static_cast<std::size_t>(p)]))
        throw error(errc::invalid_value, "score is NaN or infinite", p, "score");
    }
  }
}

namespace detail {
/// Stable counting sort of `order` by key(order[i]) in [0, n_keys).
template <class Key>
void counting_sort(std::vector<std::int64_t>& order, std::size_t n_keys, Key key) {
  std::vector<std::int64_t> start(n_keys + 1, 0);
  for (const auto e : order) ++start[static_cast<std::size_t>(key(e)) + 1];
  for (std::size_t k = 0; k < n_keys; ++k) start[k + 1] += start[k];
  std::vector<std::int64_t> sorted(order.size());
  for (const auto e : order) sorted[static_cast<std::size_t>(start[static_cast<std::size_t>(key(e))]++)] = e;
  order.swap(sorted);
}
}  // namespace detail

/// A candidate graph built from an edge list, and where each of its pairs came from.
struct edge_list_graph {
  candidate_graph graph;                   ///< rows sorted by (KOC, task)
  std::vector<std::int64_t> edge_of_pair;  ///< n_pairs: the edge row each pair of `graph` came from

  /// An error a solver raised about a pair of `graph` (field "score", row = pair index), naming the
  /// caller's edge row instead; any other error unchanged.
  error at_edge_row(const error& e) const {
    if (e.field() == "score" && e.row() >= 0 && static_cast<std::size_t>(e.row()) < edge_of_pair.size())
      return error(e.code(), e.detail(), edge_of_pair[static_cast<std::size_t>(e.row())], e.field());
    return e;
  }
};

/// The edge list (koc[i], task[i], score[i]), any order, as a candidate graph (checks and errors: top of
/// this header).
inline edge_list_graph candidate_graph_from_edges(std::size_t n_kocs, std::size_t n_tasks, span<const std::int32_t> koc,
                                                  span<const std::int32_t> task, span<const double> score) {
  if (task.size() != koc.size()) throw error(errc::length_mismatch, "task and koc columns differ in length", -1, "task");
  if (score.size() != koc.size()) throw error(errc::length_mismatch, "score and koc columns differ in length", -1, "score");
  constexpr auto max_rows = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
  if (n_kocs > max_rows) throw error(errc::overflow, "more than 2^31 - 1 KOCs", -1, "n_kocs");
  if (n_tasks > max_rows) throw error(errc::overflow, "more than 2^31 - 1 tasks", -1, "n_tasks");
  const std::size_t n_pairs = koc.size();
  for (std::size_t i = 0; i < n_pairs; ++i) {
    const auto row = static_cast<std::int64_t>(i);
    if (koc[i] < 0 || static_cast<std::size_t>(koc[i]) >= n_kocs)
      throw error(errc::unknown_id, "KOC row " + std::to_string(koc[i]) + " is not in [0, " + std::to_string(n_kocs) + ")",
                  row, "koc");
    if (task[i] < 0 || static_cast<std::size_t>(task[i]) >= n_tasks)
      throw error(errc::unknown_id,
                  "task column " + std::to_string(task[i]) + " is not in [0, " + std::to_string(n_tasks) + ")", row, "task");
    if (!std::isfinite(score[i]))
      throw error(errc::invalid_value, std::isnan(score[i]) ? "score is NaN" : "score is infinite", row, "score");
  }
  edge_list_graph out;
  // Sort by task, then stably by KOC: (KOC, task) order, equal pairs adjacent and in input order.
  auto& order = out.edge_of_pair;
  order.resize(n_pairs);
  for (std::size_t i = 0; i < n_pairs; ++i) order[i] = static_cast<std::int64_t>(i);
  detail::counting_sort(order, n_tasks, [&](std::int64_t e) { return task[static_cast<std::size_t>(e)]; });
  detail::counting_sort(order, n_kocs, [&](std::int64_t e) { return koc[static_cast<std::size_t>(e)]; });
  const auto same_pair = [&](std::int64_t a, std::int64_t b) {
    return koc[static_cast<std::size_t>(a)] == koc[static_cast<std::size_t>(b)] &&
           task[static_cast<std::size_t>(a)] == task[static_cast<std::size_t>(b)];
  };
  // The duplicate row: over runs of one pair, the smallest second row (the run's first repeat).
  std::int64_t duplicate = -1, earlier = -1;
  for (std::size_t p = 1, run = 0; p < n_pairs; ++p) {
    if (!same_pair(order[p - 1], order[p])) {
      run = p;
    } else if (p == run + 1 && (duplicate < 0 || order[p] < duplicate)) {
      duplicate = order[p];
      earlier = order[run];
    }
  }
  if (duplicate >= 0)
    throw error(errc::duplicate_id,
                "pair (KOC " + std::to_string(koc[static_cast<std::size_t>(duplicate)]) + ", task " +
                    std::to_string(task[static_cast<std::size_t>(duplicate)]) + ") is already given in row " +
                    std::to_string(earlier),
                duplicate, "task");
  auto& g = out.graph;
  g.n_kocs = n_kocs;
  g.n_tasks = n_tasks;
  g.offsets.assign(n_kocs + 1, 0);
  g.task.resize(n_pairs);
  g.score.resize(n_pairs);
  for (std::size_t p = 0; p < n_pairs; ++p) {
    const auto e = static_cast<std::size_t>(order[p]);
    ++g.offsets[static_cast<std::size_t>(koc[e]) + 1];
    g.task[p] = task[e];
    g.score[p] = score[e];
  }
  for (std::size_t k = 0; k < n_kocs; ++k) g.offsets[k + 1] += g.offsets[k];
  return out;
}

/// The graph of candidate_graph_from_edges alone.
inline candidate_graph candidates_from_edges(std::size_t n_kocs, std::size_t n_tasks, span<const std::int32_t> koc,
                                             span<const std::int32_t> task, span<const double> score) {
  return candidate_graph_from_edges(n_kocs, n_tasks, koc, task, score).graph;
}

}  // namespace koc

// The candidate graph: which KOC may do which task, and how well (the output of eligibility + fit,
// the input of every assignment solver).
//
// Shape: compressed sparse rows over KOCs. For KOC k, its candidate pairs are the half-open range
// [offsets[k], offsets[k+1]) of `task` and `score`. Within a row, tasks are strictly increasing (this
// makes "each pair at most once" structural and gives a deterministic order for tie-breaks).
//   offsets: n_kocs + 1 entries, offsets[0] == 0, non-decreasing, offsets[n_kocs] == number of pairs
//   task:    n_pairs task indices in [0, n_tasks)
//   score:   n_pairs fit scores (dimensionless, higher is better), finite
#pragma once

#include <koc/error.hpp>
#include <koc/span.hpp>

#include <cmath>
#include <cstdint>
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

}  // namespace koc

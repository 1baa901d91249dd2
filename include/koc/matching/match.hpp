// The matching pipeline in one call: eligibility → fit → assignment, with reasons and certificate.
//
//   koc::koc_profiles p = ...;                        // capacity, skills, audience, region, ...
//   auto view = p.view();
//   koc::attach(view, roster, tiers);                 // id, clearance, quality, tier from the roster/tiers
//   koc::match_result m = koc::match(tasks, view, koc::default_matching_policy(), tier_policy);
//   for (std::size_t i = 0; i < m.koc.size(); ++i) use(m.koc[i], m.task[i], m.score[i]);
//   assert(koc::verify(m).ok);                        // feasibility + optimality (or stability)
//
// Modes:
//   optimal (default)   exact capacitated assignment (capacitated_assignment.hpp) maximising the total
//                       fit (objective max_score) or the number of filled slots, then the total fit
//                       (max_fill_then_score); certificate: the flow potentials in `optimal.duals`.
//   stable_kocs_propose deferred acceptance, KOCs proposing (KOC-optimal stable matching); KOCs rank
//   stable_tasks_propose tasks by their supplied preference rank, then by fit; tasks rank KOCs by fit.
//                       Certificate: no blocking pair (verify re-checks it).
// Every KOC and task of the input is accounted for: koc_load/task_filled and a reason for any spare
// capacity or unfilled slot (match_reason). A task's `load` is enforced by eligibility (a KOC needs that
// much spare capacity); the assignment itself counts one unit of capacity per task, so give capacities
// in tasks when loads differ (documented limitation).
// Complexity: eligibility O(m · n_bucket) + fit O(pairs) + the solver's (see its header).
// Determinism: every stage is deterministic; ties by input order.
#pragma once

#include <koc/check.hpp>
#include <koc/matching/capacitated_assignment.hpp>
#include <koc/matching/eligibility.hpp>
#include <koc/matching/fit.hpp>
#include <koc/matching/stable_matching.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc {

enum class match_mode : std::uint8_t { optimal = 0, stable_kocs_propose = 1, stable_tasks_propose = 2 };
inline constexpr std::array<const char*, 3> match_mode_names = {"optimal", "stable_kocs_propose", "stable_tasks_propose"};

struct match_options {
  match_mode mode = match_mode::optimal;
  capacitated_objective objective = capacitated_objective::max_score;
  double score_resolution = 1e-6;  ///< optimal mode: fit scores are solved exactly in these units
  capacitated_method method = capacitated_method::automatic;  ///< optimal mode: the exact algorithm
  solve_control control;  ///< optimal mode: time limit, cancellation, progress (not kept in the result)
};

struct match_result {
  match_mode mode = match_mode::optimal;
  match_options options;
  eligibility_result candidates;  ///< the scored candidate graph and the per-task exclusion funnel
  // Chosen pairs, sorted by (KOC row, task row).
  std::vector<std::int32_t> koc;    ///< KOC row
  std::vector<std::int32_t> task;   ///< task row
  std::vector<std::int64_t> pair;   ///< index into candidates.graph
  std::vector<double> score;        ///< fit of the pair
  double total = 0;                 ///< Σ score
  // Every row accounted for.
  std::vector<std::int32_t> koc_load, task_filled;
  std::vector<std::int32_t> capacity, slots;  ///< what the solver was given (for verify)
  std::vector<std::uint8_t> koc_reason, task_reason;  ///< match_reason
  // Certificates.
  capacitated_assignment_result optimal;  ///< optimal mode (duals = the optimality certificate)
  stable_matching_result stable;          ///< stable mode (outranked reasons = the stability certificate)
  std::vector<std::int32_t> koc_rank;     ///< stable mode: the KOC-side ranks used, per pair (empty = by fit)
};

namespace detail {

/// KOC-side rank of each candidate pair from supplied preferences (rank >= 1); pairs the KOC did not
/// rank come after every ranked one (INT32_MAX), then by fit in the stable matcher's own tie-break.
inline std::vector<std::int32_t> koc_ranks(const candidate_view& g, const task_table_view& tasks,
                                           const koc_profile_view& kocs, const koc_preferences_view& prefs) {
  std::vector<std::int32_t> rank(g.n_pairs(), std::numeric_limits<std::int32_t>::max());
  if (prefs.size() == 0) return {};
  const id_index koc_rows(kocs.id, roster_id_column()), task_rows(tasks.id, task_id_column());
  for (std::size_t r = 0; r < prefs.size(); ++r) {
    const auto k = koc_rows.find(prefs.koc_id[r]);
    const auto t = task_rows.find(prefs.task_id[r]);
    if (k < 0 || t < 0) continue;  // fit_scorer validates unknown ids with row and field
    const auto b = g.offsets[static_cast<std::size_t>(k)], e = g.offsets[static_cast<std::size_t>(k) + 1];
    for (auto p = b; p < e; ++p)
      if (g.task[static_cast<std::size_t>(p)] == static_cast<std::int32_t>(t)) rank[static_cast<std::size_t>(p)] = prefs.rank[r];
  }
  return rank;
}

}  // namespace detail

/// Runs eligibility, fit and the chosen solver. Throws koc::error on invalid input (row and field named).
inline match_result match(const task_table_view& tasks, const koc_profile_view& kocs, const matching_policy& policy,
                          const tier_policy& ladder, const declines_view& declines = {},
                          const koc_preferences_view& preferences = {}, const match_options& options = {}) {
  match_result m;
  m.mode = options.mode;
  m.options = options;
  m.options.control = {};  // the caller's callbacks are not the result's to keep
  m.candidates = build_candidates(tasks, kocs, policy, ladder, declines, preferences);
  const candidate_view g = m.candidates.graph.view();
  m.capacity.assign(kocs.capacity.begin(), kocs.capacity.end());
  m.slots.assign(tasks.slots.begin(), tasks.slots.end());

  if (options.mode == match_mode::optimal) {
    capacitated_assignment_options opt;
    opt.objective = options.objective;
    opt.score_resolution = options.score_resolution;
    opt.method = options.method;
    opt.control = options.control;
    m.optimal = solve_capacitated_assignment(g, m.capacity, m.slots, opt);
    const auto& r = m.optimal;
    m.koc = r.koc;
    m.task = r.task;
    m.pair = r.pair;  // ascending pair index = sorted by (KOC, task) in a CSR graph
    m.koc_load = r.koc_load;
    m.task_filled = r.task_filled;
    m.koc_reason.resize(g.n_kocs);  // match_reason, stored as bytes
    m.task_reason.resize(g.n_tasks);
    for (std::size_t k = 0; k < g.n_kocs; ++k) m.koc_reason[k] = static_cast<std::uint8_t>(r.koc_reason[k]);
    for (std::size_t t = 0; t < g.n_tasks; ++t) m.task_reason[t] = static_cast<std::uint8_t>(r.task_reason[t]);
  } else {
    stable_matching_options opt;
    opt.proposer = options.mode == match_mode::stable_kocs_propose ? proposing_side::kocs : proposing_side::tasks;
    m.koc_rank = detail::koc_ranks(g, tasks, kocs, preferences);
    opt.koc_rank = m.koc_rank;
    m.stable = stable_matching(g, m.capacity, m.slots, opt);
    const auto& s = m.stable;
    m.koc = s.koc;
    m.task = s.task;
    m.pair = s.pair;
    m.koc_load = s.koc_load;
    m.task_filled = s.task_filled;
    m.koc_reason = s.koc_reason;
    m.task_reason = s.task_reason;
  }
  // A closed task is never silent: it keeps its row with its own reason.
  for (std::size_t t = 0; t < g.n_tasks; ++t)
    if (m.slots[t] == 0) m.task_reason[t] = static_cast<std::uint8_t>(match_reason::no_slots);
  m.score.resize(m.pair.size());
  for (std::size_t i = 0; i < m.pair.size(); ++i) {
    m.score[i] = g.score[static_cast<std::size_t>(m.pair[i])];
    m.total += m.score[i];
  }
  return m;
}

using match_verify_report = check_result;  ///< what verify() returns (koc/check.hpp)

/// Re-checks a match result independently of the solver that produced it: the capacitated certificate
/// (feasibility, complementary slackness in exact integers) in optimal mode, the absence of blocking
/// pairs in stable mode.
inline match_verify_report verify(const match_result& m) {
  const candidate_view g = m.candidates.graph.view();
  // The reasons the result reports are the certified solver's, row for row (one enum: reason.hpp).
  auto same_reasons = [&](const auto& koc_reason, const auto& task_reason) -> check_result {
    if (koc_reason.size() != m.koc_reason.size() || task_reason.size() != m.task_reason.size())
      return {false, "reason columns differ in length from the solver's"};
    for (std::size_t k = 0; k < koc_reason.size(); ++k)
      if (static_cast<std::uint8_t>(koc_reason[k]) != m.koc_reason[k]) return {false, "koc_reason of KOC row " + std::to_string(k) + " is not the solver's"};
    for (std::size_t t = 0; t < task_reason.size(); ++t) {
      // A closed task (0 slots) is reported as such; the solver sees a task that is simply full.
      const auto want = t < m.slots.size() && m.slots[t] == 0 ? static_cast<std::uint8_t>(match_reason::no_slots)
                                                               : static_cast<std::uint8_t>(task_reason[t]);
      if (want != m.task_reason[t]) return {false, "task_reason of task row " + std::to_string(t) + " is not the solver's"};
    }
    return {};
  };
  if (m.mode == match_mode::optimal) {
    capacitated_assignment_options opt;
    opt.objective = m.options.objective;
    opt.score_resolution = m.options.score_resolution;
    const auto r = verify(g, m.capacity, m.slots, opt, m.optimal);
    if (!r.ok) return {r.ok, r.message};
    const auto same = same_reasons(m.optimal.koc_reason, m.optimal.task_reason);
    return same.ok ? check_result{true, r.message} : same;
  }
  stable_matching_options opt;
  opt.proposer = m.mode == match_mode::stable_kocs_propose ? proposing_side::kocs : proposing_side::tasks;
  opt.koc_rank = m.koc_rank;
  const auto rep = verify_stable(g, m.capacity, m.slots, opt, m.stable);
  if (!rep.ok) return {rep.ok, rep.message};
  return same_reasons(m.stable.koc_reason, m.stable.task_reason);
}

}  // namespace koc

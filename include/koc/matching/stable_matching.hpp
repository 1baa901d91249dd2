// Stable matching of KOCs and tasks: two-way selection (article 004) by deferred acceptance.
//
//   koc::stable_matching_options opt;                 // KOC-proposing, preferences from fit scores
//   opt.koc_rank = my_koc_ranks;                      // optional, per candidate pair, 1 = best
//   auto m = koc::stable_matching(graph, capacity, slots, opt);
//   assert(koc::verify_stable(graph, capacity, slots, opt, m).ok);
//   // m.koc[i] does m.task[i]; m.koc_reason / m.task_reason say why a side is short
//
// Many-to-many with capacities on both sides (KOC capacity in tasks, task slots in KOCs; each pair at
// most once). Acceptable pairs are exactly the pairs of the candidate graph. Preferences are strict
// total orders, compared lexicographically:
//   KOC k  prefers pair e to e' when (koc_rank[e], −score[e], task[e]) <  (koc_rank[e'], −score[e'], task[e'])
//   task t prefers pair e to e' when (task_rank[e], −score[e], koc(e)) < (task_rank[e'], −score[e'], koc(e'))
// An empty rank column makes every rank equal, so the fit score decides, then the lower index.
//
// Algorithm: D. Gale & L. S. Shapley, "College admissions and the stability of marriage", Amer. Math.
// Monthly 69 (1962); the many-to-many form with responsive preferences follows A. E. Roth, "Stability
// and polarization of interests in job matching", Econometrica 52 (1984): each proposer with free
// capacity proposes down its list; a receiver keeps its best `capacity` proposals and rejects the rest;
// a rejected proposer proposes again. Proposers are served from a FIFO queue started in index order.
// The result is pairwise stable and optimal for the proposing side among stable matchings
// (every proposer gets its best stable partner set; in one-to-one, its best stable partner).
// Complexity: O(P log P) to order preferences plus O(P log C) for the proposals (each pair is proposed
// at most once; C = largest capacity held), P = candidate pairs. Memory O(P).
#pragma once

#include <koc/check.hpp>
#include <koc/error.hpp>
#include <koc/matching/candidates.hpp>
#include <koc/matching/reason.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

namespace koc {

enum class proposing_side : std::uint8_t { kocs = 0, tasks = 1 };

struct stable_matching_options {
  proposing_side proposer = proposing_side::kocs;
  span<const std::int32_t> koc_rank;   ///< per candidate pair: the KOC's rank of the task (lower = better); empty = all equal
  span<const std::int32_t> task_rank;  ///< per candidate pair: the task's rank of the KOC (lower = better); empty = all equal
};

namespace detail {
/// A row's reason in a stable matching, from what it holds (have), what it may hold (cap) and its
/// candidate count (degree): full; no candidate at all; every candidate held; else outranked (each
/// candidate it lacks is full with partners it prefers, which verify checks as the stability
/// certificate).
inline match_reason stable_reason(std::int64_t have, std::int64_t cap, std::int64_t degree) {
  if (have == cap) return match_reason::none;
  if (degree == 0) return match_reason::nobody_eligible;
  return have == degree ? match_reason::all_candidates_at_capacity : match_reason::outranked;
}
}  // namespace detail

struct stable_matching_result {
  std::vector<std::int32_t> koc;          ///< matched pairs, sorted by (koc, task)
  std::vector<std::int32_t> task;
  std::vector<std::int64_t> pair;         ///< index of each matched pair in the candidate graph
  std::vector<std::int32_t> koc_load;     ///< n_kocs: pairs held
  std::vector<std::int32_t> task_filled;  ///< n_tasks: pairs held
  std::vector<std::uint8_t> koc_reason;   ///< n_kocs: match_reason (none, nobody_eligible,
                                          ///< all_candidates_at_capacity, outranked)
  std::vector<std::uint8_t> task_reason;  ///< n_tasks: match_reason, as koc_reason
  std::int64_t proposals = 0;
};

namespace detail {

inline void check_stable_inputs(const candidate_view& g, span<const std::int32_t> cap, span<const std::int32_t> slots,
                                const stable_matching_options& opt) {
  validate(g);
  if (cap.size() != g.n_kocs) throw error(errc::length_mismatch, "capacity must have n_kocs entries", -1, "capacity");
  if (slots.size() != g.n_tasks) throw error(errc::length_mismatch, "slots must have n_tasks entries", -1, "slots");
  for (std::size_t k = 0; k < cap.size(); ++k)
    if (cap[k] < 0) throw error(errc::invalid_value, "capacity must be >= 0", static_cast<std::int64_t>(k), "capacity");
  for (std::size_t t = 0; t < slots.size(); ++t)
    if (slots[t] < 0) throw error(errc::invalid_value, "slots must be >= 0", static_cast<std::int64_t>(t), "slots");
  if (!opt.koc_rank.empty() && opt.koc_rank.size() != g.n_pairs())
    throw error(errc::length_mismatch, "koc_rank must have one entry per candidate pair", -1, "koc_rank");
  if (!opt.task_rank.empty() && opt.task_rank.size() != g.n_pairs())
    throw error(errc::length_mismatch, "task_rank must have one entry per candidate pair", -1, "task_rank");
}

/// KOC row of every pair.
inline std::vector<std::int32_t> pair_kocs(const candidate_view& g) {
  std::vector<std::int32_t> k(g.n_pairs());
  for (std::size_t i = 0; i < g.n_kocs; ++i)
    for (auto e = g.offsets[i]; e < g.offsets[i + 1]; ++e) k[static_cast<std::size_t>(e)] = static_cast<std::int32_t>(i);
  return k;
}

/// Strict preference keys: smaller tuple = preferred.
struct preference_keys {
  const candidate_view& g;
  const stable_matching_options& opt;
  const std::vector<std::int32_t>& koc_of;
  std::tuple<std::int32_t, double, std::int32_t> koc_key(std::int64_t e) const {
    const auto i = static_cast<std::size_t>(e);
    return {opt.koc_rank.empty() ? 0 : opt.koc_rank[i], -g.score[i], g.task[i]};
  }
  std::tuple<std::int32_t, double, std::int32_t> task_key(std::int64_t e) const {
    const auto i = static_cast<std::size_t>(e);
    return {opt.task_rank.empty() ? 0 : opt.task_rank[i], -g.score[i], koc_of[i]};
  }
};

/// Deferred acceptance over a generic bipartite structure: proposer p's pairs in preference order are
/// plist[poff[p] .. poff[p+1]); recv[e] is the receiver of pair e and rpos[e] its position in that
/// receiver's order (0 = best). Returns the held flag per pair.
inline std::vector<std::uint8_t> deferred_acceptance(std::size_t n_prop, const std::vector<std::int64_t>& poff,
                                                     const std::vector<std::int64_t>& plist, span<const std::int32_t> pcap,
                                                     std::size_t n_recv, const std::vector<std::int32_t>& recv,
                                                     const std::vector<std::int64_t>& rpos, span<const std::int32_t> rcap,
                                                     std::int64_t& proposals) {
  std::vector<std::uint8_t> held(recv.size(), 0);
  std::vector<std::int32_t> load(n_prop, 0);
  std::vector<std::int64_t> next(poff.begin(), poff.end() - 1);
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> heap(n_recv);  // (rpos, pair); max-heap = worst on top
  std::vector<std::uint8_t> queued(n_prop, 0);
  std::vector<std::int32_t> owner(recv.size());  // proposer of each pair
  for (std::size_t p = 0; p < n_prop; ++p)
    for (auto i = poff[p]; i < poff[p + 1]; ++i) owner[static_cast<std::size_t>(plist[static_cast<std::size_t>(i)])] = static_cast<std::int32_t>(p);
  std::deque<std::int32_t> queue;
  for (std::size_t p = 0; p < n_prop; ++p)
    if (pcap[p] > 0 && poff[p] < poff[p + 1]) { queue.push_back(static_cast<std::int32_t>(p)); queued[p] = 1; }
  proposals = 0;
  // Every inner step advances next[p]: at most P proposals in all. A proposer is queued at the start or
  // when it loses a held pair, which takes a proposal: at most n_prop + P pops.
  while (!queue.empty()) {
    const auto p = static_cast<std::size_t>(queue.front());
    queue.pop_front();
    queued[p] = 0;
    while (load[p] < pcap[p] && next[p] < poff[p + 1]) {
      const auto e = plist[static_cast<std::size_t>(next[p]++)];
      const auto r = static_cast<std::size_t>(recv[static_cast<std::size_t>(e)]);
      ++proposals;
      auto& h = heap[r];
      const auto cap = static_cast<std::size_t>(rcap[r]);
      if (cap == 0) continue;
      const std::pair<std::int64_t, std::int64_t> item{rpos[static_cast<std::size_t>(e)], e};
      if (h.size() < cap) {
        h.push_back(item);
        std::push_heap(h.begin(), h.end());
      } else if (item < h.front()) {
        std::pop_heap(h.begin(), h.end());
        const auto out = h.back().second;
        h.back() = item;
        std::push_heap(h.begin(), h.end());
        held[static_cast<std::size_t>(out)] = 0;
        const auto q = static_cast<std::size_t>(owner[static_cast<std::size_t>(out)]);
        --load[q];
        if (!queued[q] && q != p) { queue.push_back(static_cast<std::int32_t>(q)); queued[q] = 1; }
      } else {
        continue;  // rejected
      }
      held[static_cast<std::size_t>(e)] = 1;
      ++load[p];
    }
  }
  return held;
}

}  // namespace detail

/// Deferred acceptance on the candidate graph. Throws koc::error on invalid input (row and field named);
/// a side left short is reported in the reasons, never thrown.
inline stable_matching_result stable_matching(const candidate_view& g, span<const std::int32_t> koc_capacity,
                                              span<const std::int32_t> task_slots,
                                              const stable_matching_options& opt = {}) {
  detail::check_stable_inputs(g, koc_capacity, task_slots, opt);
  const std::size_t P = g.n_pairs(), n = g.n_kocs, m = g.n_tasks;
  const auto koc_of = detail::pair_kocs(g);
  const detail::preference_keys keys{g, opt, koc_of};

  // KOC lists: each row sorted by KOC preference. Task lists: pairs grouped by task, sorted by task preference.
  std::vector<std::int64_t> koc_list(P), koc_off(g.offsets.begin(), g.offsets.end());
  std::iota(koc_list.begin(), koc_list.end(), std::int64_t{0});
  for (std::size_t k = 0; k < n; ++k)
    std::sort(koc_list.begin() + g.offsets[k], koc_list.begin() + g.offsets[k + 1],
              [&](std::int64_t a, std::int64_t b) { return keys.koc_key(a) < keys.koc_key(b); });
  std::vector<std::int64_t> task_off(m + 1, 0), task_list(P);
  for (std::size_t e = 0; e < P; ++e) ++task_off[static_cast<std::size_t>(g.task[e]) + 1];
  for (std::size_t t = 0; t < m; ++t) task_off[t + 1] += task_off[t];
  {
    std::vector<std::int64_t> fill(task_off.begin(), task_off.end() - 1);
    for (std::size_t e = 0; e < P; ++e) task_list[static_cast<std::size_t>(fill[static_cast<std::size_t>(g.task[e])]++)] = static_cast<std::int64_t>(e);
  }
  for (std::size_t t = 0; t < m; ++t)
    std::sort(task_list.begin() + task_off[t], task_list.begin() + task_off[t + 1],
              [&](std::int64_t a, std::int64_t b) { return keys.task_key(a) < keys.task_key(b); });
  std::vector<std::int64_t> koc_pos(P), task_pos(P);
  for (std::size_t k = 0; k < n; ++k)
    for (auto i = koc_off[k]; i < koc_off[k + 1]; ++i) koc_pos[static_cast<std::size_t>(koc_list[static_cast<std::size_t>(i)])] = i - koc_off[k];
  for (std::size_t t = 0; t < m; ++t)
    for (auto i = task_off[t]; i < task_off[t + 1]; ++i) task_pos[static_cast<std::size_t>(task_list[static_cast<std::size_t>(i)])] = i - task_off[t];

  stable_matching_result out;
  std::vector<std::uint8_t> held;
  if (opt.proposer == proposing_side::kocs) {
    const std::vector<std::int32_t> recv(g.task.begin(), g.task.end());
    held = detail::deferred_acceptance(n, koc_off, koc_list, koc_capacity, m, recv, task_pos, task_slots, out.proposals);
  } else {
    held = detail::deferred_acceptance(m, task_off, task_list, task_slots, n, koc_of, koc_pos, koc_capacity, out.proposals);
  }

  out.koc_load.assign(n, 0);
  out.task_filled.assign(m, 0);
  for (std::size_t e = 0; e < P; ++e)
    if (held[e]) {
      out.koc.push_back(koc_of[e]);
      out.task.push_back(g.task[e]);
      out.pair.push_back(static_cast<std::int64_t>(e));
      ++out.koc_load[static_cast<std::size_t>(koc_of[e])];
      ++out.task_filled[static_cast<std::size_t>(g.task[e])];
    }
  auto reason = [](std::int32_t have, std::int32_t cap, std::int64_t degree) {
    return detail::stable_reason(have, cap, degree);
  };
  out.koc_reason.resize(n);
  for (std::size_t k = 0; k < n; ++k)
    out.koc_reason[k] = static_cast<std::uint8_t>(reason(out.koc_load[k], koc_capacity[k], g.offsets[k + 1] - g.offsets[k]));
  out.task_reason.resize(m);
  for (std::size_t t = 0; t < m; ++t)
    out.task_reason[t] = static_cast<std::uint8_t>(reason(out.task_filled[t], task_slots[t], task_off[t + 1] - task_off[t]));
  return out;
}

using stability_report = check_result;  ///< what verify_stable() returns (koc/check.hpp)

/// Independent check of a stable matching: pairs are candidate pairs (acceptable to both sides), each
/// at most once, within capacities; loads and reasons match; and no blocking pair exists (a candidate
/// pair not matched whose KOC has room or holds a worse task, and whose task has room or holds a worse
/// KOC). Preferences are re-derived from the keys, not from the solver's internal order.
inline stability_report verify_stable(const candidate_view& g, span<const std::int32_t> koc_capacity,
                                      span<const std::int32_t> task_slots, const stable_matching_options& opt,
                                      const stable_matching_result& r) {
  detail::check_stable_inputs(g, koc_capacity, task_slots, opt);
  auto fail = [](std::string s) { return stability_report{false, std::move(s)}; };
  const std::size_t P = g.n_pairs(), n = g.n_kocs, m = g.n_tasks;
  if (r.koc.size() != r.task.size() || r.pair.size() != r.koc.size()) return fail("result columns differ in length");
  if (r.koc_load.size() != n || r.task_filled.size() != m || r.koc_reason.size() != n || r.task_reason.size() != m)
    return fail("per-KOC or per-task columns have the wrong length");
  const auto koc_of = detail::pair_kocs(g);
  const detail::preference_keys keys{g, opt, koc_of};
  std::vector<std::uint8_t> matched(P, 0);
  std::vector<std::int32_t> load(n, 0), filled(m, 0);
  std::vector<std::int64_t> worst_k(n, -1), worst_t(m, -1);  // least preferred held pair
  for (std::size_t i = 0; i < r.pair.size(); ++i) {
    const auto e = r.pair[i];
    if (e < 0 || static_cast<std::size_t>(e) >= P) return fail("pair " + std::to_string(i) + " is not a candidate pair");
    const auto ue = static_cast<std::size_t>(e);
    if (koc_of[ue] != r.koc[i] || g.task[ue] != r.task[i]) return fail("pair " + std::to_string(i) + " names the wrong KOC or task");
    if (i > 0 && r.pair[i - 1] >= e) return fail("pairs are not strictly increasing (a pair twice?) at " + std::to_string(i));
    matched[ue] = 1;
    const auto k = static_cast<std::size_t>(r.koc[i]), t = static_cast<std::size_t>(r.task[i]);
    ++load[k];
    ++filled[t];
    if (worst_k[k] < 0 || keys.koc_key(worst_k[k]) < keys.koc_key(e)) worst_k[k] = e;
    if (worst_t[t] < 0 || keys.task_key(worst_t[t]) < keys.task_key(e)) worst_t[t] = e;
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (load[k] != r.koc_load[k]) return fail("koc_load of KOC " + std::to_string(k) + " is wrong");
    if (load[k] > koc_capacity[k]) return fail("KOC " + std::to_string(k) + " is over capacity");
  }
  for (std::size_t t = 0; t < m; ++t) {
    if (filled[t] != r.task_filled[t]) return fail("task_filled of task " + std::to_string(t) + " is wrong");
    if (filled[t] > task_slots[t]) return fail("task " + std::to_string(t) + " is over its slots");
  }
  std::vector<std::int64_t> degree_t(m, 0);
  for (std::size_t e = 0; e < P; ++e) ++degree_t[static_cast<std::size_t>(g.task[e])];
  for (std::size_t e = 0; e < P; ++e) {
    if (matched[e]) continue;
    const auto k = static_cast<std::size_t>(koc_of[e]), t = static_cast<std::size_t>(g.task[e]);
    const auto ie = static_cast<std::int64_t>(e);
    // A side with capacity 0 holds nothing (worst = -1) and wants nobody.
    const bool koc_wants = load[k] < koc_capacity[k] || (worst_k[k] >= 0 && keys.koc_key(ie) < keys.koc_key(worst_k[k]));
    const bool task_wants = filled[t] < task_slots[t] || (worst_t[t] >= 0 && keys.task_key(ie) < keys.task_key(worst_t[t]));
    if (koc_wants && task_wants)
      return fail("blocking pair: KOC " + std::to_string(k) + " and task " + std::to_string(t) + " both prefer each other");
  }
  for (std::size_t k = 0; k < n; ++k) {
    const auto deg = g.offsets[k + 1] - g.offsets[k];
    const auto want = detail::stable_reason(load[k], koc_capacity[k], deg);
    if (r.koc_reason[k] != static_cast<std::uint8_t>(want)) return fail("koc_reason of KOC " + std::to_string(k) + " is wrong");
  }
  for (std::size_t t = 0; t < m; ++t) {
    const auto want = detail::stable_reason(filled[t], task_slots[t], degree_t[t]);
    if (r.task_reason[t] != static_cast<std::uint8_t>(want)) return fail("task_reason of task " + std::to_string(t) + " is wrong");
  }
  return {};
}

}  // namespace koc

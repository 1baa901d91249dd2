// The ladder walk of one KOC, row by row: the definition of how a score becomes a tier. classify() runs
// the same rules columnar and branch-free over chunks of the roster (classify.hpp); its tests check the
// fast walk against this one on every row.
//
//   koc::tier_walk w = koc::walk_ladder(policy, roster.view(), i, score_of_i);
//   w.qualified, w.computed, w.transition, w.periods_below, w.blocked_tier, w.blocked_gate, w.honorary
//
// The rules, in order (docs: tier policy):
//  1. honorary: the roster's flag, or the policy's lifetime rule (every lifetime minimum met);
//  2. qualified: the highest tier above the first whose promote threshold the score reaches and whose
//     gates all pass (the first tier needs nothing);
//  3. blocked: the highest tier above the qualified one whose threshold the score reaches, and its first
//     failing gate (what stands in the way), or -1;
//  4. hysteresis against the previous tier: no previous tier -> entered; above it -> promoted; equal ->
//     unchanged; below it but at or above its keep threshold -> held by margin; below the keep threshold
//     within its grace periods -> held by grace (the counter grows); otherwise demoted, at most
//     max_demotion_steps below the previous tier, and never below the qualified tier;
//  5. an honorary KOC is never below the honorary floor tier (held by the honorary floor; counter reset).
// Overrides come after the walk (classify applies them to the final tier).
#pragma once

#include <koc/roster.hpp>
#include <koc/tiers/policy.hpp>
#include <koc/tiers/result.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace koc {

/// Whether gate `g` passes for row i. `replaced` (a metric index, or -1) and `replaced_value`: read that
/// metric as this value instead of the roster's (growth gaps ask "would the gate pass with x?").
inline bool gate_passes(const tier_gate& g, const roster_view& r, std::size_t i, bool honorary, int replaced = -1,
                        double replaced_value = 0.0) {
  switch (g.type) {
    case tier_gate::kind::metric_min:
    case tier_gate::kind::metric_max: {
      const double x = static_cast<int>(g.which) == replaced ? replaced_value : r.column(g.which)[i];
      return g.type == tier_gate::kind::metric_min ? x >= g.bound : x <= g.bound;
    }
    case tier_gate::kind::invited: return !r.invited.empty() && r.invited[i] != 0;
    case tier_gate::kind::clearance: return !r.clearance.empty() && r.clearance[i] != 0;
    case tier_gate::kind::honorary: return honorary;
  }
  return false;
}

/// Row i's honorary status before any override: the roster's flag, or the lifetime rule.
inline bool honorary_of(const tier_policy& p, const roster_view& r, std::size_t i) {
  if (!r.honorary.empty() && r.honorary[i] != 0) return true;
  if (!p.honorary.lifetime_enabled) return false;
  for (const auto& c : p.honorary.lifetime_minimums)
    if (!(r.column(c.first)[i] >= c.second)) return false;
  return true;
}

/// One KOC's walk up and down the ladder (see the rules above).
struct tier_walk {
  std::int32_t qualified = 0;      ///< highest tier whose threshold and gates pass
  std::int32_t computed = 0;       ///< after hysteresis and the honorary floor
  std::int32_t blocked_tier = -1;  ///< highest tier above `qualified` whose threshold passes, or -1
  std::int32_t blocked_gate = -1;  ///< that tier's first failing gate, or -1
  std::int32_t periods_below = 0;  ///< the grace counter for the next period
  tier_transition transition = tier_transition::entered;
  bool honorary = false;
};

/// The walk of row i with score `score` (the policy's weighted sum for that row), from its previous
/// tier and grace counter in the roster (none: a new KOC).
inline tier_walk walk_ladder(const tier_policy& p, const roster_view& r, std::size_t i, double score) {
  tier_walk w;
  w.honorary = honorary_of(p, r, i);
  const auto L = static_cast<std::int32_t>(p.tiers.size());
  const auto passes_all = [&](const tier_level& t) {
    for (const auto& g : t.gates)
      if (!gate_passes(g, r, i, w.honorary)) return false;
    return true;
  };
  for (std::int32_t j = L - 1; j >= 1; --j) {
    const auto& t = p.tiers[static_cast<std::size_t>(j)];
    if (score >= t.promote_threshold && passes_all(t)) {
      w.qualified = j;
      break;
    }
  }
  for (std::int32_t j = L - 1; j > w.qualified; --j) {
    const auto& t = p.tiers[static_cast<std::size_t>(j)];
    if (score < t.promote_threshold) continue;
    w.blocked_tier = j;
    for (std::size_t g = 0; g < t.gates.size(); ++g)
      if (!gate_passes(t.gates[g], r, i, w.honorary)) {
        w.blocked_gate = static_cast<std::int32_t>(g);
        break;
      }
    break;
  }
  const std::int32_t prev = r.previous_tier.empty() ? -1 : r.previous_tier[i];
  const std::int32_t below = r.periods_below.empty() ? 0 : r.periods_below[i];
  std::int32_t tier = w.qualified;
  if (prev < 0) {
    w.transition = tier_transition::entered;
  } else if (w.qualified > prev) {
    w.transition = tier_transition::promoted;
  } else if (w.qualified == prev) {
    w.transition = tier_transition::unchanged;
  } else if (score >= p.tiers[static_cast<std::size_t>(prev)].keep_threshold) {
    tier = prev;
    w.transition = tier_transition::held_by_margin;
  } else if (below < p.tiers[static_cast<std::size_t>(prev)].grace_periods) {
    tier = prev;
    w.periods_below = below + 1;
    w.transition = tier_transition::held_by_grace;
  } else {
    tier = std::max(w.qualified, prev - p.max_demotion_steps);
    w.transition = tier_transition::demoted;
  }
  if (w.honorary && tier < p.honorary.floor_tier) {
    tier = p.honorary.floor_tier;
    w.periods_below = 0;
    w.transition = tier_transition::held_by_honorary_floor;
  }
  w.computed = tier;
  return w;
}

}  // namespace koc

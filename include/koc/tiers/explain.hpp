// The readable explanation of one KOC's tier: the score's terms, the gates of the tier it is blocked
// from, the transition (with hysteresis, grace and honorary floor) and the growth challenge (what the
// next tier needs).
//
//   std::string why = koc::explain(roster, policy, classify(roster, policy), i);
#pragma once

#include <koc/roster.hpp>
#include <koc/tiers/policy.hpp>
#include <koc/tiers/result.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>

namespace koc {

/// True when the policy rewards lower values of m (its growth gap is a decrease).
inline bool gap_sign_negative(const tier_policy& p, metric m) {
  for (auto& w : p.metrics)
    if (w.which == m) return w.invert;
  for (auto& t : p.tiers)
    for (auto& g : t.gates)
      if (g.type == tier_gate::kind::metric_max && g.which == m) return true;
  return false;
}

/// A readable explanation of KOC i's tier: score breakdown, gates, transition and growth challenge.
inline std::string explain(const roster_view& r, const tier_policy& p, const tier_result& t, std::size_t i,
                           const std::vector<tier_override>& overrides = {}) {
  auto fmt = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return std::string(buf);
  };
  const auto& tiers = p.tiers;
  std::string s = "KOC " + std::to_string(r.id[i]) + ": " + tiers[static_cast<std::size_t>(t.final_tier[i])].name;
  s += " (score " + fmt(t.score[i]) + " =";
  for (std::size_t u = 0; u < t.terms.size(); ++u)
    s += std::string(u ? " +" : "") + " " + p.name_of(t.terms[u]) + " " + fmt(t.contribution(i, u));
  s += "). Qualified for " + tiers[static_cast<std::size_t>(t.qualified_tier[i])].name + ".";
  if (t.blocked_tier[i] >= 0) {
    const auto& bt = tiers[static_cast<std::size_t>(t.blocked_tier[i])];
    s += " Score reaches " + bt.name + " but gate '" + describe(bt.gates[static_cast<std::size_t>(t.blocked_gate[i])], p) + "' fails.";
  }
  const auto tr = t.transition_of(i);
  const std::int32_t prev = r.previous_tier.empty() ? -1 : r.previous_tier[i];
  s += std::string(" Transition: ") + tier_transition_names[static_cast<std::size_t>(tr)];
  if (prev >= 0) s += " from " + tiers[static_cast<std::size_t>(prev)].name;
  if (tr == tier_transition::held_by_grace)
    s += " (period " + std::to_string(t.periods_below[i]) + " of " +
         std::to_string(tiers[static_cast<std::size_t>(prev)].grace_periods) + " below keep threshold " +
         fmt(tiers[static_cast<std::size_t>(prev)].keep_threshold) + ")";
  if (tr == tier_transition::overridden && t.override_index[i] >= 0 &&
      static_cast<std::size_t>(t.override_index[i]) < overrides.size())
    s += " (computed " + tiers[static_cast<std::size_t>(t.computed_tier[i])].name + "; reason: " +
         overrides[static_cast<std::size_t>(t.override_index[i])].reason + ")";
  s += ".";
  if (t.next_tier[i] >= 0 && !t.growth_gap.empty()) {
    std::string g;
    for (std::size_t k = 0; k < t.gap_metrics.size(); ++k) {
      const double d = t.gap(i, k);
      if (std::isfinite(d) && d > 0)
        g += std::string(g.empty() ? "" : ", or ") + (gap_sign_negative(p, t.gap_metrics[k]) ? "-" : "+") + fmt(d) +
             " " + p.name_of(t.gap_metrics[k]);
    }
    s += " To reach " + tiers[static_cast<std::size_t>(t.next_tier[i])].name + ": " +
         (g.empty() ? std::string("no single metric suffices") : g) + ".";
  }
  return s;
}

}  // namespace koc

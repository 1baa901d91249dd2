// Policy what-if: who would move, and where, if the operator switched from one tier policy to another.
//
//   auto w = koc::what_if(roster, current_policy, proposed_policy);
//   w.matrix(a, b)  // KOCs in tier a under the current policy and tier b under the proposed one
//   w.moved_rows    // rows whose final tier differs (compare by tier *name*: ladders may differ)
//
// The roster's previous_tier indexes the current policy's ladder; for the proposed policy each previous
// tier is mapped by name (unknown_name if the proposed ladder lacks it). Overrides are not applied:
// the preview is about the rules. Cost: two classifications without growth gaps.
#pragma once

#include <koc/tiers/classify.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace koc {

struct what_if_result {
  std::vector<std::string> current_tiers;   ///< ladder names of the current policy (matrix rows)
  std::vector<std::string> proposed_tiers;  ///< ladder names of the proposed policy (matrix columns)
  std::vector<std::int64_t> counts;         ///< current × proposed, row-major
  std::vector<std::int64_t> moved_rows;     ///< roster rows whose tier name changes, ascending
  std::vector<std::int32_t> current_tier;   ///< per KOC
  std::vector<std::int32_t> proposed_tier;  ///< per KOC

  std::int64_t matrix(std::size_t a, std::size_t b) const { return counts[a * proposed_tiers.size() + b]; }
};

inline what_if_result what_if(const roster_view& roster, const tier_policy& current, const tier_policy& proposed) {
  validate(current);
  validate(proposed);
  const classify_options no_gaps{false};
  const tier_result a = classify(roster, current, {}, no_gaps);

  // Previous tiers re-indexed onto the proposed ladder, by name.
  std::vector<std::int32_t> prev_mapped;
  roster_view r2 = roster;
  if (!roster.previous_tier.empty()) {
    std::vector<std::int32_t> map(current.tiers.size());
    for (std::size_t t = 0; t < current.tiers.size(); ++t)
      map[t] = proposed.tier_index(current.tiers[t].name, "tiers");
    prev_mapped.resize(roster.size());
    for (std::size_t i = 0; i < roster.size(); ++i)
      prev_mapped[i] = roster.previous_tier[i] < 0 ? -1 : map[static_cast<std::size_t>(roster.previous_tier[i])];
    r2.previous_tier = prev_mapped;
  }
  const tier_result b = classify(r2, proposed, {}, no_gaps);

  what_if_result w;
  for (auto& t : current.tiers) w.current_tiers.push_back(t.name);
  for (auto& t : proposed.tiers) w.proposed_tiers.push_back(t.name);
  w.counts.assign(w.current_tiers.size() * w.proposed_tiers.size(), 0);
  w.current_tier = a.final_tier;
  w.proposed_tier = b.final_tier;
  for (std::size_t i = 0; i < roster.size(); ++i) {
    const auto ta = static_cast<std::size_t>(a.final_tier[i]), tb = static_cast<std::size_t>(b.final_tier[i]);
    ++w.counts[ta * w.proposed_tiers.size() + tb];
    if (w.current_tiers[ta] != w.proposed_tiers[tb]) w.moved_rows.push_back(static_cast<std::int64_t>(i));
  }
  return w;
}

}  // namespace koc

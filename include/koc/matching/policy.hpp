// Matching policy: the weights of the fit score and the tier-fit table (schema "koc.matching_policy/1").
//
//   koc::matching_policy p = koc::default_matching_policy();
//   koc::matching_policy q = koc::matching_policy_from_json(text, ladder);  // policy_json.hpp
//   std::string back = koc::matching_policy_to_json(q);                     // round-trips exactly
//
// Document (every key but "schema" optional; absent keys keep the default below):
//   {
//     "schema": "koc.matching_policy/1",
//     "weights": {"skill": 30, "audience": 15, "tier_fit": 20, "quality": 10, "reliability": 10,
//                 "preference": 15, "rotation": 10},
//     "skill_level_max": 5,          // skill level at which the skill term saturates, > 0
//     "rotation_half_count": 5,      // recent tasks at which the rotation penalty is half its weight, > 0
//     "tier_fit": {
//       "asset":   {"social": ["entry", "active"], "knowledge": ["active", "core"],
//                   "community": ["core", "ambassador", "honorary"], "intelligence": ["core", "ambassador"]},
//       "horizon": {"instant": ["entry", "active"], "phased": ["active", "core"],
//                   "continuous": ["core", "ambassador", "honorary"], "identity": ["ambassador"]}
//     }
//   }
// Tier names refer to the ladder of the tier policy in use. "honorary" names the honorary status (a
// status, not a rung: DOMAIN.md §1) unless the ladder itself has a tier of that name. The default table
// is DOMAIN.md §2: social/instant → entry and active, knowledge/phased → active and core,
// community/continuous → core and honorary/ambassador, intelligence → core and above (clearance is a
// hard rule in eligibility), identity → ambassador. Terms and their ranges: see fit.hpp.
#pragma once

#include <koc/error.hpp>
#include <koc/matching/tasks.hpp>
#include <koc/tiers/policy.hpp>


#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace koc {

/// Weights of the fit terms, in score points at term = 1; all finite and >= 0.
struct matching_weights {
  double skill = 30;
  double audience = 15;
  double tier_fit = 20;
  double quality = 10;
  double reliability = 10;
  double preference = 15;
  double rotation = 10;  ///< subtracted: a penalty for KOCs with many recent tasks
};

struct matching_policy {
  matching_weights weights;
  double skill_level_max = 5;
  double rotation_half_count = 5;
  std::array<std::vector<std::string>, n_asset_types> tier_fit_asset;
  std::array<std::vector<std::string>, n_horizons> tier_fit_horizon;
};

inline constexpr const char* matching_policy_schema = "koc.matching_policy/1";

inline matching_policy default_matching_policy() {
  matching_policy p;
  p.tier_fit_asset = {{{"entry", "active"}, {"active", "core"}, {"core", "ambassador", "honorary"}, {"core", "ambassador"}}};
  p.tier_fit_horizon = {{{"entry", "active"}, {"active", "core"}, {"core", "ambassador", "honorary"}, {"ambassador"}}};
  return p;
}

/// The tier-fit table resolved against a ladder: bit i of a mask = ladder tier i fits.
struct resolved_tier_fit {
  std::array<std::uint64_t, n_asset_types> asset_tiers{};
  std::array<bool, n_asset_types> asset_honorary{};
  std::array<std::uint64_t, n_horizons> horizon_tiers{};
  std::array<bool, n_horizons> horizon_honorary{};
};

namespace detail {
/// The checks of a matching policy's values (weights, ranges, tier names on `ladder`), each reported
/// through the sink; returns the tier-fit table resolved on the ladder.
inline resolved_tier_fit matching_policy_checks(const matching_policy& p, const tier_policy& ladder, problem_sink& sink) {
  auto bad = [&](bool ok, const std::string& what, const std::string& field) { sink.check(ok, errc::invalid_policy, what, field); };
  const std::pair<const char*, double> w[] = {
      {"skill", p.weights.skill},         {"audience", p.weights.audience},       {"tier_fit", p.weights.tier_fit},
      {"quality", p.weights.quality},     {"reliability", p.weights.reliability}, {"preference", p.weights.preference},
      {"rotation", p.weights.rotation}};
  bool weights_ok = true;
  for (auto& x : w) {
    weights_ok = weights_ok && std::isfinite(x.second) && x.second >= 0;
    bad(std::isfinite(x.second) && x.second >= 0, "weight must be finite and >= 0", std::string("weights.") + x.first);
  }
  // Every term lies in [0, 1], so a score lies in [-rotation, the sum of the other weights]; summed in
  // fit's order, that sum bounds every partial sum of a score: finite sum, finite scores.
  double reach = 0.0;
  for (std::size_t i = 0; i + 1 < sizeof w / sizeof w[0]; ++i) reach += w[i].second;
  bad(!weights_ok || std::isfinite(reach), "the weights other than rotation must have a finite sum (scores would overflow)", "weights");
  bad(std::isfinite(p.skill_level_max) && p.skill_level_max > 0, "skill_level_max must be finite and > 0", "skill_level_max");
  bad(std::isfinite(p.rotation_half_count) && p.rotation_half_count > 0, "rotation_half_count must be finite and > 0",
      "rotation_half_count");
  resolved_tier_fit r;
  if (ladder.tiers.size() > 64) {
    bad(false, "the tier-fit table supports ladders of at most 64 tiers", "tier_fit");
    return r;
  }
  auto one = [&](const std::vector<std::string>& names, const std::string& path, std::uint64_t& mask, bool& hon) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string f = path + "[" + std::to_string(i) + "]";
      bool on_ladder = false;
      for (std::size_t t = 0; t < ladder.tiers.size(); ++t)
        if (ladder.tiers[t].name == names[i]) { mask |= std::uint64_t{1} << t; on_ladder = true; }
      if (on_ladder) continue;
      if (names[i] == "honorary") { hon = true; continue; }
      if (!sink.touched(f)) sink.attempt([&] { ladder.tier_index(names[i], f); });  // unknown_name listing the ladder
    }
  };
  for (std::size_t a = 0; a < n_asset_types; ++a)
    one(p.tier_fit_asset[a], std::string("tier_fit.asset.") + asset_type_names[a], r.asset_tiers[a], r.asset_honorary[a]);
  for (std::size_t h = 0; h < n_horizons; ++h)
    one(p.tier_fit_horizon[h], std::string("tier_fit.horizon.") + horizon_names[h], r.horizon_tiers[h], r.horizon_honorary[h]);
  return r;
}

}  // namespace detail

/// Checks weights and ranges and resolves tier names on `ladder`; throws the first problem, a koc::error
/// whose field is the JSON path ("weights.skill", "tier_fit.asset.social[1]").
inline resolved_tier_fit resolve(const matching_policy& p, const tier_policy& ladder) {
  return detail::first_problem_or([&](detail::problem_sink& sink) { return detail::matching_policy_checks(p, ladder, sink); });
}

inline bool operator==(const matching_policy& a, const matching_policy& b) {
  const auto& x = a.weights;
  const auto& y = b.weights;
  return x.skill == y.skill && x.audience == y.audience && x.tier_fit == y.tier_fit && x.quality == y.quality &&
         x.reliability == y.reliability && x.preference == y.preference && x.rotation == y.rotation &&
         a.skill_level_max == b.skill_level_max && a.rotation_half_count == b.rotation_half_count &&
         a.tier_fit_asset == b.tier_fit_asset && a.tier_fit_horizon == b.tier_fit_horizon;
}

}  // namespace koc

// Matching policy as JSON, schema "koc.matching_policy/1" (the document is described in policy.hpp):
// reading (strict, every problem with its JSON path; tier names checked on a ladder) and writing
// (round-trips exactly). The only matching header that needs nlohmann/json.
//
//   koc::matching_policy q = koc::matching_policy_from_json(text, ladder);  // ladder: koc::tier_policy
//   std::string back = koc::matching_policy_to_json(q);                     // from_json(back) == q
#pragma once

#include <koc/matching/policy.hpp>
#include <koc/tiers/policy_json.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace koc {

namespace detail {
/// Reads "koc.matching_policy/1", each key on its own (a problem in one is recorded and the others are
/// still read), then checks the values (matching_policy_checks).
inline matching_policy read_matching_policy(const nlohmann::ordered_json& j, const tier_policy& ladder, problem_sink& sink) {
  unknown_keys(j, {"schema", "weights", "skill_level_max", "rotation_half_count", "tier_fit"}, "$", sink);
  sink.attempt([&] {
    if (string(require(j, "schema", "$"), "$.schema") != matching_policy_schema)
      throw error(errc::invalid_policy, std::string("unsupported schema, expected '") + matching_policy_schema + "'", -1, "$.schema");
  });
  matching_policy p = default_matching_policy();
  sink.attempt([&] {
    if (!j.contains("weights")) return;
    const auto& w = j["weights"];
    unknown_keys(w, {"skill", "audience", "tier_fit", "quality", "reliability", "preference", "rotation"}, "weights", sink);
    std::pair<const char*, double*> keys[] = {
        {"skill", &p.weights.skill},         {"audience", &p.weights.audience},       {"tier_fit", &p.weights.tier_fit},
        {"quality", &p.weights.quality},     {"reliability", &p.weights.reliability}, {"preference", &p.weights.preference},
        {"rotation", &p.weights.rotation}};
    for (auto& k : keys)
      sink.attempt([&] { if (w.contains(k.first)) *k.second = number(w[k.first], std::string("weights.") + k.first); });
  });
  sink.attempt([&] { if (j.contains("skill_level_max")) p.skill_level_max = number(j["skill_level_max"], "skill_level_max"); });
  sink.attempt([&] {
    if (j.contains("rotation_half_count")) p.rotation_half_count = number(j["rotation_half_count"], "rotation_half_count");
  });
  sink.attempt([&] {
    if (!j.contains("tier_fit")) return;
    const auto& tf = j["tier_fit"];
    unknown_keys(tf, {"asset", "horizon"}, "tier_fit", sink);
    auto table = [&](const char* key, const auto& names, auto& dest) {
      if (!tf.contains(key)) return;
      const std::string path = std::string("tier_fit.") + key;
      const auto& o = tf[key];
      if (!o.is_object()) throw error(errc::invalid_policy, "expected an object", -1, path);
      for (auto it = o.begin(); it != o.end(); ++it)
        sink.attempt([&] {
          std::size_t idx = names.size();
          for (std::size_t i = 0; i < names.size(); ++i)
            if (it.key() == names[i]) idx = i;
          if (idx == names.size()) throw error(errc::unknown_name, "unknown " + std::string(key) + " '" + it.key() + "'", -1, path + "." + it.key());
          if (!it.value().is_array()) throw error(errc::invalid_policy, "expected an array of tier names", -1, path + "." + it.key());
          dest[idx].clear();
          for (std::size_t i = 0; i < it.value().size(); ++i) {
            std::string name;  // a name that is not a string keeps its place (and its problem), so paths stay right
            sink.attempt([&] { name = string(it.value()[i], path + "." + it.key() + "[" + std::to_string(i) + "]"); });
            dest[idx].push_back(std::move(name));
          }
        });
    };
    sink.attempt([&] { table("asset", asset_type_names, p.tier_fit_asset); });
    sink.attempt([&] { table("horizon", horizon_names, p.tier_fit_horizon); });
  });
  matching_policy_checks(p, ladder, sink);
  return p;
}
}  // namespace detail

/// Parses "koc.matching_policy/1"; tier names are checked against `ladder`. Throws the first of its
/// problems (matching_policy_problems).
inline matching_policy matching_policy_from_json(const nlohmann::ordered_json& j,
                                                 const tier_policy& ladder = default_tier_policy()) {
  return detail::first_problem_or([&](detail::problem_sink& sink) { return detail::read_matching_policy(j, ladder, sink); });
}

/// Every problem of a "koc.matching_policy/1" document (JSON text), not only the first: at most `limit`
/// (limit >= 1), each a koc::error whose field is the JSON path, in the order matching_policy_from_json
/// meets them. Text that is not JSON is one problem. Empty when the document parses.
inline std::vector<error> matching_policy_problems(const std::string& text, const tier_policy& ladder = default_tier_policy(),
                                                   std::size_t limit = 100) {
  return detail::collect_problems(limit, [&](detail::problem_sink& sink) {
    detail::read_matching_policy(detail::parse_json(text), ladder, sink);
  });
}

inline matching_policy matching_policy_from_json(const std::string& text, const tier_policy& ladder = default_tier_policy()) {
  return matching_policy_from_json(detail::parse_json(text), ladder);
}

inline matching_policy matching_policy_from_json(const char* text, const tier_policy& ladder = default_tier_policy()) {
  return matching_policy_from_json(std::string(text), ladder);
}

/// Serialises every key (pretty-printed, 2 spaces). from_json(to_json(p)) == p.
inline std::string matching_policy_to_json(const matching_policy& p) {
  nlohmann::ordered_json j;
  j["schema"] = matching_policy_schema;
  auto& w = j["weights"];
  w["skill"] = p.weights.skill;
  w["audience"] = p.weights.audience;
  w["tier_fit"] = p.weights.tier_fit;
  w["quality"] = p.weights.quality;
  w["reliability"] = p.weights.reliability;
  w["preference"] = p.weights.preference;
  w["rotation"] = p.weights.rotation;
  j["skill_level_max"] = p.skill_level_max;
  j["rotation_half_count"] = p.rotation_half_count;
  for (std::size_t a = 0; a < n_asset_types; ++a) j["tier_fit"]["asset"][asset_type_names[a]] = p.tier_fit_asset[a];
  for (std::size_t h = 0; h < n_horizons; ++h) j["tier_fit"]["horizon"][horizon_names[h]] = p.tier_fit_horizon[h];
  return j.dump(2);
}

}  // namespace koc

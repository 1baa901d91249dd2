// Tier policy as JSON, schema "koc.tier_policy/1": reading (strict, every problem with its JSON path)
// and writing (round-trips exactly). The only tier header that needs nlohmann/json.
//
//   koc::tier_policy q = koc::tier_policy_from_json(text);
//   std::string back = koc::tier_policy_to_json(q);            // from_json(back) == q
#pragma once

#include <koc/tiers/policy.hpp>

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>
#include <vector>

namespace koc {

inline constexpr const char* tier_policy_schema = "koc.tier_policy/1";

namespace detail {
inline const nlohmann::ordered_json& require(const nlohmann::ordered_json& j, const char* key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end()) throw error(errc::invalid_policy, std::string("missing required key '") + key + "'", -1, path + "." + key);
  return *it;
}
inline double number(const nlohmann::ordered_json& j, const std::string& path) {
  if (!j.is_number()) throw error(errc::invalid_policy, "expected a number, got " + std::string(j.type_name()), -1, path);
  return j.get<double>();
}
inline std::int32_t integer(const nlohmann::ordered_json& j, const std::string& path) {
  if (!j.is_number_integer()) throw error(errc::invalid_policy, "expected an integer, got " + j.dump(), -1, path);
  const auto v = j.get<std::int64_t>();
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    throw error(errc::out_of_range, "integer out of range", -1, path);
  return static_cast<std::int32_t>(v);
}
inline std::string string(const nlohmann::ordered_json& j, const std::string& path) {
  if (!j.is_string()) throw error(errc::invalid_policy, "expected a string, got " + std::string(j.type_name()), -1, path);
  return j.get<std::string>();
}
/// Parses JSON keeping key order (so a policy saved again lists things as the author wrote them).
inline nlohmann::ordered_json parse_json(const std::string& text) {
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::ordered_json::exception& e) {  // parse_error, and out_of_range for 1e400
    throw error(errc::invalid_policy, std::string("policy is not valid JSON: ") + e.what(), -1, "$");
  }
}
}  // namespace detail

namespace detail {
/// Every unknown key of an object, each a problem; throws (one problem) when `j` is not an object.
inline void unknown_keys(const nlohmann::ordered_json& j, std::initializer_list<const char*> keys, const std::string& path,
                         problem_sink& sink) {
  if (!j.is_object()) throw error(errc::invalid_policy, "expected an object", -1, path);
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (auto k : keys) ok = ok || it.key() == k;
    if (!ok) sink.add(error(errc::invalid_policy, "unknown key '" + it.key() + "'", -1, path + "." + it.key()));
  }
}

/// Reads a "koc.tier_policy/1" document, each key and list entry on its own (a problem in one is recorded
/// and the others are still read), then checks the values (tier_policy_checks).
inline tier_policy read_tier_policy(const nlohmann::ordered_json& j, problem_sink& sink) {
  unknown_keys(j, {"schema", "metric_declarations", "metrics", "tiers", "hysteresis", "honorary"}, "$", sink);
  tier_policy p;
  sink.attempt([&] {
    if (string(require(j, "schema", "$"), "$.schema") != tier_policy_schema)
      throw error(errc::invalid_policy, std::string("unsupported schema, expected '") + tier_policy_schema + "'", -1, "$.schema");
  });
  // Declarations first, wherever the key stands: the weights, gates and lifetime rule name them.
  sink.attempt([&] {
    if (!j.contains("metric_declarations")) return;
    const auto& ds = j["metric_declarations"];
    if (!ds.is_array()) throw error(errc::invalid_policy, "expected an array", -1, "metric_declarations");
    for (std::size_t k = 0; k < ds.size(); ++k) {
      const std::string f = "metric_declarations[" + std::to_string(k) + "]";
      metric_declaration d;
      sink.attempt([&] {
        unknown_keys(ds[k], {"name", "unit", "integral", "min", "max", "better"}, f, sink);
        sink.attempt([&] { d.name = string(require(ds[k], "name", f), f + ".name"); });
        sink.attempt([&] { if (ds[k].contains("unit")) d.unit = string(ds[k]["unit"], f + ".unit"); });
        sink.attempt([&] {
          if (!ds[k].contains("integral")) return;
          if (!ds[k]["integral"].is_boolean()) throw error(errc::invalid_policy, "expected true or false", -1, f + ".integral");
          d.integral = ds[k]["integral"].get<bool>();
        });
        sink.attempt([&] { if (ds[k].contains("min")) d.min = number(ds[k]["min"], f + ".min"); });
        sink.attempt([&] { if (ds[k].contains("max") && !ds[k]["max"].is_null()) d.max = number(ds[k]["max"], f + ".max"); });
        sink.attempt([&] {
          if (!ds[k].contains("better")) return;
          const auto b = string(ds[k]["better"], f + ".better");
          if (b != "higher" && b != "lower") throw error(errc::unknown_name, "better is 'higher' or 'lower', not '" + b + "'", -1, f + ".better");
          d.lower_is_better = b == "lower";
        });
      });
      p.declared.push_back(std::move(d));
    }
  });
  sink.attempt([&] {
    const auto& ms = require(j, "metrics", "$");
    if (!ms.is_array()) throw error(errc::invalid_policy, "expected an array", -1, "metrics");
    for (std::size_t i = 0; i < ms.size(); ++i) {
      const std::string f = "metrics[" + std::to_string(i) + "]";
      metric_weight w;
      sink.attempt([&] {
        unknown_keys(ms[i], {"metric", "weight", "normalisation", "reference", "invert"}, f, sink);
        bool named = false;
        sink.attempt([&] {
          w.which = p.find_metric(string(require(ms[i], "metric", f), f + ".metric"), f + ".metric");
          named = true;
        });
        sink.attempt([&] { w.weight = number(require(ms[i], "weight", f), f + ".weight"); });
        sink.attempt([&] {
          const auto nn = string(require(ms[i], "normalisation", f), f + ".normalisation");
          bool found = false;
          for (std::size_t k = 0; k < normalisation_names.size(); ++k)
            if (nn == normalisation_names[k]) { w.norm = static_cast<normalisation>(k); found = true; }
          if (!found)
            throw error(errc::unknown_name, "unknown normalisation '" + nn + "' (none, log1p, cap, min_max, percentile)", -1,
                        f + ".normalisation");
        });
        sink.attempt([&] { if (ms[i].contains("reference")) w.reference = number(ms[i]["reference"], f + ".reference"); });
        sink.attempt([&] {
          if (!ms[i].contains("invert")) {
            // A declared metric that is better lower inverts by default; built-in ones keep false (see
            // builtin_metric_declarations).
            if (named && static_cast<int>(w.which) >= n_builtin_metrics) w.invert = p.declaration(w.which).lower_is_better;
            return;
          }
          if (!ms[i]["invert"].is_boolean()) throw error(errc::invalid_policy, "expected true or false", -1, f + ".invert");
          w.invert = ms[i]["invert"].get<bool>();
        });
      });
      p.metrics.push_back(w);
    }
  });
  sink.attempt([&] {
    const auto& ts = require(j, "tiers", "$");
    if (!ts.is_array()) throw error(errc::invalid_policy, "expected an array", -1, "tiers");
    for (std::size_t i = 0; i < ts.size(); ++i) {
      const std::string f = "tiers[" + std::to_string(i) + "]";
      tier_level t;
      sink.attempt([&] {
        unknown_keys(ts[i], {"name", "promote_threshold", "keep_threshold", "grace_periods", "gates"}, f, sink);
        sink.attempt([&] { t.name = string(require(ts[i], "name", f), f + ".name"); });
        sink.attempt([&] { t.promote_threshold = number(require(ts[i], "promote_threshold", f), f + ".promote_threshold"); });
        t.keep_threshold = t.promote_threshold;
        sink.attempt([&] { if (ts[i].contains("keep_threshold")) t.keep_threshold = number(ts[i]["keep_threshold"], f + ".keep_threshold"); });
        sink.attempt([&] { if (ts[i].contains("grace_periods")) t.grace_periods = integer(ts[i]["grace_periods"], f + ".grace_periods"); });
        sink.attempt([&] {
          if (!ts[i].contains("gates")) return;
          const auto& gs = ts[i]["gates"];
          if (!gs.is_array()) throw error(errc::invalid_policy, "expected an array", -1, f + ".gates");
          for (std::size_t g = 0; g < gs.size(); ++g) {
            const std::string gf = f + ".gates[" + std::to_string(g) + "]";
            sink.attempt([&] {
              unknown_keys(gs[g], {"metric", "min", "max", "flag"}, gf, sink);
              tier_gate gate;
              if (gs[g].contains("flag")) {
                const auto flag = string(gs[g]["flag"], gf + ".flag");
                if (flag == "invited") gate.type = tier_gate::kind::invited;
                else if (flag == "clearance") gate.type = tier_gate::kind::clearance;
                else if (flag == "honorary") gate.type = tier_gate::kind::honorary;
                else throw error(errc::unknown_name, "unknown flag '" + flag + "' (invited, clearance, honorary)", -1, gf + ".flag");
                t.gates.push_back(gate);
                return;
              }
              gate.which = p.find_metric(string(require(gs[g], "metric", gf), gf + ".metric"), gf + ".metric");
              const bool has_min = gs[g].contains("min"), has_max = gs[g].contains("max");
              if (has_min == has_max) throw error(errc::invalid_policy, "a metric gate needs exactly one of 'min' or 'max'", -1, gf);
              gate.type = has_min ? tier_gate::kind::metric_min : tier_gate::kind::metric_max;
              gate.bound = number(has_min ? gs[g]["min"] : gs[g]["max"], gf + (has_min ? ".min" : ".max"));
              t.gates.push_back(gate);
            });
          }
        });
      });
      p.tiers.push_back(std::move(t));
    }
  });
  sink.attempt([&] {
    if (!j.contains("hysteresis")) return;
    unknown_keys(j["hysteresis"], {"max_demotion_steps"}, "hysteresis", sink);
    if (j["hysteresis"].contains("max_demotion_steps"))
      p.max_demotion_steps = integer(j["hysteresis"]["max_demotion_steps"], "hysteresis.max_demotion_steps");
  });
  sink.attempt([&] {
    if (!j.contains("honorary")) return;
    const auto& h = j["honorary"];
    unknown_keys(h, {"floor", "lifetime"}, "honorary", sink);
    sink.attempt([&] {
      if (h.contains("floor") && !sink.touched("tiers"))  // a ladder read with problems cannot judge the name
        p.honorary.floor_tier = p.tier_index(string(h["floor"], "honorary.floor"), "honorary.floor");
    });
    sink.attempt([&] {
      if (!h.contains("lifetime") || h["lifetime"].is_null()) return;
      if (!h["lifetime"].is_object()) throw error(errc::invalid_policy, "expected an object of metric minimums", -1, "honorary.lifetime");
      p.honorary.lifetime_enabled = true;
      for (auto it = h["lifetime"].begin(); it != h["lifetime"].end(); ++it) {
        const std::string f = "honorary.lifetime." + it.key();
        sink.attempt([&] { p.honorary.lifetime_minimums.emplace_back(p.find_metric(it.key(), f), number(it.value(), f)); });
      }
    });
  });
  tier_policy_checks(p, sink);
  return p;
}
}  // namespace detail

/// Parses and validates a "koc.tier_policy/1" document: throws the first of its problems
/// (tier_policy_problems), a koc::error whose field is the JSON path.
inline tier_policy tier_policy_from_json(const nlohmann::ordered_json& j) {
  return detail::first_problem_or([&](detail::problem_sink& sink) { return detail::read_tier_policy(j, sink); });
}

/// Every problem of a "koc.tier_policy/1" document (JSON text), not only the first: at most `limit`
/// (limit >= 1), each a koc::error whose field is the JSON path ("tiers[2].keep_threshold"), in the order
/// tier_policy_from_json meets them. Text that is not JSON is one problem. Empty when the document parses.
inline std::vector<error> tier_policy_problems(const std::string& text, std::size_t limit = 100) {
  return detail::collect_problems(limit, [&](detail::problem_sink& sink) { detail::read_tier_policy(detail::parse_json(text), sink); });
}

inline tier_policy tier_policy_from_json(const std::string& text) { return tier_policy_from_json(detail::parse_json(text)); }

/// Serialises to "koc.tier_policy/1" (pretty-printed, 2 spaces). from_json(to_json(p)) == p.
inline std::string tier_policy_to_json(const tier_policy& p) {
  nlohmann::ordered_json j;
  j["schema"] = tier_policy_schema;
  if (!p.declared.empty()) {  // absent when empty: a policy without declarations reads as it always did
    j["metric_declarations"] = nlohmann::ordered_json::array();
    for (auto& d : p.declared) {
      nlohmann::ordered_json o;
      o["name"] = d.name;
      o["unit"] = d.unit;
      o["integral"] = d.integral;
      o["min"] = d.min;
      if (std::isfinite(d.max)) o["max"] = d.max;
      else o["max"] = nullptr;
      o["better"] = d.lower_is_better ? "lower" : "higher";
      j["metric_declarations"].push_back(o);
    }
  }
  j["metrics"] = nlohmann::ordered_json::array();
  for (auto& w : p.metrics) {
    nlohmann::ordered_json m;
    m["metric"] = p.name_of(w.which);
    m["weight"] = w.weight;
    m["normalisation"] = normalisation_names[static_cast<std::size_t>(w.norm)];
    m["reference"] = w.reference;
    m["invert"] = w.invert;
    j["metrics"].push_back(m);
  }
  j["tiers"] = nlohmann::ordered_json::array();
  for (auto& t : p.tiers) {
    nlohmann::ordered_json o;
    o["name"] = t.name;
    o["promote_threshold"] = t.promote_threshold;
    o["keep_threshold"] = t.keep_threshold;
    o["grace_periods"] = t.grace_periods;
    o["gates"] = nlohmann::ordered_json::array();
    for (auto& g : t.gates) {
      nlohmann::ordered_json go;
      switch (g.type) {
        case tier_gate::kind::metric_min: go["metric"] = p.name_of(g.which); go["min"] = g.bound; break;
        case tier_gate::kind::metric_max: go["metric"] = p.name_of(g.which); go["max"] = g.bound; break;
        case tier_gate::kind::invited: go["flag"] = "invited"; break;
        case tier_gate::kind::clearance: go["flag"] = "clearance"; break;
        case tier_gate::kind::honorary: go["flag"] = "honorary"; break;
      }
      o["gates"].push_back(go);
    }
    j["tiers"].push_back(o);
  }
  j["hysteresis"]["max_demotion_steps"] = p.max_demotion_steps;
  j["honorary"]["floor"] = p.tiers.at(static_cast<std::size_t>(p.honorary.floor_tier)).name;
  if (p.honorary.lifetime_enabled) {
    j["honorary"]["lifetime"] = nlohmann::ordered_json::object();
    for (auto& c : p.honorary.lifetime_minimums) j["honorary"]["lifetime"][p.name_of(c.first)] = c.second;
  } else {
    j["honorary"]["lifetime"] = nullptr;
  }
  return j.dump(2);
}


}  // namespace koc

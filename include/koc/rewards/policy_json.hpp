// Reward policy as JSON, schema "koc.reward_policy/1" (docs/reward-policy.md): strict reading, each
// problem with its JSON path, and the policy's digest (SHA-256 of the canonical document). The only
// rewards header that needs nlohmann/json.
//
//   koc::reward_policy p = koc::parse_reward_policy(std::string_view(json_text));
#pragma once

#include <koc/detail/problems.hpp>
#include <koc/detail/sha256.hpp>
#include <koc/error.hpp>
#include <koc/rewards/policy.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace koc {

namespace detail {

using json = nlohmann::json;

[[noreturn]] inline void policy_fail(const std::string& path, const std::string& what, errc code = errc::invalid_policy) {
  throw error(code, what, -1, path);
}

/// Every unknown key of an object, each a problem; policy_fail (one problem) when `j` is not an object.
inline void unknown_keys(const json& j, const std::string& path, std::initializer_list<const char*> allowed, problem_sink& sink) {
  if (!j.is_object()) policy_fail(path, "must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) sink.add(error(errc::invalid_policy, "unknown key '" + it.key() + "'", -1, path.empty() ? it.key() : path + "." + it.key()));
  }
}

inline std::string join(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }
inline std::string at(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

inline const json& need(const json& j, const std::string& path, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) policy_fail(join(path, key), std::string("missing required key '") + key + "'");
  return *it;
}

inline std::string get_string(const json& v, const std::string& path) {
  if (!v.is_string()) policy_fail(path, "must be a string");
  return v.get<std::string>();
}

inline std::int64_t get_int(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi) {
  if (!v.is_number_integer()) policy_fail(path, "must be an integer");
  std::int64_t x;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) policy_fail(path, "integer too large", errc::overflow);
    x = static_cast<std::int64_t>(u);
  } else {
    x = v.get<std::int64_t>();
  }
  if (x < lo || x > hi)
    policy_fail(path, "must lie in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], is " + std::to_string(x),
                errc::out_of_range);
  return x;
}

inline std::int32_t get_bp(const json& v, const std::string& path, std::int32_t hi = 10000) {
  return static_cast<std::int32_t>(get_int(v, path, 0, hi));
}

inline std::int64_t get_amount(const json& v, const std::string& path, currency_id c) {
  if (v.is_string()) return parse_amount(v.get<std::string>(), c, -1, path);
  if (v.is_number_integer()) {
    const std::int64_t units = get_int(v, path, 0, std::numeric_limits<std::int64_t>::max());
    std::int64_t r = units;
    for (int k = 0; k < currency_exponent(c); ++k)
      if (__builtin_mul_overflow(r, 10, &r)) policy_fail(path, "amount overflows int64 minor units", errc::overflow);
    return r;
  }
  if (v.is_number_float()) policy_fail(path, "amounts are decimal strings (\"300.00\"), never JSON floats");
  policy_fail(path, "must be a decimal string amount");
}

inline std::vector<entitlement> get_entitlements(const json& v, const std::string& path, problem_sink& sink) {
  if (!v.is_array()) policy_fail(path, "must be an array");
  std::vector<entitlement> out;
  for (std::size_t i = 0; i < v.size(); ++i)
    sink.attempt([&] {
      const std::string p = at(path, i);
      unknown_keys(v[i], p, {"kind", "name"}, sink);
      entitlement e;
      const std::string kind = get_string(need(v[i], p, "kind"), join(p, "kind"));
      if (kind == "title") e.kind = entitlement_kind::title;
      else if (kind == "badge") e.kind = entitlement_kind::badge;
      else if (kind == "privilege") e.kind = entitlement_kind::privilege;
      else policy_fail(join(p, "kind"), "entitlement kind must be title, badge or privilege, is '" + kind + "'", errc::unknown_name);
      e.name = get_string(need(v[i], p, "name"), join(p, "name"));
      if (e.name.empty()) policy_fail(join(p, "name"), "must not be empty");
      out.push_back(std::move(e));
    });
  return out;
}

inline void read_gates(const json& g, const std::string& path, std::int32_t& rejected, std::int32_t& late, problem_sink& sink) {
  unknown_keys(g, path, {"rejected_bp", "late_bp"}, sink);
  sink.attempt([&] { if (g.contains("rejected_bp")) rejected = get_bp(g["rejected_bp"], join(path, "rejected_bp")); });
  sink.attempt([&] { if (g.contains("late_bp")) late = get_bp(g["late_bp"], join(path, "late_bp")); });
}

/// Reads one rule, each key on its own (a problem in one is recorded and the others are still read).
inline reward_rule parse_rule(const json& j, const std::string& p, problem_sink& sink) {
  if (!j.is_object()) policy_fail(p, "must be a JSON object");
  reward_rule r;
  sink.attempt([&] {
    r.id = get_string(need(j, p, "id"), join(p, "id"));
    if (r.id.empty()) policy_fail(join(p, "id"), "must not be empty");
    if (r.id.rfind("tier:", 0) == 0) policy_fail(join(p, "id"), "rule ids must not start with 'tier:' (reserved for tier entitlements)");
  });
  bool kind_ok = false;
  sink.attempt([&] {
    const std::string kind = get_string(need(j, p, "kind"), join(p, "kind"));
    const std::string kp = join(p, "kind");
    if (kind == "fixed") {
      r.kind = rule_kind::fixed;
    } else if (kind == "campaign") {
      r.kind = rule_kind::campaign;
    } else if (kind == "retainer") {
      r.kind = rule_kind::retainer;
    } else if (kind == "amplification") {
      r.kind = rule_kind::amplification;
    } else if (kind == "offline") {
      r.kind = rule_kind::offline;
    } else if (kind == "identity") {
      r.kind = rule_kind::identity;
    } else {
      policy_fail(kp, "rule kind must be fixed, campaign, retainer, amplification, offline or identity, is '" + kind + "'",
                  errc::unknown_name);
    }
    kind_ok = true;
  });
  if (!kind_ok) return r;  // which keys a rule takes depends on its kind
  switch (r.kind) {
    case rule_kind::fixed:
      unknown_keys(j, p, {"id", "kind", "currency", "amount", "speed_bonus", "entitlements", "gates", "budget_priority"}, sink);
      break;
    case rule_kind::campaign:
      unknown_keys(j, p, {"id", "kind", "currency", "base", "process_awards", "prize_pool", "entitlements", "gates", "budget_priority"}, sink);
      break;
    case rule_kind::retainer:
      unknown_keys(j, p, {"id", "kind", "currency", "fee", "period", "entitlements", "gates", "budget_priority"}, sink);
      break;
    case rule_kind::amplification:
      unknown_keys(j, p, {"id", "kind", "currency", "base", "metric", "steps", "cap_per_koc", "entitlements", "gates", "budget_priority"},
                   sink);
      break;
    case rule_kind::offline:
      unknown_keys(j, p, {"id", "kind", "currency", "fee_per_day", "travel_cap", "entitlements", "gates", "budget_priority"}, sink);
      break;
    case rule_kind::identity:
      unknown_keys(j, p, {"id", "kind", "entitlements"}, sink);
      break;
  }
  bool currency_ok = true;
  if (r.kind != rule_kind::identity) {
    currency_ok = false;
    sink.attempt([&] {
      const std::string cp = join(p, "currency");
      r.currency = find_currency(get_string(need(j, p, "currency"), cp), -1, cp);
      currency_ok = true;
    });
  }
  sink.attempt([&] { if (j.contains("entitlements")) r.entitlements = get_entitlements(j["entitlements"], join(p, "entitlements"), sink); });
  sink.attempt([&] { if (j.contains("gates")) read_gates(j["gates"], join(p, "gates"), r.rejected_bp, r.late_bp, sink); });
  sink.attempt([&] {
    if (j.contains("budget_priority"))
      r.budget_priority = static_cast<std::int32_t>(get_int(j["budget_priority"], join(p, "budget_priority"), 0, 1000000));
  });
  const currency_id c = r.currency;
  // An amount is read in the rule's currency: without a currency it cannot be judged.
  auto amount = [&](const json& v, const std::string& path, std::int64_t& dest) {
    if (currency_ok) dest = get_amount(v, path, c);
  };
  switch (r.kind) {
    case rule_kind::fixed:
      sink.attempt([&] { amount(need(j, p, "amount"), join(p, "amount"), r.amount); });
      sink.attempt([&] {
        if (!j.contains("speed_bonus")) return;
        const std::string sp = join(p, "speed_bonus");
        const json& s = j["speed_bonus"];
        unknown_keys(s, sp, {"first_n", "within_hours", "amount"}, sink);
        sink.attempt([&] {
          if (s.contains("first_n") == s.contains("within_hours"))
            policy_fail(sp, "speed_bonus needs exactly one of first_n and within_hours");
          if (s.contains("first_n")) r.speed.first_n = get_int(s["first_n"], join(sp, "first_n"), 1, std::numeric_limits<std::int64_t>::max());
          else r.speed.within_hours = get_int(s["within_hours"], join(sp, "within_hours"), 1, 1000000);
        });
        sink.attempt([&] { amount(need(s, sp, "amount"), join(sp, "amount"), r.speed.amount); });
      });
      break;
    case rule_kind::campaign: {
      sink.attempt([&] { if (j.contains("base")) amount(j["base"], join(p, "base"), r.base); });
      sink.attempt([&] {
        if (!j.contains("process_awards")) return;
        const std::string ap = join(p, "process_awards");
        const json& a = j["process_awards"];
        if (!a.is_array()) policy_fail(ap, "must be an array");
        for (std::size_t i = 0; i < a.size(); ++i)
          sink.attempt([&] {
            const std::string q = at(ap, i);
            unknown_keys(a[i], q, {"name", "amount", "winners"}, sink);
            process_award w;
            sink.attempt([&] { w.name = get_string(need(a[i], q, "name"), join(q, "name")); });
            sink.attempt([&] { amount(need(a[i], q, "amount"), join(q, "amount"), w.amount); });
            sink.attempt([&] {
              const json& ws = a[i].contains("winners") ? a[i]["winners"] : json::array();  // optional: the awards table names them
              if (!ws.is_array() || (a[i].contains("winners") && ws.empty()))
                policy_fail(join(q, "winners"), "must be a non-empty array of koc ids (or left out: winners given per campaign in the awards table)");
              for (std::size_t k = 0; k < ws.size(); ++k)
                sink.attempt([&] {
                  const std::int64_t id = get_int(ws[k], at(join(q, "winners"), k), 0, std::numeric_limits<std::int64_t>::max());
                  for (std::int64_t prev : w.winners)
                    if (prev == id) policy_fail(at(join(q, "winners"), k), "winner listed twice", errc::duplicate_id);
                  w.winners.push_back(id);
                });
            });
            r.process_awards.push_back(std::move(w));
          });
      });
      sink.attempt([&] {
        if (!j.contains("prize_pool")) return;
        const std::string pp = join(p, "prize_pool");
        const json& z = j["prize_pool"];
        unknown_keys(z, pp, {"amount", "split", "shares_bp", "top_n"}, sink);
        sink.attempt([&] { amount(need(z, pp, "amount"), join(pp, "amount"), r.prize.amount); });
        const std::string split = get_string(need(z, pp, "split"), join(pp, "split"));
        if (split == "fixed_shares") {
          r.prize.split = prize_split::fixed_shares;
          sink.attempt([&] {
            const json& sh = need(z, pp, "shares_bp");
            if (!sh.is_array() || sh.empty()) policy_fail(join(pp, "shares_bp"), "must be a non-empty array of basis points");
            std::int64_t sum = 0;
            for (std::size_t k = 0; k < sh.size(); ++k) {
              r.prize.shares_bp.push_back(get_bp(sh[k], at(join(pp, "shares_bp"), k)));
              sum += r.prize.shares_bp.back();
            }
            if (sum != 10000) policy_fail(join(pp, "shares_bp"), "shares must sum to 10000 bp, sum to " + std::to_string(sum), errc::out_of_range);
          });
          if (z.contains("top_n")) policy_fail(join(pp, "top_n"), "top_n is for proportional splits");
        } else if (split == "proportional") {
          r.prize.split = prize_split::proportional;
          sink.attempt([&] { r.prize.top_n = static_cast<std::int32_t>(get_int(need(z, pp, "top_n"), join(pp, "top_n"), 1, 1000000)); });
          if (z.contains("shares_bp")) policy_fail(join(pp, "shares_bp"), "shares_bp is for fixed_shares splits");
        } else if (split == "winner_takes_all") {
          r.prize.split = prize_split::winner_takes_all;
          r.prize.shares_bp = {10000};
          if (z.contains("shares_bp") || z.contains("top_n")) policy_fail(pp, "winner_takes_all takes no shares_bp or top_n");
        } else {
          policy_fail(join(pp, "split"), "split must be fixed_shares, proportional or winner_takes_all, is '" + split + "'",
                      errc::unknown_name);
        }
      });
      break;
    }
    case rule_kind::retainer:
      sink.attempt([&] { amount(need(j, p, "fee"), join(p, "fee"), r.fee); });
      sink.attempt([&] {
        r.period = get_string(need(j, p, "period"), join(p, "period"));
        if (r.period != "month" && r.period != "quarter" && r.period != "year")
          policy_fail(join(p, "period"), "period must be month, quarter or year, is '" + r.period + "'", errc::unknown_name);
      });
      break;
    case rule_kind::amplification: {
      sink.attempt([&] { amount(need(j, p, "base"), join(p, "base"), r.base); });
      sink.attempt([&] {
        const std::string metric = get_string(need(j, p, "metric"), join(p, "metric"));
        if (metric == "views") r.metric = step_metric::views;
        else if (metric == "interactions") r.metric = step_metric::interactions;
        else policy_fail(join(p, "metric"), "metric must be views or interactions, is '" + metric + "'", errc::unknown_name);
      });
      sink.attempt([&] {
        const std::string sp = join(p, "steps");
        const json& s = need(j, p, "steps");
        if (!s.is_array()) policy_fail(sp, "must be an array");
        for (std::size_t i = 0; i < s.size(); ++i)
          sink.attempt([&] {
            const std::string q = at(sp, i);
            unknown_keys(s[i], q, {"threshold", "bonus"}, sink);
            reward_step st;
            bool threshold_ok = false;
            sink.attempt([&] {
              st.threshold = get_int(need(s[i], q, "threshold"), join(q, "threshold"), 1, std::numeric_limits<std::int64_t>::max());
              threshold_ok = true;
            });
            sink.attempt([&] { amount(need(s[i], q, "bonus"), join(q, "bonus"), st.bonus); });
            if (!threshold_ok) return;
            if (!r.steps.empty() && st.threshold <= r.steps.back().threshold)
              policy_fail(join(q, "threshold"), "step thresholds must be strictly increasing", errc::out_of_range);
            r.steps.push_back(st);
          });
      });
      sink.attempt([&] { if (j.contains("cap_per_koc")) amount(j["cap_per_koc"], join(p, "cap_per_koc"), r.cap_per_koc); });
      break;
    }
    case rule_kind::offline:
      sink.attempt([&] { amount(need(j, p, "fee_per_day"), join(p, "fee_per_day"), r.fee_per_day); });
      sink.attempt([&] { amount(need(j, p, "travel_cap"), join(p, "travel_cap"), r.travel_cap); });
      break;
    case rule_kind::identity:
      if (r.entitlements.empty() && !sink.touched(join(p, "entitlements")))
        policy_fail(join(p, "entitlements"), "an identity rule needs at least one entitlement");
      break;
  }
  return r;
}

}  // namespace detail

namespace detail {

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// "YYYY-MM-DD" → unix seconds at 00:00 UTC of that day.
inline std::int64_t get_date(const json& v, const std::string& path) {
  const std::string s = v.is_string() ? v.get<std::string>() : std::string();
  const auto digits = [&](std::size_t from, std::size_t n) {
    unsigned x = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      x = x * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return static_cast<int>(x);
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') policy_fail(path, "must be a date YYYY-MM-DD");
  const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days[m - 1] || (m == 2 && d == 29 && !leap))
    policy_fail(path, "not a date (YYYY-MM-DD, from 1970)");
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400;
}

}  // namespace detail

namespace detail {
/// Reads a "koc.reward_policy/1" document, each key and list entry on its own (a problem in one is
/// recorded and the others are still read).
inline reward_policy read_reward_policy(const json& j, problem_sink& sink) {
  unknown_keys(j, "", {"schema", "description", "gates", "tiers", "rules", "campaign_budgets", "points"}, sink);
  sink.attempt([&] {
    const std::string schema = get_string(need(j, "", "schema"), "schema");
    if (schema != reward_policy_schema)
      policy_fail("schema", "unsupported schema '" + schema + "', expected '" + reward_policy_schema + "'");
  });
  sink.attempt([&] { if (j.contains("description")) get_string(j["description"], "description"); });
  reward_policy p;
  sink.attempt([&] { if (j.contains("gates")) read_gates(j["gates"], "gates", p.rejected_bp, p.late_bp, sink); });
  sink.attempt([&] {
    if (!j.contains("tiers")) return;
    const json& t = j["tiers"];
    if (!t.is_array()) policy_fail("tiers", "must be an array");
    for (std::size_t i = 0; i < t.size(); ++i)
      sink.attempt([&] {
        const std::string q = at("tiers", i);
        unknown_keys(t[i], q, {"name", "multiplier_bp", "entitlements"}, sink);
        reward_tier tier;
        tier.name = get_string(need(t[i], q, "name"), join(q, "name"));
        if (p.find_tier(tier.name) >= 0) policy_fail(join(q, "name"), "tier '" + tier.name + "' listed twice", errc::duplicate_id);
        sink.attempt([&] {
          if (t[i].contains("multiplier_bp")) tier.multiplier_bp = get_bp(t[i]["multiplier_bp"], join(q, "multiplier_bp"), max_multiplier_bp);
        });
        sink.attempt([&] { if (t[i].contains("entitlements")) tier.entitlements = get_entitlements(t[i]["entitlements"], join(q, "entitlements"), sink); });
        p.tiers.push_back(std::move(tier));
      });
  });
  sink.attempt([&] {
    if (!j.contains("points")) return;
    const json& pt = j["points"];
    unknown_keys(pt, "points", {"tier_multiplier", "expire_after_days", "expire_on"}, sink);
    sink.attempt([&] {
      if (!pt.contains("tier_multiplier")) return;
      if (!pt["tier_multiplier"].is_boolean()) policy_fail("points.tier_multiplier", "must be true or false");
      p.points_tier_multiplier = pt["tier_multiplier"].get<bool>();
    });
    if (pt.contains("expire_after_days") && pt.contains("expire_on"))
      policy_fail("points", "give expire_after_days or expire_on, not both");
    sink.attempt([&] {
      if (pt.contains("expire_after_days"))
        p.points_expire_after_days = static_cast<std::int32_t>(get_int(pt["expire_after_days"], "points.expire_after_days", 1, 36500));
    });
    sink.attempt([&] { if (pt.contains("expire_on")) p.points_expire_at = get_date(pt["expire_on"], "points.expire_on"); });
  });
  sink.attempt([&] {
    const json& rules = need(j, "", "rules");
    if (!rules.is_array()) policy_fail("rules", "must be an array");
    for (std::size_t i = 0; i < rules.size(); ++i)
      sink.attempt([&] {
        reward_rule r = parse_rule(rules[i], at("rules", i), sink);
        if (!r.id.empty() && p.find_rule(r.id) >= 0)
          policy_fail(at("rules", i) + ".id", "rule id '" + r.id + "' listed twice", errc::duplicate_id);
        p.rules.push_back(std::move(r));
      });
  });
  sink.attempt([&] {
    if (!j.contains("campaign_budgets")) return;
    const json& b = j["campaign_budgets"];
    if (!b.is_array()) policy_fail("campaign_budgets", "must be an array");
    for (std::size_t i = 0; i < b.size(); ++i)
      sink.attempt([&] {
        const std::string q = at("campaign_budgets", i);
        unknown_keys(b[i], q, {"campaign", "currency", "amount", "reduction"}, sink);
        campaign_budget cb;
        cb.campaign = get_int(need(b[i], q, "campaign"), join(q, "campaign"), 0, std::numeric_limits<std::int64_t>::max());
        cb.currency = find_currency(get_string(need(b[i], q, "currency"), join(q, "currency")), -1, join(q, "currency"));
        sink.attempt([&] { cb.amount = get_amount(need(b[i], q, "amount"), join(q, "amount"), cb.currency); });
        sink.attempt([&] {
          if (!b[i].contains("reduction")) return;
          const std::string red = get_string(b[i]["reduction"], join(q, "reduction"));
          if (red == "rule_priority") cb.reduction = budget_reduction::rule_priority;
          else if (red != "pro_rata")
            policy_fail(join(q, "reduction"), "reduction must be pro_rata or rule_priority, is '" + red + "'", errc::unknown_name);
        });
        for (const auto& prev : p.campaign_budgets)
          if (prev.campaign == cb.campaign && prev.currency == cb.currency)
            policy_fail(join(q, "campaign"), "campaign budget listed twice for the same currency", errc::duplicate_id);
        p.campaign_budgets.push_back(cb);
      });
  });
  return p;
}

/// The JSON of a reward policy's text; malformed JSON → errc::invalid_policy (field empty).
inline json parse_reward_json(std::string_view text) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e400
    throw error(errc::invalid_policy, std::string("reward policy is not valid JSON: ") + e.what());
  }
}
}  // namespace detail

/// Reads a policy from parsed JSON. Throws the first of its problems (reward_policy_problems), a
/// koc::error whose field is the JSON path.
inline reward_policy parse_reward_policy(const nlohmann::json& j) {
  return detail::first_problem_or([&](detail::problem_sink& sink) { return detail::read_reward_policy(j, sink); });
}

/// Every problem of a "koc.reward_policy/1" document (JSON text), not only the first: at most `limit`
/// (limit >= 1), each a koc::error whose field is the JSON path ("rules[2].amount"), in the order
/// parse_reward_policy meets them. Text that is not JSON is one problem. Empty when the policy parses.
inline std::vector<error> reward_policy_problems(std::string_view text, std::size_t limit = 100) {
  return detail::collect_problems(limit, [&](detail::problem_sink& sink) { detail::read_reward_policy(detail::parse_reward_json(text), sink); });
}

/// Parses JSON text then reads the policy. Malformed JSON → errc::invalid_policy (field empty).
inline reward_policy parse_reward_policy(std::string_view text) {
  const nlohmann::json j = detail::parse_reward_json(text);
  reward_policy p = parse_reward_policy(j);
  p.digest = detail::sha256_hex(j.dump());  // nlohmann::json keeps keys sorted: dump() is the canonical form
  return p;
}
// A std::string or a literal would convert both to string_view and to json: say which is meant.
inline reward_policy parse_reward_policy(const std::string& text) { return parse_reward_policy(std::string_view(text)); }
inline reward_policy parse_reward_policy(const char* text) { return parse_reward_policy(std::string_view(text)); }

}  // namespace koc

// Tier policy: the ladder, how the score is built, gates, hysteresis and the honorary status.
//
//   koc::tier_policy p = koc::default_tier_policy();           // entry < active < core < ambassador
//   koc::tier_policy q = koc::tier_policy_from_json(text);     // policy_json.hpp, "koc.tier_policy/1"
//   std::string back = koc::tier_policy_to_json(q);            // round-trips exactly
//
// Score: score = Σ_m weight_m · f_m(x_m) where f_m ∈ [0, 1] is the metric's normalisation (below) and
// the weights are in score points (the default weights sum to 100, so scores lie in [0, 100]).
// Normalisations, chosen per metric (heavy-tailed followers/views should use log1p or percentile so
// that one celebrity does not dominate):
//   none        f = x                                    (for metrics already in [0, 1])
//   log1p       f = min(1, log1p(x) / log1p(reference))  (saturates at `reference`)
//   cap         f = min(x, reference) / reference
//   min_max     f = (x - min) / (max - min) over the roster (0 when max == min)
//   percentile  f = (2·less + equal - 1) / (2·(n - 1)): mid-rank within the roster, ties share a value,
//               0.5 when n == 1
// `invert` uses 1 - f, for metrics where lower is better (days_since_active).
//
// Metrics: the eleven built-in ones (roster.hpp), and any the policy declares itself under
// "metric_declarations" (name, unit, integral, valid range [min, max], better: "higher" | "lower"); a roster
// then carries a numeric column of that name. A weight on a declared metric inverts by default when its
// declaration says lower is better.
//
// Ladder: tiers in increasing order. A KOC qualifies for tier i when score >= promote_threshold[i] and
// every gate of tier i passes; its qualified tier is the highest such i (tier 0 always qualifies).
// Hysteresis: a KOC whose previous tier p is above its qualified tier stays at p while score >=
// keep_threshold[p] (held by margin); below that it is held for grace_periods[p] periods (held by grace),
// then demoted by at most max_demotion_steps tiers per period. Gates guard entry to a tier, not keeping it.
// Honorary: KOCs flagged honorary, or meeting every condition of the lifetime rule, are never below the
// honorary floor tier.
#pragma once

#include <koc/detail/problems.hpp>
#include <koc/error.hpp>
#include <koc/roster.hpp>


#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc {

enum class normalisation : std::uint8_t { none = 0, log1p, cap, min_max, percentile };
inline constexpr std::array<const char*, 5> normalisation_names = {"none", "log1p", "cap", "min_max", "percentile"};

/// How one metric enters the score.
struct metric_weight {
  metric which = metric::posts;
  double weight = 0.0;  ///< score points at f = 1; >= 0
  normalisation norm = normalisation::log1p;
  double reference = 1.0;  ///< saturation value for log1p and cap; > 0
  bool invert = false;     ///< lower is better
};

/// A condition for entering a tier, on one metric (min and/or max) or on a flag.
struct tier_gate {
  enum class kind : std::uint8_t { metric_min = 0, metric_max, invited, clearance, honorary };
  kind type = kind::metric_min;
  metric which = metric::tenure_days;  ///< for metric_min / metric_max
  double bound = 0.0;                  ///< for metric_min / metric_max
};

struct tier_level {
  std::string name;
  double promote_threshold = 0.0;  ///< score needed to enter
  double keep_threshold = 0.0;     ///< score needed to stay once in (<= promote_threshold)
  std::int32_t grace_periods = 0;  ///< periods below keep_threshold tolerated before a demotion
  std::vector<tier_gate> gates;
};

/// Lifetime rule for the honorary status: all set conditions must hold (metric >= bound).
struct honorary_rule {
  std::int32_t floor_tier = 0;  ///< index on the ladder; honorary KOCs never sit below it
  bool lifetime_enabled = false;
  std::vector<std::pair<metric, double>> lifetime_minimums;  ///< e.g. tenure_days >= 1095
};

struct tier_policy {
  /// The policy's own metrics, beyond the built-in ones: declared[k] is metric n_builtin_metrics + k.
  std::vector<metric_declaration> declared;
  std::vector<metric_weight> metrics;
  std::vector<tier_level> tiers;
  std::int32_t max_demotion_steps = 1;
  honorary_rule honorary;

  std::int32_t tier_index(const std::string& name, const std::string& field) const {
    for (std::size_t i = 0; i < tiers.size(); ++i)
      if (tiers[i].name == name) return static_cast<std::int32_t>(i);
    std::string known;
    for (auto& t : tiers) known += (known.empty() ? "" : ", ") + t.name;
    throw error(errc::unknown_name, "unknown tier '" + name + "' (ladder: " + known + ")", -1, field);
  }
  /// Number of metrics the policy knows: the built-in ones, then its declared ones.
  int n_metrics() const noexcept { return n_builtin_metrics + static_cast<int>(declared.size()); }
  /// What metric m is (built in, or declared by this policy); throws unknown_name for any other value.
  const metric_declaration& declaration(metric m) const {
    const auto k = static_cast<std::size_t>(m);
    if (k < static_cast<std::size_t>(n_builtin_metrics)) return builtin_metric_declarations()[k];
    if (k - n_builtin_metrics < declared.size()) return declared[k - n_builtin_metrics];
    throw error(errc::unknown_name, "metric #" + std::to_string(static_cast<int>(m)) + " is neither built in nor declared by the policy",
                -1, "metric");
  }
  const std::string& name_of(metric m) const { return declaration(m).name; }
  /// The metric called `name` (built in, or declared); throws unknown_name naming `field`, listing the known ones.
  metric find_metric(const std::string& name, const std::string& field) const {
    const int b = builtin_metric_index(name);
    if (b >= 0) return static_cast<metric>(b);
    for (std::size_t k = 0; k < declared.size(); ++k)
      if (declared[k].name == name) return static_cast<metric>(n_builtin_metrics + static_cast<int>(k));
    std::string known;
    for (auto n : metric_names) known += std::string(known.empty() ? "" : ", ") + n;
    for (auto& d : declared) known += ", " + d.name;
    throw error(errc::unknown_name,
                "unknown metric '" + name + "' (known: " + known + "; declare a new one under metric_declarations)", -1, field);
  }
  /// Does the policy read this metric (score, gates or honorary rule)?
  bool uses(metric m) const {
    for (auto& w : metrics)
      if (w.which == m) return true;
    for (auto& t : tiers)
      for (auto& g : t.gates)
        if ((g.type == tier_gate::kind::metric_min || g.type == tier_gate::kind::metric_max) && g.which == m)
          return true;
    if (honorary.lifetime_enabled)
      for (auto& c : honorary.lifetime_minimums)
        if (c.first == m) return true;
    return false;
  }
};

/// The view with the columns of the policy's declared metrics found by name (roster_view::declared), so
/// that column(metric) reads them; a declared metric the roster lacks gets an empty span. Borrows only.
inline roster_view bind_metrics(const roster_view& r, const tier_policy& p) {
  roster_view v = r;
  v.declared.assign(p.declared.size(), span<const double>{});
  for (std::size_t k = 0; k < p.declared.size(); ++k) v.declared[k] = r.column(p.declared[k].name);
  return v;
}

namespace detail {
/// The checks of a tier policy's values (weights, thresholds along the ladder, hysteresis, honorary), each
/// reported through the sink; a part the reader already found a problem in is not judged again.
inline void tier_policy_checks(const tier_policy& p, problem_sink& sink) {
  auto bad = [&](bool ok, const std::string& what, const std::string& field, const std::string& also = {}) {
    sink.check(ok, errc::invalid_policy, what, field, also);
  };
  for (std::size_t k = 0; k < p.declared.size(); ++k) {
    const auto& d = p.declared[k];
    const std::string f = "metric_declarations[" + std::to_string(k) + "]";
    bool word = !d.name.empty() && !(d.name[0] >= '0' && d.name[0] <= '9');
    for (char c : d.name) word &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    bad(word, "a metric name is letters, digits and '_', not starting with a digit", f + ".name");
    bad(builtin_metric_index(d.name) < 0, "'" + d.name + "' is a built-in metric: it is declared already", f + ".name");
    bad(!is_roster_key_column(d.name), "'" + d.name + "' is a roster column of its own, not a metric", f + ".name");
    for (std::size_t j = 0; j < k; ++j)
      bad(p.declared[j].name != d.name, "metric '" + d.name + "' is declared twice", f + ".name",
          "metric_declarations[" + std::to_string(j) + "].name");
    bad(std::isfinite(d.min), "min must be finite", f + ".min");
    bad(!(d.max <= d.min) && !std::isnan(d.max), "max must be greater than min", f + ".max", f + ".min");
  }
  const auto known = [&](metric m) {
    return static_cast<int>(m) >= 0 && static_cast<int>(m) < p.n_metrics();
  };
  bad(!p.metrics.empty(), "a tier policy needs at least one weighted metric", "metrics");
  double total = 0.0;
  for (std::size_t i = 0; i < p.metrics.size(); ++i) {
    const auto& w = p.metrics[i];
    const std::string f = "metrics[" + std::to_string(i) + "]";
    if (!known(w.which)) {
      bad(false, "metric #" + std::to_string(static_cast<int>(w.which)) + " is neither built in nor declared", f + ".metric");
      continue;
    }
    bad(std::isfinite(w.weight) && w.weight >= 0, "weight must be finite and >= 0", f + ".weight");
    // f = x, log1p(x) and cap read x as a non-negative amount: a metric that may be negative needs a
    // normalisation by the roster's own values.
    bad(w.norm == normalisation::min_max || w.norm == normalisation::percentile || p.declaration(w.which).min >= 0,
        "normalisation '" + std::string(normalisation_names[static_cast<std::size_t>(w.norm)]) + "' needs a metric whose range starts at 0 or above ('" +
            p.name_of(w.which) + "' may be negative): use min_max or percentile",
        f + ".normalisation");
    bad(!((w.norm == normalisation::log1p || w.norm == normalisation::cap) && !(std::isfinite(w.reference) && w.reference > 0)),
        "reference must be finite and > 0 for log1p and cap", f + ".reference");
    for (std::size_t j = 0; j < i; ++j)
      bad(p.metrics[j].which != w.which, "metric '" + p.name_of(w.which) + "' is weighted twice", f + ".metric",
          "metrics[" + std::to_string(j) + "].metric");
    total += w.weight;
  }
  bad(p.metrics.empty() || total > 0, "all metric weights are zero: every KOC would score 0", "metrics");
  bad(!p.tiers.empty(), "the ladder needs at least one tier", "tiers");
  for (std::size_t i = 0; i < p.tiers.size(); ++i) {
    const auto& t = p.tiers[i];
    const std::string f = "tiers[" + std::to_string(i) + "]";
    const std::string before = "tiers[" + std::to_string(i - (i > 0)) + "]";
    bad(!t.name.empty(), "tier name must not be empty", f + ".name");
    for (std::size_t j = 0; j < i; ++j)
      bad(p.tiers[j].name != t.name, "duplicate tier name '" + t.name + "'", f + ".name", "tiers[" + std::to_string(j) + "].name");
    bad(std::isfinite(t.promote_threshold), "promote_threshold must be finite", f + ".promote_threshold");
    bad(std::isfinite(t.keep_threshold), "keep_threshold must be finite", f + ".keep_threshold");
    bad(!(t.keep_threshold > t.promote_threshold), "keep_threshold must not exceed promote_threshold", f + ".keep_threshold",
        f + ".promote_threshold");
    bad(i == 0 || p.tiers[i].promote_threshold > p.tiers[i - 1].promote_threshold,
        "promote thresholds must increase strictly along the ladder", f + ".promote_threshold", before + ".promote_threshold");
    bad(t.grace_periods >= 0, "grace_periods must be >= 0", f + ".grace_periods");
    for (std::size_t g = 0; g < t.gates.size(); ++g) {
      const bool on_metric = t.gates[g].type == tier_gate::kind::metric_min || t.gates[g].type == tier_gate::kind::metric_max;
      bad(!on_metric || known(t.gates[g].which), "the gate's metric is neither built in nor declared",
          f + ".gates[" + std::to_string(g) + "].metric");
      bad(!(on_metric && !std::isfinite(t.gates[g].bound)), "gate bound must be finite", f + ".gates[" + std::to_string(g) + "]");
    }
  }
  bad(p.max_demotion_steps >= 1, "max_demotion_steps must be >= 1", "hysteresis.max_demotion_steps");
  bad(p.honorary.floor_tier >= 0 && p.honorary.floor_tier < static_cast<std::int32_t>(p.tiers.size()),
      "honorary floor is not on the ladder", "honorary.floor", "tiers");
  for (std::size_t c = 0; c < p.honorary.lifetime_minimums.size(); ++c) {
    bad(known(p.honorary.lifetime_minimums[c].first), "the lifetime rule's metric is neither built in nor declared", "honorary.lifetime");
    bad(std::isfinite(p.honorary.lifetime_minimums[c].second), "lifetime minimum must be finite", "honorary.lifetime");
  }
}
}  // namespace detail

/// Every problem of a tier policy's values, at most `limit` (limit >= 1), each a koc::error whose field is
/// the JSON path; empty when the policy is usable.
inline std::vector<error> tier_policy_problems(const tier_policy& p, std::size_t limit = 100) {
  return detail::collect_problems(limit, [&](detail::problem_sink& sink) { detail::tier_policy_checks(p, sink); });
}

/// Throws the first of tier_policy_problems() (koc::error(invalid_policy), field = path) unless the policy
/// is usable.
inline void validate(const tier_policy& p) {
  detail::first_problem_or([&](detail::problem_sink& sink) {
    detail::tier_policy_checks(p, sink);
    return 0;
  });
}

/// The default programme: entry < active < core < ambassador; weights sum to 100.
inline tier_policy default_tier_policy() {
  using n = normalisation;
  tier_policy p;
  p.metrics = {
      {metric::posts, 10, n::log1p, 200, false},
      {metric::interactions, 15, n::log1p, 100000, false},
      {metric::views, 10, n::log1p, 10000000, false},
      {metric::followers, 10, n::log1p, 1000000, false},
      {metric::leads, 10, n::log1p, 500, false},
      {metric::tasks_completed, 10, n::log1p, 100, false},
      {metric::on_time_rate, 10, n::none, 1, false},
      {metric::quality, 10, n::none, 1, false},
      {metric::tenure_days, 5, n::cap, 730, false},
      {metric::loyalty, 5, n::cap, 1, false},
      {metric::days_since_active, 5, n::cap, 90, true},
  };
  using k = tier_gate::kind;
  p.tiers = {
      {"entry", 0, 0, 0, {}},
      {"active", 30, 25, 1, {{k::metric_min, metric::tasks_completed, 1}}},
      {"core", 55, 48, 2, {{k::metric_min, metric::tenure_days, 180}, {k::metric_min, metric::quality, 0.7}}},
      {"ambassador", 75, 68, 3, {{k::invited, metric::posts, 0}}},
  };
  p.max_demotion_steps = 1;
  p.honorary.floor_tier = 1;
  p.honorary.lifetime_enabled = true;
  p.honorary.lifetime_minimums = {{metric::tenure_days, 1095}, {metric::tasks_completed, 100}};
  return p;
}

/// A readable one-line description of a gate ("tenure_days >= 180"), naming its metric as the policy does.
inline std::string describe(const tier_gate& g, const tier_policy& p) {
  auto num = [](double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  switch (g.type) {
    case tier_gate::kind::metric_min: return p.name_of(g.which) + " >= " + num(g.bound);
    case tier_gate::kind::metric_max: return p.name_of(g.which) + " <= " + num(g.bound);
    case tier_gate::kind::invited: return "invitation required";
    case tier_gate::kind::clearance: return "clearance required";
    case tier_gate::kind::honorary: return "honorary status required";
  }
  return "?";
}

}  // namespace koc

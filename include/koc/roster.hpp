// The roster: one row per KOC, held as columns.
//
// A roster_view borrows columns (numpy arrays, C arrays, std::vectors) without copying; `roster` owns
// them for C++ callers who build a roster in code. Row i of every column describes the same KOC.
//
// Columns (n = number of KOCs):
//   id                int64   unique KOC id
//   metrics[m]        double  one column per built-in koc::metric (units below); an empty span = column
//                             absent, allowed only when the policy does not use that metric
//   named             double  further metric columns by name (a policy's declared metrics, see
//                             tier_policy::declared): {"answers", values}; found by name when classifying
//   honorary          uint8   1 = flagged honorary (hall of fame, lifetime adviser); empty = all 0
//   invited           uint8   1 = holds an ambassador invitation; empty = all 0
//   clearance         uint8   1 = NDA signed, may see confidential tasks; empty = all 0
//   previous_tier     int32   index on the policy's ladder of last period's tier, -1 = new KOC; empty = all new
//   periods_below     int32   consecutive periods spent below the previous tier's keep threshold; empty = 0
#pragma once

#include <koc/error.hpp>
#include <koc/span.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace koc {

/// The signals a tier score is built from (DOMAIN.md §1). Units in the comments. These eleven are built in;
/// a tier policy may declare more (tier_policy::declared), numbered from n_builtin_metrics in declaration
/// order, so a `metric` value past days_since_active names one of the policy's own metrics.
enum class metric : int {
  posts = 0,          ///< posts published in the period (count)
  interactions,       ///< likes + comments + shares received (count)
  views,              ///< content views (count)
  followers,          ///< followers on the KOC's main platform (count)
  leads,              ///< leads brought, e.g. test-drive sign-ups (count)
  tasks_completed,    ///< programme tasks completed (count)
  on_time_rate,       ///< share of tasks delivered on time, in [0, 1]
  quality,            ///< content quality score, in [0, 1]
  tenure_days,        ///< days since the KOC joined the programme
  loyalty,            ///< loyalty score (repeat purchase, referrals), >= 0
  days_since_active,  ///< days since last activity (lower is better)
};
constexpr int n_builtin_metrics = 11;

inline constexpr std::array<const char*, n_builtin_metrics> metric_names = {
    "posts",   "interactions", "views",       "followers", "leads",           "tasks_completed",
    "on_time_rate", "quality", "tenure_days", "loyalty",   "days_since_active"};

/// What a metric is: the columns of a metric declaration (a tier policy's "metric_declarations" entry).
struct metric_declaration {
  std::string name;             ///< roster column name: letters, digits and '_', not starting with a digit
  std::string unit;             ///< free text shown in docs and explanations ("count", "days", "rate")
  bool integral = false;        ///< counts and days: a growth gap on it is rounded up to a whole number
  double min = 0.0;             ///< valid range [min, max]: a roster value outside it is refused
  double max = __builtin_inf();
  bool lower_is_better = false;  ///< default of `invert` for a weight on it (days since last activity)
};

/// The declarations of the eleven built-in metrics, in metric order.
inline const std::array<metric_declaration, n_builtin_metrics>& builtin_metric_declarations() {
  static const std::array<metric_declaration, n_builtin_metrics> table = {{
      {"posts", "count", true, 0.0, __builtin_inf(), false},
      {"interactions", "count", true, 0.0, __builtin_inf(), false},
      {"views", "count", true, 0.0, __builtin_inf(), false},
      {"followers", "count", true, 0.0, __builtin_inf(), false},
      {"leads", "count", true, 0.0, __builtin_inf(), false},
      {"tasks_completed", "count", true, 0.0, __builtin_inf(), false},
      {"on_time_rate", "rate", false, 0.0, 1.0, false},
      {"quality", "score", false, 0.0, 1.0, false},
      {"tenure_days", "days", true, 0.0, __builtin_inf(), false},
      {"loyalty", "score", false, 0.0, __builtin_inf(), false},
      // Lower is better, but a weight's `invert` keeps its old default (false) for built-in metrics, so
      // that policies written before declarations existed score as they did.
      {"days_since_active", "days", true, 0.0, __builtin_inf(), true},
  }};
  return table;
}

/// Name of a built-in metric ("metric#12" for a policy's declared one: ask the policy, tier_policy::name_of).
inline std::string metric_name(metric m) {
  const auto k = static_cast<std::size_t>(m);
  return k < metric_names.size() ? std::string(metric_names[k]) : "metric#" + std::to_string(k);
}

/// The built-in metric called `name`, or -1.
inline int builtin_metric_index(const std::string& name) noexcept {
  for (int i = 0; i < n_builtin_metrics; ++i)
    if (name == metric_names[static_cast<std::size_t>(i)]) return i;
  return -1;
}

/// Counts and days of the built-in metrics: a growth gap on them is rounded up to a whole number.
inline bool metric_is_integral(metric m) { return builtin_metric_declarations().at(static_cast<std::size_t>(m)).integral; }

/// Upper bound of a built-in metric's valid range (+inf when unbounded).
inline double metric_upper_bound(metric m) { return builtin_metric_declarations().at(static_cast<std::size_t>(m)).max; }

/// Parses a built-in metric's name ("followers" → metric::followers); throws unknown_name naming `field`.
/// A policy's own metrics are parsed by the policy (tier_policy::find_metric).
inline metric parse_metric(const std::string& name, const std::string& field) {
  const int b = builtin_metric_index(name);
  if (b >= 0) return static_cast<metric>(b);
  std::string known;
  for (auto n : metric_names) known += std::string(known.empty() ? "" : ", ") + n;
  throw error(errc::unknown_name, "unknown metric '" + name + "' (known: " + known + ")", -1, field);
}

/// The roster's own columns that are not metrics (the id, the flags, the history): no metric may take
/// their names.
inline bool is_roster_key_column(const std::string& name) noexcept {
  for (const char* c : {"id", "koc_id", "honorary", "invited", "clearance", "previous_tier", "periods_below"})
    if (name == c) return true;
  return false;
}

/// A roster column of a metric that is not built in, found by name.
struct named_column {
  std::string name;
  span<const double> values;
};

/// Borrowed columns of a roster. See the file comment for shapes and units.
struct roster_view {
  span<const std::int64_t> id;
  std::array<span<const double>, n_builtin_metrics> metrics{};
  std::vector<named_column> named;  ///< other metric columns, by name
  /// The policy's declared metrics' columns, in declaration order: filled from `named` by
  /// bind_metrics(view, policy) (classify binds for itself); empty spans before that.
  std::vector<span<const double>> declared;
  span<const std::uint8_t> honorary;
  span<const std::uint8_t> invited;
  span<const std::uint8_t> clearance;
  span<const std::int32_t> previous_tier;
  span<const std::int32_t> periods_below;

  std::size_t size() const noexcept { return id.size(); }
  /// Column of metric m: a built-in one, or a policy's declared one once bound (empty when absent).
  span<const double> column(metric m) const noexcept {
    const auto k = static_cast<std::size_t>(m);
    if (k < metrics.size()) return metrics[k];
    return k - metrics.size() < declared.size() ? declared[k - metrics.size()] : span<const double>{};
  }
  /// Column called `name`: a built-in metric's, or a named one (empty when absent).
  span<const double> column(const std::string& name) const noexcept {
    const int b = builtin_metric_index(name);
    if (b >= 0) return metrics[static_cast<std::size_t>(b)];
    for (const auto& c : named)
      if (c.name == name) return c.values;
    return {};
  }
};

/// A roster that owns its columns (for C++ callers and tests).
struct roster {
  std::vector<std::int64_t> id;
  std::array<std::vector<double>, n_builtin_metrics> metrics{};
  std::vector<std::pair<std::string, std::vector<double>>> named;  ///< other metric columns, by name
  std::vector<std::uint8_t> honorary, invited, clearance;
  std::vector<std::int32_t> previous_tier, periods_below;

  std::size_t size() const noexcept { return id.size(); }
  std::vector<double>& column(metric m) { return metrics.at(static_cast<std::size_t>(m)); }
  /// The column called `name` (a built-in metric's, or a named one, added when new). The id, flag and
  /// history columns are members of their own (throws invalid_argument for their names).
  std::vector<double>& column(const std::string& name) {
    if (is_roster_key_column(name))
      throw error(errc::invalid_argument, "'" + name + "' is not a metric column: set the roster's member of that name", -1, name);
    const int b = builtin_metric_index(name);
    if (b >= 0) return metrics[static_cast<std::size_t>(b)];
    for (auto& c : named)
      if (c.first == name) return c.second;
    named.emplace_back(name, std::vector<double>{});
    return named.back().second;
  }

  roster_view view() const {
    roster_view v;
    v.id = id;
    for (std::size_t m = 0; m < metrics.size(); ++m) v.metrics[m] = metrics[m];
    for (auto& c : named) v.named.push_back({c.first, c.second});
    v.honorary = honorary;
    v.invited = invited;
    v.clearance = clearance;
    v.previous_tier = previous_tier;
    v.periods_below = periods_below;
    return v;
  }
  operator roster_view() const { return view(); }  // NOLINT(google-explicit-constructor)
};

}  // namespace koc

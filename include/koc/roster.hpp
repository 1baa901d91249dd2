// The roster: one row per KOC, held as columns.
//
// A roster_view borrows columns (numpy arrays, C arrays, std::vectors) without copying; `roster` owns
// them for C++ callers who build a roster in code. Row i of every column describes the same KOC.
//
// Columns (n = number of KOCs):
//   id                int64   unique KOC id
//   metrics[m]        double  one column per koc::metric (units below); an empty span = column absent,
//                             allowed only when the policy does not use that metric
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
#include <vector>

namespace koc {

/// The signals a tier score is built from (DOMAIN.md §1). Units in the comments.
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
constexpr int n_metrics = 11;

inline constexpr std::array<const char*, n_metrics> metric_names = {
    "posts",   "interactions", "views",       "followers", "leads",           "tasks_completed",
    "on_time_rate", "quality", "tenure_days", "loyalty",   "days_since_active"};

inline const char* metric_name(metric m) noexcept { return metric_names[static_cast<std::size_t>(m)]; }

/// Counts and days: a growth gap on them is rounded up to a whole number.
constexpr bool metric_is_integral(metric m) noexcept {
  return m != metric::on_time_rate && m != metric::quality && m != metric::loyalty;
}

/// Upper bound of the metric's valid range (+inf when unbounded).
constexpr double metric_upper_bound(metric m) noexcept {
  return (m == metric::on_time_rate || m == metric::quality) ? 1.0 : __builtin_inf();
}

/// Parses "followers" → metric::followers; throws unknown_name naming `field`.
inline metric parse_metric(const std::string& name, const std::string& field) {
  for (int i = 0; i < n_metrics; ++i)
    if (name == metric_names[static_cast<std::size_t>(i)]) return static_cast<metric>(i);
  std::string known;
  for (auto n : metric_names) known += std::string(known.empty() ? "" : ", ") + n;
  throw error(errc::unknown_name, "unknown metric '" + name + "' (known: " + known + ")", -1, field);
}

/// Borrowed columns of a roster. See the file comment for shapes and units.
struct roster_view {
  span<const std::int64_t> id;
  std::array<span<const double>, n_metrics> metrics{};
  span<const std::uint8_t> honorary;
  span<const std::uint8_t> invited;
  span<const std::uint8_t> clearance;
  span<const std::int32_t> previous_tier;
  span<const std::int32_t> periods_below;

  std::size_t size() const noexcept { return id.size(); }
  span<const double> column(metric m) const noexcept { return metrics[static_cast<std::size_t>(m)]; }
};

/// A roster that owns its columns (for C++ callers and tests).
struct roster {
  std::vector<std::int64_t> id;
  std::array<std::vector<double>, n_metrics> metrics{};
  std::vector<std::uint8_t> honorary, invited, clearance;
  std::vector<std::int32_t> previous_tier, periods_below;

  std::size_t size() const noexcept { return id.size(); }
  std::vector<double>& column(metric m) { return metrics[static_cast<std::size_t>(m)]; }

  roster_view view() const {
    roster_view v;
    v.id = id;
    for (std::size_t m = 0; m < metrics.size(); ++m) v.metrics[m] = metrics[m];
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

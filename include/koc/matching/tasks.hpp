// The task table: one row per task, held as columns (DOMAIN.md §2).
//
//   koc::task_table t;                       // owning columns for C++ callers and tests
//   t.id = {10, 11}; t.asset = {...}; ...
//   koc::validate(t.view(), n_tiers);        // throws koc::error naming row and field
//
// Columns (m = number of tasks). Required columns must have m rows; optional ones are either empty
// (the default in brackets applies to every row) or have m rows.
//   id             int64   unique task id                                               (required)
//   asset          uint8   koc::asset_type: social, knowledge, community, intelligence  (required)
//   horizon        uint8   koc::task_horizon: instant, phased, continuous, identity     (required)
//   direction      uint8   koc::task_direction: internal, external                      (required)
//   slots          int32   KOCs wanted, >= 0; koc::unlimited_slots (INT32_MAX) means "as many as possible"
//                          (an instant broadcast pushed one-to-many)                    (required)
//   window_start   int64   unix seconds, task window [start, end)                       [INT64_MIN]
//   window_end     int64   unix seconds, > window_start                                 [INT64_MAX]
//   load           int32   units of a KOC's capacity the task consumes, >= 1            [1]
//   required_skill uint8   m × n_skills, row-major: minimum level per skill, 0 = not required   [none]
//   audience       uint64  target audience segments, one bit per segment; 0 = no target  [0]
//   region         int32   region code, -1 = any region                                  [-1]
//   min_tier       int32   lowest ladder index allowed, 0 <= min_tier                    [0]
//   max_tier       int32   highest ladder index allowed, min_tier <= max_tier < n_tiers  [n_tiers - 1]
//   confidential   uint8   1 = only KOCs with clearance (NDA signed)                     [0]
// Only what matching reads: a task's budget, campaign and reward rule belong to the rewards stage's task
// table (koc/rewards/ledger.hpp, reward_tasks), which the same task ids join.
//
// Load: eligibility requires remaining KOC capacity >= load. The stable-matching front counts each
// pair as one unit of capacity; callers with loads other than 1 should give it capacities in tasks.
#pragma once

#include <koc/detail/id_index.hpp>
#include <koc/error.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc {

/// What the task builds (article 000).
enum class asset_type : std::uint8_t { social = 0, knowledge = 1, community = 2, intelligence = 3 };
/// How long it runs (article 001).
enum class task_horizon : std::uint8_t { instant = 0, phased = 1, continuous = 2, identity = 3 };
/// Where its output goes (article 003).
enum class task_direction : std::uint8_t { internal = 0, external = 1 };

constexpr int n_asset_types = 4;
constexpr int n_horizons = 4;
constexpr int n_directions = 2;
inline constexpr std::array<const char*, n_asset_types> asset_type_names = {"social", "knowledge", "community",
                                                                             "intelligence"};
inline constexpr std::array<const char*, n_horizons> horizon_names = {"instant", "phased", "continuous", "identity"};
inline constexpr std::array<const char*, n_directions> direction_names = {"internal", "external"};

/// Slots sentinel for "as many as possible" broadcasts.
constexpr std::int32_t unlimited_slots = std::numeric_limits<std::int32_t>::max();

/// Borrowed columns of a task table. See the file comment for shapes, units and defaults.
struct task_table_view {
  span<const std::int64_t> id;
  span<const std::uint8_t> asset;
  span<const std::uint8_t> horizon;
  span<const std::uint8_t> direction;
  span<const std::int32_t> slots;
  span<const std::int64_t> window_start;
  span<const std::int64_t> window_end;
  span<const std::int32_t> load;
  std::size_t n_skills = 0;
  span<const std::uint8_t> required_skill;  ///< size() × n_skills, row-major (empty = nothing required)
  span<const std::uint64_t> audience;
  span<const std::int32_t> region;
  span<const std::int32_t> min_tier;
  span<const std::int32_t> max_tier;
  span<const std::uint8_t> confidential;

  /// Every column but required_skill (a matrix, with n_skills), in the order the checks read them:
  /// f(name, column, role). The one list of the table's columns, read by task_problems and the bindings.
  template <class Self, class F>
  static void for_each_column(Self& t, F&& f) {
    f("id", t.id, column_role::key);
    f("asset", t.asset, column_role::required);
    f("horizon", t.horizon, column_role::required);
    f("direction", t.direction, column_role::required);
    f("slots", t.slots, column_role::required);
    f("window_start", t.window_start, column_role::optional);
    f("window_end", t.window_end, column_role::optional);
    f("load", t.load, column_role::optional);
    f("audience", t.audience, column_role::optional);
    f("region", t.region, column_role::optional);
    f("min_tier", t.min_tier, column_role::optional);
    f("max_tier", t.max_tier, column_role::optional);
    f("confidential", t.confidential, column_role::optional);
  }

  std::size_t size() const noexcept { return id.size(); }

  // Row accessors with the documented defaults for absent optional columns.
  std::int64_t start_of(std::size_t t) const noexcept {
    return window_start.empty() ? std::numeric_limits<std::int64_t>::min() : window_start[t];
  }
  std::int64_t end_of(std::size_t t) const noexcept {
    return window_end.empty() ? std::numeric_limits<std::int64_t>::max() : window_end[t];
  }
  std::int32_t load_of(std::size_t t) const noexcept { return load.empty() ? 1 : load[t]; }
  std::uint64_t audience_of(std::size_t t) const noexcept { return audience.empty() ? 0 : audience[t]; }
  std::int32_t region_of(std::size_t t) const noexcept { return region.empty() ? -1 : region[t]; }
  std::int32_t min_tier_of(std::size_t t) const noexcept { return min_tier.empty() ? 0 : min_tier[t]; }
  std::int32_t max_tier_of(std::size_t t) const noexcept {
    return max_tier.empty() ? std::numeric_limits<std::int32_t>::max() : max_tier[t];
  }
  bool confidential_of(std::size_t t) const noexcept { return !confidential.empty() && confidential[t] != 0; }
  std::uint8_t skill_of(std::size_t t, std::size_t s) const noexcept {
    return required_skill.empty() ? 0 : required_skill[t * n_skills + s];
  }
};

/// A task table that owns its columns.
struct task_table {
  std::vector<std::int64_t> id;
  std::vector<std::uint8_t> asset, horizon, direction;
  std::vector<std::int32_t> slots;
  std::vector<std::int64_t> window_start, window_end;
  std::vector<std::int32_t> load;
  std::size_t n_skills = 0;
  std::vector<std::uint8_t> required_skill;
  std::vector<std::uint64_t> audience;
  std::vector<std::int32_t> region, min_tier, max_tier;
  std::vector<std::uint8_t> confidential;

  std::size_t size() const noexcept { return id.size(); }
  task_table_view view() const {
    task_table_view v;
    v.id = id;
    v.asset = asset;
    v.horizon = horizon;
    v.direction = direction;
    v.slots = slots;
    v.window_start = window_start;
    v.window_end = window_end;
    v.load = load;
    v.n_skills = n_skills;
    v.required_skill = required_skill;
    v.audience = audience;
    v.region = region;
    v.min_tier = min_tier;
    v.max_tier = max_tier;
    v.confidential = confidential;
    return v;
  }
  operator task_table_view() const { return view(); }  // NOLINT(google-explicit-constructor)
};

namespace detail {
template <class T>
void check_rows(span<const T> col, std::size_t n, bool required, const char* name, const char* table) {
  if (col.size() == n) return;
  if (col.empty() && !required) return;
  throw error(required && col.empty() ? errc::invalid_argument : errc::length_mismatch,
              std::string("column has ") + std::to_string(col.size()) + " rows, " + table + " has " + std::to_string(n),
              -1, name);
}
}  // namespace detail

/// Every problem of the task table, at most `limit` of them (limit >= 1), each a koc::error naming its
/// row and field, in this order: column lengths (a table with a column of the wrong length is not read
/// further), then row by row every bad value (asset, horizon, direction, slots, load, window, region,
/// confidential, tier bounds), then duplicate ids. `n_tiers` is the ladder size (tier bounds are checked
/// against it); -1 skips that check. Empty when validate() accepts the table. A task with 0 slots is
/// allowed (a closed task): matching gives it nobody and reports it with match_reason::no_slots.
inline std::vector<error> task_problems(const task_table_view& t, std::int32_t n_tiers = -1, std::size_t limit = 100) {
  if (limit == 0) throw error(errc::invalid_argument, "the problem limit must be at least 1", -1, "limit");
  std::vector<error> out;
  auto report = [&](errc code, const std::string& detail, std::int64_t row, const char* field) {
    out.emplace_back(code, detail, row, field);
    return out.size() < limit;
  };
  const std::size_t m = t.size();
  auto rows = [&](std::size_t size, bool required, const char* name) {
    if (size == m || (size == 0 && !required)) return true;
    return report(required && size == 0 ? errc::invalid_argument : errc::length_mismatch,
                  "column has " + std::to_string(size) + " rows, task table has " + std::to_string(m), -1, name);
  };
  bool go_on = true;
  task_table_view::for_each_column(t, [&](const char* name, const auto& col, column_role role) {
    if (go_on && role != column_role::key) go_on = rows(col.size(), role == column_role::required, name);
  });
  if (!go_on) return out;
  if (!t.required_skill.empty() && t.required_skill.size() != m * t.n_skills &&
      !report(errc::length_mismatch,
              "required_skill must have n_tasks × n_skills = " + std::to_string(m * t.n_skills) + " entries, has " +
                  std::to_string(t.required_skill.size()),
              -1, "required_skill"))
    return out;
  if (m > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    report(errc::out_of_range, "too many tasks for int32 task indices", -1, "id");
  if (!out.empty()) return out;  // the values of a table of the wrong shape are not read
  const std::string ladder = n_tiers >= 0 ? " (0.." + std::to_string(n_tiers - 1) + ")" : std::string();
  for (std::size_t i = 0; i < m; ++i) {
    const auto row = static_cast<std::int64_t>(i);
    const auto lo = t.min_tier_of(i), hi = t.max_tier_of(i);
    const bool ok =
        (t.asset[i] < n_asset_types || report(errc::unknown_name, "unknown asset type code " + std::to_string(t.asset[i]), row, "asset")) &&
        (t.horizon[i] < n_horizons || report(errc::unknown_name, "unknown horizon code " + std::to_string(t.horizon[i]), row, "horizon")) &&
        (t.direction[i] < n_directions ||
         report(errc::unknown_name, "unknown direction code " + std::to_string(t.direction[i]), row, "direction")) &&
        (t.slots[i] >= 0 || report(errc::invalid_value, "slots must be >= 0", row, "slots")) &&
        (t.load.empty() || t.load[i] >= 1 || report(errc::invalid_value, "load must be >= 1", row, "load")) &&
        (t.start_of(i) < t.end_of(i) || report(errc::invalid_value, "window_end must be after window_start", row, "window_end")) &&
        (t.region.empty() || t.region[i] >= -1 || report(errc::invalid_value, "region must be >= 0 or -1 (any)", row, "region")) &&
        (t.confidential.empty() || t.confidential[i] <= 1 ||
         report(errc::invalid_value, "confidential must be 0 or 1", row, "confidential")) &&
        (lo >= 0 || report(errc::unknown_name, "min_tier is not on the ladder", row, "min_tier")) &&
        (n_tiers < 0 || lo < 0 || lo < n_tiers || report(errc::unknown_name, "min_tier is not on the ladder" + ladder, row, "min_tier")) &&
        (t.max_tier.empty() || hi >= lo || report(errc::invalid_value, "max_tier must be >= min_tier", row, "max_tier")) &&
        (n_tiers < 0 || t.max_tier.empty() || hi < n_tiers ||
         report(errc::unknown_name, "max_tier is not on the ladder" + ladder, row, "max_tier"));
    if (!ok) return out;
  }
  // Every repeated id (the id index throws at the first; a problem list wants them all), same message.
  for (const auto& d : detail::duplicate_rows(t.id))
    if (!report(errc::duplicate_id, detail::duplicate_message("task id", t.id[d.first], d.second),
                static_cast<std::int64_t>(d.first), "id"))
      break;
  return out;
}

/// Throws the first of task_problems() (koc::error naming row and field) unless the task table is well
/// formed. `n_tiers` is the ladder size (tier bounds are checked against it); pass -1 to skip that check.
inline void validate(const task_table_view& t, std::int32_t n_tiers = -1) {
  auto problems = task_problems(t, n_tiers, 1);
  if (!problems.empty()) throw problems.front();
}

}  // namespace koc

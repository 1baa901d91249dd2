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
//   budget         int64   minor units of the task's currency; carried for rewards, never read here [0]
//   campaign_id    int64   carried, never read here                                      [0]
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
  span<const std::int64_t> budget;
  span<const std::int64_t> campaign_id;

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
  std::vector<std::int64_t> budget, campaign_id;

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
    v.budget = budget;
    v.campaign_id = campaign_id;
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

/// Throws koc::error unless the task table is well formed. `n_tiers` is the ladder size (tier bounds
/// are checked against it); pass -1 to skip that check.
inline void validate(const task_table_view& t, std::int32_t n_tiers = -1) {
  const std::size_t m = t.size();
  using detail::check_rows;
  check_rows(t.asset, m, true, "asset", "task table");
  check_rows(t.horizon, m, true, "horizon", "task table");
  check_rows(t.direction, m, true, "direction", "task table");
  check_rows(t.slots, m, true, "slots", "task table");
  check_rows(t.window_start, m, false, "window_start", "task table");
  check_rows(t.window_end, m, false, "window_end", "task table");
  check_rows(t.load, m, false, "load", "task table");
  check_rows(t.audience, m, false, "audience", "task table");
  check_rows(t.region, m, false, "region", "task table");
  check_rows(t.min_tier, m, false, "min_tier", "task table");
  check_rows(t.max_tier, m, false, "max_tier", "task table");
  check_rows(t.confidential, m, false, "confidential", "task table");
  check_rows(t.budget, m, false, "budget", "task table");
  check_rows(t.campaign_id, m, false, "campaign_id", "task table");
  if (!t.required_skill.empty() && t.required_skill.size() != m * t.n_skills)
    throw error(errc::length_mismatch,
                "required_skill must have n_tasks × n_skills = " + std::to_string(m * t.n_skills) + " entries, has " +
                    std::to_string(t.required_skill.size()),
                -1, "required_skill");
  if (m > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error(errc::out_of_range, "too many tasks for int32 task indices", -1, "id");
  for (std::size_t i = 0; i < m; ++i) {
    const auto row = static_cast<std::int64_t>(i);
    if (t.asset[i] >= n_asset_types) throw error(errc::unknown_name, "unknown asset type code " + std::to_string(t.asset[i]), row, "asset");
    if (t.horizon[i] >= n_horizons) throw error(errc::unknown_name, "unknown horizon code " + std::to_string(t.horizon[i]), row, "horizon");
    if (t.direction[i] >= n_directions) throw error(errc::unknown_name, "unknown direction code " + std::to_string(t.direction[i]), row, "direction");
    if (t.slots[i] < 0) throw error(errc::invalid_value, "slots must be >= 0", row, "slots");
    if (!t.load.empty() && t.load[i] < 1) throw error(errc::invalid_value, "load must be >= 1", row, "load");
    if (t.start_of(i) >= t.end_of(i)) throw error(errc::invalid_value, "window_end must be after window_start", row, "window_end");
    if (!t.region.empty() && t.region[i] < -1) throw error(errc::invalid_value, "region must be >= 0 or -1 (any)", row, "region");
    if (!t.confidential.empty() && t.confidential[i] > 1) throw error(errc::invalid_value, "confidential must be 0 or 1", row, "confidential");
    const auto lo = t.min_tier_of(i), hi = t.max_tier_of(i);
    if (lo < 0) throw error(errc::unknown_name, "min_tier is not on the ladder", row, "min_tier");
    if (!t.max_tier.empty() && (hi < lo)) throw error(errc::invalid_value, "max_tier must be >= min_tier", row, "max_tier");
    if (n_tiers >= 0) {
      if (lo >= n_tiers) throw error(errc::unknown_name, "min_tier is not on the ladder (0.." + std::to_string(n_tiers - 1) + ")", row, "min_tier");
      if (!t.max_tier.empty() && hi >= n_tiers)
        throw error(errc::unknown_name, "max_tier is not on the ladder (0.." + std::to_string(n_tiers - 1) + ")", row, "max_tier");
    }
  }
  detail::id_index(t.id, detail::task_id_column());  // duplicate ids: the later row, naming the first
}

}  // namespace koc

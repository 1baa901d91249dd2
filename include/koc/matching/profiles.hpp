// KOC matching profiles: what matching needs to know about each KOC, as columns aligned row for row
// with the roster (row i here is row i of the roster and of the tier result).
//
//   koc::koc_profiles p;                           // owning: capacity, skills, audience, region, ...
//   koc::koc_profile_view v = p.view();
//   koc::attach(v, roster, tier_result);           // borrows id, clearance, quality, on_time_rate,
//                                                  // final_tier and honorary without copying
//
// Columns (n = number of KOCs); optional ones are empty (default in brackets) or have n rows.
//   id               int64   the roster's KOC id (declines and preferences refer to it)      (required)
//   tier             int32   final_tier from classification, a ladder index                   (required)
//   capacity         int32   remaining load the KOC can take now, >= 0                        (required)
//   skill            uint8   n × n_skills, row-major, skill/style level (0 = none)            [all 0]
//   audience         uint64  audience segments the KOC reaches, one bit per segment            [0]
//   region           int32   region code, -1 = unknown (then only "any region" tasks fit)      [-1]
//   available_start  int64   unix seconds, availability [start, end)                          [INT64_MIN]
//   available_end    int64   unix seconds                                                     [INT64_MAX]
//   opted_out        uint32  task kinds the KOC declined in general: bit koc::opt_out_bit(...) [0]
//   recent_tasks     int32   tasks done in the rotation window, >= 0 (fairness term)          [0]
//   clearance        uint8   1 = NDA signed (from the roster)                                 [0]
//   honorary         uint8   1 = honorary status (from the tier result)                       [0]
//   quality          double  content quality in [0, 1] (roster metric)                        [0]
//   on_time_rate     double  share of tasks on time in [0, 1] (roster metric)                 [0]
//
// Two-way selection (article 004), as separate tables referring to ids:
//   declines:     (koc_id, task_id) pairs: the KOC refuses that task (a hard rule)
//   preferences:  (koc_id, task_id, rank) triples, rank >= 1, 1 = most wanted (a fit term, and the
//                 KOC side's ranking in stable matching)
#pragma once

#include <koc/error.hpp>
#include <koc/matching/tasks.hpp>
#include <koc/roster.hpp>
#include <koc/span.hpp>
#include <koc/tiers/result.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc {

/// Bit of `opted_out` for an asset type (bits 0-3), a horizon (bits 4-7) or a direction (bits 8-9).
constexpr std::uint32_t opt_out_bit(asset_type a) noexcept { return 1u << static_cast<unsigned>(a); }
constexpr std::uint32_t opt_out_bit(task_horizon h) noexcept { return 1u << (4u + static_cast<unsigned>(h)); }
constexpr std::uint32_t opt_out_bit(task_direction d) noexcept { return 1u << (8u + static_cast<unsigned>(d)); }
/// The opt-out bits a task of this kind hits (any of them set excludes the KOC).
constexpr std::uint32_t task_kind_bits(std::uint8_t asset, std::uint8_t horizon, std::uint8_t direction) noexcept {
  return (1u << asset) | (1u << (4u + horizon)) | (1u << (8u + direction));
}
constexpr std::uint32_t opt_out_mask_all = 0x3FFu;

/// Borrowed KOC profile columns. See the file comment.
struct koc_profile_view {
  span<const std::int64_t> id;
  span<const std::int32_t> tier;
  span<const std::int32_t> capacity;
  std::size_t n_skills = 0;
  span<const std::uint8_t> skill;
  span<const std::uint64_t> audience;
  span<const std::int32_t> region;
  span<const std::int64_t> available_start;
  span<const std::int64_t> available_end;
  span<const std::uint32_t> opted_out;
  span<const std::int32_t> recent_tasks;
  span<const std::uint8_t> clearance;
  span<const std::uint8_t> honorary;
  span<const double> quality;
  span<const double> on_time_rate;

  /// Every column but skill (a matrix, with n_skills), in the order the checks read them: f(name, column,
  /// role). The one list of the table's columns, read by validate and the bindings.
  template <class Self, class F>
  static void for_each_column(Self& p, F&& f) {
    f("id", p.id, column_role::key);
    f("tier", p.tier, column_role::required);
    f("capacity", p.capacity, column_role::required);
    f("audience", p.audience, column_role::optional);
    f("region", p.region, column_role::optional);
    f("available_start", p.available_start, column_role::optional);
    f("available_end", p.available_end, column_role::optional);
    f("opted_out", p.opted_out, column_role::optional);
    f("recent_tasks", p.recent_tasks, column_role::optional);
    f("clearance", p.clearance, column_role::optional);
    f("honorary", p.honorary, column_role::optional);
    f("quality", p.quality, column_role::optional);
    f("on_time_rate", p.on_time_rate, column_role::optional);
  }

  std::size_t size() const noexcept { return id.size(); }

  std::int64_t start_of(std::size_t k) const noexcept {
    return available_start.empty() ? std::numeric_limits<std::int64_t>::min() : available_start[k];
  }
  std::int64_t end_of(std::size_t k) const noexcept {
    return available_end.empty() ? std::numeric_limits<std::int64_t>::max() : available_end[k];
  }
  std::uint64_t audience_of(std::size_t k) const noexcept { return audience.empty() ? 0 : audience[k]; }
  std::int32_t region_of(std::size_t k) const noexcept { return region.empty() ? -1 : region[k]; }
  std::uint32_t opted_out_of(std::size_t k) const noexcept { return opted_out.empty() ? 0 : opted_out[k]; }
  std::int32_t recent_of(std::size_t k) const noexcept { return recent_tasks.empty() ? 0 : recent_tasks[k]; }
  bool clearance_of(std::size_t k) const noexcept { return !clearance.empty() && clearance[k] != 0; }
  bool honorary_of(std::size_t k) const noexcept { return !honorary.empty() && honorary[k] != 0; }
  double quality_of(std::size_t k) const noexcept { return quality.empty() ? 0.0 : quality[k]; }
  double on_time_of(std::size_t k) const noexcept { return on_time_rate.empty() ? 0.0 : on_time_rate[k]; }
  std::uint8_t skill_of(std::size_t k, std::size_t s) const noexcept {
    return skill.empty() ? 0 : skill[k * n_skills + s];
  }
};

/// Owning profile columns (for C++ callers and tests). Columns left empty take their defaults.
struct koc_profiles {
  std::vector<std::int64_t> id;
  std::vector<std::int32_t> tier, capacity;
  std::size_t n_skills = 0;
  std::vector<std::uint8_t> skill;
  std::vector<std::uint64_t> audience;
  std::vector<std::int32_t> region;
  std::vector<std::int64_t> available_start, available_end;
  std::vector<std::uint32_t> opted_out;
  std::vector<std::int32_t> recent_tasks;
  std::vector<std::uint8_t> clearance, honorary;
  std::vector<double> quality, on_time_rate;

  std::size_t size() const noexcept { return id.size(); }
  koc_profile_view view() const {
    koc_profile_view v;
    v.id = id;
    v.tier = tier;
    v.capacity = capacity;
    v.n_skills = n_skills;
    v.skill = skill;
    v.audience = audience;
    v.region = region;
    v.available_start = available_start;
    v.available_end = available_end;
    v.opted_out = opted_out;
    v.recent_tasks = recent_tasks;
    v.clearance = clearance;
    v.honorary = honorary;
    v.quality = quality;
    v.on_time_rate = on_time_rate;
    return v;
  }
  operator koc_profile_view() const { return view(); }  // NOLINT(google-explicit-constructor)
};

/// Borrows id, clearance, quality and on_time_rate from the roster and final_tier and honorary from
/// its classification. Both must outlive `v`.
inline void attach(koc_profile_view& v, const roster_view& r, const tier_result& t) {
  v.id = r.id;
  v.clearance = r.clearance;
  v.quality = r.column(metric::quality);
  v.on_time_rate = r.column(metric::on_time_rate);
  v.tier = t.final_tier;
  v.honorary = t.honorary;
}

/// (koc_id, task_id) pairs: the KOC declines that task.
struct declines_view {
  span<const std::int64_t> koc_id;
  span<const std::int64_t> task_id;
  std::size_t size() const noexcept { return koc_id.size(); }
};

/// (koc_id, task_id, rank) triples supplied by KOCs; rank >= 1, 1 = most wanted.
struct koc_preferences_view {
  span<const std::int64_t> koc_id;
  span<const std::int64_t> task_id;
  span<const std::int32_t> rank;
  std::size_t size() const noexcept { return koc_id.size(); }
};

/// Throws koc::error unless the profiles are well formed. `n_tiers`: ladder size, -1 to skip.
inline void validate(const koc_profile_view& p, std::int32_t n_tiers = -1) {
  const std::size_t n = p.size();
  koc_profile_view::for_each_column(p, [n](const char* name, const auto& col, column_role role) {
    if (role != column_role::key) detail::check_rows(col, n, role == column_role::required, name, "profile table");
  });
  if (!p.skill.empty() && p.skill.size() != n * p.n_skills)
    throw error(errc::length_mismatch,
                "skill must have n_kocs × n_skills = " + std::to_string(n * p.n_skills) + " entries, has " +
                    std::to_string(p.skill.size()),
                -1, "skill");
  for (std::size_t k = 0; k < n; ++k) {
    const auto row = static_cast<std::int64_t>(k);
    if (p.capacity[k] < 0) throw error(errc::invalid_value, "capacity must be >= 0", row, "capacity");
    if (p.tier[k] < 0 || (n_tiers >= 0 && p.tier[k] >= n_tiers))
      throw error(errc::unknown_name, "tier " + std::to_string(p.tier[k]) + " is not on the ladder", row, "tier");
    if (!p.region.empty() && p.region[k] < -1) throw error(errc::invalid_value, "region must be >= 0 or -1 (unknown)", row, "region");
    if (p.start_of(k) >= p.end_of(k)) throw error(errc::invalid_value, "available_end must be after available_start", row, "available_end");
    if (!p.recent_tasks.empty() && p.recent_tasks[k] < 0) throw error(errc::invalid_value, "recent_tasks must be >= 0", row, "recent_tasks");
    if (p.opted_out_of(k) & ~opt_out_mask_all) throw error(errc::invalid_value, "opted_out has bits above bit 9", row, "opted_out");
    if (!p.quality.empty() && !(p.quality[k] >= 0 && p.quality[k] <= 1))
      throw error(errc::invalid_value, "quality must be in [0, 1]", row, "quality");
    if (!p.on_time_rate.empty() && !(p.on_time_rate[k] >= 0 && p.on_time_rate[k] <= 1))
      throw error(errc::invalid_value, "on_time_rate must be in [0, 1]", row, "on_time_rate");
  }
}

}  // namespace koc

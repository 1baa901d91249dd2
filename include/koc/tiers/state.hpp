// Tier state from one period to the next: what a classification needs of last period, as data.
//
//   koc::tier_state last = ...;                              // last period's state (empty: a new programme)
//   koc::roster r = ...;                                     // this period's metrics
//   koc::apply_tier_state(r, n_tiers, last, revocations);    // fills previous_tier, periods_below, honorary
//   auto ov = koc::tier_overrides_for(r.view(), n_tiers, last, new_overrides);  // standing + new ones
//   koc::classify_options o;  o.as_of = period_start;         // unix seconds: which overrides have expired
//   koc::tier_result t = koc::classify(r, policy, ov, o);
//   koc::tier_state next = koc::next_tier_state(r, t, last, ov);  // keep it for next period
//
// STATE COLUMNS (one row per KOC the programme has known; ids unique):
//   koc_id         int64   the KOC
//   tier           int32   index on the policy's ladder of the KOC's final tier last period (-1: none)
//   periods_below  int32   consecutive periods below that tier's keep threshold (the grace counter)
//   honorary       uint8   1 = holds the honorary status: flagged, or earned by the lifetime rule. Once
//                          earned it is kept for life, whatever later metrics say, unless revoked.
//   override_tier  int32   the standing manual placement (ladder index), -1 none; with it:
//   override_reason, override_author   text (the reason is required; the author may be empty)
//   override_expires_at    int64   unix seconds from which it no longer applies, -1 never
//   (The override columns may be left empty, all of them: a state without overrides.)
//
// Rules:
//   * A KOC of the roster that the state does not know is new (previous tier -1, counter 0, honour from
//     the roster's own honorary flag).
//   * The roster's honorary flag and the state's honour are or-ed: the CRM's flag cannot take away an
//     honour the programme gave.
//   * A revocation (KOC id and a reason, both required) takes the honour away before this period is
//     classified; the lifetime rule may grant it again if the KOC still meets it.
//   * KOCs of the state that are absent from the roster (a break, a paused account) keep their state
//     unchanged in next_tier_state, after the roster's KOCs, in the state's order: nobody's honour,
//     override or tier history is lost by missing a period.
//   * A standing override is given again to classify (tier_overrides_for: the state's overrides of the
//     roster's KOCs, then this period's new ones, a new one replacing the standing one of its KOC), and
//     stands in the next state while classify applied it; one that has expired (classify reports it in
//     expired_overrides) is not carried.
// Pure functions of their inputs; O((n + m) log(n + m)) time (sorted id lookups, as classify's overrides).
#pragma once

#include <koc/detail/id_index.hpp>
#include <koc/error.hpp>
#include <koc/roster.hpp>
#include <koc/span.hpp>
#include <koc/tiers/classify.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace koc {

/// Borrowed state columns (see the file comment).
struct tier_state_view {
  tier_state_view() = default;
  tier_state_view(span<const std::int64_t> ids, span<const std::int32_t> tiers, span<const std::int32_t> below,
                  span<const std::uint8_t> honours, span<const std::int32_t> ov_tier = {}, span<const std::string> ov_reason = {},
                  span<const std::string> ov_author = {}, span<const std::int64_t> ov_expires_at = {})
      : koc_id(ids), tier(tiers), periods_below(below), honorary(honours), override_tier(ov_tier), override_reason(ov_reason),
        override_author(ov_author), override_expires_at(ov_expires_at) {}

  span<const std::int64_t> koc_id;
  span<const std::int32_t> tier;
  span<const std::int32_t> periods_below;
  span<const std::uint8_t> honorary;
  /// Standing overrides, one per row (override_tier -1: none); all empty = no overrides.
  span<const std::int32_t> override_tier;
  span<const std::string> override_reason, override_author;
  span<const std::int64_t> override_expires_at;

  std::size_t size() const noexcept { return koc_id.size(); }
  bool has_overrides() const noexcept { return !override_tier.empty(); }
};

/// State columns owned (what next_tier_state returns).
struct tier_state {
  std::vector<std::int64_t> koc_id;
  std::vector<std::int32_t> tier, periods_below;
  std::vector<std::uint8_t> honorary;
  std::vector<std::int32_t> override_tier;  ///< -1: none (the four override columns are all filled or all empty)
  std::vector<std::string> override_reason, override_author;
  std::vector<std::int64_t> override_expires_at;

  std::size_t size() const noexcept { return koc_id.size(); }
  tier_state_view view() const {
    return {koc_id, tier, periods_below, honorary, override_tier, override_reason, override_author, override_expires_at};
  }
  operator tier_state_view() const { return view(); }  // NOLINT(google-explicit-constructor)
};

/// The honour of one KOC taken away, with the reason (required: it is the audit trail).
struct honour_revocation {
  std::int64_t koc_id = 0;
  std::string reason;
};

/// Last period's state as roster columns, one value per roster row (new KOCs: -1, 0, the roster's flag).
struct tier_state_columns {
  std::vector<std::int32_t> previous_tier, periods_below;
  std::vector<std::uint8_t> honorary;
};

namespace detail {

inline void check_state(const tier_state_view& s, std::int32_t n_tiers, const char* prefix) {
  const std::size_t m = s.size();
  const auto field = [&](const char* f) { return std::string(prefix) + f; };
  const auto same_length = [&](std::initializer_list<std::pair<std::size_t, const char*>> columns) {
    for (const auto& c : columns)
      if (c.first != m)
        throw error(errc::length_mismatch, "state column has " + std::to_string(c.first) + " values, koc_id has " + std::to_string(m),
                    -1, field(c.second));
  };
  const auto on_ladder = [&](std::int32_t tier, std::size_t i, const char* what, const char* column) {
    if (tier < -1 || tier >= n_tiers)
      throw error(errc::out_of_range, std::string(what) + " " + std::to_string(tier) + " is not on the ladder (0.." +
                                          std::to_string(n_tiers - 1) + ", -1 none)", static_cast<std::int64_t>(i), field(column));
  };
  same_length({{s.tier.size(), "tier"}, {s.periods_below.size(), "periods_below"}, {s.honorary.size(), "honorary"}});
  for (std::size_t i = 0; i < m; ++i) {
    const auto row = static_cast<std::int64_t>(i);
    on_ladder(s.tier[i], i, "tier", "tier");
    if (s.periods_below[i] < 0) throw error(errc::invalid_value, "periods_below must be >= 0", row, field("periods_below"));
    if (s.honorary[i] > 1) throw error(errc::invalid_value, "honorary must be 0 or 1", row, field("honorary"));
  }
  if (!s.has_overrides()) {
    if (!s.override_reason.empty() || !s.override_author.empty() || !s.override_expires_at.empty())
      throw error(errc::length_mismatch, "the override columns go together: override_tier is missing", -1, field("override_tier"));
    return;
  }
  same_length({{s.override_tier.size(), "override_tier"}, {s.override_reason.size(), "override_reason"},
               {s.override_author.size(), "override_author"}, {s.override_expires_at.size(), "override_expires_at"}});
  for (std::size_t i = 0; i < m; ++i) {
    const auto row = static_cast<std::int64_t>(i);
    on_ladder(s.override_tier[i], i, "override tier", "override_tier");
    if (s.override_tier[i] >= 0 && s.override_reason[i].empty())
      throw error(errc::invalid_argument, "a standing override needs its reason", row, field("override_reason"));
    if (s.override_expires_at[i] < -1)
      throw error(errc::invalid_value, "override_expires_at must be unix seconds >= 0, or -1 for never", row, field("override_expires_at"));
  }
}

inline tier_override state_override(const tier_state_view& s, std::size_t j) {
  return tier_override{s.koc_id[j], s.override_tier[j], s.override_reason[j], s.override_author[j], s.override_expires_at[j]};
}

}  // namespace detail

/// Last period's state aligned to the roster's rows, honours revoked first. Throws koc::error naming the
/// row and the field ("state.<column>", "revocations.<column>") on a bad state or revocation.
inline tier_state_columns tier_state_for(const roster_view& roster, std::int32_t n_tiers, const tier_state_view& last,
                                         const std::vector<honour_revocation>& revocations = {}) {
  detail::check_state(last, n_tiers, "state.");
  const std::size_t n = roster.size();
  if (!roster.honorary.empty() && roster.honorary.size() != n)
    throw error(errc::length_mismatch, "honorary has " + std::to_string(roster.honorary.size()) + " values, id has " + std::to_string(n), -1,
                "honorary");
  // The roster's own id rules (classify's: any int64 id), so the state takes every roster classify takes.
  const detail::id_index state_rows(last.koc_id, detail::roster_id_column("state.koc_id"));
  const detail::id_index roster_rows(roster.id, detail::roster_id_column());
  std::vector<std::uint8_t> revoked(n, 0);
  for (std::size_t k = 0; k < revocations.size(); ++k) {
    const auto row = static_cast<std::int64_t>(k);
    if (revocations[k].reason.empty()) throw error(errc::invalid_argument, "a revocation needs a reason", row, "revocations.reason");
    const std::int32_t i = roster_rows.find(revocations[k].koc_id);
    if (i < 0)
      throw error(errc::unknown_id, "revocation for KOC id " + std::to_string(revocations[k].koc_id) + ", not in the roster", row,
                  "revocations.koc_id");
    revoked[static_cast<std::size_t>(i)] = 1;
  }
  tier_state_columns out;
  out.previous_tier.assign(n, -1);
  out.periods_below.assign(n, 0);
  out.honorary.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t s = state_rows.find(roster.id[i]);
    std::uint8_t honour = roster.honorary.empty() ? 0 : roster.honorary[i] != 0;
    if (s >= 0) {
      const auto j = static_cast<std::size_t>(s);
      out.previous_tier[i] = last.tier[j];
      out.periods_below[i] = last.periods_below[j];
      honour = static_cast<std::uint8_t>(honour | last.honorary[j]);
    }
    out.honorary[i] = revoked[i] ? 0 : honour;
  }
  return out;
}

/// Fills the roster's previous_tier, periods_below and honorary columns from last period's state
/// (tier_state_for). The roster must not already carry previous_tier or periods_below: one source of
/// last period's facts.
inline void apply_tier_state(roster& r, std::int32_t n_tiers, const tier_state_view& last,
                             const std::vector<honour_revocation>& revocations = {}) {
  if (!r.previous_tier.empty() || !r.periods_below.empty())
    throw error(errc::invalid_argument, "the roster already has previous_tier / periods_below: give last period's state or those "
                                        "columns, not both", -1, r.previous_tier.empty() ? "periods_below" : "previous_tier");
  tier_state_columns c = tier_state_for(r.view(), n_tiers, last, revocations);
  r.previous_tier = std::move(c.previous_tier);
  r.periods_below = std::move(c.periods_below);
  r.honorary = std::move(c.honorary);
}

/// The overrides to give classify this period: the state's standing overrides of the roster's KOCs (in
/// roster order), then `added` (this period's new ones, in their order); a new override replaces the
/// standing one of its KOC. Throws koc::error naming "state.<column>" on a bad state.
inline std::vector<tier_override> tier_overrides_for(const roster_view& roster, std::int32_t n_tiers, const tier_state_view& last,
                                                     const std::vector<tier_override>& added = {}) {
  detail::check_state(last, n_tiers, "state.");
  std::vector<tier_override> out;
  if (last.has_overrides()) {
    std::vector<std::int64_t> added_ids;
    added_ids.reserve(added.size());
    for (const auto& o : added) added_ids.push_back(o.koc_id);
    std::sort(added_ids.begin(), added_ids.end());
    const detail::id_index state_rows(last.koc_id, detail::roster_id_column("state.koc_id"));
    for (std::size_t i = 0; i < roster.size(); ++i) {
      const std::int32_t s = state_rows.find(roster.id[i]);
      if (s < 0 || last.override_tier[static_cast<std::size_t>(s)] < 0) continue;
      if (std::binary_search(added_ids.begin(), added_ids.end(), roster.id[i])) continue;  // replaced
      out.push_back(detail::state_override(last, static_cast<std::size_t>(s)));
    }
  }
  out.insert(out.end(), added.begin(), added.end());
  return out;
}

/// The state after this period: the roster's KOCs (final tier, updated counter, honorary status: the
/// roster's honour, which tier_state_for carried over, or the lifetime rule; the override classify
/// applied, if any, from `overrides`, the list it was given) in roster order, then the KOCs of `last`
/// that the roster does not list, unchanged, in their order. The override columns are filled when
/// `overrides` or `last`'s override columns are not empty.
inline tier_state next_tier_state(const roster_view& roster, const tier_result& result, const tier_state_view& last = {},
                                  const std::vector<tier_override>& overrides = {}) {
  const std::size_t n = roster.size();
  if (result.final_tier.size() != n || result.periods_below.size() != n || result.honorary.size() != n)
    throw error(errc::length_mismatch, "the tier result is not the roster's (" + std::to_string(result.final_tier.size()) + " rows, roster " +
                                           std::to_string(n) + ")", -1, "result");
  const bool with_overrides = !overrides.empty() || last.has_overrides();
  if (with_overrides && result.override_index.size() != n)
    throw error(errc::length_mismatch, "the tier result has no override column for the roster", -1, "result");
  const detail::id_index roster_rows(roster.id, detail::roster_id_column());
  tier_state next;
  next.koc_id.assign(roster.id.begin(), roster.id.end());
  next.tier = result.final_tier;
  next.periods_below = result.periods_below;
  next.honorary = result.honorary;
  if (with_overrides) {
    next.override_tier.assign(n, -1);
    next.override_reason.assign(n, std::string());
    next.override_author.assign(n, std::string());
    next.override_expires_at.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t k = result.override_index[i];
      if (k < 0) continue;
      if (static_cast<std::size_t>(k) >= overrides.size())
        throw error(errc::invalid_argument, "the tier result applied override " + std::to_string(k) + ", but " +
                                                std::to_string(overrides.size()) + " overrides were given", static_cast<std::int64_t>(i),
                    "overrides");
      const tier_override& o = overrides[static_cast<std::size_t>(k)];
      next.override_tier[i] = o.tier;
      next.override_reason[i] = o.reason;
      next.override_author[i] = o.author;
      next.override_expires_at[i] = o.expires_at;
    }
  }
  for (std::size_t j = 0; j < last.size(); ++j)
    if (!roster_rows.contains(last.koc_id[j])) {
      next.koc_id.push_back(last.koc_id[j]);
      next.tier.push_back(last.tier[j]);
      next.periods_below.push_back(last.periods_below[j]);
      next.honorary.push_back(last.honorary[j]);
      if (with_overrides) {
        const bool has = last.has_overrides();
        next.override_tier.push_back(has ? last.override_tier[j] : -1);
        next.override_reason.push_back(has ? last.override_reason[j] : std::string());
        next.override_author.push_back(has ? last.override_author[j] : std::string());
        next.override_expires_at.push_back(has ? last.override_expires_at[j] : -1);
      }
    }
  return next;
}

}  // namespace koc

// What classification returns and takes besides the roster and the policy: the per-KOC result columns
// (tier_result), manual overrides, the options and the roster-wide reference statistics. Their own
// header so that the stages after tiers (matching's profiles and eligibility, the ledger) read a tier
// result without compiling the classifier.
#pragma once

#include <koc/roster.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace koc {

/// Why a KOC's (final) tier is what it is, relative to its previous tier.
enum class tier_transition : std::uint8_t {
  entered = 0,             ///< no previous tier: placed at its qualified tier
  promoted = 1,            ///< qualified above its previous tier
  demoted = 2,             ///< below keep threshold past the grace periods: down (at most max steps)
  unchanged = 3,           ///< qualifies for exactly its previous tier
  held_by_margin = 4,      ///< below promote but at or above keep threshold of its previous tier
  held_by_grace = 5,       ///< below keep threshold, within the grace periods
  held_by_honorary_floor = 6,  ///< the honorary floor decided the tier
  overridden = 7,          ///< a manual override decided the final tier
};
inline constexpr std::array<const char*, 8> tier_transition_names = {
    "entered", "promoted", "demoted", "unchanged", "held_by_margin", "held_by_grace", "held_by_honorary_floor",
    "overridden"};

/// A manual placement; it wins over the computed tier and is reported as an override. It stands from
/// period to period in the tier state (koc/tiers/state.hpp) until it expires.
struct tier_override {
  tier_override() = default;
  tier_override(std::int64_t id, std::int32_t ladder_index, std::string why, std::string by = {}, std::int64_t expires = -1)
      : koc_id(id), tier(ladder_index), reason(std::move(why)), author(std::move(by)), expires_at(expires) {}

  std::int64_t koc_id = 0;
  std::int32_t tier = 0;          ///< index on the ladder
  std::string reason;             ///< required, shown in explanations
  std::string author;             ///< who decided it (optional; kept for the audit trail)
  std::int64_t expires_at = -1;   ///< unix seconds from which it no longer applies (needs classify_options::as_of); -1: never
};

/// Roster-wide statistics for the roster-relative normalisations (percentile, min_max), supplied by the
/// caller when the roster being classified is one partition of a larger roster (distributed
/// classification: koc.dask / koc.spark). With it, classifying each partition gives, bit for bit, the
/// rows that classifying the whole roster would give. Metrics the policy normalises with `none`,
/// `log1p` or `cap` need no reference (those normalisations are row-local).
struct tier_reference {
  struct metric_ref {
    metric which = metric::posts;
    /// percentile: the distinct values of the whole roster's column, ascending, and below[k] = number of
    /// roster values < values[k]; below has one more entry, the roster size.
    std::vector<double> values;
    std::vector<std::uint64_t> below;
  std::vector<double> f;  ///< percentile of this roster's own column: each row's normalised value (mid-rank)
    /// min_max: the two smallest and two largest values of the whole column (a value appearing twice is
    /// both min1 and min2), and the roster rows of the first minimum and first maximum.
    double min1 = 0, min2 = 0, max1 = 0, max2 = 0;
    std::uint64_t argmin = 0, argmax = 0;
  };
  std::uint64_t n = 0;           ///< rows of the whole roster
  std::uint64_t row_offset = 0;  ///< roster row of this partition's row 0 (errors keep partition rows)
  std::vector<metric_ref> metrics;
};

struct classify_options {
  bool growth_gaps = true;  ///< compute growth gaps (the costliest optional output)
  /// Optional roster-wide statistics (see tier_reference); nullptr = the roster is the whole roster.
  const tier_reference* reference = nullptr;
  /// The period's date, unix seconds: an override with expires_at <= as_of has expired. -1: not given
  /// (then an override with an expiry is refused: whether it applies cannot be told).
  std::int64_t as_of = -1;
};

/// Per-KOC results as columns (n = roster size). Matrices are column-major: term t of KOC i at [t·n + i].
struct tier_result {
  std::size_t n_kocs = 0;
  std::vector<metric> terms;        ///< the policy's weighted metrics, in score order
  std::vector<metric> gap_metrics;  ///< metrics with a growth gap column (every metric the policy reads)

  std::vector<std::int32_t> qualified_tier;  ///< highest tier whose threshold and gates pass
  std::vector<std::int32_t> computed_tier;   ///< after hysteresis and honorary floor
  std::vector<std::int32_t> final_tier;      ///< after overrides
  std::vector<double> score;                 ///< Σ contributions
  std::vector<double> contributions;         ///< n × terms.size()
  std::vector<std::int32_t> blocked_tier;    ///< highest tier above qualified whose score threshold passed, or -1
  std::vector<std::int32_t> blocked_gate;    ///< index of its first failing gate, or -1
  std::vector<std::int32_t> next_tier;       ///< computed_tier + 1, or -1 at the top
  /// n × gap_metrics.size(): the smallest change of that metric alone that reaches the next tier; +inf =
  /// unreachable by that metric alone; empty when classify_options::growth_gaps is false. Whole numbers
  /// for integral metrics, exact up to 2^53; beyond 2^53, where doubles are 2 or more apart and cannot
  /// count every whole number, the gap is the smallest qualifying double (the true whole-number gap lies
  /// between the next lower double, exclusive, and it). Continuous metrics: minimal to a relative 1e-12.
  std::vector<double> growth_gap;
  std::vector<std::uint8_t> transition;      ///< tier_transition
  std::vector<std::int32_t> periods_below;   ///< updated counter for the next period
  std::vector<std::uint8_t> honorary;        ///< honorary status (flag or lifetime rule)
  std::vector<std::int32_t> override_index;  ///< index into the overrides, or -1
  /// Overrides not applied because they had expired as of classify_options::as_of (indices, ascending):
  /// nothing given is dropped without a trace.
  std::vector<std::int32_t> expired_overrides;

  double contribution(std::size_t i, std::size_t term) const { return contributions[term * n_kocs + i]; }
  double gap(std::size_t i, std::size_t k) const { return growth_gap[k * n_kocs + i]; }
  tier_transition transition_of(std::size_t i) const { return static_cast<tier_transition>(transition[i]); }
};

}  // namespace koc

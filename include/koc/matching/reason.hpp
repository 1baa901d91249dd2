// Why a KOC keeps spare capacity or a task keeps unfilled slots: the one answer every matcher gives
// (capacitated_assignment, stable_matching, match), with one name table. The C ABI's koc_match_reason
// and Python's reason names have the same values and names.
#pragma once

#include <array>
#include <cstdint>

namespace koc {

/// One reason per row; the count of spare units is capacity - load, resp. slots - filled.
enum class match_reason : std::uint8_t {
  none = 0,                        ///< at capacity / fully filled
  nobody_eligible = 1,             ///< no candidate pair at all (see the eligibility exclusions)
  all_candidates_at_capacity = 2,  ///< every candidate pair of the row is chosen or its other end is full
  better_pairs_chosen = 3,         ///< optimal: a pair with room at both ends is unchosen because taking it
                                   ///< would lower the total (or its score is <= 0 under max_score);
                                   ///< never under max_fill_then_score
  outranked = 4,                   ///< stable: each unchosen candidate is full with partners it prefers
  no_slots = 5,                    ///< match: a task with 0 slots (closed): it takes nobody, and is neither
                                   ///< filled nor short
};
inline constexpr std::array<const char*, 6> match_reason_names = {
    "none", "nobody_eligible", "all_candidates_at_capacity", "better_pairs_chosen", "outranked", "no_slots"};

inline const char* match_reason_name(match_reason r) noexcept {
  const auto i = static_cast<std::size_t>(r);
  return i < match_reason_names.size() ? match_reason_names[i] : "unknown";
}

}  // namespace koc

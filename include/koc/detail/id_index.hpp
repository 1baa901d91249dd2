// id -> row index of one id column: the one lookup by id in koc (roster KOCs, tasks, tier state, ledger
// tasks and KOCs, settled lines, declines, overrides). build() checks the column once: ids unique
// (duplicate_id naming the later row, the message naming the first), and, unless negatives are allowed
// for that column, >= 0 (invalid_value). Every error names the caller's field.
#pragma once

#include <koc/error.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace koc::detail {

/// "duplicate <noun> <id> (first at row <first>)": the one wording of a repeated id.
inline std::string duplicate_message(const std::string& noun, std::int64_t id, std::size_t first) {
  return "duplicate " + noun + " " + std::to_string(id) + " (first at row " + std::to_string(first) + ")";
}

/// Every row whose key repeats an earlier row's, as (row, first row of that key), in row order, from
/// (key, row) pairs in any order: for problem lists that report them all (id_index stops at the first).
template <class Key>
std::vector<std::pair<std::size_t, std::size_t>> repeated_keys(std::vector<std::pair<Key, std::size_t>> keyed) {
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::pair<std::size_t, std::size_t>> dup;
  for (std::size_t i = 1, first = 0; i < keyed.size(); ++i) {
    if (keyed[i].first != keyed[i - 1].first) first = i;
    else dup.emplace_back(keyed[i].second, keyed[first].second);
  }
  std::sort(dup.begin(), dup.end());
  return dup;
}

/// repeated_keys of an id column.
inline std::vector<std::pair<std::size_t, std::size_t>> duplicate_rows(span<const std::int64_t> ids) {
  std::vector<std::pair<std::int64_t, std::size_t>> keyed(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) keyed[i] = {ids[i], i};
  return repeated_keys(std::move(keyed));
}

/// id → row. Four layouts, chosen by build() from the ids themselves, fastest first:
/// - consecutive: ids min, min + 1, ... in row order (a generated or renumbered table): row = id - min,
///   no table;
/// - direct: the ids are dense enough (max - min < 4n + 64): a table indexed by id - min;
/// - increasing: strictly increasing but sparse, and few (n <= kSearchedRows): find() binary-searches the
///   column itself (in cache at that size), which must outlive the index;
/// - hashed: open addressing with linear probing, at least twice as many slots as ids.
/// Whatever the layout, find() returns the same row (ids are unique), so the choice is invisible. (A
/// binary search over a large column costs about 20 cache misses a lookup: the ledger ran at half speed
/// when a sorted 1M-KOC roster was searched that way, hence the bound.)
class id_index {
 public:
  struct column {
    std::string field;         ///< the caller's column name, in every error
    std::string noun = "id";   ///< in messages: "duplicate <noun> 7 (first at row 2)"
    bool negative_ok = false;  ///< roster and state KOC ids may be any int64; task and ledger ids are >= 0
  };

  /// Above this many rows a sorted sparse column is hashed rather than binary-searched.
  static constexpr std::size_t kSearchedRows = 4096;

  id_index() = default;
  id_index(span<const std::int64_t> ids, column c) { build(ids, std::move(c)); }

  void build(span<const std::int64_t> ids, column c) {
    const std::size_t n = ids.size();
    ids_ = ids;
    keys_.clear();
    slots_.clear();
    layout_ = layout::increasing;
    min_ = 0;
    if (n == 0) return;
    std::int64_t lo = ids[0], hi = ids[0];
    bool increasing = true;
    for (std::size_t i = 0; i < n; ++i) {
      if (ids[i] < 0 && !c.negative_ok) throw error(errc::invalid_value, c.noun + " is negative", static_cast<std::int64_t>(i), c.field);
      lo = std::min(lo, ids[i]);
      hi = std::max(hi, ids[i]);
      if (i > 0) increasing = increasing && ids[i - 1] < ids[i];
    }
    // hi - lo as unsigned: it may exceed INT64_MAX when negatives are allowed.
    const auto range = static_cast<unsigned long long>(hi) - static_cast<unsigned long long>(lo);
    if (increasing && range == n - 1) {
      layout_ = layout::consecutive;
      min_ = lo;
      return;
    }
    if (range < 4ULL * n + 64) {
      layout_ = layout::direct;
      min_ = lo;
      slots_.assign(range + 1, -1);
      for (std::size_t i = 0; i < n; ++i) {
        auto& s = slots_[offset(ids[i])];
        if (s >= 0) duplicate(c, ids[i], s, i);
        s = static_cast<std::int32_t>(i);
      }
      return;
    }
    if (increasing && n <= kSearchedRows) return;  // layout::increasing
    layout_ = layout::hashed;
    // At least twice as many slots as ids, so every probe sequence below meets an empty slot (row -1)
    // within cap probes; cap doubles from 16 to below 4n (at most 64 steps).
    std::size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    mask_ = cap - 1;
    keys_.assign(cap, 0);
    slots_.assign(cap, -1);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t h = hash(ids[i]);
      while (slots_[h] >= 0) {
        if (keys_[h] == ids[i]) duplicate(c, ids[i], slots_[h], i);
        h = (h + 1) & mask_;
      }
      keys_[h] = ids[i];
      slots_[h] = static_cast<std::int32_t>(i);
    }
  }

  /// Starts loading the slot of `id` into cache (a hint: find(id) follows a few rows later).
  void prefetch(std::int64_t id) const noexcept {
    if (layout_ == layout::consecutive) return;  // nothing to load
    if (layout_ == layout::direct) {
      const auto off = offset(id);
      if (off < slots_.size()) __builtin_prefetch(slots_.data() + off);
    } else if (layout_ == layout::hashed) {
      __builtin_prefetch(keys_.data() + hash(id));
      __builtin_prefetch(slots_.data() + hash(id));
    }
  }

  /// The row of `id`, or -1 when the column does not hold it.
  std::int32_t find(std::int64_t id) const noexcept {
    switch (layout_) {
      case layout::consecutive: {
        const auto off = offset(id);
        return id >= min_ && off < ids_.size() ? static_cast<std::int32_t>(off) : -1;
      }
      case layout::increasing: {
        const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
        return it != ids_.end() && *it == id ? static_cast<std::int32_t>(it - ids_.begin()) : -1;
      }
      case layout::direct: {
        const auto off = offset(id);
        return id >= min_ && off < slots_.size() ? slots_[off] : -1;
      }
      case layout::hashed:
        for (std::size_t h = hash(id);; h = (h + 1) & mask_) {  // ends at an empty slot: at most cap probes
          if (slots_[h] < 0) return -1;
          if (keys_[h] == id) return slots_[h];
        }
    }
    return -1;
  }
  bool contains(std::int64_t id) const noexcept { return find(id) >= 0; }

  /// The layout build() chose (for tests): "consecutive", "direct", "increasing" or "hashed".
  const char* layout_name() const noexcept {
    static const char* const names[] = {"consecutive", "direct", "increasing", "hashed"};
    return names[static_cast<int>(layout_)];
  }

 private:
  enum class layout : std::uint8_t { consecutive, direct, increasing, hashed };

  [[noreturn]] static void duplicate(const column& c, std::int64_t id, std::int32_t first, std::size_t row) {
    throw error(errc::duplicate_id, duplicate_message(c.noun, id, static_cast<std::size_t>(first)), static_cast<std::int64_t>(row), c.field);
  }
  std::size_t offset(std::int64_t id) const noexcept {
    return static_cast<std::size_t>(static_cast<unsigned long long>(id) - static_cast<unsigned long long>(min_));
  }
  std::size_t hash(std::int64_t id) const noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ULL) >> 20) & mask_;
  }

  layout layout_ = layout::increasing;
  span<const std::int64_t> ids_;
  std::int64_t min_ = 0;
  std::size_t mask_ = 0;
  std::vector<std::int64_t> keys_;
  std::vector<std::int32_t> slots_;
};

/// A roster's (or a tier state's) KOC ids: any int64, as classify has always taken them.
inline id_index::column roster_id_column(std::string field = "id") { return {std::move(field), "KOC id", true}; }
/// The matching stage's task ids (tasks.hpp): any int64.
inline id_index::column task_id_column(std::string field = "id") { return {std::move(field), "task id", true}; }
/// The rewards stage's task and KOC ids (ledger.hpp): >= 0.
inline id_index::column reward_task_id_column() { return {"task_id", "task id", false}; }
inline id_index::column reward_koc_id_column() { return {"koc_id", "KOC id", false}; }

}  // namespace koc::detail

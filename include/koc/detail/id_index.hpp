// id -> row index of one id column, the one used wherever koc looks rows up by id (ledger tasks and KOCs,
// settled lines, tier state). Ids must be >= 0 and unique; build() throws koc::error naming the row and
// the field otherwise.
#pragma once

#include <koc/error.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc::detail {

/// id → row. Direct table when the ids are dense enough (max - min < 4n + 64), else open addressing.
class id_index {
 public:
  void build(span<const std::int64_t> ids, const std::string& field) {
    const std::size_t n = ids.size();
    direct_ = true;
    min_ = 0;
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = -1;
    for (std::size_t i = 0; i < n; ++i) {
      if (ids[i] < 0) throw error(errc::invalid_value, "id is negative", static_cast<std::int64_t>(i), field);
      lo = std::min(lo, ids[i]);
      hi = std::max(hi, ids[i]);
    }
    if (n == 0) { slots_.clear(); return; }
    const auto range = static_cast<unsigned long long>(hi - lo);
    if (range < 4ULL * n + 64) {
      min_ = lo;
      slots_.assign(range + 1, -1);
      for (std::size_t i = 0; i < n; ++i) {
        auto& s = slots_[static_cast<std::size_t>(ids[i] - lo)];
        if (s >= 0) throw error(errc::duplicate_id, "id " + std::to_string(ids[i]) + " appears twice", static_cast<std::int64_t>(i), field);
        s = static_cast<std::int32_t>(i);
      }
      return;
    }
    direct_ = false;
    // At least twice as many slots as ids, so every probe sequence below meets an empty slot within cap
    // probes; cap doubles from 16 to below 4n (at most 64 steps).
    std::size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    mask_ = cap - 1;
    keys_.assign(cap, -1);
    slots_.assign(cap, -1);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t h = hash(ids[i]);
      while (keys_[h] >= 0) {
        if (keys_[h] == ids[i])
          throw error(errc::duplicate_id, "id " + std::to_string(ids[i]) + " appears twice", static_cast<std::int64_t>(i), field);
        h = (h + 1) & mask_;
      }
      keys_[h] = ids[i];
      slots_[h] = static_cast<std::int32_t>(i);
    }
  }
  /// Starts loading the slot of `id` into cache (a hint: find(id) follows a few rows later).
  void prefetch(std::int64_t id) const noexcept {
    if (direct_) {
      const auto off = static_cast<unsigned long long>(id) - static_cast<unsigned long long>(min_);
      if (off < slots_.size()) __builtin_prefetch(slots_.data() + off);
    } else if (id >= 0) {
      __builtin_prefetch(keys_.data() + hash(id));
      __builtin_prefetch(slots_.data() + hash(id));
    }
  }
  std::int32_t find(std::int64_t id) const noexcept {
    if (direct_) {
      const auto off = static_cast<unsigned long long>(id) - static_cast<unsigned long long>(min_);
      return id >= min_ && off < slots_.size() ? slots_[off] : -1;
    }
    if (id < 0) return -1;
    for (std::size_t h = hash(id);; h = (h + 1) & mask_) {  // ends at an empty slot: at most cap probes
      if (keys_[h] == id) return slots_[h];
      if (keys_[h] < 0) return -1;
    }
  }

 private:
  std::size_t hash(std::int64_t id) const noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ULL) >> 20) & mask_;
  }
  bool direct_ = true;
  std::int64_t min_ = 0;
  std::size_t mask_ = 0;
  std::vector<std::int64_t> keys_;
  std::vector<std::int32_t> slots_;
};

}  // namespace koc::detail

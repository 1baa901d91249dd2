// What every part of the ledger engine shares: optional columns, work arrays, checked integer arithmetic,
// calendar periods, the line writer (raw column pointers, one capacity check per line) and the
// settlement index of earlier runs' lines (which (KOC, task, kind, step) was paid; caps and budgets
// used). Internal: ledger.hpp and the files beside this one are its users.
#pragma once

#include <koc/detail/id_index.hpp>
#include <koc/detail/memory.hpp>
#include <koc/error.hpp>
#include <koc/int128.hpp>
#include <koc/rewards/ledger_tables.hpp>
#include <koc/rewards/money.hpp>
#include <koc/rewards/policy.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace koc {

namespace detail {

template <class T>
inline T opt(span<const T> c, std::size_t i, T def) noexcept { return c.empty() ? def : c[i]; }

/// A per-call work array of n trivial values on huge pages where possible; not initialised unless a
/// value is given (the callers write every element before reading it).
template <class T>
class work_array {
 public:
  explicit work_array(std::size_t n) : p_(new T[n]) { advise_huge_pages(p_.get(), n * sizeof(T)); }
  work_array(std::size_t n, T value) : work_array(n) { std::fill_n(p_.get(), n, value); }
  T& operator[](std::size_t i) noexcept { return p_[i]; }
  const T& operator[](std::size_t i) const noexcept { return p_[i]; }
  T* data() noexcept { return p_.get(); }

 private:
  std::unique_ptr<T[]> p_;
};

/// Sorts values by their high 32 bits, which are all below `bound` (LSD radix sort, 11 bits a pass, in
/// O(passes x size)); values with equal high words keep their order.
inline void sort_by_high_word(std::vector<std::uint64_t>& v, std::uint64_t bound) {
  std::vector<std::uint64_t> sorted(v.size());
  for (unsigned digit = 0; digit < 32 && (bound - 1) >> digit != 0; digit += 11) {
    std::vector<std::size_t> start(2049, 0);
    for (const std::uint64_t x : v) ++start[((x >> (32 + digit)) & 2047) + 1];
    for (std::size_t d = 0; d < 2048; ++d) start[d + 1] += start[d];
    for (const std::uint64_t x : v) sorted[start[(x >> (32 + digit)) & 2047]++] = x;
    v.swap(sorted);
  }
}

/// Rows a pass reads ahead of the row it works on, to prefetch their random accesses (KOC tables):
/// about a DRAM latency of work at this loop's speed.
inline constexpr std::size_t prefetch_rows = 16;

inline bool len_ok(std::size_t n, std::size_t got, bool optional) noexcept { return got == n || (optional && got == 0); }
inline error len_error(std::size_t n, std::size_t got, const char* field, bool optional) {
  return error(errc::length_mismatch, std::string("column '") + field + "' has " + std::to_string(got) + " rows, expected " +
                                          std::to_string(n) + (optional ? " (or 0)" : ""), -1, field);
}

/// Calls bad(len_error) for each column of `t` (a table with for_each_column) whose length is not its key
/// column's (an optional one may also be empty), in the table's column order, while bad returns true.
/// Returns how many it found.
template <class Table, class Bad>
std::size_t length_problems(const Table& t, Bad&& bad) {
  std::size_t n = 0, found = 0;
  bool go_on = true;
  Table::for_each_column(t, [&](const char* name, const auto& col, column_role role) {
    if (role == column_role::key) {
      n = col.size();
      return;
    }
    const bool optional = role == column_role::optional;
    if (!go_on || len_ok(n, col.size(), optional)) return;
    ++found;
    go_on = bad(len_error(n, col.size(), name, optional));
  });
  return found;
}

/// Throws the first length problem of `t` (length_problems).
template <class Table>
void check_lengths(const Table& t) {
  length_problems(t, [](error e) -> bool { throw std::move(e); });
}

}  // namespace detail

/// Reserves n lines in every line column (huge pages advised for the unwritten capacity).
inline void ledger_reserve(reward_ledger& L, std::size_t n) {
  L.koc_id.reserve(n); L.task_id.reserve(n); L.campaign_id.reserve(n); L.completion.reserve(n); L.rule.reserve(n);
  L.kind.reserve(n); L.reason.reserve(n); L.currency.reserve(n); L.amount.reserve(n); L.gross.reserve(n);
  L.basis.reserve(n); L.aux.reserve(n); L.gate_bp.reserve(n); L.tier_bp.reserve(n);
  const auto advise = [](const auto& v) {
    detail::advise_huge_pages(v.data() + v.size(), (v.capacity() - v.size()) * sizeof(v[0]));
  };
  advise(L.koc_id), advise(L.task_id), advise(L.campaign_id), advise(L.completion), advise(L.rule), advise(L.kind);
  advise(L.reason), advise(L.currency), advise(L.amount), advise(L.gross), advise(L.basis), advise(L.aux);
  advise(L.gate_bp), advise(L.tier_bp);
}

namespace detail {

/// Days in the calendar month, quarter or year (UTC, proleptic Gregorian) that contains unix time t
/// (civil date from the day count: the 400-year era, then the day of the era, as in Hinnant's
/// chrono-compatible algorithms); 0 for any other period name.
inline std::int32_t calendar_period_days(std::int64_t t, const std::string& period) {
  const std::int64_t days = t / 86400 - (t % 86400 < 0 ? 1 : 0);  // floor
  const std::int64_t z = days + 719468;                            // days since 0000-03-01
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                     // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              // [0, 365], from March
  const std::int64_t mp = (5 * doy + 2) / 153;                                   // [0, 11], March = 0
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;                          // [1, 12]
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr std::int32_t length[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const auto month_days = [&](std::int64_t m) { return length[m - 1] + (m == 2 && leap ? 1 : 0); };
  if (period == "month") return month_days(month);
  if (period == "quarter") {
    const std::int64_t first = (month - 1) / 3 * 3 + 1;
    return month_days(first) + month_days(first + 1) + month_days(first + 2);
  }
  if (period == "year") return leap ? 366 : 365;
  return 0;
}

// Checked arithmetic for the per-line hot path: the same results and the same errors as money.hpp's
// checked_add / checked_mul / mul_ratio, but the field name (a std::string there) is only built on the
// rare path, out of line, so that the hot path is a few instructions the compiler inlines.
[[gnu::noinline, gnu::cold]] inline std::int64_t add_slow(std::int64_t a, std::int64_t b, std::int64_t row, const char* field) {
  return checked_add(a, b, row, field);
}
[[gnu::noinline, gnu::cold]] inline std::int64_t mul_slow(std::int64_t a, std::int64_t b, std::int64_t row, const char* field) {
  return checked_mul(a, b, row, field);
}
[[gnu::noinline, gnu::cold]] inline std::int64_t ratio_slow(std::int64_t a, std::int64_t num, std::int64_t den, std::int64_t row, const char* field) {
  return mul_ratio(a, num, den, row, field);  // 128-bit: the product does not fit 64 bits (or den <= 0)
}
inline std::int64_t add_or_throw(std::int64_t a, std::int64_t b, std::int64_t row, const char* field) {
  std::int64_t r;
  return __builtin_expect(__builtin_add_overflow(a, b, &r), 0) ? add_slow(a, b, row, field) : r;
}
inline std::int64_t mul_or_throw(std::int64_t a, std::int64_t b, std::int64_t row, const char* field) {
  std::int64_t r;
  return __builtin_expect(__builtin_mul_overflow(a, b, &r), 0) ? mul_slow(a, b, row, field) : r;
}
/// a * num / den rounded half to even (den > 0), as mul_ratio; in 64 bits when the product fits.
inline std::int64_t ratio_or_throw(std::int64_t a, std::int64_t num, std::int64_t den, std::int64_t row, const char* field) {
  std::int64_t p;
  if (__builtin_expect(den <= 0 || __builtin_mul_overflow(a, num, &p) || p == std::numeric_limits<std::int64_t>::min(), 0))
    return ratio_slow(a, num, den, row, field);
  std::int64_t q = p / den;  // truncated toward zero; |r| = |p| mod den
  const std::int64_t r = p % den, ar = r < 0 ? -r : r;
  if (ar > den - ar || (ar == den - ar && (q & 1))) q += p < 0 ? -1 : 1;  // half to even on |p|, as div_round_half_even
  return q;
}

/// Whether every value x satisfies x >= 0.0 && x <= 1.0 (so no NaN). Compared as integers, which the
/// compiler vectorises (it does not vectorise the floating-point comparisons): with s the bits without
/// the sign, x is in [0, 1] iff s <= bits(1.0) and, when the sign is set, s == 0 (-0.0 >= 0.0 holds).
inline bool all_in_unit_interval(span<const double> c) noexcept {
  constexpr std::uint64_t one = 0x3FF0000000000000ULL, magnitude = 0x7FFFFFFFFFFFFFFFULL;
  std::uint64_t bad = 0;  // its top bit ends up set iff some value is outside
  for (std::size_t i = 0; i < c.size(); ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, &c[i], sizeof bits);
    const std::uint64_t s = bits & magnitude, negative = 0 - (bits >> 63);
    bad |= (one - s) | (negative & (0 - s));
  }
  return (bad >> 63) == 0;
}
/// Whether no value is negative: the OR of all values has the sign bit iff one of them has.
template <class T>
inline bool all_non_negative(span<const T> c) noexcept {
  T bits = 0;
  for (std::size_t i = 0; i < c.size(); ++i) bits |= c[i];
  return bits >= 0;
}

/// Appends ledger lines through raw column pointers: one capacity check per line instead of one per
/// column. The columns are grown in chunks (value-initialised, so cache-resident when the lines are
/// written) and hold `size()` lines after sync(); code that reads or edits `L` directly calls sync()
/// first and resume() after.
class ledger_writer {
 public:
  explicit ledger_writer(reward_ledger& L) : L_(L) { resize_all(0); }
  std::size_t size() const noexcept { return n_; }
  // Inlined into every caller: the call with 14 arguments cost as much as the stores.
  __attribute__((always_inline)) void put(std::int64_t koc, std::int64_t task, std::int64_t campaign, std::int64_t comp,
                                          std::int32_t rule, line_kind kind, line_reason why, currency_id cur, std::int64_t amount,
                                          std::int64_t gross, std::int64_t basis, std::int64_t aux, std::int32_t gate, std::int32_t tier) {
    if (n_ == cap_) resize_all(n_ + chunk);
    const std::size_t i = n_++;
    koc_[i] = koc; task_[i] = task; campaign_[i] = campaign; completion_[i] = comp; rule_[i] = rule;
    amount_[i] = amount; gross_[i] = gross; basis_[i] = basis; aux_[i] = aux; gate_[i] = gate; tier_[i] = tier;
    kind_[i] = kind; reason_[i] = why; currency_[i] = cur;  // byte stores last: they may alias the pointers
  }
  void sync() { resize_all(n_); }
  static constexpr std::size_t chunk = 2048;  // lines: 2048 x 67 bytes stay in L2 between zeroing and writing
  void resume() { n_ = L_.amount.size(); resize_all(n_); }

 private:
  void resize_all(std::size_t m) {
    L_.koc_id.resize(m); L_.task_id.resize(m); L_.campaign_id.resize(m); L_.completion.resize(m); L_.rule.resize(m);
    L_.kind.resize(m); L_.reason.resize(m); L_.currency.resize(m); L_.amount.resize(m); L_.gross.resize(m);
    L_.basis.resize(m); L_.aux.resize(m); L_.gate_bp.resize(m); L_.tier_bp.resize(m);
    koc_ = L_.koc_id.data(); task_ = L_.task_id.data(); campaign_ = L_.campaign_id.data(); completion_ = L_.completion.data();
    rule_ = L_.rule.data(); kind_ = L_.kind.data(); reason_ = L_.reason.data(); currency_ = L_.currency.data();
    amount_ = L_.amount.data(); gross_ = L_.gross.data(); basis_ = L_.basis.data(); aux_ = L_.aux.data();
    gate_ = L_.gate_bp.data(); tier_ = L_.tier_bp.data();
    cap_ = m;
  }
  reward_ledger& L_;
  std::size_t n_ = 0, cap_ = 0;
  std::int64_t *koc_ = nullptr, *task_ = nullptr, *campaign_ = nullptr, *completion_ = nullptr;
  std::int32_t* rule_ = nullptr;
  line_kind* kind_ = nullptr;
  line_reason* reason_ = nullptr;
  currency_id* currency_ = nullptr;
  std::int64_t *amount_ = nullptr, *gross_ = nullptr, *basis_ = nullptr, *aux_ = nullptr;
  std::int32_t *gate_ = nullptr, *tier_ = nullptr;
};

}  // namespace detail

namespace detail {

/// The step part of a settled line's key: which of a completion's lines of one kind it is.
inline std::int64_t settled_step(line_kind k, std::int64_t aux) noexcept {
  return k == line_kind::step_bonus || k == line_kind::speed_bonus || k == line_kind::entitlement ? aux : 0;
}
/// Kinds settled line by line (prizes and process awards are settled per (rule, campaign); cuts and
/// no_reward lines are not payments).
inline bool settled_per_line(line_kind k) noexcept {
  return k != line_kind::process_award && k != line_kind::prize && k != line_kind::cap_cut && k != line_kind::budget_cut &&
         k != line_kind::no_reward;
}

/// What earlier runs settled, indexed for one run against its policy, tasks and KOCs (see settle_ledger).
/// Built in O(H) for H earlier lines (a hash set of the settled keys); empty (any == false) when there are none.
struct settlement {
  struct key {
    std::int64_t koc, task, kind, step;
    bool operator<(const key& o) const noexcept { return std::tie(koc, task, kind, step) < std::tie(o.koc, o.task, o.kind, o.step); }
  };
  bool any = false;
  std::vector<key> keys;                      // in line order (duplicates kept: membership is all that is asked)
  std::vector<std::uint32_t> slots;           // open addressing: 1 + index into keys, 0 = empty; >= 2 x keys
  std::size_t mask = 0;
  std::vector<std::int32_t> rule_of;          // earlier rule index -> policy rule index, -1 none
  std::vector<std::int64_t> task_spent;       // per task row, net in the rule's currency
  std::vector<std::uint8_t> task_has_spend;
  std::vector<std::int64_t> campaign_spent;   // per policy.campaign_budgets entry
  std::vector<std::uint8_t> campaign_has_spend;
  std::vector<std::int64_t> speed_given;      // per task row: first-N places given
  std::vector<std::pair<std::int32_t, std::int64_t>> prize_scopes;  // (policy rule, campaign), sorted

  bool settled(std::int64_t koc, std::int64_t task, line_kind kind, std::int64_t aux) const {
    const key k{koc, task, static_cast<std::int64_t>(kind), settled_step(kind, aux)};
    for (std::size_t h = hash(k) & mask;; h = (h + 1) & mask) {  // ends at an empty slot: the table is at most half full
      const std::uint32_t s = slots[h];
      if (s == 0) return false;
      const key& x = keys[s - 1];
      if (x.koc == k.koc && x.task == k.task && x.kind == k.kind && x.step == k.step) return true;
    }
  }
  static std::size_t hash(const key& k) noexcept {
    std::uint64_t h = static_cast<std::uint64_t>(k.koc) * 0x9E3779B97F4A7C15ULL;
    h ^= (static_cast<std::uint64_t>(k.task) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2)) * 0xC2B2AE3D27D4EB4FULL;
    h ^= (static_cast<std::uint64_t>(k.kind) << 40 ^ static_cast<std::uint64_t>(k.step)) * 0x165667B19E3779F9ULL;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
  bool prize_settled(std::int32_t rule, std::int64_t campaign) const {
    return std::binary_search(prize_scopes.begin(), prize_scopes.end(), std::make_pair(rule, campaign));
  }
  /// What a budget of `budget` has left after `spent` (clamped to [0, budget]).
  static std::int64_t left(std::int64_t budget, std::int64_t spent) noexcept {
    const i128 l = static_cast<i128>(budget) - spent;
    return l < 0 ? 0 : l > budget ? budget : static_cast<std::int64_t>(l);
  }

  void build(const reward_policy& policy, const reward_tasks& tasks, const id_index& task_index, const settled_ledger& e) {
    const std::size_t h = e.size();
    const auto len = [&](std::size_t got, const char* field) {
      if (got != h)
        throw error(errc::length_mismatch, std::string("settled column ") + field + " has " + std::to_string(got) + " values, amount has " +
                                               std::to_string(h), -1, std::string("settled.") + field);
    };
    len(e.koc_id.size(), "koc_id"), len(e.task_id.size(), "task_id"), len(e.campaign_id.size(), "campaign_id");
    len(e.rule.size(), "rule"), len(e.kind.size(), "kind"), len(e.currency.size(), "currency"), len(e.aux.size(), "aux");
    any = h > 0;
    if (!any) return;
    rule_of.assign(e.rule_names.size(), -1);
    for (std::size_t r = 0; r < e.rule_names.size(); ++r) rule_of[r] = policy.find_rule(e.rule_names[r]);
    const std::size_t nt = tasks.task_id.size();
    task_spent.assign(nt, 0), task_has_spend.assign(nt, 0), speed_given.assign(nt, 0);
    campaign_spent.assign(policy.campaign_budgets.size(), 0), campaign_has_spend.assign(policy.campaign_budgets.size(), 0);
    std::vector<std::tuple<std::int64_t, currency_id, std::size_t>> budget_of;  // (campaign, currency, budget)
    for (std::size_t b = 0; b < policy.campaign_budgets.size(); ++b)
      budget_of.emplace_back(policy.campaign_budgets[b].campaign, policy.campaign_budgets[b].currency, b);
    std::sort(budget_of.begin(), budget_of.end());
    const auto n_currencies = currencies().size();
    for (std::size_t l = 0; l < h; ++l) {
      const auto row = static_cast<std::int64_t>(l);
      const line_kind kind = e.kind[l];
      if (static_cast<int>(kind) > static_cast<int>(line_kind::no_reward))
        throw error(errc::invalid_value, "not a line kind (code " + std::to_string(static_cast<int>(kind)) + ")", row, "settled.kind");
      if (e.currency[l] != no_currency && e.currency[l] >= n_currencies)
        throw error(errc::invalid_value, "not a currency (code " + std::to_string(e.currency[l]) + ")", row, "settled.currency");
      if (e.rule[l] < -1 || (e.rule[l] >= 0 && static_cast<std::size_t>(e.rule[l]) >= e.rule_names.size()))
        throw error(errc::unknown_id, "rule index " + std::to_string(e.rule[l]) + " has no name in rule_names", row, "settled.rule");
      const std::int32_t r = e.rule[l] < 0 ? -1 : rule_of[static_cast<std::size_t>(e.rule[l])];
      if (settled_per_line(kind) && e.koc_id[l] >= 0 && e.task_id[l] >= 0)
        keys.push_back({e.koc_id[l], e.task_id[l], static_cast<std::int64_t>(kind), settled_step(kind, e.aux[l])});
      if ((kind == line_kind::prize || kind == line_kind::process_award) && r >= 0) prize_scopes.emplace_back(r, e.campaign_id[l]);
      if (e.currency[l] == no_currency || e.amount[l] == 0) continue;
      const std::int32_t t = e.task_id[l] >= 0 ? task_index.find(e.task_id[l]) : -1;
      if (t >= 0) {
        const auto tu = static_cast<std::size_t>(t);
        if (kind == line_kind::speed_bonus && e.aux[l] == 0) ++speed_given[tu];
        if (policy.rules[static_cast<std::size_t>(tasks.rule[tu])].currency == e.currency[l])
          task_spent[tu] = checked_add(task_spent[tu], e.amount[l], row, "settled.amount"), task_has_spend[tu] = 1;
      }
      for (auto it = std::lower_bound(budget_of.begin(), budget_of.end(), std::make_tuple(e.campaign_id[l], e.currency[l], std::size_t{0}));
           it != budget_of.end() && std::get<0>(*it) == e.campaign_id[l] && std::get<1>(*it) == e.currency[l]; ++it)
        campaign_spent[std::get<2>(*it)] = checked_add(campaign_spent[std::get<2>(*it)], e.amount[l], row, "settled.amount"),
        campaign_has_spend[std::get<2>(*it)] = 1;
    }
    if (keys.size() >= (std::size_t{1} << 31)) throw error(errc::invalid_argument, "too many settled lines", -1, "settled.amount");
    std::size_t cap = 16;
    while (cap < 2 * keys.size()) cap *= 2;
    mask = cap - 1;
    slots.assign(cap, 0);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      std::size_t at = hash(keys[i]) & mask;
      while (slots[at] != 0) at = (at + 1) & mask;
      slots[at] = static_cast<std::uint32_t>(i + 1);
    }
    std::sort(prize_scopes.begin(), prize_scopes.end());
    prize_scopes.erase(std::unique(prize_scopes.begin(), prize_scopes.end()), prize_scopes.end());
  }
  /// Adds to `cap_paid` (slot * n_kocs + KOC row) what earlier lines of each capped rule paid each KOC.
  void load_caps(const reward_policy& policy, const settled_ledger& e, const id_index& koc_index, const std::vector<std::int32_t>& cap_slot,
                 std::size_t nk, std::int64_t* cap_paid) const {
    for (std::size_t l = 0; l < e.size(); ++l) {
      if (e.rule[l] < 0 || e.kind[l] == line_kind::budget_cut || e.currency[l] == no_currency) continue;
      const std::int32_t r = rule_of[static_cast<std::size_t>(e.rule[l])];
      if (r < 0 || cap_slot[static_cast<std::size_t>(r)] < 0 || policy.rules[static_cast<std::size_t>(r)].currency != e.currency[l]) continue;
      const std::int32_t k = koc_index.find(e.koc_id[l]);
      if (k < 0) continue;
      std::int64_t& used = cap_paid[static_cast<std::size_t>(cap_slot[static_cast<std::size_t>(r)]) * nk + static_cast<std::size_t>(k)];
      used = checked_add(used, e.amount[l], static_cast<std::int64_t>(l), "settled.amount");
    }
  }
};

}  // namespace detail

}  // namespace koc

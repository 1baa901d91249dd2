// Fuzzes the C ABI (bindings/c/include/koc/koc.h), compiled from src/c_api/*.cpp into this binary: a
// program driven by the input builds rosters, policies, task tables and profiles with arbitrary lengths
// (matching or not), arbitrary values (NaN, infinities, negative ids, duplicates, out-of-range enums)
// and NULL pointers where NULL is or is not allowed, then classifies, explains, runs what-if, the dense
// assignment and the matching pipeline, and reads every result accessor with arbitrary sizes.
// The fuzzer keeps the C contract itself: every non-NULL buffer holds the number of elements it is
// declared to hold. Invariants: every call returns a declared koc_status, never KOC_ERROR_INTERNAL;
// a failure sets a non-empty last-error message, a success an empty one; a failed create leaves *out
// NULL; dense results agree with the C++ certificate; a match result verifies; no leak, no UB.
#include "fuzz_check.hpp"

#include <koc/koc.h>
#include <koc/matching/dense_assignment.hpp>
#include <koc/matching/policy_json.hpp>
#include <koc/tiers/policy_json.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <string>
#include <vector>

// c_enum_shim.c: the enum-taking entry points, called the way a C program may call them (any int).
extern "C" {
const char* koc_fuzz_status_string(int status);
koc_status koc_fuzz_roster_set_metric(koc_roster* roster, int metric, const double* values, size_t len);
koc_status koc_fuzz_roster_set_flag(koc_roster* roster, int flag, const uint8_t* values, size_t len);
koc_status koc_fuzz_tier_result_column(const koc_tier_result* result, int column, int32_t* out, size_t len);
koc_status koc_fuzz_task_table_set_column(koc_task_table* tasks, int column, const int32_t* values, size_t len);
koc_status koc_fuzz_profiles_set_column(koc_profiles* profiles, int column, const int32_t* values, size_t len);
koc_status koc_fuzz_match(const koc_roster* roster, const koc_tier_result* tiers, const koc_profiles* profiles,
                          const koc_task_table* tasks, const koc_matching_policy* policy, const koc_tier_policy* ladder,
                          const int64_t* decline_koc_id, const int64_t* decline_task_id, size_t n_declines,
                          const int64_t* pref_koc_id, const int64_t* pref_task_id, const int32_t* pref_rank,
                          size_t n_preferences, int mode, int objective, koc_match_result** out);
}

namespace {

using koc::fuzz::check;

koc_status expect(koc_status s, const char* call) {
  const int v = static_cast<int>(s);
  check((v >= 0 && v <= 10) || (v >= 100 && v <= 102), std::string(call) + " returned an undeclared status " + std::to_string(v));
  check(s != KOC_ERROR_INTERNAL, std::string(call) + " hit an internal error: " + koc_last_error_message());
  const char* msg = koc_last_error_message();
  check(msg != nullptr, "koc_last_error_message returned NULL");
  if (s == KOC_OK) check(msg[0] == '\0', std::string(call) + " succeeded but left an error message: " + msg);
  else check(msg[0] != '\0', std::string(call) + " failed with " + koc_status_string(s) + " but no message");
  check(koc_last_error_field() != nullptr, "koc_last_error_field returned NULL");
  return s;
}
#define CALL(expr) expect((expr), #expr)

/// Keeps every buffer handed to the library alive until the end of the input (handles borrow them).
struct arena {
  explicit arena(FuzzedDataProvider& provider) : in(provider) {}
  FuzzedDataProvider& in;
  std::deque<std::vector<std::int64_t>> i64;
  std::deque<std::vector<std::int32_t>> i32;
  std::deque<std::vector<std::uint8_t>> u8;
  std::deque<std::vector<std::uint32_t>> u32;
  std::deque<std::vector<std::uint64_t>> u64;
  std::deque<std::vector<double>> f64;

  /// A length near `n` (equal most of the time, so calls get past the length checks).
  std::size_t length(std::size_t n) {
    const auto mode = in.ConsumeIntegralInRange<int>(0, 7);
    if (mode < 5) return n;
    if (mode == 5) return n + 1;
    if (mode == 6) return n > 0 ? n - 1 : 0;
    return in.ConsumeIntegralInRange<std::size_t>(0, 16);
  }
  bool null() { return in.ConsumeIntegralInRange<int>(0, 15) == 0; }

  std::int64_t id() {
    static const std::int64_t palette[] = {1, 2, 3, 4, 5, 7, 100, 0, -1, std::numeric_limits<std::int64_t>::max(),
                                           std::numeric_limits<std::int64_t>::min()};
    return palette[in.ConsumeIntegralInRange<std::size_t>(0, sizeof(palette) / sizeof(palette[0]) - 1)];
  }
  double value() {
    static const double palette[] = {0.0, 1.0, 0.5, 3.0, 100.0, 1e6, 2e9, 0.999, -1.0, -0.0, 1e308,
                                     std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                     std::nan(""), 1e-300, 400.0, 2000.0};
    const auto k = in.ConsumeIntegral<std::uint8_t>();
    if (k < 200) return palette[k % (sizeof(palette) / sizeof(palette[0]))];
    return in.ConsumeFloatingPoint<double>();
  }
  std::int32_t small_int(int lo, int hi) {
    return in.ConsumeIntegralInRange<int>(0, 9) == 0 ? in.ConsumeIntegral<std::int32_t>() : in.ConsumeIntegralInRange<int>(lo, hi);
  }

  const std::int64_t* ids(std::size_t n) {
    if (n == 0 && in.ConsumeBool()) return nullptr;
    auto& v = i64.emplace_back();
    for (std::size_t i = 0; i < n; ++i) v.push_back(in.ConsumeIntegralInRange<int>(0, 3) == 0 ? id() : static_cast<std::int64_t>(i + 1));
    return v.data();
  }
  const std::int64_t* times(std::size_t n) {
    auto& v = i64.emplace_back();
    for (std::size_t i = 0; i < n; ++i) v.push_back(in.ConsumeIntegralInRange<std::int64_t>(-5, 100));
    return v.data();
  }
  const double* doubles(std::size_t n) {
    auto& v = f64.emplace_back();
    for (std::size_t i = 0; i < n; ++i) v.push_back(value());
    return v.data();
  }
  const std::int32_t* ints(std::size_t n, int lo, int hi) {
    auto& v = i32.emplace_back();
    for (std::size_t i = 0; i < n; ++i) v.push_back(small_int(lo, hi));
    return v.data();
  }
  const std::uint8_t* bytes(std::size_t n, int hi) {
    auto& v = u8.emplace_back();
    for (std::size_t i = 0; i < n; ++i) v.push_back(static_cast<std::uint8_t>(in.ConsumeIntegralInRange<int>(0, hi)));
    return v.data();
  }
  const std::uint64_t* segments(std::size_t n) {
    auto& v = u64.emplace_back();
    for (std::size_t i = 0; i < n; ++i) v.push_back(in.ConsumeIntegralInRange<std::uint64_t>(0, 15));
    return v.data();
  }
  const std::uint32_t* kinds(std::size_t n) {
    auto& v = u32.emplace_back();
    for (std::size_t i = 0; i < n; ++i) v.push_back(in.ConsumeBool() ? 0u : in.ConsumeIntegral<std::uint32_t>() & 0x3FFu);
    return v.data();
  }
};

/// Reads a string through the size-query convention with an arbitrary capacity.
template <class F>
void read_string(FuzzedDataProvider& in, F&& call, const char* name) {
  size_t required = 0;
  if (CALL(call(nullptr, 0, &required)) != KOC_OK) return;
  const auto mode = in.ConsumeIntegralInRange<int>(0, 3);
  const std::size_t capacity = mode == 0 ? required : mode == 1 ? required + 1 : in.ConsumeIntegralInRange<std::size_t>(0, required + 2);
  std::vector<char> buf(capacity + 1, '\x7f');
  const koc_status s = expect(call(capacity > 0 ? buf.data() : nullptr, capacity, &required), name);
  if (s == KOC_OK && capacity > 0) {
    check(capacity >= required + 1, std::string(name) + " reported success into a buffer that is too small");
    check(buf[required] == '\0' && std::strlen(buf.data()) == required, std::string(name) + " wrote a string of the wrong length");
  }
  check(buf[capacity] == '\x7f', std::string(name) + " wrote beyond the capacity");
}

std::string json_text(FuzzedDataProvider& in, const std::string& base) {
  // A valid document with a few bytes changed, or arbitrary text.
  if (in.ConsumeBool()) return in.ConsumeRandomLengthString(300);
  std::string s = base;
  const int edits = in.ConsumeIntegralInRange<int>(0, 3);
  for (int e = 0; e < edits && !s.empty(); ++e) s[in.ConsumeIntegralInRange<std::size_t>(0, s.size() - 1)] = in.ConsumeIntegral<char>();
  return s;
}

std::string default_tier_policy_json() {
  koc_tier_policy* p = nullptr;
  koc_tier_policy_default(&p);
  size_t n = 0;
  koc_tier_policy_to_json(p, nullptr, 0, &n);
  std::string s(n + 1, '\0');
  koc_tier_policy_to_json(p, s.data(), s.size(), &n);
  s.resize(n);
  koc_tier_policy_destroy(p);
  return s;
}

std::string default_matching_policy_json() {
  koc_matching_policy* p = nullptr;
  koc_matching_policy_default(&p);
  size_t n = 0;
  koc_matching_policy_to_json(p, nullptr, 0, &n);
  std::string s(n + 1, '\0');
  koc_matching_policy_to_json(p, s.data(), s.size(), &n);
  s.resize(n);
  koc_matching_policy_destroy(p);
  return s;
}

void fuzz_dense(arena& a) {
  FuzzedDataProvider& in = a.in;
  const std::size_t rows = in.ConsumeIntegralInRange<std::size_t>(0, 6), cols = in.ConsumeIntegralInRange<std::size_t>(0, 6);
  std::vector<double> cost(rows * cols);
  for (auto& c : cost) c = in.ConsumeBool() ? static_cast<double>(in.ConsumeIntegralInRange<int>(-9, 9)) : a.value();
  const bool cost_null = a.null();
  std::vector<std::uint8_t> mask;
  if (in.ConsumeBool())
    for (std::size_t k = 0; k < rows * cols; ++k) mask.push_back(in.ConsumeIntegralInRange<int>(0, 3) == 0);
  const std::int32_t maximize = in.ConsumeBool() ? in.ConsumeIntegral<std::int32_t>() : 0;
  const std::size_t capacity = in.ConsumeIntegralInRange<std::size_t>(0, 8);
  std::vector<std::int64_t> ri(capacity, -7), ci(capacity, -7);
  std::vector<double> u(rows), v(cols);
  const bool want_duals = in.ConsumeBool();
  size_t n = 0;
  double total = 0;
  std::int32_t optimal = -1;
  const koc_status s = CALL(koc_linear_sum_assignment(cost_null ? nullptr : cost.data(), rows, cols, maximize,
                                                      mask.empty() ? nullptr : mask.data(), a.null() ? nullptr : ri.data(),
                                                      a.null() ? nullptr : ci.data(), capacity, a.null() ? nullptr : &n,
                                                      &total, a.null() ? nullptr : &optimal,
                                                      want_duals ? u.data() : nullptr, want_duals ? v.data() : nullptr));
  if (s != KOC_OK || optimal != 1 || !want_duals) return;
  // The C answer must carry the C++ certificate, except where sums of costs overflow to infinity: the
  // solver accepts any finite cost, but near DBL_MAX its total and potentials cannot be represented
  // (a documented limit: docs/reliability.md).
  for (const double c : cost)
    if (std::isfinite(c) && std::abs(c) > 1e150) return;
  koc::dense_assignment_result r;
  r.maximize = maximize != 0;
  r.row_ind.assign(ri.begin(), ri.begin() + static_cast<std::ptrdiff_t>(n));
  r.col_ind.assign(ci.begin(), ci.begin() + static_cast<std::ptrdiff_t>(n));
  r.total_cost = total;
  r.row_potential = u;
  r.col_potential = v;
  const auto ck = koc::verify(cost.data(), rows, cols, r, 1e-9, mask.empty() ? nullptr : mask.data());
  check(ck.ok, "koc_linear_sum_assignment answer fails the certificate: " + ck.message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  arena a(in);
  static const std::string tier_json = default_tier_policy_json();
  static const std::string matching_json = default_matching_policy_json();

  check(koc_version_number() == KOC_VERSION_NUMBER, "version mismatch");
  check(koc_fuzz_status_string(in.ConsumeIntegral<std::int16_t>()) != nullptr, "NULL status string");

  // --- tier policy ---------------------------------------------------------------------------------
  koc_tier_policy* policy = nullptr;
  if (in.ConsumeBool()) {
    const std::string text = json_text(in, tier_json);
    if (CALL(koc_tier_policy_from_json(a.null() ? nullptr : text.data(), text.size(), &policy)) != KOC_OK)
      check(policy == nullptr, "failed koc_tier_policy_from_json left a handle");
  }
  if (policy == nullptr) CALL(koc_tier_policy_default(&policy));
  check(policy != nullptr, "no tier policy");
  read_string(in, [&](char* b, size_t c, size_t* r) { return koc_tier_policy_to_json(policy, b, c, r); }, "koc_tier_policy_to_json");
  std::int32_t n_tiers = 0;
  CALL(koc_tier_policy_tier_count(policy, &n_tiers));
  const std::int32_t tier_arg = in.ConsumeIntegralInRange<std::int32_t>(-2, n_tiers + 1);
  read_string(in, [&](char* b, size_t c, size_t* r) { return koc_tier_policy_tier_name(policy, tier_arg, b, c, r); },
              "koc_tier_policy_tier_name");

  // --- roster --------------------------------------------------------------------------------------
  const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 10);
  koc_roster* roster = nullptr;
  const std::size_t n_ids = a.length(n);
  if (CALL(koc_roster_create(a.ids(n_ids), n_ids, a.null() ? nullptr : &roster)) != KOC_OK) check(roster == nullptr, "failed create left a roster");
  const std::size_t n_rows = roster ? n_ids : 0;
  const int n_setters = in.ConsumeIntegralInRange<int>(0, 16);
  for (int k = 0; k < n_setters && roster; ++k) {
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
      case 0: {
        const int m = in.ConsumeIntegralInRange<int>(-1, 11);
        const std::size_t len = a.length(n_rows);
        CALL(koc_fuzz_roster_set_metric(roster, m, a.null() ? nullptr : a.doubles(len), len));
        break;
      }
      case 1: {
        const int f = in.ConsumeIntegralInRange<int>(-1, 3);
        const std::size_t len = a.length(n_rows);
        CALL(koc_fuzz_roster_set_flag(roster, f, a.null() ? nullptr : a.bytes(len, in.ConsumeBool() ? 1 : 255), len));
        break;
      }
      case 2: {
        const std::size_t len = a.length(n_rows);
        CALL(koc_roster_set_history(roster, a.null() ? nullptr : a.ints(len, -1, 4), a.null() ? nullptr : a.ints(len, 0, 4), len));
        break;
      }
      default:  // every metric at once, valid, so classification gets past validation often
        for (int m = 0; m < 11; ++m) {
          auto& v = a.f64.emplace_back();
          for (std::size_t i = 0; i < n_rows; ++i) v.push_back(in.ConsumeIntegralInRange<int>(0, 2000) / (m >= 6 && m != 8 && m != 10 ? 2000.0 : 1.0));
          CALL(koc_roster_set_metric(roster, static_cast<koc_metric>(m), v.data(), v.size()));
        }
    }
  }

  // --- classify ------------------------------------------------------------------------------------
  koc_tier_result* tiers = nullptr;
  {
    const std::size_t n_over = in.ConsumeIntegralInRange<std::size_t>(0, 3);
    auto& oid = a.i64.emplace_back();
    auto& otier = a.i32.emplace_back();
    std::vector<const char*> reasons;
    std::vector<size_t> lens;
    static const char* const texts[] = {"board decision", "", "\xff\xfe not utf-8"};
    for (std::size_t k = 0; k < n_over; ++k) {
      oid.push_back(in.ConsumeBool() ? static_cast<std::int64_t>(k + 1) : a.id());
      otier.push_back(in.ConsumeIntegralInRange<std::int32_t>(-1, 5));
      const auto t = in.ConsumeIntegralInRange<std::size_t>(0, 3);
      reasons.push_back(t == 3 ? nullptr : texts[t]);
      lens.push_back(t == 3 ? (in.ConsumeBool() ? 0 : 4) : std::strlen(texts[t]));
    }
    const std::uint32_t flags = in.ConsumeBool() ? 0u : in.ConsumeBool() ? KOC_CLASSIFY_NO_GROWTH_GAPS : in.ConsumeIntegral<std::uint32_t>();
    const bool null_cols = a.null();
    if (CALL(koc_classify(roster, policy, null_cols ? nullptr : oid.data(), otier.data(), reasons.data(), lens.data(), n_over, flags,
                          &tiers)) != KOC_OK)
      check(tiers == nullptr, "failed classify left a result");
  }
  if (tiers) {
    size_t rows = 0;
    CALL(koc_tier_result_size(tiers, &rows));
    check(rows == n_rows, "result size differs from the roster");
    for (int k = in.ConsumeIntegralInRange<int>(0, 4); k > 0; --k) {
      const std::size_t len = a.length(rows);
      std::vector<std::int32_t> out(len + 1, 0x5a5a5a5a);
      CALL(koc_fuzz_tier_result_column(tiers, in.ConsumeIntegralInRange<int>(-1, 11),
                                  len > 0 || in.ConsumeBool() ? out.data() : nullptr, len));
      check(out[len] == 0x5a5a5a5a, "koc_tier_result_column wrote beyond len");
    }
    const double* d = nullptr;
    size_t len = 0;
    if (CALL(koc_tier_result_scores(tiers, &d, &len)) == KOC_OK)
      for (size_t i = 0; i < len; ++i) (void)*(volatile const double*)(d + i);
    const int32_t* terms = nullptr;
    size_t n_terms = 0;
    if (CALL(koc_tier_result_contributions(tiers, &d, &n_terms, in.ConsumeBool() ? &terms : nullptr)) == KOC_OK)
      for (size_t i = 0; i < n_terms * rows; ++i) (void)*(volatile const double*)(d + i);
    if (CALL(koc_tier_result_growth_gaps(tiers, &d, &n_terms, &terms)) == KOC_OK)
      for (size_t i = 0; i < n_terms * rows; ++i) (void)*(volatile const double*)(d + i);
    const std::size_t row = in.ConsumeIntegralInRange<std::size_t>(0, rows + 1);
    read_string(in, [&](char* b, size_t c, size_t* r) { return koc_tier_result_explain(tiers, row, b, c, r); }, "koc_tier_result_explain");
  }
  if (roster && in.ConsumeBool()) {
    koc_tier_policy* current = nullptr;
    CALL(koc_tier_policy_default(&current));
    koc_what_if* w = nullptr;
    if (CALL(koc_what_if_run(roster, current, policy, &w)) == KOC_OK) {
      const int64_t* counts = nullptr;
      int32_t nc = 0, np = 0;
      CALL(koc_what_if_counts(w, &counts, &nc, &np));
      std::int64_t sum = 0;
      for (int32_t i = 0; i < nc * np; ++i) sum += counts[i];
      check(sum == static_cast<std::int64_t>(n_rows), "what-if counts do not add up to the roster");
      const int64_t* moved = nullptr;
      size_t n_moved = 0;
      CALL(koc_what_if_moved(w, &moved, &n_moved));
      for (size_t i = 0; i < n_moved; ++i) check(moved[i] >= 0 && static_cast<size_t>(moved[i]) < n_rows, "moved row out of range");
    } else {
      check(w == nullptr, "failed what-if left a handle");
    }
    koc_what_if_destroy(w);
    koc_tier_policy_destroy(current);
  }

  // --- dense assignment ----------------------------------------------------------------------------
  for (int k = in.ConsumeIntegralInRange<int>(0, 2); k > 0; --k) fuzz_dense(a);

  // --- tasks, profiles, matching policy, match -----------------------------------------------------
  const std::size_t m = in.ConsumeIntegralInRange<std::size_t>(0, 6);
  koc_task_table* tasks = nullptr;
  std::size_t table_len = 0;
  {
    const std::size_t len = table_len = a.length(m);
    const bool null_one = a.null();
    if (CALL(koc_task_table_create(a.ids(len), null_one ? nullptr : a.bytes(len, 4), a.bytes(len, 4), a.bytes(len, 2),
                                   a.ints(len, -1, 4), len, &tasks)) != KOC_OK)
      check(tasks == nullptr, "failed create left a task table");
  }
  const std::size_t n_tasks = tasks ? table_len : 0;
  for (int k = in.ConsumeIntegralInRange<int>(0, 8); k > 0 && tasks; --k) {
    const std::size_t len = a.length(n_tasks);
    switch (in.ConsumeIntegralInRange<int>(0, 4)) {
      case 0: CALL(koc_task_table_set_window(tasks, a.times(len), a.null() ? nullptr : a.times(len), len)); break;
      case 1: CALL(koc_fuzz_task_table_set_column(tasks, in.ConsumeIntegralInRange<int>(-1, 4), a.ints(len, -1, 4), len)); break;
      case 2: CALL(koc_task_table_set_audience(tasks, a.segments(len), len)); break;
      case 3: CALL(koc_task_table_set_confidential(tasks, a.bytes(len, 1), len)); break;
      default: {
        const std::size_t skills = in.ConsumeIntegralInRange<std::size_t>(0, 3);
        CALL(koc_task_table_set_required_skills(tasks, a.bytes(len * skills, 5), len, skills));
      }
    }
  }
  koc_profiles* profiles = nullptr;
  {
    const std::size_t len = a.length(n_rows);
    if (CALL(koc_profiles_create(a.null() ? nullptr : a.ints(len, 0, 3), len, &profiles)) != KOC_OK)
      check(profiles == nullptr, "failed create left profiles");
    for (int k = in.ConsumeIntegralInRange<int>(0, 6); k > 0 && profiles; --k) {
      const std::size_t l = a.length(len);
      switch (in.ConsumeIntegralInRange<int>(0, 4)) {
        case 0: {
          const std::size_t skills = in.ConsumeIntegralInRange<std::size_t>(0, 3);
          CALL(koc_profiles_set_skills(profiles, a.bytes(l * skills, 5), l, skills));
          break;
        }
        case 1: CALL(koc_profiles_set_audience(profiles, a.segments(l), l)); break;
        case 2: CALL(koc_fuzz_profiles_set_column(profiles, in.ConsumeIntegralInRange<int>(-1, 2), a.ints(l, -1, 5), l)); break;
        case 3: CALL(koc_profiles_set_availability(profiles, a.times(l), a.times(l), l)); break;
        default: CALL(koc_profiles_set_opted_out(profiles, a.kinds(l), l));
      }
    }
  }
  koc_matching_policy* mpolicy = nullptr;
  if (in.ConsumeBool()) {
    const std::string text = json_text(in, matching_json);
    if (CALL(koc_matching_policy_from_json(text.data(), text.size(), a.null() ? nullptr : policy, &mpolicy)) != KOC_OK)
      check(mpolicy == nullptr, "failed koc_matching_policy_from_json left a handle");
    else
      read_string(in, [&](char* b, size_t c, size_t* r) { return koc_matching_policy_to_json(mpolicy, b, c, r); },
                  "koc_matching_policy_to_json");
  }
  if (mpolicy == nullptr) CALL(koc_matching_policy_default(&mpolicy));

  if (in.ConsumeBool()) {
    const std::size_t nd = in.ConsumeIntegralInRange<std::size_t>(0, 3), np = in.ConsumeIntegralInRange<std::size_t>(0, 3);
    const std::int64_t* dk = a.ids(nd);
    const std::int64_t* dt = a.ids(nd);
    const std::int64_t* pk = a.ids(np);
    const std::int64_t* pt = a.ids(np);
    const std::int32_t* pr = a.ints(np, 0, 3);
    const int mode = in.ConsumeIntegralInRange<int>(-1, 3);
    const int objective = in.ConsumeIntegralInRange<int>(-1, 2);
    koc_match_result* result = nullptr;
    if (CALL(koc_fuzz_match(roster, tiers, profiles, tasks, mpolicy, policy, dk, dt, nd, pk, pt, pr, np, mode, objective, &result)) ==
        KOC_OK) {
      const int32_t *kr = nullptr, *tr = nullptr, *load = nullptr, *filled = nullptr;
      const double* sc = nullptr;
      const uint8_t *kreason = nullptr, *treason = nullptr;
      const int64_t *n_elig = nullptr, *excl = nullptr;
      size_t n_pairs = 0, nk = 0, nt = 0, et = 0, er = 0;
      CALL(koc_match_result_pairs(result, &kr, &tr, &sc, &n_pairs));
      for (size_t i = 0; i < n_pairs; ++i)
        check(kr[i] >= 0 && static_cast<size_t>(kr[i]) < n_rows && tr[i] >= 0 && static_cast<size_t>(tr[i]) < n_tasks && std::isfinite(sc[i]),
              "match pair out of range");
      double total = 0;
      CALL(koc_match_result_total(result, &total));
      CALL(koc_match_result_kocs(result, &load, &kreason, &nk));
      CALL(koc_match_result_tasks(result, &filled, &treason, &n_elig, &nt));
      CALL(koc_match_result_exclusions(result, &excl, &et, &er));
      check(nk == n_rows && nt == n_tasks && et == n_tasks, "match result columns have the wrong length");
      for (size_t i = 0; i < et * er; ++i) check(excl[i] >= 0, "negative exclusion count");
      const int64_t *kp = nullptr, *tp = nullptr;
      int64_t sp = 0;
      CALL(koc_match_result_duals(result, &kp, &tp, &sp));
      int32_t ok = 0;
      size_t required = 0;
      CALL(koc_match_result_verify(result, &ok, nullptr, 0, &required));
      std::string why(required + 1, '\0');
      CALL(koc_match_result_verify(result, &ok, why.data(), why.size(), &required));
      check(ok == 1, "koc_match result fails koc_match_result_verify: " + why);
    } else {
      check(result == nullptr, "failed koc_match left a result");
    }
    koc_match_result_destroy(result);
  }

  koc_matching_policy_destroy(mpolicy);
  koc_profiles_destroy(profiles);
  koc_task_table_destroy(tasks);
  koc_tier_result_destroy(tiers);
  koc_roster_destroy(roster);
  koc_tier_policy_destroy(policy);
  // Destroy functions accept NULL.
  koc_tier_policy_destroy(nullptr);
  koc_roster_destroy(nullptr);
  koc_tier_result_destroy(nullptr);
  koc_what_if_destroy(nullptr);
  koc_task_table_destroy(nullptr);
  koc_profiles_destroy(nullptr);
  koc_matching_policy_destroy(nullptr);
  koc_match_result_destroy(nullptr);
  return 0;
}

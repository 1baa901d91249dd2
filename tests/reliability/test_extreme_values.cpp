// Extreme but valid values through every public entry point, one test case per stage, each call under a
// watchdog: a call that takes more than kWatchdogSeconds ends the test binary naming the call, so a hang
// is a failed test rather than a stuck run. Every call either returns a result that passes its basic
// invariants (and its verify, where there is one) or throws koc::error; inputs are small (a few to a few
// dozen rows) and seeded.
#include <catch2/catch.hpp>
#include <koc/matching/boost_graph.hpp>
#include <koc/matching/capacitated_assignment.hpp>
#include <koc/matching/dense_assignment.hpp>
#include <koc/matching/eligibility.hpp>
#include <koc/matching/fit.hpp>
#include <koc/matching/match.hpp>
#include <koc/matching/stable_matching.hpp>
#include <koc/rewards/ledger.hpp>
#include <koc/rewards/money.hpp>
#include <koc/rewards/policy.hpp>
#include <koc/rewards/policy_json.hpp>
#include <koc/tiers.hpp>
#include <koc/tiers/policy_json.hpp>

#include "rewards/rewards_world.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr unsigned kWatchdogSeconds = 5;
constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();
constexpr double kMinNormal = std::numeric_limits<double>::min();
constexpr double k2p53 = 9007199254740992.0;
constexpr std::int32_t kI32 = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kI64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();

// The call being watched; the handler may only read it and write(2) it (async-signal-safe).
const char* volatile watched_call = "";

std::string shown(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

extern "C" void on_watchdog(int) {
  const char* head = "\nextreme-values watchdog: a call took more than 5 s (a hang?): ";
  ssize_t ignored = write(2, head, std::strlen(head));
  const char* name = watched_call;
  ignored = write(2, name, std::strlen(name));
  ignored = write(2, "\n", 1);
  (void)ignored;
  _exit(1);
}

/// The code of the last koc::error a watched call threw.
koc::errc last_refusal = koc::errc::ok;

/// Runs f under the watchdog. Returns true when f returned, false when it threw koc::error (which is
/// an allowed outcome: the input was refused with a code, row and field; see last_refusal). Anything
/// else propagates.
bool watched(const char* name, const std::function<void()>& f) {
  static const bool installed = [] {
    struct sigaction sa {};
    sa.sa_handler = on_watchdog;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, nullptr);
    return true;
  }();
  (void)installed;
  struct disarm {  // also when a failed REQUIRE inside f unwinds
    ~disarm() {
      alarm(0);
      watched_call = "";
    }
  } guard;
  watched_call = name;
  alarm(kWatchdogSeconds);
  try {
    f();
  } catch (const koc::error& e) {
    INFO(name << " refused: " << e.what());
    CHECK(e.code() != koc::errc::internal);
    CHECK(std::strlen(e.what()) > 0);
    last_refusal = e.code();
    return false;
  }
  return true;
}

}  // namespace

// ---- tiers ------------------------------------------------------------------------------------------

namespace {

/// Counts and days may be any finite value >= 0; rates lie in [0, 1].
const std::vector<double> kCounts = {0.0, kTiny, kMinNormal, 0.5, 1.0, 3.0, k2p53 - 1, k2p53, k2p53 + 2,
                                     1e17, 1e20, 1e300, kMax};
const std::vector<double> kRates = {0.0, kTiny, 1e-300, 0.5, 1.0 - 0x1p-53, 1.0};

koc::roster extreme_roster(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  koc::roster r;
  for (std::size_t i = 0; i < n; ++i) r.id.push_back(kI64 - static_cast<std::int64_t>(3 * (n - i)));
  for (int m = 0; m < koc::n_builtin_metrics; ++m) {
    const auto& pool = koc::metric_upper_bound(static_cast<koc::metric>(m)) == 1.0 ? kRates : kCounts;
    auto& c = r.column(static_cast<koc::metric>(m));
    for (std::size_t i = 0; i < n; ++i) c.push_back(pool[rng() % pool.size()]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    r.honorary.push_back(static_cast<std::uint8_t>(rng() % 5 == 0));
    r.invited.push_back(static_cast<std::uint8_t>(rng() % 3 == 0));
    r.clearance.push_back(static_cast<std::uint8_t>(rng() % 2));
    r.previous_tier.push_back(static_cast<std::int32_t>(rng() % 5) - 1);
    r.periods_below.push_back(rng() % 3 == 0 ? kI32 : static_cast<std::int32_t>(rng() % 4));
  }
  return r;
}

/// Policies built from extreme numbers: weights from subnormal to huge, references at the ends of the
/// double range, gates and thresholds near 2^53 and DBL_MAX, every normalisation.
std::vector<std::pair<std::string, koc::tier_policy>> extreme_tier_policies() {
  using n = koc::normalisation;
  using k = koc::tier_gate::kind;
  std::vector<std::pair<std::string, koc::tier_policy>> out;
  out.emplace_back("default", koc::default_tier_policy());
  for (const double w : {kTiny, 1e-300, 1e-16, 1.0, 1e150, 1e300, kMax}) {
    koc::tier_policy p = koc::default_tier_policy();
    for (auto& m : p.metrics)
      if (m.which == koc::metric::posts || m.which == koc::metric::views) m.norm = n::none, m.weight = w, m.reference = 1.0;
    out.emplace_back("posts and views un-normalised, weight " + shown(w), p);
  }
  {
    koc::tier_policy p = koc::default_tier_policy();
    p.metrics[0] = {koc::metric::posts, 10, n::percentile, 1.0, false};
    p.metrics[1] = {koc::metric::interactions, 15, n::log1p, kMax, false};
    p.metrics[2] = {koc::metric::views, 10, n::min_max, 1.0, true};
    p.metrics[3] = {koc::metric::followers, 10, n::cap, kTiny, false};
    p.metrics[4] = {koc::metric::leads, 10, n::log1p, kTiny, true};
    p.metrics[5] = {koc::metric::tasks_completed, 10, n::cap, kMax, false};
    p.tiers[1].gates.push_back({k::metric_min, koc::metric::posts, k2p53 + 2});
    p.tiers[2].gates.push_back({k::metric_max, koc::metric::followers, 1e300});
    p.tiers[3].gates.push_back({k::metric_min, koc::metric::views, kMax});
    p.honorary.lifetime_minimums = {{koc::metric::tenure_days, 1e17}, {koc::metric::leads, kTiny}};
    out.emplace_back("every normalisation at the ends of the range", p);
  }
  {
    koc::tier_policy p = koc::default_tier_policy();
    p.tiers[1].promote_threshold = 1e-300, p.tiers[1].keep_threshold = kTiny;
    p.tiers[2].promote_threshold = 99.999999999999986, p.tiers[2].keep_threshold = -kMax;
    p.tiers[3].promote_threshold = kMax, p.tiers[3].keep_threshold = kMax;
    for (auto& t : p.tiers) t.grace_periods = kI32;
    p.max_demotion_steps = kI32;
    out.emplace_back("thresholds at the ends of the range", p);
  }
  return out;
}

koc::roster single_row(const koc::roster& r, std::size_t i) {
  koc::roster one;
  one.id = {r.id[i]};
  for (std::size_t m = 0; m < r.metrics.size(); ++m) one.metrics[m] = {r.metrics[m][i]};
  one.honorary = {r.honorary[i]}, one.invited = {r.invited[i]}, one.clearance = {r.clearance[i]};
  one.previous_tier = {r.previous_tier[i]}, one.periods_below = {r.periods_below[i]};
  return one;
}

double gap_direction(const koc::tier_policy& p, koc::metric m) { return koc::gap_sign_negative(p, m) ? -1.0 : 1.0; }

/// Basic invariants of a classification, and that every finite growth gap reaches the next tier.
void check_tier_result(const koc::roster& r, const koc::tier_policy& p, const koc::tier_result& t,
                       const std::string& what) {
  INFO(what);
  const std::size_t n = r.size();
  const auto L = static_cast<std::int32_t>(p.tiers.size());
  REQUIRE(t.n_kocs == n);
  REQUIRE(t.score.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    INFO("row " << i);
    CHECK(std::isfinite(t.score[i]));
    double sum = 0.0;
    for (std::size_t u = 0; u < t.terms.size(); ++u) sum += t.contribution(i, u);
    CHECK(sum == t.score[i]);
    for (const auto tier : {t.qualified_tier[i], t.computed_tier[i], t.final_tier[i]}) CHECK((tier >= 0 && tier < L));
    CHECK(t.next_tier[i] == (t.computed_tier[i] + 1 < L ? t.computed_tier[i] + 1 : -1));
    CHECK(t.periods_below[i] >= 0);
    for (std::size_t k = 0; k < t.gap_metrics.size(); ++k) {
      const double g = t.gap(i, k);
      CHECK(!std::isnan(g));
      CHECK(g >= 0);
      if (!std::isfinite(g) || t.next_tier[i] < 0) continue;
      const koc::metric m = t.gap_metrics[k];
      INFO("gap on " << koc::metric_name(m) << " = " << g);
      koc::roster q = r;
      q.column(m)[i] = r.metrics[static_cast<std::size_t>(m)][i] + gap_direction(p, m) * g;
      bool reaches = false;
      watched("classify (re-check of a growth gap)", [&] {
        reaches = koc::classify(q, p, {}, {false}).qualified_tier[i] >= t.next_tier[i];
      });
      CHECK(reaches);
    }
  }
}

}  // namespace

TEST_CASE("tiers: classify, explain and what_if on extreme metric values, weights and thresholds", "[extreme][tiers]") {
  const auto policies = extreme_tier_policies();
  const koc::tier_policy default_policy = koc::default_tier_policy();
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const koc::roster r = extreme_roster(24, seed);
    for (const auto& named : policies) {  // no structured binding: lambdas capture these names
      const std::string& name = named.first;
      const koc::tier_policy& p = named.second;
      INFO("policy: " << name << ", seed " << seed);
      koc::tier_result t;
      if (!watched("koc::classify", [&] { t = koc::classify(r, p); })) {
        // Only a score beyond the double range may refuse these rosters; the rows whose score fits are
        // then classified alone.
        CHECK(last_refusal == koc::errc::overflow);
        for (std::size_t i = 0; i < r.size(); ++i) {
          const koc::roster one = single_row(r, i);
          if (watched("koc::classify (one row)", [&] { t = koc::classify(one, p); })) check_tier_result(one, p, t, name);
          else CHECK(last_refusal == koc::errc::overflow);
        }
        continue;
      }
      check_tier_result(r, p, t, name);
      // Two partitions classified against the whole roster's statistics give the whole roster's rows.
      watched("koc::tier_reference_of and classify by partition", [&] {
        koc::tier_reference ref = koc::tier_reference_of(r, p);
        for (const std::size_t lo : {std::size_t{0}, r.size() / 2}) {
          const std::size_t hi = lo == 0 ? r.size() / 2 : r.size();
          koc::roster part;
          for (std::size_t i = lo; i < hi; ++i) {
            const koc::roster one = single_row(r, i);
            part.id.push_back(one.id[0]);
            for (std::size_t m = 0; m < part.metrics.size(); ++m) part.metrics[m].push_back(one.metrics[m][0]);
            part.honorary.push_back(one.honorary[0]), part.invited.push_back(one.invited[0]);
            part.clearance.push_back(one.clearance[0]), part.previous_tier.push_back(one.previous_tier[0]);
            part.periods_below.push_back(one.periods_below[0]);
          }
          ref.row_offset = lo;
          koc::classify_options opt;
          opt.reference = &ref;
          const koc::tier_result u = koc::classify(part, p, {}, opt);
          for (std::size_t i = lo; i < hi; ++i) {
            CHECK(u.score[i - lo] == t.score[i]);
            CHECK(u.final_tier[i - lo] == t.final_tier[i]);
          }
        }
      });
      watched("koc::explain", [&] {
        for (std::size_t i = 0; i < r.size(); ++i) {
          const std::string s = koc::explain(r, p, t, i);
          CHECK(!s.empty());
          CHECK(s.find("nan") == std::string::npos);
        }
      });
      watched("koc::what_if", [&] {
        const koc::what_if_result w = koc::what_if(r, default_policy, p);
        std::int64_t total = 0;
        for (const auto c : w.counts) total += c;
        CHECK(total == static_cast<std::int64_t>(r.size()));
      });
      watched("koc::tier_policy_from_json (round trip)", [&] {
        const koc::tier_policy back = koc::tier_policy_from_json(koc::tier_policy_to_json(p));
        CHECK(koc::tier_policy_to_json(back) == koc::tier_policy_to_json(p));
      });
    }
  }
}

// The hang of the growth gap's whole-number bisection above 2^53 (see test_fuzz_regressions.cpp), here
// under the watchdog with every integral metric un-normalised at a tiny weight.
TEST_CASE("tiers: growth gaps above 2^53 on every integral metric end", "[extreme][tiers]") {
  for (const double weight : {1e-16, 1e-20, 1e-300}) {
    koc::tier_policy p = koc::default_tier_policy();
    for (auto& m : p.metrics)
      if (koc::metric_is_integral(m.which) && !m.invert) m.norm = koc::normalisation::none, m.weight = weight, m.reference = 1.0;
    koc::roster r;
    r.id = {1, 2, 3, 4};
    for (auto& c : r.metrics) c.assign(4, 0.0);
    r.column(koc::metric::posts) = {1e17, 1e20, k2p53 + 2, 3};
    r.column(koc::metric::views) = {k2p53, 1e300, 0, kMax};
    r.column(koc::metric::tasks_completed) = {5, 5, 5, 5};
    koc::tier_result t;
    REQUIRE(watched("koc::classify (gaps above 2^53)", [&] { t = koc::classify(r, p); }));
    check_tier_result(r, p, t, "weight " + shown(weight));
  }
}

// ---- matching ---------------------------------------------------------------------------------------

namespace {

struct extreme_matching {
  koc::task_table tasks;
  koc::koc_profiles kocs;
  std::vector<std::int64_t> decline_koc, decline_task, pref_koc, pref_task;
  std::vector<std::int32_t> pref_rank;
  koc::declines_view declines() const { return {decline_koc, decline_task}; }
  koc::koc_preferences_view preferences() const { return {pref_koc, pref_task, pref_rank}; }
};

/// Tasks and profiles at the ends of every column's range. `max_tier`: the largest tier a KOC or a task
/// bound may name (the ladder's last index for the pipeline, INT32_MAX for eligibility alone).
extreme_matching extreme_matching_instance(std::size_t n, std::size_t m, std::uint64_t seed, std::int32_t max_tier) {
  std::mt19937_64 rng(seed);
  const auto pick = [&](auto const& pool) { return pool[rng() % pool.size()]; };
  extreme_matching x;
  auto& t = x.tasks;
  t.n_skills = 3;
  for (std::size_t i = 0; i < m; ++i) {
    t.id.push_back(i % 2 ? kI64 - static_cast<std::int64_t>(i) : kI64Min + static_cast<std::int64_t>(i));
    t.asset.push_back(static_cast<std::uint8_t>(rng() % koc::n_asset_types));
    t.horizon.push_back(static_cast<std::uint8_t>(rng() % koc::n_horizons));
    t.direction.push_back(static_cast<std::uint8_t>(rng() % koc::n_directions));
    t.slots.push_back(pick(std::vector<std::int32_t>{0, 1, 3, koc::unlimited_slots}));
    const bool whole_time = rng() % 2;
    t.window_start.push_back(whole_time ? kI64Min : kI64 - 1);
    t.window_end.push_back(kI64);
    t.load.push_back(rng() % 4 ? 1 : kI32);
    for (std::size_t s = 0; s < t.n_skills; ++s) t.required_skill.push_back(pick(std::vector<std::uint8_t>{0, 0, 1, 255}));
    t.audience.push_back(pick(std::vector<std::uint64_t>{0, 1, ~std::uint64_t{0}}));
    t.region.push_back(pick(std::vector<std::int32_t>{-1, -1, 0, kI32}));
    const std::int32_t lo = pick(std::vector<std::int32_t>{0, 0, 1, max_tier});
    t.min_tier.push_back(lo);
    t.max_tier.push_back(std::max(lo, pick(std::vector<std::int32_t>{0, 2, max_tier})));
    t.confidential.push_back(static_cast<std::uint8_t>(rng() % 3 == 0));
  }
  auto& k = x.kocs;
  k.n_skills = 3;
  for (std::size_t i = 0; i < n; ++i) {
    k.id.push_back(i % 2 ? kI64 - 2 * static_cast<std::int64_t>(i) : kI64Min + 2 * static_cast<std::int64_t>(i));
    k.tier.push_back(pick(std::vector<std::int32_t>{0, 1, max_tier}));
    k.capacity.push_back(pick(std::vector<std::int32_t>{0, 1, 2, kI32}));
    for (std::size_t s = 0; s < k.n_skills; ++s) k.skill.push_back(pick(std::vector<std::uint8_t>{0, 1, 254, 255}));
    k.audience.push_back(pick(std::vector<std::uint64_t>{0, 1, ~std::uint64_t{0}}));
    k.region.push_back(pick(std::vector<std::int32_t>{-1, 0, kI32}));
    const bool always = rng() % 2;
    k.available_start.push_back(always ? kI64Min : kI64 - 1);
    k.available_end.push_back(kI64);
    k.opted_out.push_back(rng() % 4 ? 0u : static_cast<std::uint32_t>(rng() & koc::opt_out_mask_all));
    k.recent_tasks.push_back(pick(std::vector<std::int32_t>{0, 1, kI32}));
    k.clearance.push_back(static_cast<std::uint8_t>(rng() % 2));
    k.honorary.push_back(static_cast<std::uint8_t>(rng() % 4 == 0));
    k.quality.push_back(pick(kRates));
    k.on_time_rate.push_back(pick(kRates));
  }
  for (std::size_t d = 0; d < n; ++d) {
    x.decline_koc.push_back(k.id[rng() % n]);
    x.decline_task.push_back(t.id[rng() % m]);
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j)
      if (rng() % 4 == 0) {
        x.pref_koc.push_back(k.id[i]);
        x.pref_task.push_back(t.id[j]);
        x.pref_rank.push_back(pick(std::vector<std::int32_t>{1, 2, kI32}));
      }
  return x;
}

void check_eligibility(const koc::eligibility_result& e, std::size_t n, std::size_t m) {
  REQUIRE(e.graph.n_kocs == n);
  REQUIRE(e.graph.n_tasks == m);
  watched("koc::validate (candidate graph)", [&] { koc::validate(e.graph.view()); });
  for (std::size_t t = 0; t < m; ++t) {
    std::int64_t sum = e.n_eligible[t];
    for (int r = 0; r < koc::n_exclusion_rules; ++r) sum += e.excluded_by(t, static_cast<koc::exclusion_rule>(r));
    CHECK(sum == static_cast<std::int64_t>(n));
  }
}

std::vector<std::pair<std::string, koc::matching_policy>> extreme_matching_policies() {
  std::vector<std::pair<std::string, koc::matching_policy>> out;
  out.emplace_back("default", koc::default_matching_policy());
  for (const double w : {kTiny, 1e-300, 1e300, kMax / 8, kMax}) {
    koc::matching_policy p = koc::default_matching_policy();
    p.weights = {w, w, w, w, w, w, w};
    p.skill_level_max = w;
    p.rotation_half_count = w;
    out.emplace_back("every weight " + shown(w), p);
  }
  return out;
}

}  // namespace

TEST_CASE("matching: eligibility on extreme ids, windows, capacities, loads, regions and tiers", "[extreme][matching]") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    INFO("seed " << seed);
    const std::int32_t max_tier = seed % 2 ? kI32 : 3;
    const extreme_matching x = extreme_matching_instance(20, 12, seed, max_tier);
    koc::eligibility_result e;
    if (watched("koc::eligible_pairs", [&] { e = koc::eligible_pairs(x.tasks, x.kocs, x.declines()); }))
      check_eligibility(e, 20, 12);
    watched("koc::explain_eligibility", [&] {
      for (std::size_t t = 0; t < 12; ++t) CHECK(!koc::explain_eligibility(e, x.tasks, t).empty());
    });
  }
}

TEST_CASE("matching: fit and the match pipeline on extreme profiles, weights and score resolutions", "[extreme][matching]") {
  const koc::tier_policy ladder = koc::default_tier_policy();
  const auto policies = extreme_matching_policies();
  for (std::uint64_t seed = 1; seed <= 2; ++seed) {
    const extreme_matching x = extreme_matching_instance(16, 10, seed, 3);
    for (const auto& named : policies) {  // no structured binding: lambdas capture these names
      const std::string& name = named.first;
      const koc::matching_policy& policy = named.second;
      INFO("policy: " << name << ", seed " << seed);
      koc::eligibility_result e;
      if (watched("koc::build_candidates", [&] { e = koc::build_candidates(x.tasks, x.kocs, policy, ladder, x.declines(), x.preferences()); })) {
        check_eligibility(e, 16, 10);
        double lo = -policy.weights.rotation, hi = 0.0;
        for (const double w : {policy.weights.skill, policy.weights.audience, policy.weights.tier_fit, policy.weights.quality,
                               policy.weights.reliability, policy.weights.preference})
          hi += w;
        for (const double s : e.graph.score) {
          CHECK(std::isfinite(s));
          CHECK(s >= lo);
          CHECK(s <= hi);
        }
      }
      for (const auto mode : {koc::match_mode::optimal, koc::match_mode::stable_kocs_propose, koc::match_mode::stable_tasks_propose})
        for (const auto objective : {koc::capacitated_objective::max_score, koc::capacitated_objective::max_fill_then_score})
          for (const double resolution : {1e-6, kTiny, 1.0, 1e300, kMax}) {
            if (mode != koc::match_mode::optimal && (objective != koc::capacitated_objective::max_score || resolution != 1e-6)) continue;
            INFO("mode " << koc::match_mode_names[static_cast<std::size_t>(mode)] << ", objective "
                         << static_cast<int>(objective) << ", resolution " << shown(resolution));
            koc::match_options opt;
            opt.mode = mode;
            opt.objective = objective;
            opt.score_resolution = resolution;
            koc::match_result r;
            if (!watched("koc::match", [&] { r = koc::match(x.tasks, x.kocs, policy, ladder, x.declines(), x.preferences(), opt); }))
              continue;
            CHECK(!std::isnan(r.total));
            koc::match_verify_report rep;
            REQUIRE(watched("koc::verify (match)", [&] { rep = koc::verify(r); }));
            INFO(rep.message);
            CHECK(rep.ok);
          }
    }
  }
}

// ---- assignment solvers -----------------------------------------------------------------------------

namespace {

/// Finite costs from the ends of the range the dense solver takes (its cost_limit for the size), and
/// forbidden pairs; with `beyond`, one entry at DBL_MAX, which must be refused.
std::vector<double> extreme_costs(std::size_t rows, std::size_t cols, std::mt19937_64& rng, double forbidden, double scale,
                                  bool beyond) {
  const double top = koc::detail::cost_limit(std::min(rows, cols));
  const std::vector<double> pool = {0.0, -0.0, kTiny, -kTiny, 1.0, -1.0, k2p53 + 2, -(k2p53 - 1), 1e17, 1e150,
                                    -1e150, 1e300, -1e300, top, -top, top / 3};
  std::vector<double> c(rows * cols);
  for (auto& x : c) x = rng() % 7 == 0 ? forbidden : pool[rng() % pool.size()] * scale;
  if (beyond) c[rng() % c.size()] = rng() % 2 ? kMax : -kMax;
  return c;
}

}  // namespace

TEST_CASE("assignment: dense assignment on costs from subnormal to DBL_MAX", "[extreme][matching][dense]") {
  std::mt19937_64 rng(19);
  const std::vector<std::pair<std::size_t, std::size_t>> shapes = {{1, 1}, {3, 3}, {4, 7}, {7, 4}, {12, 12}, {5, 30}};
  for (int trial = 0; trial < 240; ++trial) {
    const std::size_t rows = shapes[static_cast<std::size_t>(trial) % shapes.size()].first;
    const std::size_t cols = shapes[static_cast<std::size_t>(trial) % shapes.size()].second;
    const bool maximize = trial % 2 == 1;
    const bool with_mask = trial % 3 == 2;
    const double scale = trial % 4 == 3 ? 1e-300 : 1.0;  // subnormal costs mixed with tiny ones
    const double forbidden = maximize ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    const bool beyond = trial % 5 == 4;
    const std::vector<double> cost = extreme_costs(rows, cols, rng, forbidden, scale, beyond);
    std::vector<std::uint8_t> mask(rows * cols);
    for (auto& b : mask) b = static_cast<std::uint8_t>(rng() % 9 == 0);
    koc::dense_assignment_options opt;
    opt.maximize = maximize;
    opt.forbidden = with_mask ? mask.data() : nullptr;
    INFO("trial " << trial << " (" << rows << " x " << cols << ")");
    koc::dense_assignment_result r;
    const bool solved = watched("koc::solve_dense_assignment", [&] { r = koc::solve_dense_assignment(cost.data(), rows, cols, opt); });
    CHECK(solved != beyond);  // refused exactly when a cost is above the limit
    if (!solved) {
      CHECK(last_refusal == koc::errc::out_of_range);
      continue;
    }
    CHECK(!std::isnan(r.total_cost));
    koc::assignment_check ck;
    REQUIRE(watched("koc::verify (dense)", [&] { ck = koc::verify(cost.data(), rows, cols, r, 1e-9, opt.forbidden); }));
    INFO(ck.message);
    CHECK(ck.ok);
  }
}

namespace {

/// A candidate graph with scores from the ends of the double range (ties, signs, subnormals).
koc::candidate_graph extreme_graph(std::size_t n, std::size_t m, std::mt19937_64& rng, const std::vector<double>& scores) {
  koc::candidate_graph g;
  g.n_kocs = n;
  g.n_tasks = m;
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t t = 0; t < m; ++t)
      if (rng() % 3 != 0) {
        g.task.push_back(static_cast<std::int32_t>(t));
        g.score.push_back(scores[rng() % scores.size()]);
      }
    g.offsets.push_back(static_cast<std::int64_t>(g.task.size()));
  }
  return g;
}

}  // namespace

TEST_CASE("assignment: candidate graphs from extreme score matrices and edge lists", "[extreme][matching]") {
  std::mt19937_64 rng(41);
  const std::vector<double> scores = {0.0, kTiny, -kTiny, 1.0, k2p53 + 2, 1e300, kMax, -kMax,
                                      -std::numeric_limits<double>::infinity()};
  for (int trial = 0; trial < 60; ++trial) {
    const Eigen::Index n = 1 + static_cast<Eigen::Index>(rng() % 9), m = 1 + static_cast<Eigen::Index>(rng() % 7);
    koc::score_matrix s(n, m);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < m; ++j) s(i, j) = scores[rng() % scores.size()];
    koc::candidate_graph g;
    REQUIRE(watched("koc::candidates_from_dense", [&] { g = koc::candidates_from_dense(s); }));
    watched("koc::validate (candidate graph)", [&] { koc::validate(g.view()); });
    std::vector<std::int32_t> koc_col, task_col;
    for (std::size_t k = 0; k < g.n_kocs; ++k)
      for (auto e = g.offsets[k]; e < g.offsets[k + 1]; ++e) {
        koc_col.push_back(static_cast<std::int32_t>(k));
        task_col.push_back(g.task[static_cast<std::size_t>(e)]);
      }
    std::vector<std::size_t> order(koc_col.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = order.size() - 1 - i;  // any order is allowed
    std::vector<std::int32_t> rk, rt;
    std::vector<double> rs;
    for (const std::size_t i : order) rk.push_back(koc_col[i]), rt.push_back(task_col[i]), rs.push_back(g.score[i]);
    koc::candidate_graph h;
    REQUIRE(watched("koc::candidates_from_edges", [&] {
      h = koc::candidates_from_edges(g.n_kocs, g.n_tasks, rk, rt, rs);
    }));
    CHECK(h.offsets == g.offsets);
    CHECK(h.task == g.task);
    CHECK(h.score == g.score);
    REQUIRE(watched("koc::to_boost_graph", [&] {
      CHECK(boost::num_edges(koc::to_boost_graph(g.view())) == g.task.size());
    }));
  }
}

TEST_CASE("assignment: capacitated assignment, its warm start and verify on extreme scores and sizes", "[extreme][matching][capacitated]") {
  std::mt19937_64 rng(23);
  const std::vector<double> scores = {0.0, kTiny, -kTiny, 1e-300, 1e-6, 1.0, -1.0, 0.5, k2p53, 1e17, -1e17, 1e300, kMax, -kMax};
  const std::vector<std::int32_t> sizes = {0, 1, 2, kI32};
  for (int trial = 0; trial < 160; ++trial) {
    const std::size_t n = 1 + rng() % 12, m = 1 + rng() % 8;
    const koc::candidate_graph g = extreme_graph(n, m, rng, scores);
    std::vector<std::int32_t> capacity(n), slots(m);
    for (auto& c : capacity) c = sizes[rng() % sizes.size()];
    for (auto& s : slots) s = sizes[rng() % sizes.size()];
    koc::capacitated_assignment_options opt;
    opt.objective = trial % 2 ? koc::capacitated_objective::max_fill_then_score : koc::capacitated_objective::max_score;
    opt.score_resolution = std::vector<double>{1e-6, kTiny, 1.0, 1e10, 1e300, kMax}[rng() % 6];
    INFO("trial " << trial << ", resolution " << shown(opt.score_resolution));
    koc::capacitated_assignment_result r;
    if (!watched("koc::solve_capacitated_assignment", [&] { r = koc::solve_capacitated_assignment(g, capacity, slots, opt); })) {
      CHECK(last_refusal == koc::errc::overflow);  // scores too large for the resolution
      continue;
    }
    CHECK(!std::isnan(r.total_score));
    koc::capacitated_verify_report rep;
    REQUIRE(watched("koc::verify (capacitated)", [&] { rep = koc::verify(g, capacity, slots, opt, r); }));
    INFO(rep.message);
    CHECK(rep.ok);
    // A warm start from these duals on a perturbed problem (one more slot everywhere, capped at INT32_MAX).
    for (auto& s : slots) s = s == kI32 ? s : s + 1;
    koc::capacitated_assignment_result w;
    if (watched("koc::resolve_capacitated_assignment", [&] { w = koc::resolve_capacitated_assignment(g, capacity, slots, opt, r.duals); })) {
      REQUIRE(watched("koc::verify (capacitated, warm)", [&] { rep = koc::verify(g, capacity, slots, opt, w); }));
      INFO(rep.message);
      CHECK(rep.ok);
    }
  }
}

TEST_CASE("assignment: stable matching on extreme scores, ranks and capacities", "[extreme][matching][stable]") {
  std::mt19937_64 rng(29);
  const std::vector<double> scores = {0.0, -0.0, kTiny, -kTiny, 1.0, k2p53, k2p53 + 2, 1e300, -1e300, kMax, -kMax};
  const std::vector<std::int32_t> ranks = {std::numeric_limits<std::int32_t>::min(), -1, 0, 1, kI32};
  const std::vector<std::int32_t> sizes = {0, 1, 3, kI32};
  for (int trial = 0; trial < 120; ++trial) {
    const std::size_t n = 1 + rng() % 14, m = 1 + rng() % 9;
    const koc::candidate_graph g = extreme_graph(n, m, rng, scores);
    std::vector<std::int32_t> capacity(n), slots(m), koc_rank(g.task.size()), task_rank(g.task.size());
    for (auto& c : capacity) c = sizes[rng() % sizes.size()];
    for (auto& s : slots) s = sizes[rng() % sizes.size()];
    for (auto& x : koc_rank) x = ranks[rng() % ranks.size()];
    for (auto& x : task_rank) x = ranks[rng() % ranks.size()];
    koc::stable_matching_options opt;
    opt.proposer = trial % 2 ? koc::proposing_side::tasks : koc::proposing_side::kocs;
    if (trial % 3 != 0) opt.koc_rank = koc_rank;
    if (trial % 4 != 0) opt.task_rank = task_rank;
    INFO("trial " << trial);
    koc::stable_matching_result r;
    REQUIRE(watched("koc::stable_matching", [&] { r = koc::stable_matching(g, capacity, slots, opt); }));
    CHECK(r.proposals <= static_cast<std::int64_t>(g.task.size()));
    koc::stability_report rep;
    REQUIRE(watched("koc::verify_stable", [&] { rep = koc::verify_stable(g, capacity, slots, opt, r); }));
    INFO(rep.message);
    CHECK(rep.ok);
  }
}

namespace {

// Exhaustive maximum total compatibility over pairs with compatibility > 0 (a handful of members).
double best_pairing(const Eigen::MatrixXd& w, std::vector<int>& used, Eigen::Index i) {
  while (i < w.rows() && used[static_cast<std::size_t>(i)]) ++i;
  if (i >= w.rows()) return 0.0;
  used[static_cast<std::size_t>(i)] = 1;
  double best = best_pairing(w, used, i + 1);
  for (Eigen::Index j = i + 1; j < w.rows(); ++j)
    if (!used[static_cast<std::size_t>(j)] && w(i, j) > 0) {
      used[static_cast<std::size_t>(j)] = 1;
      best = std::max(best, w(i, j) + best_pairing(w, used, i + 1));
      used[static_cast<std::size_t>(j)] = 0;
    }
  used[static_cast<std::size_t>(i)] = 0;
  return best;
}

}  // namespace

TEST_CASE("assignment: teams on compatibilities from subnormal to DBL_MAX", "[extreme][matching][teams]") {
  std::mt19937_64 rng(31);
  // Each pool draws its compatibilities from one band, so the optimum is comparable with brute force in
  // doubles: subnormal only, tiny, around 2^40 and 2^53, huge (pairs of pairs stay below DBL_MAX).
  const std::vector<std::vector<double>> bands = {
      {kTiny, 2 * kTiny, 3 * kTiny, 7 * kTiny},
      {1e-310, 3e-310, 5e-309, kMinNormal},
      {1e-300, 2e-300, 3.5e-300},
      {1099511627776.0, 1099511627777.0, 1099511627775.0, 3.0},
      {k2p53, k2p53 + 2, k2p53 - 1, 1.0},
      {kMax / 8, kMax / 16, kMax / 10, 1e300},
  };
  for (int trial = 0; trial < 120; ++trial) {
    const auto& band = bands[static_cast<std::size_t>(trial) % bands.size()];
    const Eigen::Index n = 1 + static_cast<Eigen::Index>(rng() % 8);
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(n, n);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = i + 1; j < n; ++j)
        w(i, j) = w(j, i) = rng() % 5 == 0 ? -kMax : band[rng() % band.size()];
    std::vector<std::int64_t> members(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < members.size(); ++i) members[i] = kI64 - static_cast<std::int64_t>(i);
    INFO("trial " << trial << ", band starting " << shown(band[0]));
    koc::team_pairing_result r;
    REQUIRE(watched("koc::pair_into_teams", [&] { r = koc::pair_into_teams(members, w); }));
    koc::team_pairing_result f;
    REQUIRE(watched("koc::pair_into_teams (function)", [&] {
      f = koc::pair_into_teams(members, [&](std::int64_t a, std::int64_t b) { return w(kI64 - a, kI64 - b); });
    }));
    CHECK(f.first == r.first);
    CHECK(f.second == r.second);
    koc::team_report rep;
    REQUIRE(watched("koc::verify (teams)", [&] { rep = koc::verify(members, w, r); }));
    INFO(rep.message);
    CHECK(rep.ok);
    // Optimal for the compatibilities in fixed point at 2^-40 of the largest (teams.hpp).
    std::vector<int> used(static_cast<std::size_t>(n), 0);
    const double best = best_pairing(w, used, 0);
    CHECK(best - r.total <= static_cast<double>(n) * w.maxCoeff() * 0x1p-40);
  }
}

// ---- rewards ----------------------------------------------------------------------------------------

namespace {

using detail_i128 = koc::detail::i128;

// Amounts at the top of int64: INT64_MAX minor units is "92233720368547758.07" CNY, "9223372036854775807" JPY.
const char* const kExtremePolicy = R"({
  "schema": "koc.reward_policy/1",
  "gates": {"rejected_bp": 10000, "late_bp": 1},
  "tiers": [{"name": "entry", "multiplier_bp": 0},
            {"name": "core", "multiplier_bp": 100000, "entitlements": [{"kind": "badge", "name": "x10"}]}],
  "rules": [
    {"id": "max", "kind": "fixed", "currency": "JPY", "amount": "9223372036854775807"},
    {"id": "fast", "kind": "fixed", "currency": "CNY", "amount": "0.01",
     "speed_bonus": {"first_n": 9223372036854775807, "amount": "46116860184273879.03"}},
    {"id": "window", "kind": "fixed", "currency": "KWD", "amount": "0.001",
     "speed_bonus": {"within_hours": 1000000, "amount": "9223372036854775.806"}, "budget_priority": 1000000},
    {"id": "prize", "kind": "campaign", "currency": "JPY", "base": 0,
     "process_awards": [{"name": "all of it", "amount": "4611686018427387903", "winners": [9223372036854775806]}],
     "prize_pool": {"amount": "4611686018427387903", "split": "proportional", "top_n": 1000000}},
    {"id": "shares", "kind": "campaign", "currency": "JPY",
     "prize_pool": {"amount": "9223372036854775807", "split": "fixed_shares", "shares_bp": [1, 9998, 1]}},
    {"id": "retain", "kind": "retainer", "currency": "JPY", "fee": "9223372036854775807", "period": "year"},
    {"id": "amp", "kind": "amplification", "currency": "JPY", "base": "4611686018427387903", "metric": "views",
     "steps": [{"threshold": 1, "bonus": "4611686018427387903"}, {"threshold": 9223372036854775807, "bonus": "1"}],
     "cap_per_koc": "1"},
    {"id": "show", "kind": "offline", "currency": "JPY", "fee_per_day": "4611686018427387903",
     "travel_cap": "9223372036854775807"},
    {"id": "fame", "kind": "identity", "entitlements": [{"kind": "title", "name": "edge case"}]}
  ],
  "campaign_budgets": [{"campaign": 9223372036854775807, "currency": "JPY", "amount": "1", "reduction": "rule_priority"},
                       {"campaign": 0, "currency": "JPY", "amount": "9223372036854775807"}]
})";
enum : std::int32_t { MAX, FAST, WINDOW, PRIZE, SHARES, RETAIN, AMP, SHOW, FAME };

/// A programme over kExtremePolicy: ids at the top of int64 (the hashed id index), times at both ends of
/// int64, quality and fulfilment from subnormal to 1, counts at INT32_MAX / INT64_MAX.
koc_test::world extreme_programme(std::uint64_t seed, bool with_budgets) {
  std::mt19937_64 rng(seed);
  koc_test::world w;
  w.ladder = {"entry", "core"};
  const std::int64_t winner = kI64 - 1;
  // The award winner is core (x10, which only its prizes and awards escape: a jury fixed them); the others
  // are entry (x0) or without a tier (x1).
  for (std::int64_t k = 0; k < 6; ++k) w.add_koc(kI64 - 1 - k * (kI64 / 7), k == 0 ? 1 : static_cast<std::int32_t>(k % 2) - 1);
  const std::vector<std::int32_t> rules = {MAX, FAST, WINDOW, PRIZE, PRIZE, SHARES, RETAIN, AMP, AMP, SHOW, FAME};
  for (std::size_t t = 0; t < rules.size(); ++t) {
    const std::int32_t r = rules[t];
    const std::int64_t campaign = r == PRIZE || r == SHARES ? (t % 2 ? kI64 : 0) : (rng() % 2 ? 0 : -1);
    const std::int64_t budget = with_budgets && rng() % 2 ? std::vector<std::int64_t>{0, 1, kI64}[rng() % 3] : -1;
    w.add_task(kI64 - static_cast<std::int64_t>(t) * 1000003, r, campaign, rng() % 2 ? kI64Min : 0,
               rng() % 2 ? koc::no_deadline : kI64Min, r == RETAIN ? kI32 : 0, budget);
  }
  const std::vector<double> fractions = {0.0, kTiny, 1e-300, 0.5, 1.0 - 0x1p-53, 1.0};
  // A task takes one or two completions (more would overflow most tasks' totals), the award winner's
  // included.
  for (std::size_t k = 0; k < w.koc.size(); ++k)
    for (std::size_t t = 0; t < w.task_id.size(); ++t) {
      if (w.koc[k] == winner ? rules[t] != PRIZE : rng() % 4 != 0) continue;
      koc_test::C c;
      c.delivered(rng() % 2 ? kI64 : kI64Min).accepted(rng() % 4 != 0).quality(fractions[rng() % fractions.size()]);
      c.views(rng() % 2 ? kI64 : 1).interactions(kI64).fulfilment(fractions[rng() % fractions.size()]);
      if (rules[t] == RETAIN) c.days_served(rng() % 2 ? kI32 : 1);
      c.days_on_site(static_cast<std::int32_t>(rng() % 3)).travel(rng() % 2 ? kI64 : 0);
      w.complete(w.koc[k], w.task_id[t], c);
    }
  return w;
}

void check_ledger(const koc::reward_policy& p, const koc_test::world& w, const koc::reward_ledger& L) {
  koc::ledger_check ck;
  REQUIRE(watched("koc::verify (ledger)", [&] { ck = koc::verify(p, w.tasks(), w.asg(), w.done(), w.kocs(), L); }));
  INFO(ck.message);
  CHECK(ck.ok);
  watched("koc::explain_line", [&] {
    for (std::size_t l = 0; l < L.size(); ++l) CHECK(!koc::explain_line(p, L, l).empty());
  });
  koc::ledger_totals T;
  if (watched("koc::totals", [&] { T = koc::totals(L); })) {
    detail_i128 lines = 0, grouped = 0;
    for (std::size_t l = 0; l < L.size(); ++l) lines += L.currency[l] == koc::no_currency ? 0 : L.amount[l];
    for (const auto a : T.per_currency.amount) grouped += a;
    CHECK(lines == grouped);
  } else {
    CHECK(last_refusal == koc::errc::overflow);  // a total beyond int64
  }
}

}  // namespace

TEST_CASE("rewards: reward policies at the ends of int64 parse, and out-of-range ones are refused", "[extreme][rewards]") {
  koc::reward_policy p;
  REQUIRE(watched("koc::parse_reward_policy", [&] { p = koc::parse_reward_policy(std::string(kExtremePolicy)); }));
  CHECK(p.rules[MAX].amount == kI64);
  CHECK(p.rules[FAST].speed.first_n == kI64);
  for (const char* over : {"92233720368547758.08", "9223372036854775808", "99999999999999999999999", "0.001"}) {
    const std::string text = std::string(R"({"schema": "koc.reward_policy/1", "rules": [{"id": "x", "kind": "fixed",
        "currency": "CNY", "amount": ")") + over + R"("}]})";
    CHECK_FALSE(watched("koc::parse_reward_policy (amount out of range)", [&] { (void)koc::parse_reward_policy(text); }));
  }
  CHECK_FALSE(watched("koc::parse_reward_policy (integer out of range)", [&] {
    (void)koc::parse_reward_policy(std::string(R"({"schema": "koc.reward_policy/1", "rules": [{"id": "x", "kind": "fixed",
        "currency": "CNY", "amount": 92233720368547759}]})"));
  }));
}

TEST_CASE("rewards: the ledger, its verify and totals on amounts, times and counts at the ends of int64", "[extreme][rewards]") {
  const koc::reward_policy p = koc::parse_reward_policy(std::string(kExtremePolicy));
  int computed = 0;
  for (std::uint64_t seed = 1; seed <= 24; ++seed) {
    const koc_test::world w = extreme_programme(seed, seed % 2 == 0);
    INFO("seed " << seed);
    koc::reward_ledger L;
    if (!watched("koc::compute_ledger", [&] { L = koc::compute_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs()); })) {
      CHECK(last_refusal == koc::errc::overflow);  // sums of such amounts leave int64: refused, never wrapped
      continue;
    }
    ++computed;
    check_ledger(p, w, L);
    koc::reward_ledger again = L;  // its buffers are reused
    REQUIRE(watched("koc::compute_ledger (into a reused ledger)", [&] {
      koc::compute_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs(), again, {false});
    }));
    CHECK(koc_test::ledger_checksum(again) == koc_test::ledger_checksum(L));
  }
  CHECK(computed > 0);
}

// One KOC, many completions of a capped amplification rule each earning nearly INT64_MAX: the cap cuts
// take back nearly INT64_MAX each, so sums over the KOC's lines leave int64 although each line is valid.
TEST_CASE("rewards: per-KOC caps cut nearly INT64_MAX on every completion", "[extreme][rewards]") {
  const koc::reward_policy p = koc::parse_reward_policy(std::string(kExtremePolicy));
  koc_test::world w;
  w.add_koc(kI64);
  for (std::int64_t t = 0; t < 5; ++t) {
    w.add_task(t, AMP);
    w.complete(kI64, t, koc_test::C().views(kI64 - 1));
  }
  koc::reward_ledger L;
  REQUIRE(watched("koc::compute_ledger (caps)", [&] { L = koc::compute_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs()); }));
  CHECK(koc_test::lines_of(L, koc::line_kind::cap_cut).size() == 5);
  check_ledger(p, w, L);
}

TEST_CASE("rewards: money splits, ratios, fractions and amounts at the ends of int64", "[extreme][rewards][money]") {
  std::mt19937_64 rng(37);
  const std::vector<std::int64_t> pools = {0, 1, 2, 3, kI64 / 3, kI64 - 1, kI64};
  const std::vector<std::int64_t> weight_pool = {0, 1, 2, kI64 / 2, kI64 - 1, kI64};
  for (int trial = 0; trial < 400; ++trial) {
    const std::int64_t pool = pools[rng() % pools.size()];
    std::vector<std::int64_t> weights(rng() % 40);
    for (auto& x : weights) x = weight_pool[rng() % weight_pool.size()];
    INFO("trial " << trial << ", pool " << pool << ", " << weights.size() << " parts");
    std::vector<std::int64_t> parts;
    if (!watched("koc::split_largest_remainder", [&] { parts = koc::split_largest_remainder(pool, weights); })) {
      CHECK((weights.empty() && pool > 0));
      continue;
    }
    REQUIRE(parts.size() == weights.size());
    detail_i128 sum = 0, total = 0;
    for (const auto x : weights) total += x;
    const bool equal = total == 0;
    if (equal) total = static_cast<detail_i128>(weights.size());
    for (std::size_t i = 0; i < parts.size(); ++i) {
      sum += parts[i];
      CHECK(parts[i] >= 0);
      // Within one unit of the exact quota pool * w / W: |part * W - pool * w| < W.
      const detail_i128 diff = static_cast<detail_i128>(parts[i]) * total - static_cast<detail_i128>(pool) * (equal ? 1 : weights[i]);
      CHECK((diff < total && -diff < total));
    }
    CHECK(sum == pool);
  }
  const std::vector<std::int64_t> values = {kI64Min, kI64Min + 1, -3, -1, 0, 1, 2, 3, kI64 - 1, kI64};
  for (const auto a : values)
    for (const auto num : {kI64Min + 1, std::int64_t{-10000}, std::int64_t{0}, std::int64_t{1}, std::int64_t{12500}, kI64})
      for (const auto den : {std::int64_t{1}, std::int64_t{2}, std::int64_t{10000}, std::int64_t{100000000}, kI64}) {
        INFO(a << " * " << num << " / " << den);
        std::int64_t q = 0;
        if (!watched("koc::mul_ratio", [&] { q = koc::mul_ratio(a, num, den); })) {
          CHECK(last_refusal == koc::errc::overflow);
          continue;
        }
        // Nearest to the exact a * num / den, ties to even: |q * den - a * num| <= den / 2.
        const detail_i128 r = static_cast<detail_i128>(q) * den - static_cast<detail_i128>(a) * num;
        CHECK((2 * r <= den && -2 * r <= den));
      }
  for (const double x : {0.0, -0.0, kTiny, kMinNormal, 1e-300, 0.5, 1.0 - 0x1p-53, 1.0})
    for (const auto scale : {std::int64_t{1}, std::int64_t{10000}, std::int64_t{1000000}, kI64}) {
      std::int64_t u = -1;
      REQUIRE(watched("koc::fraction_to_units", [&] { u = koc::fraction_to_units(x, scale, 0, "x"); }));
      CHECK(u >= 0);
      CHECK(u <= scale);
    }
  for (std::size_t c = 0; c < koc::currencies().size(); ++c) {
    const auto cur = static_cast<koc::currency_id>(c);
    for (const auto v : values) {
      std::string text;
      REQUIRE(watched("koc::format_amount", [&] { text = koc::format_amount(v, cur); }));
      if (v < 0) continue;
      std::string plain;  // the grouped text without separators and code: parse_amount's format
      for (const char ch : text.substr(0, text.find(' ')))
        if (ch != ',') plain += ch;
      std::int64_t back = -1;
      REQUIRE(watched("koc::parse_amount", [&] { back = koc::parse_amount(plain, cur); }));
      CHECK(back == v);
    }
  }
}

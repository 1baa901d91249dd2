// Regression tests for what fuzzing found (fuzz/regressions holds the raw inputs, replayed by
// scripts/reliability.sh fuzz). Each case names the bug it pins.
#include <catch2/catch.hpp>
#include <koc/matching/policy.hpp>
#include <koc/matching/policy_json.hpp>
#include <koc/rewards/ledger.hpp>
#include <koc/rewards/policy.hpp>
#include <koc/rewards/policy_json.hpp>
#include <koc/tiers.hpp>
#include <koc/tiers/policy_json.hpp>

#include "rewards/rewards_world.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace {

koc::errc code_of(void (*load)(const std::string&), const std::string& text) {
  try {
    load(text);
  } catch (const koc::error& e) {
    return e.code();
  }
  return koc::errc::ok;
}

}  // namespace

// A JSON number beyond double range made nlohmann throw out_of_range (406), which the loaders did not
// catch: a foreign exception escaped (KOC_ERROR_INTERNAL through the C ABI) instead of invalid_policy.
TEST_CASE("a JSON number beyond double range is an invalid policy, not an internal error", "[fuzz][regression]") {
  const std::string tier = R"({"schema": "koc.tier_policy/1", "metrics": [{"metric": "posts", "weight": 1e400,
                               "normalisation": "none"}], "tiers": [{"name": "a", "promote_threshold": 0}]})";
  CHECK(code_of([](const std::string& t) { (void)koc::tier_policy_from_json(t); }, tier) == koc::errc::invalid_policy);
  const std::string reward = R"({"schema": "koc.reward_policy/1", "rules": [{"id": "x", "kind": "offline",
                                 "currency": "CNY", "fee_per_day": 1e40000, "travel_cap": "1"}]})";
  CHECK(code_of([](const std::string& t) { (void)koc::parse_reward_policy(t); }, reward) == koc::errc::invalid_policy);
  CHECK(code_of([](const std::string& t) { (void)koc::matching_policy_from_json(t, koc::default_tier_policy()); },
                R"({"schema": "koc.matching_policy/1", "x": -1e999})") == koc::errc::invalid_policy);
  // Still parsed: large but representable numbers.
  CHECK(code_of([](const std::string& t) { (void)koc::tier_policy_from_json(t); },
                R"({"schema": "koc.tier_policy/1", "metrics": [{"metric": "posts", "weight": 1e300, "normalisation": "none"}],
                    "tiers": [{"name": "a", "promote_threshold": 0}]})") == koc::errc::ok);
}

// A campaign rule without a base pays a completion only through its prize: the per-completion pass gave
// it a no_reward "nothing_due" line before the ranking, then the prize line, and verify refused the
// ledger (a completion with both). fuzz/regressions/fuzz_reward_policy/campaign_prize_without_base.json
TEST_CASE("a prize-only campaign completion has its prize line and no no_reward line", "[fuzz][regression][rewards]") {
  const auto p = koc::parse_reward_policy(std::string(R"({"schema": "koc.reward_policy/1", "rules": [
      {"id": "w", "kind": "campaign", "currency": "CNY", "prize_pool": {"amount": "0.03", "split": "winner_takes_all"}}]})"));
  koc_test::world w;
  w.add_koc(1);
  w.add_koc(2);
  w.add_koc(3);
  w.add_task(10, 0, 1);
  w.complete(1, 10, koc_test::C().quality(0.9));
  w.complete(2, 10, koc_test::C().quality(0.9));  // tied for first with KOC 1: the pool is shared
  w.complete(3, 10, koc_test::C().quality(0.5));  // ranked, but the single place is taken
  const koc::reward_ledger L = w.run(p);  // run() asserts verify()
  CHECK(koc_test::paid_to(L, 1) + koc_test::paid_to(L, 2) == 3);
  for (std::size_t l = 0; l < L.size(); ++l) {
    if (L.koc_id[l] == 1 || L.koc_id[l] == 2) CHECK(L.kind[l] == koc::line_kind::prize);
    if (L.koc_id[l] == 3) CHECK((L.kind[l] == koc::line_kind::no_reward && L.reason[l] == koc::line_reason::nothing_due));
  }
}

// A periods-below counter of INT32_MAX is valid input, but the ladder walk's grace test computed
// below + 1 <= grace_periods and overflowed (UBSan, fuzz_c_api through koc_classify). The test is now
// below < grace_periods. fuzz/regressions/fuzz_c_api/periods_below_int32_max.bin
TEST_CASE("a periods-below counter at INT32_MAX does not overflow the grace test", "[fuzz][regression][tiers]") {
  constexpr std::int32_t big = std::numeric_limits<std::int32_t>::max();
  koc::roster r;
  r.id = {1, 2};
  for (auto& c : r.metrics) c.assign(2, 0.0);  // a score far below core's keep threshold
  r.previous_tier = {2, 2};                     // core
  r.periods_below = {big, big - 1};
  auto p = koc::default_tier_policy();
  p.tiers[2].grace_periods = big;
  const auto t = koc::classify(r, p);
  // Row 0 has used every grace period: demoted one step. Row 1 has one left: held, counter at INT32_MAX.
  CHECK(t.transition_of(0) == koc::tier_transition::demoted);
  CHECK(t.final_tier[0] == 1);
  CHECK(t.periods_below[0] == 0);
  CHECK(t.transition_of(1) == koc::tier_transition::held_by_grace);
  CHECK(t.final_tier[1] == 2);
  CHECK(t.periods_below[1] == big);
  // The default grace (2 periods): both demoted.
  const auto d = koc::classify(r, koc::default_tier_policy());
  CHECK(d.transition_of(0) == koc::tier_transition::demoted);
  CHECK(d.transition_of(1) == koc::tier_transition::demoted);
}

// A growth gap above 2^53 on an integral metric: the whole-number bisection computed
// floor(lo + (hi - lo) / 2), which equals lo once lo and hi are adjacent doubles 2 or more apart, and
// looped forever (fuzz_c_api through koc_classify; also reachable from Python with a weight of 1e-16 on an
// un-normalised metric and 1e17 posts). The bisection now stops there and the gap is the smallest
// qualifying double. fuzz/regressions/fuzz_c_api/growth_gap_whole_bisection_above_2p53.bin
TEST_CASE("a growth gap above 2^53 ends and is the smallest qualifying double", "[fuzz][regression][tiers]") {
  auto p = koc::default_tier_policy();
  for (auto& m : p.metrics)
    if (m.which == koc::metric::posts) m.norm = koc::normalisation::none, m.weight = 1e-16, m.reference = 1.0;
  int above_2p53 = 0;  // gaps that took the path that used to hang
  for (const double posts : {1e17, 1e20, 9007199254740993.0 /* 2^53 + 1 rounds to 2^53 */}) {
    koc::roster r;
    r.id = {1, 2, 3};
    for (auto& c : r.metrics) c.assign(3, 0.0);
    r.column(koc::metric::posts) = {posts, 0.0, 3.0};
    r.column(koc::metric::tasks_completed) = {5, 5, 5};  // active's gate passes: the score decides
    const auto t = koc::classify(r, p);
    std::size_t k_posts = t.gap_metrics.size();
    for (std::size_t k = 0; k < t.gap_metrics.size(); ++k)
      if (t.gap_metrics[k] == koc::metric::posts) k_posts = k;
    REQUIRE(k_posts < t.gap_metrics.size());
    for (std::size_t i = 0; i < 3; ++i) {
      const double g = t.gap(i, k_posts);
      if (!std::isfinite(g) || t.next_tier[i] < 0) continue;
      // x + g reaches the next tier; the double below g does not.
      auto reaches = [&](double d) {
        koc::roster q = r;
        q.column(koc::metric::posts)[i] = r.column(koc::metric::posts)[i] + d;
        return koc::classify(q, p).qualified_tier[i] >= t.next_tier[i];
      };
      CHECK(g == std::floor(g));
      CHECK(reaches(g));
      CHECK_FALSE(reaches(std::nextafter(g, 0.0)));
      if (g > 9007199254740992.0) ++above_2p53;
    }
  }
  CHECK(above_2p53 > 0);
}

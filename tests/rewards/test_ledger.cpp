#include <catch2/catch.hpp>
#include <koc/rewards/ledger.hpp>
#include <koc/rewards/policy_json.hpp>

#include "rewards/rewards_world.hpp"

#include <cmath>
#include <map>
#include <random>
#include <string>

using koc::errc;
using koc::line_kind;
using koc_test::completion_args;
using koc_test::world;

namespace {

const char* const kPolicy = R"({
  "schema": "koc.reward_policy/1",
  "gates": {"rejected_bp": 0, "late_bp": 5000},
  "tiers": [{"name": "entry"},
            {"name": "core", "multiplier_bp": 12500, "entitlements": [{"kind": "privilege", "name": "priority purchase"}]}],
  "rules": [
    {"id": "pts", "kind": "fixed", "currency": "PTS", "amount": "50", "speed_bonus": {"first_n": 2, "amount": "20"}},
    {"id": "red", "kind": "fixed", "currency": "CNY", "amount": "8.88", "speed_bonus": {"within_hours": 6, "amount": "5.00"}},
    {"id": "launch", "kind": "campaign", "currency": "CNY", "base": "300.00",
     "process_awards": [{"name": "best idea", "amount": "1000.00", "winners": [2]}],
     "prize_pool": {"amount": "10000.00", "split": "fixed_shares", "shares_bp": [5000, 3000, 2000]},
     "gates": {"rejected_bp": 2000}},
    {"id": "mod", "kind": "retainer", "currency": "CNY", "fee": "2000.00", "period": "month"},
    {"id": "amp", "kind": "amplification", "currency": "CNY", "base": "500.00", "metric": "views",
     "steps": [{"threshold": 10000, "bonus": "100.00"}, {"threshold": 100000, "bonus": "300.00"},
               {"threshold": 1000000, "bonus": "1000.00"}], "cap_per_koc": "1500.00"},
    {"id": "show", "kind": "offline", "currency": "CNY", "fee_per_day": "800.00", "travel_cap": "1500.00"},
    {"id": "fame", "kind": "identity", "entitlements": [{"kind": "badge", "name": "hall of fame"}]},
    {"id": "kb", "kind": "fixed", "currency": "PTS", "amount": "200",
     "entitlements": [{"kind": "title", "name": "community knowledge officer"}]}
  ]})";

enum : std::int32_t { PTS, RED, LAUNCH, MOD, AMP, SHOW, FAME, KB };

world base_world() {
  world w;
  w.ladder = {"entry", "core"};
  w.add_koc(1, 1);  // core: x1.25
  for (std::int64_t k = 2; k <= 5; ++k) w.add_koc(k, 0);
  return w;
}

std::int64_t sum_kind(const koc::reward_ledger& L, std::int64_t koc, line_kind k) {
  std::int64_t s = 0;
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.koc_id[l] == koc && L.kind[l] == k) s += L.amount[l];
  return s;
}

std::pair<errc, std::pair<std::int64_t, std::string>> error_of(const world& w, const koc::reward_policy& p) {
  try {
    koc::compute_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs());
  } catch (const koc::error& e) {
    return {e.code(), {e.row(), e.field()}};
  }
  return {errc::ok, {-1, ""}};
}

}  // namespace

TEST_CASE("fixed points with a first-N speed bonus; points are not tier-multiplied", "[rewards][ledger]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(10, PTS);
  w.complete(1, 10, koc_test::C().delivered(300));
  w.complete(2, 10, koc_test::C().delivered(100));
  w.complete(3, 10, koc_test::C().delivered(200));
  w.complete(4, 10, koc_test::C().delivered(50).accepted(false));
  const auto L = w.run(p);
  CHECK(koc_test::paid_to(L, 1) == 50);  // core, but points are never multiplied
  CHECK(koc_test::paid_to(L, 2) == 70);
  CHECK(koc_test::paid_to(L, 3) == 70);
  CHECK(koc_test::paid_to(L, 4) == 0);
  bool rejected_line = false;
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.koc_id[l] == 4 && L.task_id[l] == 10) {
      CHECK(L.kind[l] == line_kind::no_reward);
      CHECK(L.reason[l] == koc::line_reason::rejected);
      CHECK(L.explanation[l].find("rejected") != std::string::npos);
      rejected_line = true;
    }
  CHECK(rejected_line);
  const auto speed = koc_test::lines_of(L, line_kind::speed_bonus);
  REQUIRE(speed.size() == 2);
  CHECK(L.koc_id[speed[0]] == 2);
  CHECK(L.explanation[speed[0]] == "speed bonus: accepted response #1 within the first 2: 20 PTS → +20 PTS");
  CHECK(L.rule_names[static_cast<std::size_t>(L.rule[speed[0]])] == "pts");
}

TEST_CASE("fixed money with a within-hours bonus, tier multiplier and late gate", "[rewards][ledger]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(11, RED, -1, 1000, 1000 + 10 * 3600);
  w.complete(1, 11, koc_test::C().delivered(1000 + 6 * 3600));      // in the window, core
  w.complete(2, 11, koc_test::C().delivered(1000 + 6 * 3600 + 1));  // just outside
  w.complete(3, 11, koc_test::C().delivered(1000 + 10 * 3600 + 1));  // late: 50%
  const auto L = w.run(p);
  CHECK(sum_kind(L, 1, line_kind::fixed) == 1110);  // 888 x 1.25
  CHECK(sum_kind(L, 1, line_kind::speed_bonus) == 625);
  CHECK(koc_test::paid_to(L, 2) == 888);
  CHECK(koc_test::paid_to(L, 3) == 444);
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.koc_id[l] == 3 && L.kind[l] == line_kind::fixed) {
      CHECK(L.reason[l] == koc::line_reason::late);
      CHECK(L.explanation[l] == "fixed reward per completion: 8.88 CNY × late 50.00% → +4.44 CNY");
    }
  // Half to even on the late gate: 8.87 x 50% = 4.435 → 4.44 (4.435 is not a tie in minor units: 443.5 → 444)
  CHECK(koc::mul_ratio(887, 5000, 10000) == 444);
  CHECK(koc::mul_ratio(885, 5000, 10000) == 442);  // 442.5 → 442 (even)
}

TEST_CASE("retainer prorated by days served and duty fulfilment", "[rewards][ledger]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(20, MOD, -1, 0, koc::no_deadline, 30);
  w.complete(1, 20, koc_test::C().days_served(15).fulfilment(0.8));
  w.complete(2, 20, koc_test::C().days_served(30).fulfilment(1.0));
  w.complete(3, 20, koc_test::C().days_served(0));
  w.complete(4, 20, koc_test::C().days_served(10).fulfilment(0.5));
  const auto L = w.run(p);
  CHECK(koc_test::paid_to(L, 1) == 100000);  // 2000 x 15/30 x 0.8 = 800.00, x1.25 = 1000.00
  CHECK(koc_test::paid_to(L, 2) == 200000);
  CHECK(koc_test::paid_to(L, 3) == 0);
  CHECK(koc_test::paid_to(L, 4) == 33333);  // 2000 x 10/30 x 0.5 = 333.333.. → 333.33
  for (std::size_t l = 0; l < L.size(); ++l) {
    if (L.koc_id[l] == 3) {
      CHECK(L.kind[l] == line_kind::no_reward);
      CHECK(L.reason[l] == koc::line_reason::nothing_due);
    }
    if (L.koc_id[l] == 1 && L.kind[l] == line_kind::retainer)
      CHECK(L.explanation[l] ==
            "retainer 2,000.00 CNY per month prorated 15/30 days × 80.00% duty fulfilled: 800.00 CNY × tier 125.00% → +1,000.00 CNY");
  }
}

TEST_CASE("retainer over a calendar period: a month is a calendar month", "[rewards][ledger]") {
  // Calendar lengths from the day count, against dates known by heart.
  using koc::detail::calendar_period_days;
  CHECK(calendar_period_days(1769904000, "month") == 28);    // 2026-02-01: February 2026
  CHECK(calendar_period_days(1709251200, "month") == 31);    // 2024-03-01: March
  CHECK(calendar_period_days(1709251199, "month") == 29);    // one second earlier: still February 2024
  CHECK(calendar_period_days(1706745600, "month") == 29);    // 2024-02-01: a leap February
  CHECK(calendar_period_days(1706745600, "quarter") == 91);  // Q1 2024: 31 + 29 + 31
  CHECK(calendar_period_days(1769904000, "quarter") == 90);  // Q1 2026
  CHECK(calendar_period_days(1769904000, "year") == 365);
  CHECK(calendar_period_days(1706745600, "year") == 366);
  CHECK(calendar_period_days(951782400, "month") == 29);     // 2000-02-29: 2000 is a leap year (400)
  CHECK(calendar_period_days(-2208988800, "year") == 365);   // 1900-01-01: not a leap year (100)
  CHECK(calendar_period_days(-1, "month") == 31);            // 1969-12-31 23:59:59
  CHECK(calendar_period_days(1769904000, "week") == 0);
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  // The moderator's retainer for February 2026, no period_days: 14 of February's 28 days is half the fee.
  w.add_task(20, MOD, -1, 1769904000 + 9 * 3600, koc::no_deadline, 0);
  w.complete(1, 20, koc_test::C().days_served(14).fulfilment(1.0));
  w.complete(2, 20, koc_test::C().days_served(28).fulfilment(1.0));
  const auto L = w.run(p);
  CHECK(koc_test::paid_to(L, 1) == 125000);  // 2000 x 14/28 = 1000.00, x1.25 = 1250.00
  CHECK(koc_test::paid_to(L, 2) == 200000);
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.koc_id[l] == 1 && L.kind[l] == line_kind::retainer)
      CHECK(L.explanation[l] ==
            "retainer 2,000.00 CNY per month prorated 14/28 days × 100.00% duty fulfilled: 1,000.00 CNY × tier 125.00% → +1,250.00 CNY");
  // More days than February has: refused, naming the period's length.
  world x = base_world();
  x.add_task(20, MOD, -1, 1769904000, koc::no_deadline, 0);
  x.complete(1, 20, koc_test::C().days_served(29));
  const auto e = error_of(x, p);
  CHECK(e.first == errc::out_of_range);
  CHECK(e.second.second == "days_served");
}

TEST_CASE("amplification: stepped bonuses paid once crossed, per-KOC cap across completions", "[rewards][ledger]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(30, AMP);
  w.add_task(31, AMP);
  w.complete(2, 30, koc_test::C().views(120000));
  w.complete(2, 31, koc_test::C().views(2000000));
  w.complete(3, 30, koc_test::C().views(9999));
  const auto L = w.run(p);
  CHECK(koc_test::paid_to(L, 3) == 50000);  // base only: 9,999 < 10,000
  CHECK(koc_test::paid_to(L, 2) == 150000);  // 900 + 1900 computed, capped at 1500
  CHECK(sum_kind(L, 2, line_kind::cap_cut) == -130000);
  bool found = false;
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.kind[l] == line_kind::step_bonus && L.task_id[l] == 30 && L.koc_id[l] == 2 && L.aux[l] == 1) {
      CHECK(L.explanation[l] == "stepped bonus: 120,000 views ≥ 100,000 step → +300.00 CNY");
      found = true;
    }
  CHECK(found);
  // The uncapped policy pays at least as much to everyone.
  auto uncapped = p;
  uncapped.rules[AMP].cap_per_koc = koc::no_cap;
  const auto U = w.run(uncapped);
  CHECK(koc_test::paid_to(U, 2) == 280000);
}

TEST_CASE("offline: fee per day plus travel up to the cap; travel is never gated", "[rewards][ledger]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(40, SHOW);
  w.complete(2, 40, koc_test::C().days_on_site(3).travel(200000));
  w.complete(3, 40, koc_test::C().accepted(false).days_on_site(2).travel(50000));
  w.complete(1, 40, koc_test::C().days_on_site(1).travel(0));
  const auto L = w.run(p);
  CHECK(sum_kind(L, 2, line_kind::day_fee) == 240000);
  CHECK(sum_kind(L, 2, line_kind::travel) == 150000);
  CHECK(koc_test::paid_to(L, 3) == 50000);
  CHECK(koc_test::paid_to(L, 1) == 100000);  // 800 x 1.25
}

TEST_CASE("campaign: base, process award, fixed-share prize with a tie", "[rewards][ledger]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(50, LAUNCH, 7);
  w.add_task(51, LAUNCH, 7);
  w.complete(1, 50, koc_test::C().quality(0.9));
  w.complete(2, 50, koc_test::C().quality(0.95));
  w.complete(2, 51, koc_test::C().quality(0.7));
  w.complete(3, 51, koc_test::C().quality(0.9));
  w.complete(4, 50, koc_test::C().quality(0.6));
  w.complete(5, 50, koc_test::C().accepted(false).quality(0.99));
  const auto L = w.run(p);
  CHECK(sum_kind(L, 1, line_kind::base) == 37500);
  CHECK(sum_kind(L, 2, line_kind::base) == 60000);
  CHECK(sum_kind(L, 5, line_kind::base) == 6000);  // rejected: 20%
  CHECK(sum_kind(L, 2, line_kind::prize) == 500000);
  CHECK(sum_kind(L, 1, line_kind::prize) == 250000);  // tied for places 2-3: (30% + 20%) / 2
  CHECK(sum_kind(L, 3, line_kind::prize) == 250000);
  CHECK(sum_kind(L, 4, line_kind::prize) == 0);
  CHECK(sum_kind(L, 5, line_kind::prize) == 0);
  CHECK(sum_kind(L, 2, line_kind::process_award) == 100000);
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.kind[l] == line_kind::prize && L.koc_id[l] == 2) {
      CHECK(L.task_id[l] == 50);  // attached to the best completion
      CHECK(L.explanation[l] == "prize pool 10,000.00 CNY (fixed_shares) of campaign 7: place 1, score 95.0000% quality → +5,000.00 CNY");
    }
  const auto T = koc::totals(L);
  REQUIRE(T.per_campaign.id.size() == 1);
  CHECK(T.per_campaign.amount[0] == 37500 + 60000 + 30000 + 30000 + 6000 + 1000000 + 100000);
}

TEST_CASE("campaign prize: fewer KOCs than places, winner takes all tie, proportional", "[rewards][ledger]") {
  auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(50, LAUNCH, 7);
  w.complete(2, 50, koc_test::C().quality(0.8));
  w.complete(3, 50, koc_test::C().quality(0.4));
  SECTION("two KOCs, three places: the filled shares 50:30 take the whole pool") {
    const auto L = w.run(p);
    CHECK(sum_kind(L, 2, line_kind::prize) == 625000);
    CHECK(sum_kind(L, 3, line_kind::prize) == 375000);
  }
  SECTION("proportional to score among the top 2") {
    p.rules[LAUNCH].prize = {koc::prize_split::proportional, 1000000, {}, 2};
    const auto L = w.run(p);
    CHECK(sum_kind(L, 2, line_kind::prize) == 666667);
    CHECK(sum_kind(L, 3, line_kind::prize) == 333333);
  }
  SECTION("winner takes all, tied winners split it (odd unit to the lower row)") {
    p.rules[LAUNCH].prize = {koc::prize_split::winner_takes_all, 1000001, {10000}, 0};
    w.quality[1] = 0.8;
    const auto L = w.run(p);
    CHECK(sum_kind(L, 2, line_kind::prize) == 500001);
    CHECK(sum_kind(L, 3, line_kind::prize) == 500000);
  }
}

TEST_CASE("task budget: pro rata cut with largest remainder, paid total equals the budget", "[rewards][ledger][budget]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(60, RED, -1, 0, koc::no_deadline, 0, 1000);
  for (std::int64_t k = 2; k <= 4; ++k) w.complete(k, 60, koc_test::C().delivered(1000000));
  const auto L = w.run(p);
  CHECK(koc_test::paid_to(L, 2) == 334);
  CHECK(koc_test::paid_to(L, 3) == 333);
  CHECK(koc_test::paid_to(L, 4) == 333);
  const auto cuts = koc_test::lines_of(L, line_kind::budget_cut);
  REQUIRE(cuts.size() == 3);
  CHECK(L.amount[cuts[0]] == -554);
  CHECK(L.explanation[cuts[0]] == "task 60 over budget: computed 26.64 CNY > budget 10.00 CNY, paid pro rata (largest remainder) → -5.54 CNY");
  const auto T = koc::totals(L);
  REQUIRE(T.per_task.id.size() == 1);
  CHECK(T.per_task.amount[0] == 1000);
  CHECK(T.per_task.cut[0] == 1664);
}

TEST_CASE("campaign budget over task budgets", "[rewards][ledger][budget]") {
  auto p = koc::parse_reward_policy(kPolicy);
  p.campaign_budgets.push_back({7, koc::find_currency("CNY"), 700000});
  world w = base_world();
  w.add_task(50, LAUNCH, 7, 0, koc::no_deadline, 0, 600000);
  w.add_task(51, LAUNCH, 7);
  w.complete(1, 50, koc_test::C().quality(0.9));
  w.complete(2, 50, koc_test::C().quality(0.95));
  w.complete(3, 51, koc_test::C().quality(0.5));
  const auto L = w.run(p);
  const auto T = koc::totals(L);
  CHECK(T.per_campaign.amount.at(0) == 700000);
  std::int64_t t50 = 0;
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.task_id[l] == 50 && L.currency[l] != koc::no_currency) t50 += L.amount[l];
  CHECK(t50 <= 600000);
}

TEST_CASE("campaign budget by rule priority: higher priorities paid in full, the next shares the rest",
          "[rewards][ledger][budget]") {
  auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(80, RED, 7);
  w.add_task(81, AMP, 7);
  for (std::int64_t k = 2; k <= 4; ++k) w.complete(k, 80, koc_test::C().delivered(1000000));
  w.complete(2, 81, koc_test::C().views(50000));
  w.complete(5, 81, koc_test::C().views(200000));
  const auto task_total = [](const koc::reward_ledger& L, std::int64_t task) {
    std::int64_t s = 0;
    for (std::size_t l = 0; l < L.size(); ++l)
      if (L.task_id[l] == task && L.currency[l] != koc::no_currency) s += L.amount[l];
    return s;
  };
  const auto free = w.run(p, false);
  const std::int64_t red = task_total(free, 80), amp = task_total(free, 81);
  REQUIRE(red == 3 * 888);
  REQUIRE(amp == 60000 + 90000);
  p.rules[RED].budget_priority = 0;
  p.rules[AMP].budget_priority = 5;
  const auto cny = koc::find_currency("CNY");

  SECTION("the budget covers the first level and part of the second") {
    p.campaign_budgets.push_back({7, cny, red + amp / 3, koc::budget_reduction::rule_priority});
    const auto L = w.run(p);
    CHECK(task_total(L, 80) == red);
    CHECK(task_total(L, 81) == amp / 3);
    CHECK(koc_test::paid_to(L, 5) == 30000);  // 90,000 of 150,000: 3/5 of the 50,000 left
    const auto cuts = koc_test::lines_of(L, line_kind::budget_cut);
    REQUIRE(cuts.size() == 2);
    CHECK(L.explanation[cuts[0]] ==
          "campaign 7 over budget: computed 1,526.64 CNY > budget 526.64 CNY, paid by rule priority (rule amp at priority 5, "
          "higher priorities first) → -400.00 CNY");
  }
  SECTION("the budget does not cover the first level: later levels get nothing") {
    p.campaign_budgets.push_back({7, cny, 2000, koc::budget_reduction::rule_priority});
    auto L = w.run(p);
    CHECK(task_total(L, 80) == 2000);
    CHECK(task_total(L, 81) == 0);
    CHECK(koc_test::paid_to(L, 5) == 0);
    // A ledger that pays the lower priority while the higher one is cut fails verification, even with
    // the campaign total unchanged.
    std::size_t amp_cut = L.size(), red_cut = L.size();
    for (std::size_t l = 0; l < L.size(); ++l)
      if (L.kind[l] == line_kind::budget_cut) (L.task_id[l] == 81 ? amp_cut : red_cut) = l;
    REQUIRE(amp_cut < L.size());
    REQUIRE(red_cut < L.size());
    L.amount[amp_cut] += 1;
    L.amount[red_cut] -= 1;
    const auto ck = koc::verify(p, w.tasks(), w.asg(), w.done(), w.kocs(), L);
    CHECK_FALSE(ck.ok);
    CHECK(ck.message.find("higher budget priority") != std::string::npos);
  }
  SECTION("one priority level is pro rata") {
    p.rules[AMP].budget_priority = 0;
    auto q = p;
    p.campaign_budgets.push_back({7, cny, 50000, koc::budget_reduction::rule_priority});
    q.campaign_budgets.push_back({7, cny, 50000, koc::budget_reduction::pro_rata});
    const auto L = w.run(p, false), R = w.run(q, false);
    CHECK(L.amount == R.amount);
    CHECK(L.koc_id == R.koc_id);
  }
}

TEST_CASE("budget reduction and priorities in JSON", "[rewards][policy][budget]") {
  const std::string head = R"({"schema": "koc.reward_policy/1", "rules": [{"id": "a", "kind": "fixed", "currency": "CNY",
    "amount": "1.00", "budget_priority": 3}], "campaign_budgets": [{"campaign": 1, "currency": "CNY", "amount": "9.00")";
  const auto p = koc::parse_reward_policy(head + R"(, "reduction": "rule_priority"}]})");
  CHECK(p.rules[0].budget_priority == 3);
  CHECK(p.campaign_budgets[0].reduction == koc::budget_reduction::rule_priority);
  CHECK(koc::parse_reward_policy(head + "}]}").campaign_budgets[0].reduction == koc::budget_reduction::pro_rata);
  try {
    koc::parse_reward_policy(head + R"(, "reduction": "by_rule"}]})");
    FAIL("an unknown reduction was accepted");
  } catch (const koc::error& e) {
    CHECK(e.code() == errc::unknown_name);
    CHECK(e.field() == "campaign_budgets[0].reduction");
  }
  try {
    koc::parse_reward_policy(R"({"schema": "koc.reward_policy/1", "rules": [{"id": "a", "kind": "fixed", "currency": "CNY",
      "amount": "1.00", "budget_priority": -1}]})");
    FAIL("a negative priority was accepted");
  } catch (const koc::error& e) {
    CHECK(e.field() == "rules[0].budget_priority");
  }
}

TEST_CASE("entitlements, identity rules, and nothing lost", "[rewards][ledger]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = base_world();
  w.add_task(70, FAME);
  w.add_task(71, KB);
  w.add_task(72, PTS);  // nobody completes it
  w.complete(2, 70);
  w.complete(3, 71);
  const auto L = w.run(p);
  std::map<std::string, int> seen;
  for (std::size_t l = 0; l < L.size(); ++l) seen[L.explanation[l]]++;
  CHECK(seen["badge: hall of fame (fame)"] == 1);
  CHECK(seen["title: community knowledge officer (kb)"] == 1);
  CHECK(seen["privilege: priority purchase (tier:core)"] == 1);
  CHECK(seen["no reward: KOC 1 has no completion"] == 1);
  CHECK(seen["no reward: KOC 5 has no completion"] == 1);
  CHECK(seen["no reward: task 72 has no completion"] == 1);
  CHECK(koc_test::paid_to(L, 3) == 200);
  // Lazy explanations equal the eager ones.
  const auto Q = w.run(p, false);
  REQUIRE(Q.explanation.empty());
  REQUIRE(Q.size() == L.size());
  for (std::size_t l = 0; l < Q.size(); ++l) CHECK(koc::explain_line(p, Q, l) == L.explanation[l]);
}

TEST_CASE("bad input is refused with row and field", "[rewards][ledger][errors]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  using R = std::pair<errc, std::pair<std::int64_t, std::string>>;
  const auto make = [] {
    world w = base_world();
    w.add_task(10, PTS);
    w.add_task(20, MOD, -1, 0, koc::no_deadline, 30);
    w.complete(1, 10);
    w.complete(2, 20, koc_test::C().days_served(3));
    return w;
  };
  { world w = make(); w.views[1] = -1; CHECK(error_of(w, p) == R{errc::invalid_value, {1, "views"}}); }
  { world w = make(); w.interactions[0] = -5; CHECK(error_of(w, p) == R{errc::invalid_value, {0, "interactions"}}); }
  { world w = make(); w.quality[1] = std::nan(""); CHECK(error_of(w, p) == R{errc::invalid_value, {1, "quality"}}); }
  { world w = make(); w.fulfilment[0] = 1.5; CHECK(error_of(w, p) == R{errc::out_of_range, {0, "duty_fulfilment"}}); }
  { world w = make(); w.fulfilment[0] = INFINITY; CHECK(error_of(w, p) == R{errc::out_of_range, {0, "duty_fulfilment"}}); }
  { world w = make(); w.days_served[1] = 31; CHECK(error_of(w, p) == R{errc::out_of_range, {1, "days_served"}}); }
  { world w = make(); w.travel[1] = -1; CHECK(error_of(w, p) == R{errc::invalid_value, {1, "travel_claimed"}}); }
  { world w = make(); w.accepted[1] = 2; CHECK(error_of(w, p) == R{errc::invalid_value, {1, "accepted"}}); }
  { world w = make(); w.assignment[1] = 9; CHECK(error_of(w, p) == R{errc::unknown_id, {1, "assignment"}}); }
  { world w = make(); w.assignment.push_back(0); w.delivered.push_back(0); w.accepted.push_back(1); w.quality.push_back(1);
    w.views.push_back(0); w.interactions.push_back(0); w.days_served.push_back(0); w.fulfilment.push_back(1);
    w.days_on_site.push_back(0); w.travel.push_back(0);
    CHECK(error_of(w, p) == R{errc::duplicate_id, {2, "assignment"}}); }
  { world w = make(); w.complete(1, 10); CHECK(error_of(w, p) == R{errc::duplicate_id, {2, "assignment"}}); }
  { world w = make(); w.a_task[0] = 99; CHECK(error_of(w, p) == R{errc::unknown_id, {0, "assignment"}}); }
  { world w = make(); w.a_koc[0] = 99; CHECK(error_of(w, p) == R{errc::unknown_id, {0, "assignment"}}); }
  { world w = make(); w.rule[1] = 42; CHECK(error_of(w, p) == R{errc::unknown_id, {1, "rule"}}); }
  { world w = make(); w.period[1] = -1; CHECK(error_of(w, p) == R{errc::invalid_value, {1, "period_days"}}); }
  { world w = make(); w.task_id[1] = 10; CHECK(error_of(w, p) == R{errc::duplicate_id, {1, "task_id"}}); }
  { world w = make(); w.koc[2] = 1; CHECK(error_of(w, p) == R{errc::duplicate_id, {2, "koc_id"}}); }
  { world w = make(); w.tier[3] = 7; CHECK(error_of(w, p) == R{errc::unknown_id, {3, "tier"}}); }
  { world w = make(); w.ladder = {"entry", "gold"}; CHECK(error_of(w, p) == R{errc::unknown_name, {-1, "tiers[1].name"}}); }
  { world w = make(); w.views.pop_back(); CHECK(error_of(w, p) == R{errc::length_mismatch, {-1, "views"}}); }
  {
    world w = make();
    w.add_task(50, LAUNCH);  // campaign rule without campaign id
    CHECK(error_of(w, p) == R{errc::invalid_value, {2, "campaign_id"}});
  }
  {
    world w = make();
    w.add_task(50, LAUNCH, 7);
    w.complete(3, 50);  // the award's winner 2 never delivered in the campaign
    CHECK(error_of(w, p) == R{errc::unknown_id, {-1, "rules[2].process_awards[0].winners[0]"}});
  }
}

TEST_CASE("overflow is caught, never wrapped", "[rewards][ledger][errors][property]") {
  auto p = koc::parse_reward_policy(kPolicy);
  const std::int64_t big = std::numeric_limits<std::int64_t>::max() / 2;
  using R = std::pair<errc, std::pair<std::int64_t, std::string>>;
  {
    p.rules[SHOW].fee_per_day = big;
    world w = base_world();
    w.add_task(40, SHOW);
    w.complete(2, 40, koc_test::C().days_on_site(3));
    CHECK(error_of(w, p) == R{errc::overflow, {0, "days_on_site"}});
  }
  {
    p.rules[PTS].amount = big;
    world w = base_world();
    w.add_task(10, PTS);
    w.complete(2, 10);
    w.complete(3, 10);
    w.complete(4, 10);  // task total overflows
    CHECK(error_of(w, p).first == errc::overflow);
  }
  {
    p.rules[RED].amount = std::numeric_limits<std::int64_t>::max() - 10;  // x1.25 tier does not fit
    world w = base_world();
    w.add_task(11, RED);
    w.complete(1, 11, koc_test::C().delivered(1 << 30));
    CHECK(error_of(w, p) == R{errc::overflow, {0, "amount"}});
  }
  // Random large amounts: either a correct ledger or an overflow error, never a wrapped sum.
  std::mt19937_64 rng(99);
  for (int iter = 0; iter < 200; ++iter) {
    auto q = koc::parse_reward_policy(kPolicy);
    q.rules[PTS].amount = static_cast<std::int64_t>(rng() >> (1 + rng() % 8));
    world w = base_world();
    w.add_task(10, PTS);
    const int n = 1 + static_cast<int>(rng() % 5);
    for (int k = 1; k <= n; ++k) w.complete(k, 10);
    const auto total = static_cast<long double>(q.rules[PTS].amount) * n + 20.0L * 2;
    try {
      const auto L = w.run(q, false);
      REQUIRE(total <= static_cast<long double>(std::numeric_limits<std::int64_t>::max()));
    } catch (const koc::error& e) {
      REQUIRE(e.code() == errc::overflow);
      REQUIRE(total > static_cast<long double>(std::numeric_limits<std::int64_t>::max()) / 2);
    }
  }
}

TEST_CASE("properties over random programmes", "[rewards][ledger][property]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  std::mt19937_64 rng(12345);
  for (int iter = 0; iter < 150; ++iter) {
    world w;
    w.ladder = {"entry", "core"};
    const int nk = 3 + static_cast<int>(rng() % 12), nt = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < nk; ++k) w.add_koc(100 + k, static_cast<std::int32_t>(rng() % 3) - 1);
    for (int t = 0; t < nt; ++t) {
      const auto r = static_cast<std::int32_t>(rng() % 8);
      const std::int64_t budget = rng() % 3 == 0 ? static_cast<std::int64_t>(rng() % 500000) : -1;
      w.add_task(t, r, r == LAUNCH ? 7 : static_cast<std::int64_t>(rng() % 2) * 7 - 1 + (rng() % 2), 1000,
                 rng() % 2 ? koc::no_deadline : 50000, r == MOD ? 30 : 0, budget);
    }
    for (int k = 0; k < nk; ++k)
      for (int t = 0; t < nt; ++t)
        if (rng() % 2) w.complete(100 + k, t, koc_test::random_completion(rng));
    auto q = p;
    q.rules[LAUNCH].process_awards.clear();  // winners are listed by hand elsewhere
    if (iter % 2) {
      // Every other budgeted programme reduces by rule priority, with random priorities.
      const auto reduction = iter % 4 == 3 ? koc::budget_reduction::rule_priority : koc::budget_reduction::pro_rata;
      for (auto& r : q.rules) r.budget_priority = static_cast<std::int32_t>(rng() % 3);
      q.campaign_budgets.push_back({7, koc::find_currency("CNY"), static_cast<std::int64_t>(rng() % 2000000), reduction});
    }
    const auto L = w.run(q, iter % 10 == 0);  // run() checks verify(): sums, budgets, caps, coverage
    // Determinism: the same input gives the same ledger bit for bit.
    const auto L2 = w.run(q, false);
    REQUIRE(L.amount == L2.amount);
    REQUIRE(L.koc_id == L2.koc_id);
    // Without budgets and caps nobody is paid less: the capped/budgeted amount never exceeds the uncapped one.
    auto free = q;
    free.campaign_budgets.clear();
    free.rules[AMP].cap_per_koc = koc::no_cap;
    world wf = w;
    std::fill(wf.budget.begin(), wf.budget.end(), -1);
    const auto F = wf.run(free, false);
    const auto T = koc::totals(L), TF = koc::totals(F);
    std::map<std::pair<std::int64_t, int>, std::int64_t> uncapped;
    for (std::size_t g = 0; g < TF.per_koc.id.size(); ++g) uncapped[{TF.per_koc.id[g], TF.per_koc.currency[g]}] = TF.per_koc.amount[g];
    for (std::size_t g = 0; g < T.per_koc.id.size(); ++g) {
      REQUIRE(T.per_koc.amount[g] >= 0);
      REQUIRE(T.per_koc.amount[g] <= uncapped[{T.per_koc.id[g], T.per_koc.currency[g]}]);
      REQUIRE(T.per_koc.amount[g] + T.per_koc.cut[g] == uncapped[{T.per_koc.id[g], T.per_koc.currency[g]}]);
    }
    // Per-currency totals equal the sum of the per-KOC ones.
    std::map<int, std::int64_t> by_cur;
    for (std::size_t g = 0; g < T.per_koc.id.size(); ++g) by_cur[T.per_koc.currency[g]] += T.per_koc.amount[g];
    for (std::size_t g = 0; g < T.per_currency.id.size(); ++g) REQUIRE(by_cur[T.per_currency.currency[g]] == T.per_currency.amount[g]);
  }
}

TEST_CASE("retainer proration is monotone in days and fulfilment", "[rewards][ledger][property]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w;
  w.ladder = {"entry", "core"};
  w.add_task(20, MOD, -1, 0, koc::no_deadline, 31);
  std::int64_t id = 0;
  for (int d = 0; d <= 31; ++d)
    for (int f = 0; f <= 20; ++f) {
      w.add_koc(id, 1);
      w.complete(id++, 20, koc_test::C().days_served(d).fulfilment(f / 20.0));
    }
  const auto L = w.run(p, false);
  std::vector<std::int64_t> paid(static_cast<std::size_t>(id), 0);
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.koc_id[l] >= 0) paid[static_cast<std::size_t>(L.koc_id[l])] += L.amount[l];
  for (int d = 0; d <= 31; ++d)
    for (int f = 0; f <= 20; ++f) {
      const auto at = [&](int dd, int ff) { return paid[static_cast<std::size_t>(dd * 21 + ff)]; };
      if (d > 0) REQUIRE(at(d - 1, f) <= at(d, f));
      if (f > 0) REQUIRE(at(d, f - 1) <= at(d, f));
    }
  CHECK(paid[31 * 21 + 20] == 250000);  // full period, full duty, x1.25
}

namespace {

// kPolicy for generated programmes: no process award winners (they are listed by hand elsewhere), a
// campaign budget on campaign 7 in CNY, budget priorities by rule.
koc::reward_policy programme_policy(koc::budget_reduction reduction, std::int64_t campaign_budget) {
  auto q = koc::parse_reward_policy(kPolicy);
  q.rules[LAUNCH].process_awards.clear();
  for (std::size_t r = 0; r < q.rules.size(); ++r) q.rules[r].budget_priority = static_cast<std::int32_t>(r % 3);
  q.campaign_budgets.push_back({7, koc::find_currency("CNY"), campaign_budget, reduction});
  return q;
}

void require_same_ledger(const koc::reward_ledger& A, const koc::reward_ledger& B) {
  REQUIRE(A.size() == B.size());
  REQUIRE(A.rule_names == B.rule_names);
  REQUIRE(A.koc_id == B.koc_id);
  REQUIRE(A.task_id == B.task_id);
  REQUIRE(A.campaign_id == B.campaign_id);
  REQUIRE(A.completion == B.completion);
  REQUIRE(A.rule == B.rule);
  REQUIRE(A.kind == B.kind);
  REQUIRE(A.reason == B.reason);
  REQUIRE(A.currency == B.currency);
  REQUIRE(A.amount == B.amount);
  REQUIRE(A.gross == B.gross);
  REQUIRE(A.basis == B.basis);
  REQUIRE(A.aux == B.aux);
  REQUIRE(A.gate_bp == B.gate_bp);
  REQUIRE(A.tier_bp == B.tier_bp);
  REQUIRE(A.explanation == B.explanation);
}

}  // namespace

TEST_CASE("generated programmes: the ledger is pinned bit for bit", "[rewards][ledger][property]") {
  // Checksums of ledgers computed before the compute path was optimised (push_back per column, partial
  // sorts for first-N ranks): any change in lines, order or amounts changes them.
  const auto pro_rata = programme_policy(koc::budget_reduction::pro_rata, 10000000);
  const auto priority = programme_policy(koc::budget_reduction::rule_priority, 10000000);
  const koc_test::world big = koc_test::generated_programme(7, 1500, 6), small = koc_test::generated_programme(3, 20, 3);
  const auto A = big.run(pro_rata, false), B = big.run(priority, false), C = small.run(pro_rata, false);
  CHECK(A.size() > 2 * koc::detail::ledger_writer::chunk);  // several chunks of the line writer
  CHECK(!koc_test::lines_of(A, line_kind::budget_cut).empty());
  CHECK(!koc_test::lines_of(B, line_kind::budget_cut).empty());
  CHECK(!koc_test::lines_of(A, line_kind::prize).empty());
  CHECK(!koc_test::lines_of(A, line_kind::cap_cut).empty());
  CHECK(A.size() == 10430);
  CHECK(B.size() == 9817);
  CHECK(C.size() == 69);
  CHECK(koc_test::ledger_checksum(A) == 0x8756286b3993aa54ULL);
  CHECK(koc_test::ledger_checksum(B) == 0xf8ae85845d5d3941ULL);
  CHECK(koc_test::ledger_checksum(C) == 0x3be593451d68a1c7ULL);
}

TEST_CASE("reusing a ledger buffer gives exactly the plain call's ledger", "[rewards][ledger][reuse]") {
  const auto pro_rata = programme_policy(koc::budget_reduction::pro_rata, 10000000);
  const auto priority = programme_policy(koc::budget_reduction::rule_priority, 10000000);
  const koc_test::world big = koc_test::generated_programme(7, 1500, 6), small = koc_test::generated_programme(3, 20, 3);
  const auto fresh = [](const koc_test::world& w, const koc::reward_policy& p, bool explain) {
    return koc::compute_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs(), {explain});
  };
  const auto into = [](const koc_test::world& w, const koc::reward_policy& p, bool explain, koc::reward_ledger& out) {
    koc::compute_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs(), out, {explain});
    const koc::ledger_check ck = koc::verify(p, w.tasks(), w.asg(), w.done(), w.kocs(), out);
    INFO(ck.message);
    REQUIRE(ck.ok);
  };
  koc::reward_ledger buf;
  into(small, pro_rata, false, buf);  // small first: the big run must grow the buffers
  require_same_ledger(buf, fresh(small, pro_rata, false));
  into(big, pro_rata, false, buf);
  require_same_ledger(buf, fresh(big, pro_rata, false));
  const std::size_t big_capacity = buf.amount.capacity();
  into(small, priority, true, buf);  // smaller, other policy, explanations on: nothing of the big run is left
  require_same_ledger(buf, fresh(small, priority, true));
  CHECK(buf.amount.capacity() == big_capacity);  // the capacity is kept
  into(big, priority, false, buf);  // bigger again: explanations of the previous run are gone
  require_same_ledger(buf, fresh(big, priority, false));
  CHECK(buf.amount.capacity() == big_capacity);
  // A ledger holding garbage of another shape (columns of different lengths) is cleared too.
  koc::reward_ledger odd;
  odd.koc_id.assign(5, 42);
  odd.explanation.assign(3, "stale");
  odd.rule_names.assign(1, "stale");
  into(big, pro_rata, true, odd);
  require_same_ledger(odd, fresh(big, pro_rata, true));
  // Invalid input throws as the plain call does; the buffer stays usable.
  koc_test::world bad = small;
  bad.accepted[0] = 7;
  CHECK_THROWS_AS(into(bad, pro_rata, false, buf), koc::error);
  into(small, pro_rata, false, buf);
  require_same_ledger(buf, fresh(small, pro_rata, false));
}

// verify summed a KOC's capped lines, a task's lines and a (KOC, task)'s lines in int64: sums over valid
// lines can leave int64 (cap cuts of nearly INT64_MAX on each completion), which was undefined behaviour,
// and a ledger paying 2^65 - 8 against a cap of 1 wrapped to -8 and passed. The sums are now 128-bit.
TEST_CASE("verify sums ledger lines without overflow", "[rewards][verify]") {
  const auto p = koc::parse_reward_policy(std::string(R"({"schema": "koc.reward_policy/1", "rules": [
      {"id": "amp", "kind": "amplification", "currency": "JPY", "base": "4611686018427387903", "metric": "views",
       "steps": [{"threshold": 1, "bonus": "4611686018427387903"}], "cap_per_koc": "1"}]})"));
  world w;
  w.add_koc(7);
  for (std::int64_t t = 0; t < 4; ++t) {
    w.add_task(t, 0);
    w.complete(7, t, koc_test::C().views(1));
  }
  koc::reward_ledger L = w.run(p);  // run() requires verify to pass
  CHECK(koc_test::lines_of(L, line_kind::cap_cut).size() == 4);
  CHECK(koc_test::paid_to(L, 7) == 1);
  // Forged: the cap cuts zeroed, so the KOC is paid 8 · (2^62 - 1) = 2^65 - 8 against its cap of 1.
  for (const std::size_t l : koc_test::lines_of(L, line_kind::cap_cut)) L.amount[l] = 0;
  const koc::ledger_check ck = koc::verify(p, w.tasks(), w.asg(), w.done(), w.kocs(), L);
  CHECK_FALSE(ck.ok);
  CHECK(ck.message.find("above the cap") != std::string::npos);
}

TEST_CASE("reward_input_problems lists every problem of the tasks and completions; the engine throws the first", "[rewards][validate]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w;
  w.add_task(10, PTS);
  w.add_task(11, LAUNCH, 7);
  w.add_task(12, MOD, -1, 0, koc::no_deadline, 30);
  w.add_task(13, RED, -1, 0, koc::no_deadline, 0, -5);  // budget below -1
  for (std::int64_t k = 1; k <= 6; ++k) w.add_koc(k);
  w.complete(1, 10);
  w.complete(2, 10, koc_test::C().quality(1.4));        // row 1: quality above 1
  w.complete(3, 11, koc_test::C().views(-3));           // row 2: negative views
  w.complete(4, 12, koc_test::C().days_served(31));     // row 3: more days than the period
  w.complete(5, 11, koc_test::C().fulfilment(-0.5));    // row 4: duty_fulfilment below 0
  w.complete(6, 10, koc_test::C().interactions(-1));    // row 5: negative interactions
  const auto all = koc::reward_input_problems(p, w.tasks(), w.asg(), w.done(), w.kocs());
  std::vector<std::pair<std::string, std::int64_t>> where;
  for (const auto& e : all) where.emplace_back(e.field(), e.row());
  CHECK(where == std::vector<std::pair<std::string, std::int64_t>>{{"tasks.budget", 3}, {"quality", 1}, {"views", 2},
                                                                  {"days_served", 3}, {"duty_fulfilment", 4}, {"interactions", 5}});
  CHECK(all[1].code() == errc::out_of_range);
  CHECK(all[3].code() == errc::out_of_range);
  // The engine refuses with the first (its fields are the table's own), and the limit cuts the list.
  CHECK_THROWS_WITH(koc::compute_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs()), all[0].detail() + " (row 3, field 'budget')");
  w.budget[3] = -1;
  CHECK_THROWS_WITH(koc::compute_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs()), all[1].what());
  CHECK(koc::reward_input_problems(p, w.tasks(), w.asg(), w.done(), w.kocs(), 2).size() == 2);
  CHECK_THROWS_AS(koc::reward_input_problems(p, w.tasks(), w.asg(), w.done(), w.kocs(), 0), koc::error);
  // A repeated (KOC, task) pair through two assignment rows is listed, and refused by the engine alike.
  world d;
  d.add_task(10, PTS);
  d.add_koc(1);
  d.complete(1, 10);
  d.complete(1, 10);
  const auto twice = koc::reward_input_problems(p, d.tasks(), d.asg(), d.done(), d.kocs());
  REQUIRE(twice.size() == 1);
  CHECK((twice[0].row() == 1 && twice[0].code() == errc::duplicate_id));
  CHECK_THROWS_WITH(koc::compute_ledger(p, d.tasks(), d.asg(), d.done(), d.kocs()), twice[0].what());
  // Clean inputs have none.
  w.quality[1] = 1; w.views[2] = 0; w.days_served[3] = 30; w.fulfilment[4] = 0.5; w.interactions[5] = 0;
  CHECK(koc::reward_input_problems(p, w.tasks(), w.asg(), w.done(), w.kocs()).empty());
}

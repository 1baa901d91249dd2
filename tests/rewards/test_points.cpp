// Points: tier multipliers on points when the policy says so, expiry, redemptions and exact balances.
#include "rewards_world.hpp"

#include <koc/rewards/ledger.hpp>
#include <koc/rewards/points.hpp>
#include <koc/rewards/policy_json.hpp>

using koc::line_kind;

namespace {
koc::reward_policy policy_with(const std::string& points) {
  return koc::parse_reward_policy(R"({"schema": "koc.reward_policy/1", "tiers": [{"name": "entry"}, {"name": "core", "multiplier_bp": 12500}],
    "rules": [{"id": "pts", "kind": "fixed", "currency": "PTS", "amount": "50"}])" + points + "}");
}
constexpr std::int64_t day = 86400;
}  // namespace

TEST_CASE("points: tier multipliers apply to points only when the policy says so", "[rewards][points]") {
  koc_test::world w;
  w.ladder = {"entry", "core"};
  w.add_koc(1, 1);
  w.add_task(10, 0);
  w.complete(1, 10);
  CHECK(koc_test::paid_to(w.run(policy_with("")), 1) == 50);
  const auto scaled = w.run(policy_with(R"(, "points": {"tier_multiplier": true})"));
  CHECK(koc_test::paid_to(scaled, 1) == 62);  // 62.5 rounded half to even
  CHECK_THAT(scaled.explanation[0], Catch::Matchers::Contains("tier 125.00%"));
}

TEST_CASE("points: expiry, redemptions spent from the lot that expires first, exact balances", "[rewards][points]") {
  const auto p = policy_with(R"(, "points": {"expire_after_days": 30})");
  // KOC 1: 100 points on day 0, 50 on day 20 with a cut of 10 in the same run; KOC 2: 70 on day 5.
  const std::vector<std::int64_t> koc{1, 1, 1, 2}, amount{100, 50, -10, 70}, at{0, 20 * day, 20 * day, 5 * day};
  const std::vector<std::int64_t> r_koc{1}, r_amount{120}, r_at{25 * day};
  const koc::points_lots lots{koc, amount, at};
  const koc::points_redemptions spent{r_koc, r_amount, r_at};

  const auto b40 = koc::points_balances(p, lots, spent, 40 * day);
  REQUIRE(b40.koc_id == std::vector<std::int64_t>{1, 2});
  CHECK(b40.earned == std::vector<std::int64_t>{140, 70});
  CHECK(b40.redeemed == std::vector<std::int64_t>{120, 0});
  CHECK(b40.expired == std::vector<std::int64_t>{0, 70});  // KOC 2's lot expired on day 35
  CHECK(b40.balance == std::vector<std::int64_t>{20, 0});  // 100 of day 0 (expiring first) then 20 of day 20 spent
  CHECK(b40.next_expiry_at[0] == 50 * day);
  CHECK(b40.next_expiry_amount[0] == 20);
  CHECK(b40.next_expiry_at[1] == koc::no_expiry);
  for (std::size_t i = 0; i < b40.size(); ++i) CHECK(b40.earned[i] == b40.expired[i] + b40.redeemed[i] + b40.balance[i]);

  const auto b60 = koc::points_balances(p, lots, spent, 60 * day);
  CHECK(b60.expired[0] == 20);
  CHECK(b60.balance[0] == 0);
  // Before day 20's points were earned: only day 0's lot counts, and the redemption is not yet made.
  const auto b10 = koc::points_balances(p, lots, {}, 10 * day);
  CHECK(b10.earned == std::vector<std::int64_t>{100, 70});

  // A fixed date: everything earned before it expires then.
  const auto q = policy_with(R"(, "points": {"expire_on": "1970-01-31"})");
  CHECK(q.points_expire_at == 30 * day);
  CHECK(koc::points_balances(q, lots, spent, 31 * day).expired == std::vector<std::int64_t>{20, 70});

  const auto fails = [&](const koc::points_lots& l, const koc::points_redemptions& r, std::int64_t as_of, const std::string& field,
                         std::int64_t row) {
    try {
      (void)koc::points_balances(p, l, r, as_of);
      FAIL("accepted");
    } catch (const koc::error& e) {
      CHECK(e.field() == field);
      CHECK(e.row() == row);
    }
  };
  const std::vector<std::int64_t> too_much{200};
  fails(lots, {r_koc, too_much, r_at}, 40 * day, "redemptions.amount", 0);
  const std::vector<std::int64_t> late{31 * day};  // day 0's lot has expired by then: 40 held
  fails(lots, {r_koc, r_amount, late}, 40 * day, "redemptions.amount", 0);
  fails(lots, spent, 24 * day, "redemptions.at", 0);
  const std::vector<std::int64_t> big_cut{100, 50, -60, 70};
  fails({koc, big_cut, at}, {}, 40 * day, "lots.amount", 1);
}

TEST_CASE("points: the policy's points section is checked", "[rewards][points]") {
  const auto fails = [](const std::string& points, const std::string& field) {
    try {
      (void)policy_with(points);
      FAIL("accepted");
    } catch (const koc::error& e) {
      CHECK(e.field() == field);
    }
  };
  fails(R"(, "points": {"expire_after_days": 30, "expire_on": "2027-01-01"})", "points");
  fails(R"(, "points": {"expire_on": "2027-02-29"})", "points.expire_on");
  fails(R"(, "points": {"expire_on": "27-01-01"})", "points.expire_on");
  fails(R"(, "points": {"tier_multiplier": 1})", "points.tier_multiplier");
  fails(R"(, "points": {"expire_after_days": 0})", "points.expire_after_days");
  fails(R"(, "points": {"expires": 3})", "points.expires");
  CHECK(policy_with(R"(, "points": {"expire_on": "2028-02-29"})").points_expire_at == koc::detail::days_from_civil(2028, 2, 29) * 86400);
}

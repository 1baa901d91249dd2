// koc::check_result: the one result of every verify, truthy only when the check holds.
#include <catch2/catch.hpp>
#include <koc/check.hpp>
#include <koc/matching/teams.hpp>
#include <koc/matching/capacitated_assignment.hpp>
#include <koc/matching/dense_assignment.hpp>
#include <koc/matching/match.hpp>
#include <koc/matching/stable_matching.hpp>
#include <koc/rewards/ledger.hpp>

#include <type_traits>

namespace {

template <class T>
constexpr bool is_check = std::is_same<T, koc::check_result>::value;

// Every verify on every stage returns the one type (the former names are aliases of it).
static_assert(is_check<koc::assignment_check> && is_check<koc::capacitated_verify_report> &&
                  is_check<koc::stability_report> && is_check<koc::match_verify_report> && is_check<koc::team_report> &&
                  is_check<koc::ledger_check> && is_check<koc::detail::matching_check>,
              "one check result type");
static_assert(is_check<decltype(koc::verify(std::declval<const koc::match_result&>()))>, "match verify");
static_assert(is_check<decltype(koc::verify(std::declval<const koc::reward_policy&>(), std::declval<const koc::reward_tasks&>(),
                                            std::declval<const koc::reward_assignments&>(),
                                            std::declval<const koc::reward_completions&>(),
                                            std::declval<const koc::reward_kocs&>(), std::declval<const koc::reward_ledger&>()))>,
              "ledger verify");
// Only an explicit test reads it as a bool: `bool b = check;` does not compile.
static_assert(!std::is_convertible<koc::check_result, bool>::value && std::is_constructible<bool, koc::check_result>::value,
              "explicit operator bool");

}  // namespace

TEST_CASE("a check result is truthy only when the check holds, and carries the violation", "[core][check]") {
  const auto pass = koc::check_result::pass();
  const auto fail = koc::check_result::fail("pair 3 is not tight");
  CHECK(static_cast<bool>(pass));
  CHECK(pass.message.empty());
  CHECK_FALSE(static_cast<bool>(fail));
  CHECK(fail.message == "pair 3 is not tight");
  CHECK(static_cast<bool>(koc::check_result{}));
}

TEST_CASE("a verify that fails says so through the one type", "[core][check]") {
  // A dense assignment whose chosen columns were swapped: feasible, but not optimal for its duals.
  const double cost[4] = {4.0, 1.0, 2.0, 0.0};
  auto r = koc::solve_dense_assignment(cost, 2, 2, 2);
  REQUIRE(static_cast<bool>(koc::verify(cost, 2, 2, 2, r)));
  std::swap(r.col_ind[0], r.col_ind[1]);
  const koc::check_result c = koc::verify(cost, 2, 2, 2, r);
  CHECK_FALSE(static_cast<bool>(c));
  CHECK_FALSE(c.message.empty());
}

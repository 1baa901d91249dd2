// The core headers compile without nlohmann/json and without Boost: JSON lives only in the
// *_json.hpp headers and Boost only in matching/boost_graph.hpp, so a vendor that builds koc into its own
// product needs neither for the rest. nlohmann's include guard is defined first, which makes
// <nlohmann/json.hpp> empty in this translation unit: a core header that still used it fails to compile
// here. Boost defines BOOST_CONFIG_HPP in every header, so its absence after the includes shows none came in.
#define INCLUDE_NLOHMANN_JSON_HPP_

#include <koc/check.hpp>
#include <koc/detail/dispatch.hpp>
#include <koc/detail/id_index.hpp>
#include <koc/detail/log1p.hpp>
#include <koc/detail/memory.hpp>
#include <koc/detail/problems.hpp>
#include <koc/detail/sha256.hpp>
#include <koc/detail/stream.hpp>
#include <koc/error.hpp>
#include <koc/int128.hpp>
#include <koc/matching/candidates.hpp>
#include <koc/matching/capacitated_assignment.hpp>
#include <koc/matching/dense_assignment.hpp>
#include <koc/matching/eligibility.hpp>
#include <koc/matching/fit.hpp>
#include <koc/matching/match.hpp>
#include <koc/matching/policy.hpp>
#include <koc/matching/profiles.hpp>
#include <koc/matching/reason.hpp>
#include <koc/matching/stable_matching.hpp>
#include <koc/matching/tasks.hpp>
#include <koc/matching/teams.hpp>
#include <koc/rewards/detail/budgets.hpp>
#include <koc/rewards/detail/ledger_support.hpp>
#include <koc/rewards/detail/lines.hpp>
#include <koc/rewards/detail/prizes.hpp>
#include <koc/rewards/detail/rules.hpp>
#include <koc/rewards/ledger.hpp>
#include <koc/rewards/ledger_tables.hpp>
#include <koc/rewards/money.hpp>
#include <koc/rewards/points.hpp>
#include <koc/rewards/policy.hpp>
#include <koc/roster.hpp>
#include <koc/solve_control.hpp>
#include <koc/span.hpp>
#include <koc/tiers.hpp>
#include <koc/tiers/classify.hpp>
#include <koc/tiers/explain.hpp>
#include <koc/tiers/growth_gap.hpp>
#include <koc/tiers/ladder.hpp>
#include <koc/tiers/policy.hpp>
#include <koc/tiers/result.hpp>
#include <koc/tiers/score.hpp>
#include <koc/tiers/state.hpp>
#include <koc/tiers/what_if.hpp>
#include <koc/version.hpp>

#ifdef BOOST_CONFIG_HPP
#error "a core header includes Boost; only koc/matching/boost_graph.hpp may"
#endif

#include <catch2/catch.hpp>

TEST_CASE("the core headers need neither nlohmann/json nor Boost", "[core]") {
  // Compiling this file is the test; one call makes sure the headers were usable, not only parsed.
  const koc::tier_policy p = koc::default_tier_policy();
  CHECK(koc::tier_policy_problems(p).empty());
}

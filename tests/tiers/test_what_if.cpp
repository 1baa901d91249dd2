#include <catch2/catch.hpp>
#include <koc/tiers.hpp>

#include "support/random_roster.hpp"

#include <numeric>

using namespace koc;

TEST_CASE("what-if: the matrix accounts for every KOC and lists exactly the movers", "[tiers][what_if]") {
  const auto r = test::random_roster(3000, 11);
  const auto current = default_tier_policy();
  auto proposed = current;
  proposed.tiers[2].promote_threshold = 45;  // easier core
  proposed.tiers[2].keep_threshold = 40;
  const auto w = what_if(r, current, proposed);
  CHECK(std::accumulate(w.counts.begin(), w.counts.end(), std::int64_t{0}) == static_cast<std::int64_t>(r.size()));
  std::int64_t off_diagonal = 0;
  for (std::size_t a = 0; a < 4; ++a)
    for (std::size_t b = 0; b < 4; ++b)
      if (a != b) off_diagonal += w.matrix(a, b);
  CHECK(off_diagonal == static_cast<std::int64_t>(w.moved_rows.size()));
  CHECK(!w.moved_rows.empty());
  for (auto row : w.moved_rows) {
    CHECK(w.proposed_tier[static_cast<std::size_t>(row)] >= w.current_tier[static_cast<std::size_t>(row)]);
  }
  // The same policy moves nobody.
  CHECK(what_if(r, current, current).moved_rows.empty());
}

TEST_CASE("what-if maps previous tiers by name onto a different ladder", "[tiers][what_if]") {
  const auto r = test::random_roster(500, 12);
  auto current = default_tier_policy();
  auto proposed = current;
  proposed.tiers.insert(proposed.tiers.begin() + 2, tier_level{"rising", 42, 38, 1, {}});
  const auto w = what_if(r, current, proposed);
  CHECK(w.proposed_tiers.size() == 5);
  CHECK(std::accumulate(w.counts.begin(), w.counts.end(), std::int64_t{0}) == 500);
  auto missing = current;
  missing.tiers[1].name = "starter";
  CHECK_THROWS_AS(what_if(r, missing, current), error);
}

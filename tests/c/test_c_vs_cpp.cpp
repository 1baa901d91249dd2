// The C ABI gives exactly what the C++ API gives on the same input.
#include <catch2/catch.hpp>
#include <koc/koc.h>
#include <koc/tiers.hpp>

#include "support/random_roster.hpp"

#include <cstring>

TEST_CASE("C ABI classification equals the C++ API bit for bit", "[c_api][tiers]") {
  const auto r = koc::test::random_roster(2000, 21);
  const auto policy = koc::default_tier_policy();
  const auto expected = koc::classify(r, policy);

  koc_roster* cr = nullptr;
  REQUIRE(koc_roster_create(r.id.data(), r.size(), &cr) == KOC_OK);
  for (int m = 0; m < koc::n_metrics; ++m)
    REQUIRE(koc_roster_set_metric(cr, static_cast<koc_metric>(m), r.metrics[static_cast<std::size_t>(m)].data(), r.size()) == KOC_OK);
  REQUIRE(koc_roster_set_flag(cr, KOC_FLAG_HONORARY, r.honorary.data(), r.size()) == KOC_OK);
  REQUIRE(koc_roster_set_flag(cr, KOC_FLAG_INVITED, r.invited.data(), r.size()) == KOC_OK);
  REQUIRE(koc_roster_set_flag(cr, KOC_FLAG_CLEARANCE, r.clearance.data(), r.size()) == KOC_OK);
  REQUIRE(koc_roster_set_history(cr, r.previous_tier.data(), r.periods_below.data(), r.size()) == KOC_OK);
  koc_tier_policy* cp = nullptr;
  REQUIRE(koc_tier_policy_default(&cp) == KOC_OK);
  koc_tier_result* ct = nullptr;
  REQUIRE(koc_classify(cr, cp, nullptr, nullptr, nullptr, nullptr, 0, 0, &ct) == KOC_OK);

  std::vector<std::int32_t> col(r.size());
  REQUIRE(koc_tier_result_column(ct, KOC_TIER_FINAL, col.data(), col.size()) == KOC_OK);
  CHECK(col == expected.final_tier);
  REQUIRE(koc_tier_result_column(ct, KOC_TIER_PERIODS_BELOW, col.data(), col.size()) == KOC_OK);
  CHECK(col == expected.periods_below);
  const double* scores = nullptr;
  std::size_t n = 0;
  REQUIRE(koc_tier_result_scores(ct, &scores, &n) == KOC_OK);
  CHECK(std::memcmp(scores, expected.score.data(), n * sizeof(double)) == 0);
  const double* gaps = nullptr;
  std::size_t n_gaps = 0;
  REQUIRE(koc_tier_result_growth_gaps(ct, &gaps, &n_gaps, nullptr) == KOC_OK);
  CHECK(std::memcmp(gaps, expected.growth_gap.data(), n_gaps * n * sizeof(double)) == 0);
  std::size_t need = 0;
  REQUIRE(koc_tier_result_explain(ct, 7, nullptr, 0, &need) == KOC_OK);
  std::string text(need + 1, '\0');
  REQUIRE(koc_tier_result_explain(ct, 7, text.data(), text.size(), &need) == KOC_OK);
  text.resize(need);
  CHECK(text == koc::explain(r, policy, expected, 7));
  koc_tier_result_destroy(ct);
  koc_tier_policy_destroy(cp);
  koc_roster_destroy(cr);
}

TEST_CASE("no exception crosses the C boundary, even for internal misuse", "[c_api]") {
  koc_tier_policy* p = nullptr;
  // Deeply wrong JSON types are reported, not thrown.
  const char* json = R"({"schema": "koc.tier_policy/1", "metrics": 5, "tiers": []})";
  CHECK(koc_tier_policy_from_json(json, std::strlen(json), &p) == KOC_ERROR_INVALID_POLICY);
  CHECK(p == nullptr);
  CHECK(std::string(koc_last_error_field()) == "metrics");
}

#include <catch2/catch.hpp>
#include <koc/tiers.hpp>

#include "support/random_roster.hpp"

using namespace koc;

TEST_CASE("tier policy JSON round trip is exact", "[tiers][json]") {
  auto p = default_tier_policy();
  p.metrics[0].reference = 0.1 + 0.2;  // a value with no short decimal form
  p.tiers[1].gates.push_back({tier_gate::kind::metric_max, metric::days_since_active, 30});
  p.tiers[2].gates.push_back({tier_gate::kind::clearance, metric::posts, 0});
  const std::string text = tier_policy_to_json(p);
  const auto q = tier_policy_from_json(text);
  CHECK(tier_policy_to_json(q) == text);
  REQUIRE(q.metrics.size() == p.metrics.size());
  CHECK(q.metrics[0].reference == p.metrics[0].reference);
  CHECK(q.tiers[1].gates.size() == 2);
  CHECK(q.honorary.floor_tier == p.honorary.floor_tier);
  const auto r = test::random_roster(300, 5);
  CHECK(classify(r, p).final_tier == classify(r, q).final_tier);
}

TEST_CASE("tier policy JSON errors name the path", "[tiers][json][errors]") {
  auto expect = [](const std::string& text, errc code, const std::string& field) {
    try {
      (void)tier_policy_from_json(text);
      FAIL("expected koc::error");
    } catch (const error& e) {
      INFO(e.what());
      CHECK(e.code() == code);
      CHECK(e.field() == field);
    }
  };
  const std::string head = R"({"schema": "koc.tier_policy/1", )";
  const std::string metrics = R"("metrics": [{"metric": "posts", "weight": 1, "normalisation": "log1p", "reference": 10}])";
  expect(R"({"schema": "koc.tier_policy/1", "metrics": [)", errc::invalid_policy, "$");
  expect(R"({"schema": "koc.tier_policy/2"})", errc::invalid_policy, "$.schema");
  expect(head + R"("metrics": [{"metric": "likes", "weight": 1, "normalisation": "log1p"}], "tiers": []})",
         errc::unknown_name, "metrics[0].metric");
  expect(head + R"("metrics": [{"metric": "posts", "weight": "1", "normalisation": "log1p"}], "tiers": []})",
         errc::invalid_policy, "metrics[0].weight");
  expect(head + R"("metrics": [{"metric": "posts", "weight": 1, "normalisation": "sqrt"}], "tiers": []})",
         errc::unknown_name, "metrics[0].normalisation");
  expect(head + metrics + R"(, "tiers": [{"name": "entry", "promote_threshold": 0, "colour": "red"}]})",
         errc::invalid_policy, "tiers[0].colour");
  expect(head + metrics + R"(, "tiers": [{"name": "entry", "promote_threshold": 0}], "honorary": {"floor": "legend"}})",
         errc::unknown_name, "honorary.floor");
  expect(head + metrics + R"(, "tiers": [{"name": "entry", "promote_threshold": 0, "gates": [{"metric": "quality"}]}]})",
         errc::invalid_policy, "tiers[0].gates[0]");
  expect(head + metrics + R"(, "tiers": [{"name": "a", "promote_threshold": 5}, {"name": "b", "promote_threshold": 5}]})",
         errc::invalid_policy, "tiers[1].promote_threshold");
  expect(head + metrics + "}", errc::invalid_policy, "$.tiers");
}

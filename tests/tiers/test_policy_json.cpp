#include <catch2/catch.hpp>
#include <koc/tiers.hpp>
#include <koc/tiers/policy_json.hpp>

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

namespace {
std::vector<std::pair<std::string, errc>> fields_of(const std::vector<error>& found) {
  std::vector<std::pair<std::string, errc>> out;
  for (const auto& e : found) out.emplace_back(e.field(), e.code());
  return out;
}
}  // namespace

TEST_CASE("tier_policy_problems lists every invalid field of a document; tier_policy_from_json throws the first", "[tiers][policy][validate]") {
  const std::string text = R"({"schema": "koc.tier_policy/1", "bogus": 1,
    "metrics": [{"metric": "posts", "weight": -1, "normalisation": "log1p", "reference": 10},
                {"metric": "views", "weight": 5, "normalisation": "wat", "reference": 10},
                {"metric": "followers", "weight": 5, "normalisation": "cap", "reference": 0}],
    "tiers": [{"name": "entry", "promote_threshold": 0},
              {"name": "active", "promote_threshold": "thirty"},
              {"name": "core", "promote_threshold": 20, "keep_threshold": 40, "grace_periods": -1}],
    "hysteresis": {"max_demotion_steps": 0}})";
  const auto all = tier_policy_problems(text);
  // In reading order, then the value checks; tiers[2]'s threshold is not compared with tiers[1]'s, which
  // could not be read.
  CHECK(fields_of(all) == std::vector<std::pair<std::string, errc>>{
                              {"$.bogus", errc::invalid_policy},
                              {"metrics[1].normalisation", errc::unknown_name},
                              {"tiers[1].promote_threshold", errc::invalid_policy},
                              {"metrics[0].weight", errc::invalid_policy},
                              {"metrics[2].reference", errc::invalid_policy},
                              {"tiers[2].keep_threshold", errc::invalid_policy},
                              {"tiers[2].grace_periods", errc::invalid_policy},
                              {"hysteresis.max_demotion_steps", errc::invalid_policy}});
  CHECK_THROWS_WITH(tier_policy_from_json(text), all[0].what());
  CHECK(tier_policy_problems(text, 3).size() == 3);
  CHECK_THROWS_AS(tier_policy_problems(text, 0), error);
  // Not JSON: one problem. A good document: none, and the values of a built policy alike.
  CHECK(tier_policy_problems(std::string("{")).size() == 1);
  CHECK(tier_policy_problems(tier_policy_to_json(default_tier_policy())).empty());
  tier_policy p = default_tier_policy();
  p.metrics[1].weight = -2;
  p.tiers[2].keep_threshold = 99;
  p.max_demotion_steps = 0;
  const auto values = tier_policy_problems(p);
  CHECK(fields_of(values) == std::vector<std::pair<std::string, errc>>{{"metrics[1].weight", errc::invalid_policy},
                                                                      {"tiers[2].keep_threshold", errc::invalid_policy},
                                                                      {"hysteresis.max_demotion_steps", errc::invalid_policy}});
  CHECK_THROWS_WITH(validate(p), values[0].what());
}

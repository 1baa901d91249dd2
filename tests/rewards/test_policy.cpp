#include <catch2/catch.hpp>
#include <koc/rewards/policy.hpp>
#include <koc/rewards/policy_json.hpp>

#include <fstream>
#include <sstream>
#include <string>

using koc::errc;

namespace {
std::string read_example() {
  std::string here = __FILE__;
  const std::string root = here.substr(0, here.rfind("tests/rewards/"));
  std::ifstream in(root + "examples/data/reward_policy.json");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses `rules_json` inside a minimal policy and returns the error (code, field).
std::pair<errc, std::string> policy_error(const std::string& body) {
  try {
    koc::parse_reward_policy(std::string("{\"schema\": \"koc.reward_policy/1\", ") + body + "}");
  } catch (const koc::error& e) {
    CHECK(e.row() == -1);
    return {e.code(), e.field()};
  }
  return {errc::ok, ""};
}
}  // namespace

TEST_CASE("the example policy parses with exact amounts", "[rewards][policy]") {
  const koc::reward_policy p = koc::parse_reward_policy(read_example());
  REQUIRE(p.rules.size() == 7);
  CHECK(p.late_bp == 5000);
  CHECK(p.rejected_bp == 0);
  const auto& meme = p.rules[static_cast<std::size_t>(p.find_rule("newbie_meme"))];
  CHECK(meme.currency == koc::points_currency);
  CHECK(meme.amount == 50);
  CHECK(meme.speed.first_n == 100);
  const auto& red = p.rules[static_cast<std::size_t>(p.find_rule("news_peak_red_packet"))];
  CHECK(red.amount == 888);
  CHECK(red.speed.within_hours == 6);
  const auto& launch = p.rules[static_cast<std::size_t>(p.find_rule("spring_launch"))];
  CHECK(launch.kind == koc::rule_kind::campaign);
  CHECK(launch.base == 30000);
  CHECK(launch.prize.amount == 1000000);
  CHECK(launch.prize.shares_bp == std::vector<std::int32_t>{5000, 3000, 2000});
  CHECK(launch.rejected_bp == 2000);
  CHECK(p.rejected_share(launch) == 2000);
  CHECK(p.late_share(launch) == 5000);
  const auto& amp = p.rules[static_cast<std::size_t>(p.find_rule("weibo_review"))];
  CHECK(amp.steps.size() == 3);
  CHECK(amp.cap_per_koc == 300000);
  CHECK(p.tiers[2].multiplier_bp == 12500);
  CHECK(p.tiers[3].entitlements.size() == 2);
  CHECK(p.campaign_budgets.at(0).amount == 5000000);
  CHECK(p.find_rule("nope") == -1);
}

TEST_CASE("policy errors name the JSON path", "[rewards][policy]") {
  using P = std::pair<errc, std::string>;
  CHECK(policy_error("\"rules\": [{\"id\": \"a\", \"kind\": \"fixed\", \"currency\": \"XYZ\", \"amount\": \"1\"}]") ==
        P{errc::unknown_name, "rules[0].currency"});
  CHECK(policy_error("\"rules\": [{\"id\": \"a\", \"kind\": \"fixed\", \"currency\": \"CNY\", \"amount\": 1.5}]") ==
        P{errc::invalid_policy, "rules[0].amount"});
  CHECK(policy_error("\"rules\": [{\"id\": \"a\", \"kind\": \"fixed\", \"currency\": \"CNY\", \"amount\": \"1.555\"}]") ==
        P{errc::out_of_range, "rules[0].amount"});
  CHECK(policy_error("\"rules\": [{\"id\": \"a\", \"kind\": \"fixed\", \"currency\": \"JPY\", \"amount\": \"1.5\"}]") ==
        P{errc::out_of_range, "rules[0].amount"});
  CHECK(policy_error("\"rules\": [{\"id\": \"a\", \"kind\": \"fixed\", \"currency\": \"CNY\", \"amount\": \"1\", \"colour\": 1}]") ==
        P{errc::invalid_policy, "rules[0].colour"});
  CHECK(policy_error("\"rules\": [{\"id\": \"a\", \"kind\": \"bribe\", \"currency\": \"CNY\"}]") ==
        P{errc::unknown_name, "rules[0].kind"});
  CHECK(policy_error("\"tiers\": [{\"name\": \"core\", \"multiplier_bp\": 100001}], \"rules\": []") ==
        P{errc::out_of_range, "tiers[0].multiplier_bp"});
  CHECK(policy_error("\"tiers\": [{\"name\": \"core\", \"multiplier_bp\": -1}], \"rules\": []") ==
        P{errc::out_of_range, "tiers[0].multiplier_bp"});
  CHECK(policy_error("\"gates\": {\"late_bp\": 10001}, \"rules\": []") == P{errc::out_of_range, "gates.late_bp"});
  CHECK(policy_error("\"rules\": [{\"id\": \"a\", \"kind\": \"amplification\", \"currency\": \"CNY\", \"base\": \"1\", "
                     "\"metric\": \"views\", \"steps\": [{\"threshold\": 10, \"bonus\": \"1\"}, {\"threshold\": 10, \"bonus\": \"2\"}]}]") ==
        P{errc::out_of_range, "rules[0].steps[1].threshold"});
  CHECK(policy_error("\"rules\": [{\"id\": \"c\", \"kind\": \"campaign\", \"currency\": \"CNY\", "
                     "\"prize_pool\": {\"amount\": \"100\", \"split\": \"fixed_shares\", \"shares_bp\": [5000, 3000]}}]") ==
        P{errc::out_of_range, "rules[0].prize_pool.shares_bp"});
  CHECK(policy_error("\"rules\": [{\"id\": \"c\", \"kind\": \"fixed\", \"currency\": \"CNY\", \"amount\": \"1\"},"
                     "{\"id\": \"c\", \"kind\": \"fixed\", \"currency\": \"CNY\", \"amount\": \"1\"}]") ==
        P{errc::duplicate_id, "rules[1].id"});
  CHECK(policy_error("\"rules\": [{\"id\": \"i\", \"kind\": \"identity\", \"entitlements\": [{\"kind\": \"crown\", \"name\": \"x\"}]}]") ==
        P{errc::unknown_name, "rules[0].entitlements[0].kind"});
  CHECK(policy_error("\"rules\": [{\"id\": \"f\", \"kind\": \"fixed\", \"currency\": \"CNY\"}]") ==
        P{errc::invalid_policy, "rules[0].amount"});
  CHECK(policy_error("\"rules\": [{\"id\": \"f\", \"kind\": \"fixed\", \"currency\": \"CNY\", \"amount\": \"1\", "
                     "\"speed_bonus\": {\"first_n\": 3, \"within_hours\": 2, \"amount\": \"1\"}}]") ==
        P{errc::invalid_policy, "rules[0].speed_bonus"});
  CHECK(policy_error("\"rules\": [], \"campaign_budgets\": [{\"campaign\": 1, \"currency\": \"USD\", \"amount\": \"1.234\"}]") ==
        P{errc::out_of_range, "campaign_budgets[0].amount"});
  CHECK(policy_error("\"rules\": [{\"id\": \"r\", \"kind\": \"retainer\", \"currency\": \"CNY\", \"fee\": \"1\", \"period\": \"fortnight\"}]") ==
        P{errc::unknown_name, "rules[0].period"});
  CHECK(policy_error("\"rules\": {}") == P{errc::invalid_policy, "rules"});
  // Wrong schema, malformed JSON.
  try {
    koc::parse_reward_policy(R"({"schema": "koc.reward_policy/2", "rules": []})");
    FAIL("no throw");
  } catch (const koc::error& e) {
    CHECK(e.code() == errc::invalid_policy);
    CHECK(e.field() == "schema");
  }
  try {
    koc::parse_reward_policy("{\"schema\": ");
    FAIL("no throw");
  } catch (const koc::error& e) {
    CHECK(e.code() == errc::invalid_policy);
  }
}

TEST_CASE("reward_policy_problems lists every invalid field of a document; parse_reward_policy throws the first", "[rewards][policy][validate]") {
  const char* text = R"({"schema": "koc.reward_policy/1", "extra": 1,
    "tiers": [{"name": "core", "multiplier_bp": 999999}],
    "rules": [{"id": "a", "kind": "fixed", "currency": "CNY", "amount": 1.5},
              {"id": "b", "kind": "retainer", "currency": "CNY", "fee": "10.00", "period": "week"},
              {"id": "c", "kind": "fxed"},
              {"id": "a", "kind": "offline", "currency": "XXX", "fee_per_day": "1", "travel_cap": "2"}],
    "campaign_budgets": [{"campaign": -1, "currency": "CNY", "amount": "1"}]})";
  const auto all = koc::reward_policy_problems(text);
  std::vector<std::pair<std::string, errc>> where;
  for (const auto& e : all) where.emplace_back(e.field(), e.code());
  CHECK(where == std::vector<std::pair<std::string, errc>>{
                     {"extra", errc::invalid_policy},           {"tiers[0].multiplier_bp", errc::out_of_range},
                     {"rules[0].amount", errc::invalid_policy}, {"rules[1].period", errc::unknown_name},
                     {"rules[2].kind", errc::unknown_name},     {"rules[3].currency", errc::unknown_name},
                     {"rules[3].id", errc::duplicate_id},       {"campaign_budgets[0].campaign", errc::out_of_range}});
  CHECK_THROWS_WITH(koc::parse_reward_policy(text), all[0].what());
  CHECK(koc::reward_policy_problems(text, 2).size() == 2);
  CHECK(koc::reward_policy_problems("{").size() == 1);
  // Inside a part, every field too: both gates, both unknown keys of an entitlement.
  const auto inner = koc::reward_policy_problems(R"({"schema": "koc.reward_policy/1", "gates": {"rejected_bp": 20000, "late_bp": -1},
    "rules": [{"id": "f", "kind": "identity", "entitlements": [{"kind": "badge", "name": "x", "colour": 1, "size": 2}]}]})");
  std::vector<std::string> fields;
  for (const auto& e : inner) fields.push_back(e.field());
  CHECK(fields == std::vector<std::string>{"gates.rejected_bp", "gates.late_bp", "rules[0].entitlements[0].colour",
                                           "rules[0].entitlements[0].size"});
}

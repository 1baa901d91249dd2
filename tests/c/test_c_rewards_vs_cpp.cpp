// The rewards C ABI gives exactly the ledger the C++ API gives on the same input: every column, every
// rule name, every explanation and every total, over random programmes of the example policy.
#include <catch2/catch.hpp>
#include <koc/koc.h>
#include <koc/rewards/ledger.hpp>
#include <koc/rewards/policy_json.hpp>

#include "rewards/rewards_world.hpp"

#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string example_policy() {
  const std::string here = __FILE__;
  std::ifstream in(here.substr(0, here.rfind("tests/c/")) + "examples/data/reward_policy.json");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string c_string(koc_status (*get)(const koc_ledger*, size_t, char*, size_t, size_t*), const koc_ledger* L, size_t i) {
  size_t need = 0;
  REQUIRE(get(L, i, nullptr, 0, &need) == KOC_OK);
  std::string s(need + 1, '\0');
  REQUIRE(get(L, i, s.data(), s.size(), &need) == KOC_OK);
  s.resize(need);
  return s;
}

template <class T>
std::vector<T> column(const T* data, size_t n) { return std::vector<T>(data, data + n); }

/// Random programme over the example policy; KOC ids 1000.. so the award winners 1001 and 1002 take part.
koc_test::world random_world(const koc::reward_policy& p, std::mt19937_64& rng) {
  koc_test::world w;
  w.ladder = {"entry", "active", "core", "ambassador"};
  const int nk = 3 + static_cast<int>(rng() % 15), nt = 1 + static_cast<int>(rng() % 10);
  for (int k = 0; k < nk; ++k) w.add_koc(1000 + k, static_cast<std::int32_t>(rng() % 5) - 1);
  const std::int32_t campaign = p.find_rule("spring_launch"), retainer = p.find_rule("knowledge_base_moderator");
  for (int t = 0; t < nt; ++t) {
    // Task 500 is always a campaign task: the policy's process-award winners must have completed one.
    const auto r = t == 0 ? campaign : static_cast<std::int32_t>(rng() % p.rules.size());
    const std::int64_t budget = rng() % 4 == 0 ? static_cast<std::int64_t>(rng() % 800000) : -1;
    w.add_task(500 + t, r, r == campaign ? 7 : static_cast<std::int64_t>(rng() % 3) - 1, 1000,
               rng() % 2 ? koc::no_deadline : 60000, r == retainer ? 30 : 0, budget);
  }
  for (int k = 0; k < nk; ++k)
    for (int t = 0; t < nt; ++t)
      if (rng() % 2 || (t == 0 && (k == 1 || k == 2))) {
        koc_test::completion_args c = koc_test::random_completion(rng);
        c.accepted = c.accepted || (t == 0 && (k == 1 || k == 2));  // two accepted KOCs in task 500's ranking
        w.complete(1000 + k, 500 + t, c);
      }
  return w;
}

}  // namespace

TEST_CASE("C ABI ledger equals the C++ ledger bit for bit", "[c_api][rewards]") {
  const std::string json = example_policy();
  const koc::reward_policy policy = koc::parse_reward_policy(json);
  koc_reward_policy* cp = nullptr;
  REQUIRE(koc_reward_policy_from_json(json.data(), json.size(), &cp) == KOC_OK);
  std::mt19937_64 rng(2024);
  std::vector<int> kinds_seen(14, 0);
  for (int iter = 0; iter < 60; ++iter) {
    const koc_test::world w = random_world(policy, rng);
    const koc::reward_ledger expected = w.run(policy, true);  // run() also checks verify()
    for (auto kind : expected.kind) kinds_seen[static_cast<std::size_t>(kind)] = 1;
    const koc::ledger_totals totals = koc::totals(expected);

    koc_reward_tasks* t = nullptr;
    REQUIRE(koc_reward_tasks_create(w.task_id.data(), w.rule.data(), w.task_id.size(), &t) == KOC_OK);
    REQUIRE(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_CAMPAIGN_ID, w.campaign.data(), w.campaign.size()) == KOC_OK);
    REQUIRE(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_WINDOW_START, w.window.data(), w.window.size()) == KOC_OK);
    REQUIRE(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_WINDOW_END, w.deadline.data(), w.deadline.size()) == KOC_OK);
    REQUIRE(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_BUDGET, w.budget.data(), w.budget.size()) == KOC_OK);
    REQUIRE(koc_reward_tasks_set_period_days(t, w.period.data(), w.period.size()) == KOC_OK);
    koc_reward_assignments* a = nullptr;
    REQUIRE(koc_reward_assignments_create(w.a_koc.data(), w.a_task.data(), w.a_koc.size(), &a) == KOC_OK);
    koc_reward_completions* c = nullptr;
    const std::size_t n = w.assignment.size();
    REQUIRE(koc_reward_completions_create(w.assignment.data(), w.delivered.data(), w.accepted.data(), n, &c) == KOC_OK);
    REQUIRE(koc_reward_completions_set_double(c, KOC_COMPLETION_QUALITY, w.quality.data(), n) == KOC_OK);
    REQUIRE(koc_reward_completions_set_double(c, KOC_COMPLETION_DUTY_FULFILMENT, w.fulfilment.data(), n) == KOC_OK);
    REQUIRE(koc_reward_completions_set_int64(c, KOC_COMPLETION_VIEWS, w.views.data(), n) == KOC_OK);
    REQUIRE(koc_reward_completions_set_int64(c, KOC_COMPLETION_INTERACTIONS, w.interactions.data(), n) == KOC_OK);
    REQUIRE(koc_reward_completions_set_int64(c, KOC_COMPLETION_TRAVEL_CLAIMED, w.travel.data(), n) == KOC_OK);
    REQUIRE(koc_reward_completions_set_int32(c, KOC_COMPLETION_DAYS_SERVED, w.days_served.data(), n) == KOC_OK);
    REQUIRE(koc_reward_completions_set_int32(c, KOC_COMPLETION_DAYS_ON_SITE, w.days_on_site.data(), n) == KOC_OK);
    koc_reward_kocs* k = nullptr;
    REQUIRE(koc_reward_kocs_create(w.koc.data(), w.koc.size(), &k) == KOC_OK);
    std::vector<const char*> names;
    std::vector<size_t> lens;
    for (const auto& s : w.ladder) names.push_back(s.c_str()), lens.push_back(s.size());
    REQUIRE(koc_reward_kocs_set_tiers(k, w.tier.data(), w.tier.size(), names.data(), lens.data(), names.size()) == KOC_OK);

    koc_ledger* L = nullptr;
    REQUIRE(koc_ledger_compute(cp, t, a, c, k, iter % 2 ? KOC_LEDGER_EXPLAIN : 0u, &L) == KOC_OK);
    size_t m = 0;
    REQUIRE(koc_ledger_size(L, &m) == KOC_OK);
    REQUIRE(m == expected.size());
    const int64_t* i64 = nullptr;
    const int32_t* i32 = nullptr;
    const uint8_t* u8 = nullptr;
    size_t len = 0;
    const std::vector<std::int64_t>* int64_expected[] = {&expected.koc_id, &expected.task_id, &expected.campaign_id,
                                                         &expected.completion, &expected.amount, &expected.gross,
                                                         &expected.basis, &expected.aux};
    for (int col = 0; col < 8; ++col) {
      REQUIRE(koc_ledger_int64(L, static_cast<koc_ledger_int64_column>(col), &i64, &len) == KOC_OK);
      CHECK(column(i64, len) == *int64_expected[col]);
    }
    REQUIRE(koc_ledger_int32(L, KOC_LEDGER_RULE, &i32, &len) == KOC_OK);
    CHECK(column(i32, len) == expected.rule);
    REQUIRE(koc_ledger_int32(L, KOC_LEDGER_GATE_BP, &i32, &len) == KOC_OK);
    CHECK(column(i32, len) == expected.gate_bp);
    REQUIRE(koc_ledger_int32(L, KOC_LEDGER_TIER_BP, &i32, &len) == KOC_OK);
    CHECK(column(i32, len) == expected.tier_bp);
    REQUIRE(koc_ledger_uint8(L, KOC_LEDGER_KIND, &u8, &len) == KOC_OK);
    for (size_t i = 0; i < len; ++i) CHECK(u8[i] == static_cast<uint8_t>(expected.kind[i]));
    REQUIRE(koc_ledger_uint8(L, KOC_LEDGER_REASON, &u8, &len) == KOC_OK);
    for (size_t i = 0; i < len; ++i) CHECK(u8[i] == static_cast<uint8_t>(expected.reason[i]));
    REQUIRE(koc_ledger_uint8(L, KOC_LEDGER_CURRENCY, &u8, &len) == KOC_OK);
    CHECK(column(u8, len) == expected.currency);

    int32_t n_rules = 0;
    REQUIRE(koc_ledger_rule_count(L, &n_rules) == KOC_OK);
    REQUIRE(static_cast<std::size_t>(n_rules) == expected.rule_names.size());
    for (int32_t r = 0; r < n_rules; ++r) {
      size_t need = 0;
      char buf[64];
      REQUIRE(koc_ledger_rule_name(L, r, buf, sizeof buf, &need) == KOC_OK);
      CHECK(std::string(buf) == expected.rule_names[static_cast<std::size_t>(r)]);
    }
    for (size_t i = 0; i < m; ++i) CHECK(c_string(koc_ledger_explain, L, i) == expected.explanation[i]);

    const koc::ledger_group_totals* groups[] = {&totals.per_koc, &totals.per_task, &totals.per_campaign, &totals.per_currency};
    for (int g = 0; g < 4; ++g) {
      const int64_t *id = nullptr, *amount = nullptr, *cut = nullptr;
      const uint8_t* currency = nullptr;
      size_t ng = 0;
      REQUIRE(koc_ledger_totals(L, static_cast<koc_totals_group>(g), &id, &currency, &amount, &cut, &ng) == KOC_OK);
      CHECK(column(id, ng) == groups[g]->id);
      CHECK(column(currency, ng) == groups[g]->currency);
      CHECK(column(amount, ng) == groups[g]->amount);
      CHECK(column(cut, ng) == groups[g]->cut);
    }
    int32_t ok = 0;
    size_t need = 0;
    REQUIRE(koc_ledger_verify(L, t, a, c, k, &ok, nullptr, 0, &need) == KOC_OK);
    CHECK(ok == 1);

    koc_ledger_destroy(L);
    koc_reward_kocs_destroy(k);
    koc_reward_completions_destroy(c);
    koc_reward_assignments_destroy(a);
    koc_reward_tasks_destroy(t);
  }
  // The random programmes reach every kind of line, so the comparison covers every code path's columns.
  for (std::size_t kind = 0; kind < kinds_seen.size(); ++kind) {
    INFO(koc::line_kind_name(static_cast<koc::line_kind>(kind)));
    CHECK(kinds_seen[kind] == 1);
  }
  koc_reward_policy_destroy(cp);
}

TEST_CASE("the reward policy's JSON round trip through the C ABI keeps the policy", "[c_api][rewards]") {
  const std::string json = example_policy();
  koc_reward_policy* p = nullptr;
  REQUIRE(koc_reward_policy_from_json(json.data(), json.size(), &p) == KOC_OK);
  size_t need = 0;
  REQUIRE(koc_reward_policy_to_json(p, nullptr, 0, &need) == KOC_OK);
  std::string text(need + 1, '\0');
  REQUIRE(koc_reward_policy_to_json(p, text.data(), text.size(), &need) == KOC_OK);
  text.resize(need);
  CHECK(nlohmann::json::parse(text) == nlohmann::json::parse(json));
  const auto a = koc::parse_reward_policy(json), b = koc::parse_reward_policy(text);
  REQUIRE(a.rules.size() == b.rules.size());
  for (std::size_t r = 0; r < a.rules.size(); ++r) CHECK(a.rules[r].id == b.rules[r].id);
  koc_reward_policy_destroy(p);
}

// Settlement across runs (koc::settle_ledger): what earlier runs paid is not paid again, caps and budgets
// hold over all runs together, speed places and prizes are given once.
#include "rewards_world.hpp"

#include <koc/rewards/ledger.hpp>
#include <koc/rewards/policy_json.hpp>

#include <map>
#include <tuple>

using koc::line_kind;
using koc::line_reason;
using koc_test::C;
using koc_test::world;

namespace {

const char* const kPolicy = R"({
  "schema": "koc.reward_policy/1",
  "gates": {"rejected_bp": 0, "late_bp": 5000},
  "tiers": [{"name": "entry"}, {"name": "core", "multiplier_bp": 12500}],
  "campaign_budgets": [{"campaign": 9, "currency": "CNY", "amount": "2500.00"}],
  "rules": [
    {"id": "pts", "kind": "fixed", "currency": "PTS", "amount": "50", "speed_bonus": {"first_n": 2, "amount": "20"}},
    {"id": "red", "kind": "fixed", "currency": "CNY", "amount": "8.88", "speed_bonus": {"within_hours": 6, "amount": "5.00"}},
    {"id": "launch", "kind": "campaign", "currency": "CNY", "base": "300.00",
     "process_awards": [{"name": "best idea", "amount": "1000.00", "winners": [2]}],
     "prize_pool": {"amount": "10000.00", "split": "fixed_shares", "shares_bp": [5000, 3000, 2000]}},
    {"id": "mod", "kind": "retainer", "currency": "CNY", "fee": "2000.00", "period": "month"},
    {"id": "amp", "kind": "amplification", "currency": "CNY", "base": "500.00", "metric": "views",
     "steps": [{"threshold": 10000, "bonus": "100.00"}, {"threshold": 100000, "bonus": "300.00"},
               {"threshold": 1000000, "bonus": "1000.00"}], "cap_per_koc": "1500.00"},
    {"id": "show", "kind": "offline", "currency": "CNY", "fee_per_day": "800.00", "travel_cap": "1500.00"},
    {"id": "kb", "kind": "fixed", "currency": "PTS", "amount": "200",
     "entitlements": [{"kind": "title", "name": "community knowledge officer"}]},
    {"id": "fee", "kind": "fixed", "currency": "CNY", "amount": "60.00"}
  ]})";
enum : std::int32_t { PTS, RED, LAUNCH, MOD, AMP, SHOW, KB, FEE };

world kocs_only() {
  world w;
  w.ladder = {"entry", "core"};
  w.add_koc(1, 1);
  for (std::int64_t k = 2; k <= 5; ++k) w.add_koc(k, 0);
  return w;
}

/// Settles `w` against `earlier`, checks the result with verify, returns it.
koc::reward_ledger settle(const koc::reward_policy& p, const world& w, const koc::reward_ledger& earlier) {
  const koc::settled_ledger e = koc::settled_view(earlier);
  koc::reward_ledger L = koc::settle_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs(), e);
  const koc::ledger_check ck = koc::verify(p, w.tasks(), w.asg(), w.done(), w.kocs(), e, L);
  INFO(ck.message);
  REQUIRE(ck.ok);
  return L;
}

std::int64_t money(const koc::reward_ledger& L) {
  std::int64_t s = 0;
  for (std::size_t l = 0; l < L.size(); ++l) s += L.amount[l];
  return s;
}

}  // namespace

TEST_CASE("settle_ledger: the same work settled again pays nothing new", "[rewards][settle]") {
  auto p = koc::parse_reward_policy(kPolicy);
  p.rules[LAUNCH].process_awards.clear();  // the generated KOCs are 100 and up
  p.campaign_budgets.push_back({7, koc::find_currency("CNY"), 3000000, koc::budget_reduction::pro_rata});
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const world w = koc_test::generated_programme(seed, 12, 10);
    const koc::reward_ledger first = w.run(p);
    const koc::reward_ledger again = settle(p, w, first);
    for (std::size_t l = 0; l < again.size(); ++l) {
      INFO("seed " << seed << " line " << l << ": " << again.explanation[l]);
      // Only tier entitlements (a state, written every run) and no_reward lines remain.
      REQUIRE((again.kind[l] == line_kind::no_reward || (again.kind[l] == line_kind::entitlement && again.task_id[l] < 0)));
      REQUIRE(again.amount[l] == 0);
    }
    // A third run on the state of both pays nothing either, and is the same as the second.
    koc::reward_ledger state = first;
    koc::append_ledger(state, again);
    const koc::reward_ledger third = settle(p, w, state);
    REQUIRE(third.kind == again.kind);
    REQUIRE(third.reason == again.reason);
    REQUIRE(third.amount == again.amount);
  }
}

TEST_CASE("settle_ledger: growth past a new step pays that step only, within the cap", "[rewards][settle]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world may = kocs_only();
  may.add_task(10, AMP);
  may.complete(2, 10, C().views(120000));
  const koc::reward_ledger paid_may = settle(p, may, {});
  REQUIRE(money(paid_may) == 50000 + 10000 + 30000);  // creation fee and two steps

  world june = may;
  june.views[0] = 1200000;  // the same post, now past the third step
  const koc::reward_ledger paid_june = settle(p, june, paid_may);
  const auto steps = koc_test::lines_of(paid_june, line_kind::step_bonus);
  REQUIRE(steps.size() == 1);
  REQUIRE(paid_june.aux[steps[0]] == 2);
  REQUIRE(paid_june.amount[steps[0]] == 100000);
  // The cap (1,500.00) counts May's 900.00: 600.00 of the new step is paid, 400.00 is cut.
  const auto cuts = koc_test::lines_of(paid_june, line_kind::cap_cut);
  REQUIRE(cuts.size() == 1);
  REQUIRE(paid_june.amount[cuts[0]] == -40000);
  REQUIRE(money(paid_june) == 60000);

  // July: nothing grew; the completion's every line is settled.
  koc::reward_ledger state = paid_may;
  koc::append_ledger(state, paid_june);
  const koc::reward_ledger paid_july = settle(p, june, state);
  REQUIRE(money(paid_july) == 0);
  bool said_settled = false;
  for (std::size_t l = 0; l < paid_july.size(); ++l)
    said_settled |= paid_july.completion[l] == 0 && paid_july.reason[l] == line_reason::settled;
  REQUIRE(said_settled);
  REQUIRE_THAT(koc::explain_line(p, paid_july, 0), Catch::Matchers::Contains("paid by an earlier run"));
}

TEST_CASE("settle_ledger: a budget spent in an earlier run is spent", "[rewards][settle]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world may = kocs_only();
  may.add_task(20, FEE, -1, 0, koc::no_deadline, 0, 10000);  // budget 100.00 for 60.00 a completion
  may.complete(2, 20);
  const koc::reward_ledger paid_may = settle(p, may, {});
  REQUIRE(money(paid_may) == 6000);

  world june = may;  // only the new work this time
  june.a_koc = {3, 4};
  june.a_task = {20, 20};
  june.assignment = {0, 1};
  for (auto* v : {&june.delivered, &june.views, &june.interactions, &june.travel}) v->assign(2, 0);
  june.accepted.assign(2, 1), june.quality.assign(2, 1.0), june.fulfilment.assign(2, 1.0);
  june.days_served.assign(2, 0), june.days_on_site.assign(2, 0);
  const koc::reward_ledger paid_june = settle(p, june, paid_may);
  REQUIRE(money(paid_june) == 4000);  // what May left of the budget, split pro rata
  const auto cuts = koc_test::lines_of(paid_june, line_kind::budget_cut);
  REQUIRE(cuts.size() == 2);
  for (const std::size_t l : cuts) {
    REQUIRE(paid_june.aux[l] == 2);      // a task budget with earlier spend
    REQUIRE(paid_june.basis[l] == 4000);  // what was left
  }
  REQUIRE_THAT(koc::explain_line(p, paid_june, cuts[0]), Catch::Matchers::Contains("earlier runs left"));

  // The campaign budget counts earlier lines of tasks this run does not list.
  world camp = kocs_only();
  camp.add_task(30, FEE, 9);
  camp.complete(2, 30);
  koc::reward_ledger earlier = paid_may;
  earlier.task_id.back() = 999;  // not a task of this run
  earlier.campaign_id.assign(earlier.size(), 9);
  earlier.amount.assign(earlier.size(), 0);
  earlier.amount[0] = 247000;  // 2,470.00 of the 2,500.00 spent
  const koc::reward_ledger paid_camp = settle(p, camp, earlier);
  REQUIRE(money(paid_camp) == 3000);
}

TEST_CASE("settle_ledger: speed places and prizes are given once", "[rewards][settle]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world may = kocs_only();
  may.add_task(40, PTS);
  may.complete(2, 40, C().delivered(100));
  const koc::reward_ledger paid_may = settle(p, may, {});
  REQUIRE(koc_test::lines_of(paid_may, line_kind::speed_bonus).size() == 1);

  world june = may;  // all work to date: KOC 2's again, and three new
  for (std::int64_t k = 3; k <= 5; ++k) june.complete(k, 40, C().delivered(100 + k));
  const koc::reward_ledger paid_june = settle(p, june, paid_may);
  const auto speed = koc_test::lines_of(paid_june, line_kind::speed_bonus);
  REQUIRE(speed.size() == 1);  // first_n = 2: one place was left
  REQUIRE(paid_june.koc_id[speed[0]] == 3);
  REQUIRE(paid_june.basis[speed[0]] == 2);  // the second place

  world launch = kocs_only();
  launch.add_task(50, LAUNCH, 7);
  launch.complete(2, 50, C().quality(0.9));
  launch.complete(3, 50, C().quality(0.8));
  const koc::reward_ledger judged = settle(p, launch, {});
  REQUIRE(koc_test::lines_of(judged, line_kind::prize).size() == 2);
  launch.complete(4, 50, C().quality(1.0));  // a late entry, better than both
  const koc::reward_ledger after = settle(p, launch, judged);
  REQUIRE(koc_test::lines_of(after, line_kind::prize).empty());
  REQUIRE(koc_test::lines_of(after, line_kind::process_award).empty());
  REQUIRE(money(after) == 30000);  // the late entry's base only

  // verify is an independent check: a ledger that pays settled lines again fails it.
  const koc::ledger_check twice = koc::verify(p, launch.tasks(), launch.asg(), launch.done(), launch.kocs(), koc::settled_view(judged),
                                              koc::compute_ledger(p, launch.tasks(), launch.asg(), launch.done(), launch.kocs()));
  REQUIRE_FALSE(twice.ok);
  REQUIRE_THAT(twice.message, Catch::Matchers::Contains("earlier run"));
}

TEST_CASE("settle_ledger: bad settled columns are refused naming the column", "[rewards][settle]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  world w = kocs_only();
  w.add_task(10, AMP);
  w.complete(2, 10, C().views(120000));
  koc::reward_ledger earlier = w.run(p);
  const auto fails_on = [&](const koc::settled_ledger& e, const std::string& field) {
    try {
      (void)koc::settle_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs(), e);
      FAIL("accepted");
    } catch (const koc::error& ex) {
      REQUIRE(ex.field() == field);
    }
  };
  koc::settled_ledger e = koc::settled_view(earlier);
  e.aux = koc::span<const std::int64_t>(earlier.aux.data(), earlier.aux.size() - 1);
  fails_on(e, "settled.aux");
  koc::reward_ledger bad = earlier;
  bad.rule[0] = 99;
  fails_on(koc::settled_view(bad), "settled.rule");
  bad = earlier;
  bad.kind[0] = static_cast<line_kind>(77);
  fails_on(koc::settled_view(bad), "settled.kind");
}

// Property: a programme whose work arrives over several runs (each run sees all work to date, in delivery
// order, with views still growing) pays, summed over the runs, what one run over the final work pays: line
// by line for uncapped rules, per KOC for the capped one. No budgets and no campaign here: a budget split
// and a prize ranking depend on which work was known when (the tests above cover them).
TEST_CASE("settle_ledger: runs over growing work sum to one run over the final work", "[rewards][settle][property]") {
  const auto p = koc::parse_reward_policy(kPolicy);
  const std::int32_t rules[] = {PTS, RED, MOD, AMP, SHOW, KB, FEE};
  int later_runs_paid = 0, later_steps = 0;  // the property is not vacuous: later runs do pay
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    std::mt19937_64 rng(seed);
    world final_work;
    final_work.ladder = {"entry", "core"};
    for (std::int64_t k = 0; k < 8; ++k) final_work.add_koc(100 + k, static_cast<std::int32_t>(rng() % 3) - 1);
    for (std::int64_t t = 0; t < 6; ++t) {
      const std::int32_t r = rules[rng() % 7];
      final_work.add_task(t, r, -1, 0, rng() % 2 ? koc::no_deadline : 50000, r == MOD ? 30 : 0, -1);
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
    for (std::int64_t k = 0; k < 8; ++k)
      for (std::int64_t t = 0; t < 6; ++t)
        if (rng() % 2) pairs.emplace_back(100 + k, t);
    std::vector<koc_test::completion_args> args;
    for (std::size_t i = 0; i < pairs.size(); ++i) args.push_back(koc_test::random_completion(rng));
    // Rows in delivery order, so that "work to date" is a prefix of the rows.
    std::vector<std::size_t> order(pairs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return args[a].delivered < args[b].delivered; });
    const int runs = 3;
    koc::reward_ledger state;
    std::vector<koc::reward_ledger> deltas;
    for (int r = 1; r <= runs; ++r) {
      world w;
      w.ladder = final_work.ladder, w.koc = final_work.koc, w.tier = final_work.tier;
      w.task_id = final_work.task_id, w.rule = final_work.rule, w.campaign = final_work.campaign, w.window = final_work.window;
      w.deadline = final_work.deadline, w.period = final_work.period, w.budget = final_work.budget;
      const std::size_t known = order.size() * static_cast<std::size_t>(r) / runs;
      for (std::size_t j = 0; j < known; ++j) {
        koc_test::completion_args c = args[order[j]];
        c.views = c.views * r / runs;  // still growing until the last run
        w.complete(pairs[order[j]].first, pairs[order[j]].second, c);
      }
      deltas.push_back(settle(p, w, state));
      if (r > 1) later_runs_paid += money(deltas.back()) > 0, later_steps += !koc_test::lines_of(deltas.back(), line_kind::step_bonus).empty();
      koc::append_ledger(state, deltas.back());
      if (r == runs) final_work = w;
    }
    const koc::reward_ledger once = final_work.run(p);
    // (KOC, task, kind, step) -> amount; the capped rule per KOC.
    using key = std::tuple<std::int64_t, std::int64_t, int, std::int64_t>;
    const auto sums = [&](const std::vector<const koc::reward_ledger*>& ledgers) {
      std::map<key, std::int64_t> lines;
      std::map<std::int64_t, std::int64_t> capped;
      for (const auto* L : ledgers)
        for (std::size_t l = 0; l < L->size(); ++l) {
          if (L->amount[l] == 0) continue;
          if (L->rule[l] >= 0 && L->rule_names[static_cast<std::size_t>(L->rule[l])] == "amp") capped[L->koc_id[l]] += L->amount[l];
          else lines[key{L->koc_id[l], L->task_id[l], static_cast<int>(L->kind[l]), L->aux[l]}] += L->amount[l];
        }
      return std::make_pair(lines, capped);
    };
    std::vector<const koc::reward_ledger*> all;
    for (const auto& d : deltas) all.push_back(&d);
    INFO("seed " << seed);
    REQUIRE(sums(all) == sums({&once}));
    // And no (KOC, task, kind, step) carries money in two runs.
    std::map<key, int> paid_in;
    for (const auto& d : deltas) {
      std::map<key, int> here;
      for (std::size_t l = 0; l < d.size(); ++l)
        if (d.amount[l] != 0 && koc::detail::settled_per_line(d.kind[l]))
          here[key{d.koc_id[l], d.task_id[l], static_cast<int>(d.kind[l]), koc::detail::settled_step(d.kind[l], d.aux[l])}] = 1;
      for (const auto& kv : here) REQUIRE(++paid_in[kv.first] == 1);
    }
  }
  CHECK(later_runs_paid >= 40);
  CHECK(later_steps >= 10);
}

// Awards as data: the jury names each campaign's winners in a table, so a rule reused by several campaigns
// pays a winner in the campaign they won only (the policy's winner ids are paid in every campaign).
TEST_CASE("process-award winners per campaign from the awards table", "[rewards][awards]") {
  auto p = koc::parse_reward_policy(kPolicy);
  world w = kocs_only();
  w.add_task(60, LAUNCH, 7);
  w.add_task(61, LAUNCH, 8);
  w.complete(2, 60, C().quality(0.9));
  w.complete(2, 61, C().quality(0.9));
  w.complete(3, 61, C().quality(0.5));
  // The policy's form: KOC 2 is paid the award in both campaigns.
  const koc::reward_ledger by_policy = w.run(p);
  REQUIRE(koc_test::lines_of(by_policy, line_kind::process_award).size() == 2);

  p.rules[LAUNCH].process_awards[0].winners.clear();
  const std::vector<std::int64_t> campaign{7, 8}, winner{2, 3};
  const std::vector<std::string> award{"best idea", "best idea"};
  const koc::reward_awards table{campaign, award, winner, {}};
  const koc::reward_ledger L = koc::settle_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs(), {}, table);
  REQUIRE(koc::verify(p, w.tasks(), w.asg(), w.done(), w.kocs(), L).ok);
  const auto awarded = koc_test::lines_of(L, line_kind::process_award);
  REQUIRE(awarded.size() == 2);
  CHECK(L.koc_id[awarded[0]] == 2);
  CHECK(L.campaign_id[awarded[0]] == 7);
  CHECK(L.koc_id[awarded[1]] == 3);
  CHECK(L.campaign_id[awarded[1]] == 8);
  // Without a table and without policy winners, nobody is awarded.
  CHECK(koc_test::lines_of(w.run(p), line_kind::process_award).empty());

  const auto fails_on = [&](const koc::reward_policy& q, const koc::reward_awards& a, const std::string& field, std::int64_t row) {
    try {
      (void)koc::settle_ledger(q, w.tasks(), w.asg(), w.done(), w.kocs(), {}, a);
      FAIL("accepted");
    } catch (const koc::error& e) {
      CHECK(e.field() == field);
      CHECK(e.row() == row);
    }
  };
  const std::vector<std::string> misspelt{"best idea", "best ideas"};
  fails_on(p, {campaign, misspelt, winner, {}}, "awards.award", 1);
  const std::vector<std::int64_t> nobody{2, 5};  // KOC 5 did nothing in campaign 8
  fails_on(p, {campaign, award, nobody, {}}, "awards.koc_id", 1);
  const std::vector<std::int64_t> twice_c{7, 7}, twice_k{2, 2};
  fails_on(p, {twice_c, award, twice_k, {}}, "awards.koc_id", 1);
  const std::vector<std::int64_t> elsewhere{7, 9};
  fails_on(p, {elsewhere, award, winner, {}}, "awards.award", 1);
  fails_on(koc::parse_reward_policy(kPolicy), table, "rules[2].process_awards[0].winners", -1);
  const std::vector<std::string> wrong_rule{"launch", "mod"};
  fails_on(p, {campaign, award, winner, wrong_rule}, "awards.award", 1);

  // A campaign judged by an earlier run keeps its awards: the table may name them again, nothing is paid twice.
  const koc::reward_ledger again = koc::settle_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs(), koc::settled_view(L), table);
  CHECK(koc_test::lines_of(again, line_kind::process_award).empty());
}

TEST_CASE("run identity: run id on every line, koc's version and the policy's SHA-256", "[rewards][provenance]") {
  CHECK(koc::detail::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(koc::detail::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(koc::detail::sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(koc::detail::sha256_hex(std::string(55, 'x')) != koc::detail::sha256_hex(std::string(56, 'x')));  // padding edges

  const auto p = koc::parse_reward_policy(kPolicy);
  CHECK(p.digest.size() == 64);
  // The canonical form: the same policy written with other spacing and key order has the same digest.
  const std::string spaced = R"({"rules": [{"amount": "60.00", "currency": "CNY", "kind": "fixed", "id": "fee"}],
                                  "schema": "koc.reward_policy/1"})";
  const std::string compact = R"({"schema":"koc.reward_policy/1","rules":[{"id":"fee","kind":"fixed","currency":"CNY","amount":"60.00"}]})";
  CHECK(koc::parse_reward_policy(spaced).digest == koc::parse_reward_policy(compact).digest);
  CHECK(koc::parse_reward_policy(spaced).digest != p.digest);

  world w = kocs_only();
  w.add_task(10, AMP);
  w.complete(2, 10, C().views(120000));
  const koc::reward_ledger may = koc::settle_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs(), {}, {}, {false, "2026-05"});
  CHECK(may.run_ids == std::vector<std::string>{"2026-05"});
  CHECK(may.run.empty());  // one run: every line is run_ids[0]
  CHECK(may.policy_digest == p.digest);
  CHECK(may.koc_version == std::to_string(KOC_CXX_VERSION_MAJOR) + "." + std::to_string(KOC_CXX_VERSION_MINOR) + "." +
                               std::to_string(KOC_CXX_VERSION_PATCH));
  w.views[0] = 1200000;
  const koc::reward_ledger june = koc::settle_ledger(p, w.tasks(), w.asg(), w.done(), w.kocs(), koc::settled_view(may), {}, {false, "2026-06"});
  koc::reward_ledger state = may;
  koc::append_ledger(state, june);
  CHECK(state.run_ids == std::vector<std::string>{"2026-05", "2026-06"});
  CHECK(state.run.size() == state.size());
  CHECK(state.run.back() == 1);
  CHECK(state.run.front() == 0);
}

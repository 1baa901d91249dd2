// Fuzzes koc::parse_reward_policy (include/koc/rewards/policy.hpp) with arbitrary bytes.
// Invariants: bad input is refused with koc::error (a JSON path as the field, except for text that is not
// JSON at all); an accepted policy runs a small programme through koc::compute_ledger (one task per rule,
// four KOCs, on-time, late and rejected deliveries) and the ledger passes koc::verify, or the ledger
// refuses with koc::error (amounts can overflow int64 with absurd policies). Then the same work settled
// against that ledger pays nothing, and grown work pays only what is new (see the end of the function).
#include "fuzz_check.hpp"

#include <koc/rewards/ledger.hpp>
#include <koc/rewards/policy_json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using koc::fuzz::check;
  koc::reward_policy policy;
  try {
    policy = koc::parse_reward_policy(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const koc::error& e) {
    koc::fuzz::check_error(e);
    return 0;
  }

  // One task per rule (at most 8), all in the first budgeted campaign (or campaign 1).
  const std::size_t n_tasks = std::min<std::size_t>(policy.rules.size(), 8);
  const std::int64_t campaign = policy.campaign_budgets.empty() ? 1 : policy.campaign_budgets.front().campaign;
  std::vector<std::int64_t> task_id, campaign_id, window, deadline, budget;
  std::vector<std::int32_t> rule, period;
  for (std::size_t t = 0; t < n_tasks; ++t) {
    task_id.push_back(static_cast<std::int64_t>(100 + t));
    rule.push_back(static_cast<std::int32_t>(t));
    campaign_id.push_back(campaign);
    window.push_back(0);
    deadline.push_back(24 * 3600);
    period.push_back(30);
    budget.push_back(t % 3 == 2 ? 50000 : -1);
  }
  std::vector<std::string> ladder;
  for (const auto& tier : policy.tiers) ladder.push_back(tier.name);
  const std::vector<std::int64_t> koc_id = {1, 2, 3, 4};
  std::vector<std::int32_t> koc_tier;
  for (std::size_t k = 0; k < koc_id.size(); ++k)
    koc_tier.push_back(ladder.empty() ? -1 : static_cast<std::int32_t>(k % (ladder.size() + 1)) - 1);

  std::vector<std::int64_t> a_koc, a_task, assignment, delivered, views, interactions, travel;
  std::vector<std::uint8_t> accepted;
  std::vector<double> quality, fulfilment;
  std::vector<std::int32_t> days_served, days_on_site;
  for (std::size_t t = 0; t < n_tasks; ++t)
    for (std::size_t k = 0; k < koc_id.size(); ++k) {
      a_koc.push_back(koc_id[k]);
      a_task.push_back(task_id[t]);
      assignment.push_back(static_cast<std::int64_t>(a_koc.size() - 1));
      delivered.push_back(k == 2 ? 30 * 3600 : static_cast<std::int64_t>(k) * 3600);  // KOC 3 is late
      accepted.push_back(k == 3 ? 0 : 1);                                           // KOC 4 is rejected
      quality.push_back(k == 0 ? 0.5 : 0.9);                                        // KOCs 2 and 3 tie
      views.push_back(static_cast<std::int64_t>(1) << (10 + 4 * k));
      interactions.push_back(static_cast<std::int64_t>(k) * 1000);
      days_served.push_back(static_cast<std::int32_t>(10 * k));
      fulfilment.push_back(0.25 * static_cast<double>(k + 1));
      days_on_site.push_back(static_cast<std::int32_t>(k));
      travel.push_back(static_cast<std::int64_t>(k) * 77777);
    }
  const koc::reward_tasks tasks{task_id, rule, campaign_id, window, deadline, period, budget};
  const koc::reward_assignments asg{a_koc, a_task};
  const koc::reward_completions done{assignment, delivered, accepted, quality, views, interactions,
                                     days_served, fulfilment, days_on_site, travel};
  const koc::reward_kocs kocs{koc_id, koc_tier, ladder};
  koc::reward_ledger ledger;
  try {
    ledger = koc::compute_ledger(policy, tasks, asg, done, kocs);
  } catch (const koc::error& e) {
    koc::fuzz::check_error(e);
    return 0;
  }
  const koc::ledger_check ck = koc::verify(policy, tasks, asg, done, kocs, ledger);
  check(ck.ok, "ledger fails verify: " + ck.message);
  for (std::size_t l = 0; l < ledger.size(); ++l) check(koc::explain_line(policy, ledger, l) == ledger.explanation[l], "explain_line differs from the eager explanation");
  try {
    (void)koc::totals(ledger);
  } catch (const koc::error& e) {
    koc::fuzz::check_error(e);
  }

  // Settlement (koc::settle_ledger): the same work settled against this ledger pays nothing new; the
  // work grown (views x16) pays only what is new, and passes verify against the earlier lines (caps and
  // budgets over both runs, nothing paid twice); then both runs settled again pay nothing.
  try {
    const koc::reward_ledger again = koc::settle_ledger(policy, tasks, asg, done, kocs, koc::settled_view(ledger));
    const koc::ledger_check ck_again = koc::verify(policy, tasks, asg, done, kocs, koc::settled_view(ledger), again);
    check(ck_again.ok, "settled ledger fails verify: " + ck_again.message);
    for (std::size_t l = 0; l < again.size(); ++l)
      check(again.amount[l] == 0, "the same work settled again pays " + std::to_string(again.amount[l]) + " on line " + std::to_string(l));
    std::vector<std::int64_t> grown_views(views);
    for (auto& v : grown_views) v <<= 4;
    const koc::reward_completions grown{assignment, delivered, accepted, quality, grown_views, interactions,
                                        days_served, fulfilment, days_on_site, travel};
    const koc::reward_ledger delta = koc::settle_ledger(policy, tasks, asg, grown, kocs, koc::settled_view(ledger));
    const koc::ledger_check ck_delta = koc::verify(policy, tasks, asg, grown, kocs, koc::settled_view(ledger), delta);
    check(ck_delta.ok, "growth settled against the first run fails verify: " + ck_delta.message);
    koc::reward_ledger state = ledger;
    koc::append_ledger(state, delta);
    const koc::reward_ledger third = koc::settle_ledger(policy, tasks, asg, grown, kocs, koc::settled_view(state));
    for (std::size_t l = 0; l < third.size(); ++l)
      check(third.amount[l] == 0, "settled twice, a third run pays " + std::to_string(third.amount[l]) + " on line " + std::to_string(l));
  } catch (const koc::error& e) {
    koc::fuzz::check_error(e);
  }
  return 0;
}

// A small builder of reward inputs for tests: owns the columns, hands out the views.
#pragma once

#include <catch2/catch.hpp>
#include <koc/rewards/ledger.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace koc_test {

struct completion_args {
  std::int64_t delivered = 0;
  bool accepted = true;
  double quality = 1.0;
  std::int64_t views = 0, interactions = 0;
  std::int32_t days_served = 0;
  double fulfilment = 1.0;
  std::int32_t days_on_site = 0;
  std::int64_t travel = 0;
};
/// Chainable completion_args (C++17 has no designated initialisers): C().views(120000).accepted(false).
struct C : completion_args {
#define KOC_TEST_SETTER(name, type) \
  C& name(type v) {                  \
    completion_args::name = v;       \
    return *this;                    \
  }
  KOC_TEST_SETTER(delivered, std::int64_t)
  KOC_TEST_SETTER(accepted, bool)
  KOC_TEST_SETTER(quality, double)
  KOC_TEST_SETTER(views, std::int64_t)
  KOC_TEST_SETTER(interactions, std::int64_t)
  KOC_TEST_SETTER(days_served, std::int32_t)
  KOC_TEST_SETTER(fulfilment, double)
  KOC_TEST_SETTER(days_on_site, std::int32_t)
  KOC_TEST_SETTER(travel, std::int64_t)
#undef KOC_TEST_SETTER
};

struct world {
  std::vector<std::int64_t> task_id, campaign, window, deadline, budget;
  std::vector<std::int32_t> rule, period;
  std::vector<std::int64_t> a_koc, a_task;
  std::vector<std::int64_t> assignment, delivered, views, interactions, travel;
  std::vector<std::uint8_t> accepted;
  std::vector<double> quality, fulfilment;
  std::vector<std::int32_t> days_served, days_on_site;
  std::vector<std::int64_t> koc;
  std::vector<std::int32_t> tier;
  std::vector<std::string> ladder;

  void add_task(std::int64_t id, std::int32_t r, std::int64_t camp = -1, std::int64_t win = 0,
                std::int64_t dl = koc::no_deadline, std::int32_t per = 0, std::int64_t bud = -1) {
    task_id.push_back(id); rule.push_back(r); campaign.push_back(camp); window.push_back(win);
    deadline.push_back(dl); period.push_back(per); budget.push_back(bud);
  }
  void add_koc(std::int64_t id, std::int32_t t = -1) { koc.push_back(id); tier.push_back(t); }
  std::size_t complete(std::int64_t k, std::int64_t t, const completion_args& c = {}) {
    a_koc.push_back(k); a_task.push_back(t);
    assignment.push_back(static_cast<std::int64_t>(a_koc.size() - 1));
    delivered.push_back(c.delivered); accepted.push_back(c.accepted ? 1 : 0); quality.push_back(c.quality);
    views.push_back(c.views); interactions.push_back(c.interactions); days_served.push_back(c.days_served);
    fulfilment.push_back(c.fulfilment); days_on_site.push_back(c.days_on_site); travel.push_back(c.travel);
    return assignment.size() - 1;
  }
  koc::reward_tasks tasks() const { return {task_id, rule, campaign, window, deadline, period, budget}; }
  koc::reward_assignments asg() const { return {a_koc, a_task}; }
  koc::reward_completions done() const {
    return {assignment, delivered, accepted, quality, views, interactions, days_served, fulfilment, days_on_site, travel};
  }
  koc::reward_kocs kocs() const { return {koc, tier, ladder}; }
  koc::reward_ledger run(const koc::reward_policy& p, bool explain = true) const {
    koc::reward_ledger L = koc::compute_ledger(p, tasks(), asg(), done(), kocs(), {explain});
    const koc::ledger_check ck = koc::verify(p, tasks(), asg(), done(), kocs(), L);
    INFO(ck.message);
    REQUIRE(ck.ok);
    return L;
  }
};

/// Sum of the ledger's amounts for one KOC (all currencies must be the same in the tests using it).
inline std::int64_t paid_to(const koc::reward_ledger& L, std::int64_t koc_id) {
  std::int64_t s = 0;
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.koc_id[l] == koc_id) s += L.amount[l];
  return s;
}
inline std::vector<std::size_t> lines_of(const koc::reward_ledger& L, koc::line_kind k) {
  std::vector<std::size_t> out;
  for (std::size_t l = 0; l < L.size(); ++l)
    if (L.kind[l] == k) out.push_back(l);
  return out;
}

/// A completion with every field drawn from `rng`, one draw per field in declaration order.
inline completion_args random_completion(std::mt19937_64& rng) {
  completion_args c;
  c.delivered = static_cast<std::int64_t>(rng() % 100000);
  c.accepted = rng() % 5 != 0;
  c.quality = static_cast<double>(rng() % 11) / 10.0;
  c.views = static_cast<std::int64_t>(rng() % 3000000);
  c.days_served = static_cast<std::int32_t>(rng() % 31);
  c.fulfilment = static_cast<double>(rng() % 1001) / 1000.0;
  c.days_on_site = static_cast<std::int32_t>(rng() % 5);
  c.travel = static_cast<std::int64_t>(rng() % 300000);
  return c;
}

/// A random programme over a reward policy with the rule layout of test_ledger.cpp's kPolicy (rule 2 a
/// campaign, 3 a retainer): n_kocs KOCs on a two-tier ladder, n_tasks tasks with random rules, budgets
/// and deadlines, each (KOC, task) completed with probability 1/2, random metrics. Only mt19937_64's
/// raw output is used (fully specified by the standard), so the programme is the same everywhere.
inline world generated_programme(std::uint64_t seed, int n_kocs, int n_tasks) {
  std::mt19937_64 rng(seed);
  world w;
  w.ladder = {"entry", "core"};
  for (int k = 0; k < n_kocs; ++k) w.add_koc(100 + k, static_cast<std::int32_t>(rng() % 3) - 1);
  for (int t = 0; t < n_tasks; ++t) {
    const auto r = static_cast<std::int32_t>(rng() % 8);
    const std::int64_t budget = rng() % 3 == 0 ? static_cast<std::int64_t>(rng() % 50000000) : -1;
    // One draw per statement: the order in which a call's arguments are evaluated is unspecified (gcc
    // and clang differ), and the generated programme must not depend on the compiler.
    const std::int64_t deadline = rng() % 2 ? koc::no_deadline : 50000;
    std::int64_t campaign = 7;
    if (r != 2) {
      const auto first = static_cast<std::int64_t>(rng() % 2);
      campaign = first * 7 - 1 + static_cast<std::int64_t>(rng() % 2);
    }
    w.add_task(t, r, campaign, 1000, deadline, r == 3 ? 30 : 0, budget);
  }
  for (int k = 0; k < n_kocs; ++k)
    for (int t = 0; t < n_tasks; ++t)
      if (rng() % 2) w.complete(100 + k, t, random_completion(rng));
  return w;
}

/// FNV-1a over every numeric column of the ledger and its rule names, in line order.
inline std::uint64_t ledger_checksum(const koc::reward_ledger& L) {
  std::uint64_t h = 1469598103934665603ULL;
  const auto mix = [&](const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  };
  const auto col = [&](const auto& v) { mix(v.data(), v.size() * sizeof(v[0])); };
  col(L.koc_id), col(L.task_id), col(L.campaign_id), col(L.completion), col(L.rule), col(L.kind), col(L.reason);
  col(L.currency), col(L.amount), col(L.gross), col(L.basis), col(L.aux), col(L.gate_bp), col(L.tier_bp);
  for (const auto& s : L.rule_names) mix(s.data(), s.size() + 1);
  return h;
}

}  // namespace koc_test

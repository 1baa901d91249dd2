// Several threads classify, solve and compute ledgers at the same time on shared const policies and
// inputs, and must get exactly (bit for bit) what one thread gets alone. Run under ThreadSanitizer by
// scripts/reliability.sh (phase "tsan"), where any data race on the shared inputs is a failure; in the
// plain build it still checks that the engines keep no hidden shared state between calls. The dense solver
// runs both ways of reading a matrix (full scan, candidate lists on a tall one in place) and its batch form,
// which starts threads of its own.
#include <catch2/catch.hpp>
#include <koc/matching/dense_assignment.hpp>
#include <koc/rewards/ledger.hpp>
#include <koc/rewards/policy_json.hpp>
#include <koc/tiers.hpp>

#include "rewards/rewards_world.hpp"
#include "support/random_roster.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <future>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

/// Bit-for-bit equality of double columns (== would call -0.0 and 0.0 equal, and NaN unequal to itself).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

bool same(const koc::tier_result& a, const koc::tier_result& b) {
  return a.n_kocs == b.n_kocs && a.terms == b.terms && a.gap_metrics == b.gap_metrics &&
         a.qualified_tier == b.qualified_tier && a.computed_tier == b.computed_tier && a.final_tier == b.final_tier &&
         same_bits(a.score, b.score) && same_bits(a.contributions, b.contributions) && a.blocked_tier == b.blocked_tier &&
         a.blocked_gate == b.blocked_gate && a.next_tier == b.next_tier && same_bits(a.growth_gap, b.growth_gap) &&
         a.transition == b.transition && a.periods_below == b.periods_below && a.honorary == b.honorary &&
         a.override_index == b.override_index;
}

bool same(const koc::dense_assignment_result& a, const koc::dense_assignment_result& b) {
  return a.status == b.status && a.row_ind == b.row_ind && a.col_ind == b.col_ind && same_bits(a.total_cost, b.total_cost) &&
         same_bits(a.row_potential, b.row_potential) && same_bits(a.col_potential, b.col_potential) &&
         a.blocking_rows == b.blocking_rows && a.blocking_cols == b.blocking_cols;
}

bool same(const koc::reward_ledger& a, const koc::reward_ledger& b) {
  return a.rule_names == b.rule_names && a.koc_id == b.koc_id && a.task_id == b.task_id && a.campaign_id == b.campaign_id &&
         a.completion == b.completion && a.rule == b.rule && a.kind == b.kind && a.reason == b.reason &&
         a.currency == b.currency && a.amount == b.amount && a.gross == b.gross && a.basis == b.basis && a.aux == b.aux &&
         a.gate_bp == b.gate_bp && a.tier_bp == b.tier_bp && a.explanation == b.explanation;
}

// Every normalisation, so the roster statistics (sorted columns for percentiles, extremes for min_max)
// are built concurrently too.
koc::tier_policy mixed_policy() {
  using n = koc::normalisation;
  using koc::metric;
  koc::tier_policy p = koc::default_tier_policy();
  p.metrics = {
      {metric::followers, 25, n::percentile, 1, false},  {metric::views, 15, n::min_max, 1, false},
      {metric::interactions, 20, n::log1p, 100000, false}, {metric::tenure_days, 10, n::cap, 730, false},
      {metric::quality, 20, n::none, 1, false},          {metric::days_since_active, 10, n::percentile, 1, true},
  };
  return p;
}

const char* const kRewardPolicy = R"({
  "schema": "koc.reward_policy/1",
  "gates": {"rejected_bp": 0, "late_bp": 5000},
  "tiers": [{"name": "entry"}, {"name": "active", "multiplier_bp": 11000},
            {"name": "core", "multiplier_bp": 12500, "entitlements": [{"kind": "privilege", "name": "priority purchase"}]},
            {"name": "ambassador", "multiplier_bp": 15000}],
  "rules": [
    {"id": "pts", "kind": "fixed", "currency": "PTS", "amount": "50", "speed_bonus": {"first_n": 3, "amount": "20"}},
    {"id": "launch", "kind": "campaign", "currency": "CNY", "base": "300.00",
     "process_awards": [{"name": "best idea", "amount": "1000.00", "winners": [3]}],
     "prize_pool": {"amount": "10000.00", "split": "fixed_shares", "shares_bp": [5000, 3000, 2000]}},
    {"id": "mod", "kind": "retainer", "currency": "CNY", "fee": "2000.00", "period": "month"},
    {"id": "amp", "kind": "amplification", "currency": "CNY", "base": "500.00", "metric": "views",
     "steps": [{"threshold": 10000, "bonus": "100.00"}, {"threshold": 100000, "bonus": "300.00"}], "cap_per_koc": "700.00"},
    {"id": "show", "kind": "offline", "currency": "CNY", "fee_per_day": "800.00", "travel_cap": "1500.00"},
    {"id": "fame", "kind": "identity", "entitlements": [{"kind": "badge", "name": "hall of fame"}]}
  ],
  "campaign_budgets": [{"campaign": 7, "currency": "CNY", "amount": "20000.00"}]})";

/// A programme of 60 KOCs and 12 tasks (two of each rule) with random completions, some late or
/// rejected, one task over its budget.
koc_test::world reward_world(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uni = [&](std::int64_t lo, std::int64_t hi) { return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng); };
  koc_test::world w;
  w.ladder = {"entry", "active", "core", "ambassador"};
  for (std::int64_t k = 1; k <= 60; ++k) w.add_koc(k, static_cast<std::int32_t>(uni(-1, 3)));
  for (std::int32_t rule = 0; rule < 6; ++rule)
    for (std::int64_t copy = 0; copy < 2; ++copy) {
      const std::int64_t id = 100 + rule * 10 + copy;
      w.add_task(id, rule, rule == 1 ? 7 : -1, 1000, 1000 + 48 * 3600, rule == 2 ? 30 : 0, id == 100 ? 30000 : -1);
    }
  for (std::int64_t k = 1; k <= 60; ++k)
    for (std::size_t t = 0; t < w.task_id.size(); ++t) {
      const bool award_winner = k == 3 && w.rule[t] == 1;  // must have an accepted campaign delivery
      if (uni(0, 3) != 0 && !award_winner) continue;
      w.complete(k, w.task_id[t],
                 koc_test::C()
                     .delivered(1000 + uni(0, 72) * 3600)
                     .accepted(award_winner || uni(0, 9) != 0)
                     .quality(static_cast<double>(uni(0, 100)) / 100.0)
                     .views(uni(0, 200000))
                     .days_served(static_cast<std::int32_t>(uni(0, 30)))
                     .fulfilment(static_cast<double>(uni(50, 100)) / 100.0)
                     .days_on_site(static_cast<std::int32_t>(uni(0, 3)))
                     .travel(uni(0, 300000)));
    }
  return w;
}

}  // namespace

TEST_CASE("threads classify, solve and compute ledgers on shared const inputs", "[concurrency]") {
  // Shared, read-only for the whole test.
  const koc::roster roster = koc::test::random_roster(1500, 20240601);
  const koc::tier_policy default_policy = koc::default_tier_policy();
  const koc::tier_policy mixed = mixed_policy();
  const std::vector<koc::tier_override> overrides = {{roster.id[3], 3, "board decision"}, {roster.id[700], 0, "paused"}};

  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> cost_dist(0, 1000);
  row_major fit(70, 90);  // KOCs x tasks, maximise; a few pairs forbidden by the mask
  for (Eigen::Index i = 0; i < fit.rows(); ++i)
    for (Eigen::Index j = 0; j < fit.cols(); ++j) fit(i, j) = cost_dist(rng) / 10.0;
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(fit.size()), 0);
  for (std::size_t k = 0; k < mask.size(); k += 7) mask[k] = 1;
  const row_major tall = fit.transpose();  // rows > cols: the transposed path, minimise
  row_major big_tall(620, 600);  // large enough for the candidate lists, read in place as its transpose
  for (Eigen::Index i = 0; i < big_tall.rows(); ++i)
    for (Eigen::Index j = 0; j < big_tall.cols(); ++j) big_tall(i, j) = cost_dist(rng);
  std::vector<double> batch(24 * 9 * 11);  // a batch of small problems, solved on threads of its own
  for (auto& x : batch) x = cost_dist(rng);
  koc::dense_assignment_options maximize_masked;
  maximize_masked.maximize = true;
  maximize_masked.forbidden = mask.data();

  const koc::reward_policy reward_policy = koc::parse_reward_policy(kRewardPolicy);
  const koc_test::world rewards = reward_world(99);

  // Single-threaded references, each certified.
  const koc::tier_result ref_default = koc::classify(roster, default_policy, overrides);
  const koc::tier_result ref_mixed = koc::classify(roster, mixed);
  const koc::dense_assignment_result ref_fit = koc::solve_dense_assignment(fit, maximize_masked);
  const koc::dense_assignment_result ref_tall = koc::solve_dense_assignment(tall);
  const koc::dense_assignment_result ref_big = koc::solve_dense_assignment(big_tall);
  REQUIRE(koc::verify(big_tall, ref_big).ok);
  koc::dense_batch_options one_thread;
  one_thread.threads = 1;
  const auto ref_batch = koc::solve_dense_assignment_batch(batch.data(), 24, 9, 11, one_thread);
  REQUIRE(ref_fit.status == koc::assignment_status::optimal);
  REQUIRE(koc::verify(fit, ref_fit, 1e-9, mask.data()).ok);
  REQUIRE(koc::verify(tall, ref_tall).ok);
  const koc::reward_ledger ref_ledger = rewards.run(reward_policy);  // run() also verifies
  REQUIRE(ref_ledger.size() > 100);

  const unsigned n_threads = std::max(4u, std::thread::hardware_concurrency());
  constexpr int rounds = 2;
  // Catch2 assertions are not thread-safe: workers only count, the main thread checks.
  std::atomic<int> tier_mismatch{0}, dense_mismatch{0}, ledger_mismatch{0}, failed_certificates{0}, exceptions{0};
  std::promise<void> go;
  const std::shared_future<void> start = go.get_future().share();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < n_threads; ++t)
    workers.emplace_back([&, t] {
      start.wait();  // all threads start together, to maximise overlap
      try {
        for (int r = 0; r < rounds; ++r) {
          // Each thread runs the three engines in a different order, so different engines overlap.
          for (int step = 0; step < 3; ++step) {
            switch ((static_cast<int>(t) + step) % 3) {
              case 0: {
                koc::tier_result reused;  // the buffer-reusing overload, twice into the same result
                koc::classify(roster, mixed, {}, {}, reused);
                if (!same(reused, ref_mixed)) ++tier_mismatch;
                koc::classify(roster, default_policy, overrides, {}, reused);
                if (!same(reused, ref_default)) ++tier_mismatch;
                break;
              }
              case 1: {
                const auto a = koc::solve_dense_assignment(fit, maximize_masked);
                if (!same(a, ref_fit)) ++dense_mismatch;
                if (!koc::verify(fit, a, 1e-9, mask.data()).ok) ++failed_certificates;
                const auto b = koc::solve_dense_assignment(tall);
                if (!same(b, ref_tall)) ++dense_mismatch;
                if (!same(koc::solve_dense_assignment(big_tall), ref_big)) ++dense_mismatch;
                koc::dense_batch_options three;
                three.threads = 3;
                const auto many = koc::solve_dense_assignment_batch(batch.data(), 24, 9, 11, three);
                for (std::size_t k = 0; k < many.size(); ++k)
                  if (!same(many[k], ref_batch[k])) ++dense_mismatch;
                // The flat form: one solver state per thread of its own, reused problem after problem.
                const auto flat = koc::solve_dense_assignment_stack(batch.data(), 24, 9, 11, three);
                for (std::size_t k = 0; k < 24; ++k)
                  for (std::size_t p = 0; p < 9; ++p)
                    if (flat.col_ind[k * 9 + p] != ref_batch[k].col_ind[p]) ++dense_mismatch;
                break;
              }
              default: {
                const koc::reward_ledger L = koc::compute_ledger(reward_policy, rewards.tasks(), rewards.asg(),
                                                                 rewards.done(), rewards.kocs());
                if (!same(L, ref_ledger)) ++ledger_mismatch;
                if (!koc::verify(reward_policy, rewards.tasks(), rewards.asg(), rewards.done(), rewards.kocs(), L).ok)
                  ++failed_certificates;
                break;
              }
            }
          }
        }
      } catch (...) {
        ++exceptions;
      }
    });
  go.set_value();
  for (auto& w : workers) w.join();

  INFO(n_threads << " threads x " << rounds << " rounds");
  CHECK(exceptions == 0);
  CHECK(tier_mismatch == 0);
  CHECK(dense_mismatch == 0);
  CHECK(ledger_mismatch == 0);
  CHECK(failed_certificates == 0);
}

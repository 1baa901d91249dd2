// Random but realistic rosters for property tests: heavy-tailed counts, rates in [0, 1].
#pragma once

#include <koc/roster.hpp>

#include <cmath>
#include <cstdint>
#include <random>

namespace koc::test {

inline roster random_roster(std::size_t n, std::uint64_t seed, std::int32_t n_tiers = 4) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> heavy(4.0, 2.5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> days(0, 2000), recency(0, 200), below(0, 3), tier(-1, n_tiers - 1);
  roster r;
  r.id.resize(n);
  for (auto& c : r.metrics) c.resize(n);
  r.honorary.resize(n);
  r.invited.resize(n);
  r.clearance.resize(n);
  r.previous_tier.resize(n);
  r.periods_below.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    r.id[i] = static_cast<std::int64_t>(1000 + 7 * i);
    r.column(metric::posts)[i] = std::floor(heavy(rng) / 20);
    r.column(metric::interactions)[i] = std::floor(heavy(rng) * 3);
    r.column(metric::views)[i] = std::floor(heavy(rng) * 40);
    r.column(metric::followers)[i] = std::floor(heavy(rng) * 5);
    r.column(metric::leads)[i] = std::floor(heavy(rng) / 50);
    r.column(metric::tasks_completed)[i] = std::floor(heavy(rng) / 10);
    r.column(metric::on_time_rate)[i] = unit(rng);
    r.column(metric::quality)[i] = unit(rng);
    r.column(metric::tenure_days)[i] = days(rng);
    r.column(metric::loyalty)[i] = unit(rng);
    r.column(metric::days_since_active)[i] = recency(rng);
    r.honorary[i] = unit(rng) < 0.03;
    r.invited[i] = unit(rng) < 0.1;
    r.clearance[i] = unit(rng) < 0.2;
    r.previous_tier[i] = tier(rng);
    r.periods_below[i] = r.previous_tier[i] < 0 ? 0 : below(rng);
  }
  return r;
}

}  // namespace koc::test

// Random task tables and KOC profiles for matching property tests: every rule bites sometimes.
#pragma once

#include <koc/matching/profiles.hpp>
#include <koc/matching/tasks.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace koc::test {

struct matching_instance {
  task_table tasks;
  koc_profiles kocs;
  std::vector<std::int64_t> decline_koc, decline_task;
  std::vector<std::int64_t> pref_koc, pref_task;
  std::vector<std::int32_t> pref_rank;
  declines_view declines() const { return {decline_koc, decline_task}; }
  koc_preferences_view preferences() const { return {pref_koc, pref_task, pref_rank}; }
};

inline matching_instance random_matching_instance(std::size_t n, std::size_t m, std::uint64_t seed,
                                                  std::size_t n_skills = 4, std::int32_t n_tiers = 4) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  matching_instance x;
  auto& t = x.tasks;
  t.n_skills = n_skills;
  for (std::size_t i = 0; i < m; ++i) {
    t.id.push_back(static_cast<std::int64_t>(5000 + 3 * (m - i)));  // decreasing: exercises the id index
    t.asset.push_back(static_cast<std::uint8_t>(uni(0, 3)));
    t.horizon.push_back(static_cast<std::uint8_t>(uni(0, 3)));
    t.direction.push_back(static_cast<std::uint8_t>(uni(0, 1)));
    t.slots.push_back(coin(0.1) ? unlimited_slots : uni(0, 4));
    const std::int64_t s = uni(0, 100);
    t.window_start.push_back(s);
    t.window_end.push_back(s + uni(1, 40));
    t.load.push_back(coin(0.8) ? 1 : uni(1, 3));
    for (std::size_t s2 = 0; s2 < n_skills; ++s2) t.required_skill.push_back(static_cast<std::uint8_t>(coin(0.25) ? uni(1, 5) : 0));
    t.audience.push_back(static_cast<std::uint64_t>(uni(0, 15)));
    t.region.push_back(coin(0.4) ? -1 : uni(0, 3));
    const int lo = uni(0, n_tiers - 1);
    t.min_tier.push_back(lo);
    t.max_tier.push_back(uni(lo, n_tiers - 1));
    t.confidential.push_back(coin(0.2));
  }
  auto& k = x.kocs;
  k.n_skills = n_skills;
  for (std::size_t i = 0; i < n; ++i) {
    k.id.push_back(static_cast<std::int64_t>(100 + 7 * i));
    k.tier.push_back(uni(0, n_tiers - 1));
    k.capacity.push_back(coin(0.1) ? 0 : uni(1, 3));
    for (std::size_t s = 0; s < n_skills; ++s) k.skill.push_back(static_cast<std::uint8_t>(uni(0, 5)));
    k.audience.push_back(static_cast<std::uint64_t>(uni(0, 15)));
    k.region.push_back(coin(0.1) ? -1 : uni(0, 5));
    const std::int64_t s = uni(0, 120);
    k.available_start.push_back(s);
    k.available_end.push_back(s + uni(1, 60));
    std::uint32_t opt = 0;
    for (int b = 0; b < 10; ++b)
      if (coin(0.05)) opt |= 1u << b;
    k.opted_out.push_back(opt);
    k.recent_tasks.push_back(uni(0, 10));
    k.clearance.push_back(coin(0.5));
    k.honorary.push_back(coin(0.1));
    k.quality.push_back(uni(0, 100) / 100.0);
    k.on_time_rate.push_back(uni(0, 100) / 100.0);
  }
  for (std::size_t d = 0; d < n * m / 20 + 1 && n && m; ++d) {
    x.decline_koc.push_back(k.id[static_cast<std::size_t>(uni(0, static_cast<int>(n) - 1))]);
    x.decline_task.push_back(t.id[static_cast<std::size_t>(uni(0, static_cast<int>(m) - 1))]);
  }
  // Preferences: each KOC ranks a few distinct tasks.
  for (std::size_t i = 0; i < n && m; ++i) {
    std::vector<std::size_t> tasks(m);
    for (std::size_t j = 0; j < m; ++j) tasks[j] = j;
    std::shuffle(tasks.begin(), tasks.end(), rng);
    const auto r = static_cast<std::size_t>(uni(0, 3));
    for (std::size_t j = 0; j < std::min(r, m); ++j) {
      x.pref_koc.push_back(k.id[i]);
      x.pref_task.push_back(t.id[tasks[j]]);
      x.pref_rank.push_back(static_cast<std::int32_t>(j + 1));
    }
  }
  return x;
}

}  // namespace koc::test

// Eligibility + fit (matching stages 1-2) at programme scale: 1,000,000 KOCs × 10,000 tasks.
//
//   bench_eligibility [--kocs N] [--tasks M] [--repeat R] [--naive-kocs K]
//
// The generator (fixed seed) mimics a national programme: 300 regions, a 4-tier ladder (60% entry,
// 25% active, 12% core, 3% ambassador), tasks whose tier range follows their asset type (social →
// entry/active, knowledge → active/core, community and intelligence → core/ambassador, intelligence
// confidential), 1.4% of tasks open to any region, skill minimums on 8 skills, windows over a quarter,
// opt-outs and declines. It yields about 50 candidates per KOC.
// Prints: pairs, pairs per KOC, best seconds for eligibility, fit and both, and pairs/s; then the peer
// in the same run: the naive O(n·m) funnel over the first K KOCs (its rows checked equal to koc's),
// extrapolated to N KOCs, and the ratio.
#include <koc/matching/fit.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

struct instance {
  koc::task_table tasks;
  koc::koc_profiles kocs;
  std::vector<std::int64_t> decline_koc, decline_task;
};

instance generate(std::size_t n, std::size_t m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int regions = 300, skills = 8;
  const std::int64_t day = 86400, t0 = 1700000000;
  instance x;
  auto& t = x.tasks;
  t.n_skills = skills;
  for (std::size_t i = 0; i < m; ++i) {
    t.id.push_back(static_cast<std::int64_t>(i + 1));
    const double a = u(rng);
    const auto asset = a < 0.5 ? koc::asset_type::social : a < 0.8 ? koc::asset_type::knowledge
                       : a < 0.95 ? koc::asset_type::community : koc::asset_type::intelligence;
    const auto ai = static_cast<int>(asset);
    t.asset.push_back(static_cast<std::uint8_t>(asset));
    t.horizon.push_back(static_cast<std::uint8_t>(ai == 0 ? 0 : ai == 1 ? 1 : 2));
    t.direction.push_back(static_cast<std::uint8_t>(u(rng) < 0.6));
    t.slots.push_back(ai == 0 && u(rng) < 0.3 ? koc::unlimited_slots : 1 + static_cast<std::int32_t>(u(rng) * 20));
    const std::int64_t start = t0 + static_cast<std::int64_t>(u(rng) * 60) * day;
    t.window_start.push_back(start);
    t.window_end.push_back(start + (7 + static_cast<std::int64_t>(u(rng) * 50)) * day);
    t.load.push_back(1);
    for (int s = 0; s < skills; ++s) t.required_skill.push_back(0);
    if (u(rng) < 0.85) t.required_skill[i * skills + static_cast<std::size_t>(u(rng) * skills)] = static_cast<std::uint8_t>(1 + u(rng) * 4);
    t.audience.push_back(std::uint64_t{1} << static_cast<int>(u(rng) * 16) | std::uint64_t{1} << static_cast<int>(u(rng) * 16));
    t.region.push_back(u(rng) < 0.014 ? -1 : static_cast<std::int32_t>(u(rng) * regions));
    const std::int32_t lo = ai == 0 ? 0 : ai == 1 ? 1 : 2;
    t.min_tier.push_back(lo);
    t.max_tier.push_back(lo + 1);
    t.confidential.push_back(asset == koc::asset_type::intelligence);
  }
  auto& k = x.kocs;
  k.n_skills = skills;
  k.id.resize(n);
  k.tier.resize(n);
  k.capacity.resize(n);
  k.skill.resize(n * skills);
  k.audience.resize(n);
  k.region.resize(n);
  k.available_start.resize(n);
  k.available_end.resize(n);
  k.opted_out.resize(n);
  k.recent_tasks.resize(n);
  k.clearance.resize(n);
  k.honorary.resize(n);
  k.quality.resize(n);
  k.on_time_rate.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    k.id[i] = static_cast<std::int64_t>(1000000 + i);
    const double r = u(rng);
    k.tier[i] = r < 0.6 ? 0 : r < 0.85 ? 1 : r < 0.97 ? 2 : 3;
    k.capacity[i] = u(rng) < 0.05 ? 0 : 1 + static_cast<std::int32_t>(u(rng) * 3);
    for (int s = 0; s < skills; ++s) k.skill[i * skills + static_cast<std::size_t>(s)] = static_cast<std::uint8_t>(u(rng) * 6);
    k.audience[i] = rng() & 0xFFFF;
    k.region[i] = static_cast<std::int32_t>(u(rng) * regions);
    if (u(rng) < 0.2) {
      const std::int64_t s = t0 + static_cast<std::int64_t>(u(rng) * 80) * day;
      k.available_start[i] = s;
      k.available_end[i] = s + 30 * day;
    } else {
      k.available_start[i] = t0 - 365 * day;
      k.available_end[i] = t0 + 365 * day;
    }
    k.opted_out[i] = u(rng) < 0.1 ? 1u << static_cast<int>(u(rng) * 10) : 0u;
    k.recent_tasks[i] = static_cast<std::int32_t>(u(rng) * 12);
    k.clearance[i] = k.tier[i] >= 2 && u(rng) < 0.5;
    k.honorary[i] = u(rng) < 0.01;
    k.quality[i] = u(rng);
    k.on_time_rate[i] = u(rng);
  }
  for (std::size_t d = 0; d < n; ++d) {
    x.decline_koc.push_back(k.id[static_cast<std::size_t>(u(rng) * static_cast<double>(n))]);
    x.decline_task.push_back(t.id[static_cast<std::size_t>(u(rng) * static_cast<double>(m))]);
  }
  return x;
}

double seconds_since(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 1000000, m = 10000, naive_kocs = 20000;
  int repeat = 3;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string key = argv[a];
    const auto v = std::strtoull(argv[a + 1], nullptr, 10);
    if (key == "--kocs") n = v;
    else if (key == "--tasks") m = v;
    else if (key == "--repeat") repeat = std::max(1, static_cast<int>(v));
    else if (key == "--naive-kocs") naive_kocs = v;
  }
  naive_kocs = std::min(naive_kocs, n);
  const auto x = generate(n, m, 42);
  const auto tv = x.tasks.view();
  const auto kv = x.kocs.view();
  const koc::declines_view dv{x.decline_koc, x.decline_task};
  const auto policy = koc::default_matching_policy();
  const auto ladder = koc::default_tier_policy();

  double best_elig = 1e300, best_fit = 1e300;
  koc::eligibility_result e;
  for (int r = 0; r < repeat; ++r) {
    e = koc::eligibility_result{};
    auto t0 = std::chrono::steady_clock::now();
    e = koc::eligible_pairs(tv, kv, dv);
    best_elig = std::min(best_elig, seconds_since(t0));
    t0 = std::chrono::steady_clock::now();
    koc::score_candidates(e.graph, tv, kv, policy, ladder);
    best_fit = std::min(best_fit, seconds_since(t0));
  }
  const double pairs = static_cast<double>(e.graph.task.size());
  std::size_t nobody = 0;
  for (std::size_t t = 0; t < m; ++t) nobody += e.nobody_eligible(t);
  std::printf("kocs %zu tasks %zu pairs %.0f pairs_per_koc %.2f tasks_with_nobody %zu\n", n, m, pairs, pairs / static_cast<double>(n), nobody);
  std::printf("eligibility_s %.3f fit_s %.3f total_s %.3f pairs_per_s %.3g (best of %d)\n", best_elig, best_fit,
              best_elig + best_fit, pairs / (best_elig + best_fit), repeat);

  // Peer: the naive n × m funnel over the first naive_kocs KOCs, rows compared with koc's.
  std::vector<std::pair<std::int64_t, std::int64_t>> dec;
  for (std::size_t d = 0; d < x.decline_koc.size(); ++d) dec.emplace_back(x.decline_koc[d], x.decline_task[d]);
  std::sort(dec.begin(), dec.end());
  const auto& T = x.tasks;
  const auto& K = x.kocs;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::int32_t> row;
  std::size_t mismatched_rows = 0;
  for (std::size_t i = 0; i < naive_kocs; ++i) {
    row.clear();
    for (std::size_t j = 0; j < m; ++j) {
      if (K.tier[i] < T.min_tier[j] || K.tier[i] > T.max_tier[j]) continue;
      if (T.region[j] != -1 && T.region[j] != K.region[i]) continue;
      if (T.confidential[j] && !K.clearance[i]) continue;
      if (K.capacity[i] < T.load[j]) continue;
      if (!(K.available_start[i] < T.window_end[j] && T.window_start[j] < K.available_end[i])) continue;
      if (K.opted_out[i] & koc::task_kind_bits(T.asset[j], T.horizon[j], T.direction[j])) continue;
      bool skills_ok = true;
      for (std::size_t s = 0; s < T.n_skills; ++s) skills_ok = skills_ok && K.skill[i * K.n_skills + s] >= T.required_skill[j * T.n_skills + s];
      if (!skills_ok) continue;
      if (std::binary_search(dec.begin(), dec.end(), std::make_pair(K.id[i], T.id[j]))) continue;
      row.push_back(static_cast<std::int32_t>(j));
    }
    const auto b = e.graph.task.begin() + e.graph.offsets[i], en = e.graph.task.begin() + e.graph.offsets[i + 1];
    if (!std::equal(row.begin(), row.end(), b, en)) ++mismatched_rows;
  }
  const double naive = seconds_since(t0) * static_cast<double>(n) / static_cast<double>(naive_kocs);
  std::printf("naive_funnel_s %.3f (extrapolated from %zu KOCs) rows_equal %s ratio_naive_over_koc_eligibility %.1f\n",
              naive, naive_kocs, mismatched_rows == 0 ? "yes" : "NO", naive / best_elig);
  return mismatched_rows == 0 ? 0 : 1;
}

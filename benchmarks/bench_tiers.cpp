// Tier classification throughput, stated against the machine's streaming-read bandwidth.
//
//   build-bench/benchmarks/bench_tiers [n_kocs ...]      (default: 1000000 10000000)
//
// For each size: classify with the default policy (log1p normalisation) with and without growth gaps,
// and with percentile normalisation on followers and views; then a plain streaming read (sum) of the
// same input bytes, so KOCs/s is also given as a fraction of the memory-bandwidth bound. Single thread:
// the figures are per core.
#include <koc/tiers.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

using clock_type = std::chrono::steady_clock;

static koc::roster make_roster(std::size_t n) {
  std::mt19937_64 rng(12345);
  std::lognormal_distribution<double> heavy(4.0, 2.5);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  koc::roster r;
  r.id.resize(n);
  for (auto& c : r.metrics) c.resize(n);
  r.honorary.resize(n);
  r.invited.resize(n);
  r.previous_tier.resize(n);
  r.periods_below.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    r.id[i] = static_cast<std::int64_t>(i);
    for (int m = 0; m < koc::n_metrics; ++m) {
      const auto mm = static_cast<koc::metric>(m);
      double v = std::isfinite(koc::metric_upper_bound(mm)) ? unit(rng) : std::floor(heavy(rng));
      if (mm == koc::metric::loyalty) v = unit(rng);
      r.metrics[static_cast<std::size_t>(m)][i] = v;
    }
    r.honorary[i] = unit(rng) < 0.01;
    r.invited[i] = unit(rng) < 0.05;
    r.previous_tier[i] = static_cast<std::int32_t>(rng() % 5) - 1;
    r.periods_below[i] = static_cast<std::int32_t>(rng() % 3);
  }
  return r;
}

template <class F>
static double best_seconds(int reps, F&& f) {
  double best = 1e300;
  for (int k = 0; k < reps; ++k) {
    const auto t0 = clock_type::now();
    f();
    best = std::min(best, std::chrono::duration<double>(clock_type::now() - t0).count());
  }
  return best;
}

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  for (int a = 1; a < argc; ++a) sizes.push_back(static_cast<std::size_t>(std::atoll(argv[a])));
  if (sizes.empty()) sizes = {1000000, 10000000};
  auto log_policy = koc::default_tier_policy();
  auto pct_policy = log_policy;
  pct_policy.metrics[2].norm = koc::normalisation::percentile;  // views
  pct_policy.metrics[3].norm = koc::normalisation::percentile;  // followers

  std::printf("%-10s %-34s %10s %14s %12s\n", "n_kocs", "case", "seconds", "KOCs/s/core", "of bw bound");
  for (std::size_t n : sizes) {
    const auto r = make_roster(n);
    const std::size_t bytes_per_koc = koc::n_metrics * sizeof(double) + sizeof(std::int64_t) + 2 + 2 * sizeof(std::int32_t);
    // Streaming read of the same columns: the bandwidth bound for one pass over the input.
    volatile double sink = 0;
    const double t_bw = best_seconds(3, [&] {
      double s = 0;
      for (auto& c : r.metrics) for (double x : c) s += x;
      for (auto x : r.id) s += static_cast<double>(x);
      for (auto x : r.previous_tier) s += x;
      for (auto x : r.periods_below) s += x;
      for (auto x : r.honorary) s += x;
      for (auto x : r.invited) s += x;
      sink = s;
    });
    const double bw_rate = static_cast<double>(n) / t_bw;
    std::printf("%-10zu %-34s %10.3f %14.3e %12s   (%.1f GB/s)\n", n, "streaming read (bandwidth bound)", t_bw, bw_rate,
                "1.00", static_cast<double>(n * bytes_per_koc) / t_bw / 1e9);
    struct bench_case { const char* name; const koc::tier_policy* p; bool gaps; };
    const bench_case cases[] = {{"default policy, log1p, no gaps", &log_policy, false},
                                {"default policy, log1p, growth gaps", &log_policy, true},
                                {"percentile views+followers, no gaps", &pct_policy, false}};
    for (auto& c : cases) {
      const int reps = n > 2000000 ? 1 : 3;
      const double t = best_seconds(reps, [&] {
        auto res = koc::classify(r, *c.p, {}, koc::classify_options{c.gaps});
        sink = res.score[n / 2];
      });
      const double rate = static_cast<double>(n) / t;
      std::printf("%-10zu %-34s %10.3f %14.3e %12.3f\n", n, c.name, t, rate, rate / bw_rate);
      // Steady state: the result's buffers reused from the previous period (no page faults).
      koc::tier_result reused;
      koc::classify(r, *c.p, {}, koc::classify_options{c.gaps}, reused);
      const double t2 = best_seconds(reps, [&] {
        koc::classify(r, *c.p, {}, koc::classify_options{c.gaps}, reused);
        sink = reused.score[n / 2];
      });
      const double rate2 = static_cast<double>(n) / t2;
      std::printf("%-10zu %-34s %10.3f %14.3e %12.3f\n", n, "  same, result buffers reused", t2, rate2, rate2 / bw_rate);
    }
  }
  return 0;
}

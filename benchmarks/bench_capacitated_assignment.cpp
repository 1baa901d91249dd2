// koc::solve_capacitated_assignment vs LEMON's NetworkSimplex and CostScaling on the same
// transportation instances, in the same run; plus koc's warm start, and an opt-in programme-scale run.
//
//   bench_capacitated_assignment               the 20,000 x 500 instances (slack and 98% tight)
//   bench_capacitated_assignment --programme   also 1,000,000 KOCs x 10,000 tasks x 50 candidates
//
// Instance (fixed seed): KOC capacity 1-3, task slots 10-100, 50 distinct random candidate tasks per
// KOC, integer cost 0-10,000. Every slot is filled at minimum cost: koc runs max_fill_then_score with
// score = -cost at resolution 1; LEMON solves the balanced min-cost flow KOC -> task, with a zero-cost
// dummy sink for the capacity left over. koc's time is the whole call (input checks, integerising,
// building its task index, solving, the result columns); LEMON's is run() alone, graph built beforehand.
// GCC 12 reports false maybe-uninitialized warnings inside LEMON's templates, instantiated at the end of
// this file, so the pragma has to cover the whole file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <koc/matching/capacitated_assignment.hpp>

#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

namespace {

struct instance {
  koc::candidate_graph g;
  std::vector<std::int32_t> capacity, slots;
  std::vector<std::int64_t> cost;
};

instance make_instance(std::size_t n_kocs, std::size_t n_tasks, std::size_t per_koc, double fill_ratio,
                       std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  instance in;
  in.g.n_kocs = n_kocs;
  in.g.n_tasks = n_tasks;
  in.g.offsets.reserve(n_kocs + 1);
  in.g.task.reserve(n_kocs * per_koc);
  in.g.score.reserve(n_kocs * per_koc);
  in.cost.reserve(n_kocs * per_koc);
  std::uniform_int_distribution<std::int32_t> cap(1, 3), sl(10, 100);
  std::uniform_int_distribution<std::int64_t> cost(0, 10000);
  std::uniform_int_distribution<std::size_t> pick(0, n_tasks - 1);
  std::vector<std::int32_t> row;
  std::vector<std::uint8_t> seen(n_tasks, 0);
  for (std::size_t k = 0; k < n_kocs; ++k) {
    row.clear();
    while (row.size() < per_koc) {
      const auto t = pick(rng);
      if (!seen[t]) seen[t] = 1, row.push_back(static_cast<std::int32_t>(t));
    }
    std::sort(row.begin(), row.end());
    for (auto t : row) {
      seen[static_cast<std::size_t>(t)] = 0;
      const auto c = cost(rng);
      in.g.task.push_back(t);
      in.cost.push_back(c);
      in.g.score.push_back(-static_cast<double>(c));
    }
    in.g.offsets.push_back(static_cast<std::int64_t>(in.g.task.size()));
    in.capacity.push_back(cap(rng));
  }
  for (std::size_t t = 0; t < n_tasks; ++t) in.slots.push_back(sl(rng));
  const double total_cap = std::accumulate(in.capacity.begin(), in.capacity.end(), 0.0);
  double total_slots = std::accumulate(in.slots.begin(), in.slots.end(), 0.0);
  if (fill_ratio > 0) {  // scale slots so they sum to fill_ratio of the capacity
    const double f = fill_ratio * total_cap / total_slots;
    for (auto& s : in.slots) s = static_cast<std::int32_t>(std::floor(s * f));
    total_slots = std::accumulate(in.slots.begin(), in.slots.end(), 0.0);
  }
  if (total_slots > total_cap) {
    std::fprintf(stderr, "instance has more slots than capacity\n");
    std::exit(1);
  }
  return in;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

koc::capacitated_assignment_options min_cost_options() {
  koc::capacitated_assignment_options opt;
  opt.objective = koc::capacitated_objective::max_fill_then_score;
  opt.score_resolution = 1.0;
  return opt;
}

struct lemon_result {
  double ns_seconds = 0, cs_seconds = 0;
  long long ns_cost = -1, cs_cost = -1;
};

lemon_result run_lemon(const instance& in) {
  using namespace lemon;
  SmartDigraph g;
  const std::size_t K = in.g.n_kocs, T = in.g.n_tasks;
  std::vector<SmartDigraph::Node> koc_node(K), task_node(T);
  g.reserveNode(static_cast<int>(K + T + 1));
  g.reserveArc(static_cast<int>(in.g.task.size() + K));
  for (auto& n : koc_node) n = g.addNode();
  for (auto& n : task_node) n = g.addNode();
  const auto dummy = g.addNode();
  SmartDigraph::ArcMap<long long> cap(g), cost(g);
  SmartDigraph::NodeMap<long long> supply(g);
  long long total_cap = 0, total_slots = 0;
  for (std::size_t k = 0; k < K; ++k) {
    supply[koc_node[k]] = in.capacity[k];
    total_cap += in.capacity[k];
    for (auto p = in.g.offsets[k]; p < in.g.offsets[k + 1]; ++p) {
      const auto a = g.addArc(koc_node[k], task_node[static_cast<std::size_t>(in.g.task[static_cast<std::size_t>(p)])]);
      cap[a] = 1;
      cost[a] = in.cost[static_cast<std::size_t>(p)];
    }
    const auto a = g.addArc(koc_node[k], dummy);
    cap[a] = in.capacity[k];
    cost[a] = 0;
  }
  for (std::size_t t = 0; t < T; ++t) {
    supply[task_node[t]] = -in.slots[t];
    total_slots += in.slots[t];
  }
  supply[dummy] = -(total_cap - total_slots);
  lemon_result out;
  {
    NetworkSimplex<SmartDigraph, long long, long long> ns(g);
    ns.upperMap(cap).costMap(cost).supplyMap(supply);
    const auto t0 = std::chrono::steady_clock::now();
    const auto st = ns.run();
    out.ns_seconds = seconds_since(t0);
    out.ns_cost = st == ns.OPTIMAL ? ns.totalCost() : -1;
  }
  {
    CostScaling<SmartDigraph, long long, long long> cs(g);
    cs.upperMap(cap).costMap(cost).supplyMap(supply);
    const auto t0 = std::chrono::steady_clock::now();
    const auto st = cs.run();
    out.cs_seconds = seconds_since(t0);
    out.cs_cost = st == cs.OPTIMAL ? cs.totalCost() : -1;
  }
  return out;
}

template <class F>
double best_of(int n, F&& f) {
  double best = 1e300;
  for (int i = 0; i < n; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

long peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

bool run_versus_lemon(const char* name, double fill_ratio) {
  auto in = make_instance(20000, 500, 50, fill_ratio, 20240611);
  const auto opt = min_cost_options();
  long long total_slots = std::accumulate(in.slots.begin(), in.slots.end(), 0LL);
  long long total_cap = std::accumulate(in.capacity.begin(), in.capacity.end(), 0LL);
  koc::capacitated_assignment_result r;
  double koc_s = best_of(3, [&] { r = koc::solve_capacitated_assignment(in.g, in.capacity, in.slots, opt); });
  if (r.assigned < total_slots) {
    // Not every slot can be filled: shrink the unfillable tasks to what a maximum flow fills, so the
    // instance is feasible for LEMON's "fill every slot" formulation too.
    std::printf("  (%s: %lld of %lld slots fillable; unfillable slots removed)\n", name,
                static_cast<long long>(r.assigned), total_slots);
    in.slots = r.task_filled;
    total_slots = r.assigned;
    koc_s = best_of(3, [&] { r = koc::solve_capacitated_assignment(in.g, in.capacity, in.slots, opt); });
  }
  const auto rep = koc::verify(in.g, in.capacity, in.slots, opt, r);
  const auto lem = run_lemon(in);
  const long long koc_cost = -r.total_score_units;
  std::printf("%s: %zu KOCs x %zu tasks, %zu pairs, capacity %lld, slots %lld (%.1f%%)\n", name, in.g.n_kocs,
              in.g.n_tasks, in.g.task.size(), total_cap, total_slots, 100.0 * total_slots / total_cap);
  std::printf("  koc SSP            %8.3f s  cost %lld  (%lld searches settling %lld tasks, %lld paths, verify: %s)\n", koc_s,
              koc_cost, static_cast<long long>(r.searches), static_cast<long long>(r.tasks_settled),
              static_cast<long long>(r.augmentations), rep.ok ? "ok" : rep.message.c_str());
  std::printf("  LEMON NetworkSimplex %6.3f s  cost %lld  ratio %.2fx\n", lem.ns_seconds, lem.ns_cost, lem.ns_seconds / koc_s);
  std::printf("  LEMON CostScaling    %6.3f s  cost %lld  ratio %.2fx\n", lem.cs_seconds, lem.cs_cost, lem.cs_seconds / koc_s);
  std::printf("  koc vs LEMON best: %.2fx faster\n", std::min(lem.ns_seconds, lem.cs_seconds) / koc_s);
  const bool same = rep.ok && koc_cost == lem.ns_cost && koc_cost == lem.cs_cost;
  if (!same) std::printf("  OBJECTIVES DIFFER\n");

  // Warm start: ~1% of pairs get a new cost, then re-solve from the previous duals.
  auto changed = in;
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> cost(0, 10000);
  std::size_t n_changed = 0;
  for (std::size_t p = 0; p < changed.g.task.size(); ++p)
    if (rng() % 100 == 0) {
      changed.cost[p] = cost(rng);
      changed.g.score[p] = -static_cast<double>(changed.cost[p]);
      ++n_changed;
    }
  koc::capacitated_assignment_result cold, warm;
  const double cold_s = best_of(3, [&] { cold = koc::solve_capacitated_assignment(changed.g, changed.capacity, changed.slots, opt); });
  const double warm_s = best_of(3, [&] {
    warm = koc::resolve_capacitated_assignment(changed.g, changed.capacity, changed.slots, opt, r.duals);
  });
  const auto wrep = koc::verify(changed.g, changed.capacity, changed.slots, opt, warm);
  std::printf("  warm start, %zu pairs (%.2f%%) changed: cold %.3f s, warm %.3f s (%.1fx), %lld searches, same optimum: %s, verify: %s\n",
              n_changed, 100.0 * static_cast<double>(n_changed) / static_cast<double>(changed.g.task.size()), cold_s, warm_s,
              cold_s / warm_s, static_cast<long long>(warm.searches),
              warm.total_score_units == cold.total_score_units && warm.assigned == cold.assigned ? "yes" : "NO",
              wrep.ok ? "ok" : wrep.message.c_str());
  return same && wrep.ok && warm.total_score_units == cold.total_score_units;
}

}  // namespace

int main(int argc, char** argv) {
  bool programme = false, slack_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--programme") == 0) programme = true;
    if (std::strcmp(argv[i], "--slack-only") == 0) slack_only = true;
  }
  bool ok = run_versus_lemon("slack (slots ~70% of capacity)", 0);
  if (!slack_only) ok = run_versus_lemon("tight (slots 98% of capacity)", 0.98) && ok;
  if (programme) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto in = make_instance(1000000, 10000, 50, 0, 7);
    const double gen_s = seconds_since(t0);
    const auto opt = min_cost_options();
    const auto t1 = std::chrono::steady_clock::now();
    const auto r = koc::solve_capacitated_assignment(in.g, in.capacity, in.slots, opt);
    const double solve_s = seconds_since(t1);
    const long long total_slots = std::accumulate(in.slots.begin(), in.slots.end(), 0LL);
    std::printf("programme scale: %zu KOCs x %zu tasks, %zu pairs: generate %.1f s, solve %.1f s, filled %lld of %lld, "
                "%lld searches, peak RSS %ld MiB\n",
                in.g.n_kocs, in.g.n_tasks, in.g.task.size(), gen_s, solve_s, static_cast<long long>(r.assigned), total_slots,
                static_cast<long long>(r.searches), peak_rss_mib());
  }
  return ok ? 0 : 1;
}

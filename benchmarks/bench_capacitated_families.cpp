// One solver on one capacitated assignment instance (files from benchmarks/assignment_families.py), for
// the interleaved family benchmark (benchmarks/bench_capacitated_families.py runs koc and every peer in
// turn, A B A B, on the same instance and checks the objectives agree).
//
//   bench_capacitated_families INSTANCE.bin --solver koc|lemon-ns|lemon-cs|lemon-cap [--repeat N]
//                              [--method automatic|auction|shortest_paths]   (koc's; default automatic)
//
// Prints one JSON line per solve: {"solver", "seconds", "total_units", "assigned", ...}. koc's seconds are
// the whole call of solve_capacitated_assignment (input checks, integerising, its own index, the solve,
// the result columns); verify() runs after the clock stops. LEMON's are run() alone, the graph built
// beforehand. LEMON gets a balanced transshipment (supplies summing to 0, so its default GEQ type is the
// equality form; GEQ with a negative sum would let every zero-supply node create flow): KOC k supplies
// min(capacity, degree) units, task t passes at most min(slots, degree) of them to a sink through one arc,
// and one arc per KOC takes the capacity left over to the sink (cost 0 under max_score; under max_fill_then_score a cost M larger than any path's, so that an unmatched unit costs
// more than any exchange can gain), costs -round(score / resolution), pairs of score <= 0 left out under
// max_score; default pivot rule and methods (block search; partial augment, factor 16).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "capacitated_instance.hpp"

#include <lemon/capacity_scaling.h>
#include <lemon/cost_scaling.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

long peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

void print_result(const char* solver, double seconds, long long total, long long assigned, const std::string& extra) {
  std::printf("{\"solver\": \"%s\", \"seconds\": %.6f, \"total_units\": %lld, \"assigned\": %lld, \"peak_rss_mib\": %ld%s}\n",
              solver, seconds, total, assigned, peak_rss_mib(), extra.c_str());
  std::fflush(stdout);
}

int run_koc(const koc_bench::capacitated_instance& in, int repeat, const std::string& method) {
  auto options = in.options;
  if (method == "auction") options.method = koc::capacitated_method::auction;
  else if (method == "shortest_paths") options.method = koc::capacitated_method::shortest_paths;
  else if (method != "automatic") {
    std::fprintf(stderr, "unknown --method %s (automatic, auction, shortest_paths)\n", method.c_str());
    return 2;
  }
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = koc::solve_capacitated_assignment(in.g, in.capacity, in.slots, options);
    const double s = seconds_since(t0);
    const auto rep = koc::verify(in.g, in.capacity, in.slots, options, r);
    if (!rep.ok) {
      std::fprintf(stderr, "koc: verify failed: %s\n", rep.message.c_str());
      return 1;
    }
    char extra[256];
    std::snprintf(extra, sizeof extra, ", \"searches\": %lld, \"augmentations\": %lld", static_cast<long long>(r.searches),
                  static_cast<long long>(r.augmentations));
    print_result("koc", s, static_cast<long long>(r.total_score_units), static_cast<long long>(r.assigned), extra);
  }
  return 0;
}

// NetworkSimplex takes the supply type as an option (GEQ is its default too); CostScaling and
// CapacityScaling implement GEQ only.
template <class Solver>
void set_geq(Solver&) {}
void set_geq(lemon::NetworkSimplex<lemon::SmartDigraph, long long, long long>& s) {
  s.supplyType(lemon::NetworkSimplex<lemon::SmartDigraph, long long, long long>::GEQ);
}

template <class Solver>
int run_lemon(const koc_bench::capacitated_instance& in, const char* name, int repeat) {
  using namespace lemon;
  const bool max_score = in.options.objective == koc::capacitated_objective::max_score;
  const std::size_t K = in.g.n_kocs, T = in.g.n_tasks;
  std::vector<long long> w(in.g.task.size());
  long long max_abs = 0;
  for (std::size_t p = 0; p < w.size(); ++p) {
    w[p] = std::llround(in.g.score[p] / in.options.score_resolution);
    max_abs = std::max(max_abs, std::llabs(w[p]));
  }
  const long long big_m = max_score ? 0 : 2 * static_cast<long long>(K + T + 2) * max_abs + 1;
  for (int i = 0; i < repeat; ++i) {
    SmartDigraph g;
    g.reserveNode(static_cast<int>(K + T + 1));
    g.reserveArc(static_cast<int>(w.size() + K + T));
    std::vector<SmartDigraph::Node> kn(K), tn(T);
    for (auto& n : kn) n = g.addNode();
    for (auto& n : tn) n = g.addNode();
    const auto sink = g.addNode();
    SmartDigraph::ArcMap<long long> cap(g), cost(g);
    SmartDigraph::NodeMap<long long> supply(g, 0);
    std::vector<long long> deg_t(T, 0);
    std::vector<SmartDigraph::Arc> pair_arc;
    pair_arc.reserve(w.size());
    long long total = 0;
    for (std::size_t k = 0; k < K; ++k) {
      long long deg = 0;
      for (auto p = in.g.offsets[k]; p < in.g.offsets[k + 1]; ++p) {
        const auto pp = static_cast<std::size_t>(p);
        if (max_score && w[pp] <= 0) continue;
        const auto t = static_cast<std::size_t>(in.g.task[pp]);
        const auto a = g.addArc(kn[k], tn[t]);
        cap[a] = 1;
        cost[a] = -w[pp];
        pair_arc.push_back(a);
        ++deg, ++deg_t[t];
      }
      const long long units = std::min<long long>(in.capacity[k], deg);
      if (units == 0) continue;
      supply[kn[k]] = units;
      total += units;
      const auto a = g.addArc(kn[k], sink);  // capacity left unused
      cap[a] = units;
      cost[a] = big_m;
    }
    for (std::size_t t = 0; t < T; ++t) {
      const auto a = g.addArc(tn[t], sink);
      cap[a] = std::min<long long>(in.slots[t], deg_t[t]);
      cost[a] = 0;
    }
    supply[sink] = -total;
    Solver s(g);
    s.upperMap(cap).costMap(cost).supplyMap(supply);
    set_geq(s);
    const auto t0 = std::chrono::steady_clock::now();
    const auto st = s.run();
    const double secs = seconds_since(t0);
    if (st != Solver::OPTIMAL) {
      std::fprintf(stderr, "%s: not optimal (%d)\n", name, static_cast<int>(st));
      return 1;
    }
    long long assigned = 0, score = 0;
    for (std::size_t i2 = 0; i2 < pair_arc.size(); ++i2)
      if (s.flow(pair_arc[i2]) > 0) ++assigned, score -= cost[pair_arc[i2]];
    print_result(name, secs, score, assigned, "");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s INSTANCE.bin --solver koc|lemon-ns|lemon-cs|lemon-cap [--repeat N] [--method automatic|auction|shortest_paths]\n", argv[0]);
    return 2;
  }
  std::string solver = "koc";
  std::string method = "automatic";  // koc's; the default is what users get
  int repeat = 1;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--solver") && i + 1 < argc) solver = argv[++i];
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--method") && i + 1 < argc) method = argv[++i];
  }
  const auto in = koc_bench::read_capacitated_instance(argv[1]);
  using G = lemon::SmartDigraph;
  if (solver == "koc") return run_koc(in, repeat, method);
  if (solver == "lemon-ns") return run_lemon<lemon::NetworkSimplex<G, long long, long long>>(in, "lemon-ns", repeat);
  if (solver == "lemon-cs") return run_lemon<lemon::CostScaling<G, long long, long long>>(in, "lemon-cs", repeat);
  if (solver == "lemon-cap") return run_lemon<lemon::CapacityScaling<G, long long, long long>>(in, "lemon-cap", repeat);
  std::fprintf(stderr, "unknown solver %s\n", solver.c_str());
  return 2;
}

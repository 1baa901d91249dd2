// Rewards ledger throughput: 10M completion records with a realistic mix of rules, fixed seed.
// Reports ledger lines per second on one core, numbers only (explanations are lazy: explain_line on
// demand), twice: into a fresh ledger (the first call of a process: every column page is faulted in)
// and into a reused ledger (compute_ledger(..., out) keeps the columns' capacity, so a repeated run
// faults no pages). For scale, the cost of building every explanation string eagerly on a 1M-record
// slice. A checksum over every column of the numeric ledger pins its output across optimisations.
//   bench_rewards [n_completions=10000000] [policy=examples/data/reward_policy.json]
//                 [--reps N=3] [--numeric-only]
// Instruction counts of one call (the generator excluded):
//   valgrind --tool=callgrind --toggle-collect='*run_fresh*' bench_rewards 200000 --reps 1 --numeric-only
#include <koc/rewards/ledger.hpp>
#include <koc/rewards/policy_json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct instance {
  std::vector<std::int64_t> task_id, campaign, window, deadline, budget;
  std::vector<std::int32_t> rule, period;
  std::vector<std::int64_t> a_koc, a_task;
  std::vector<std::int64_t> assignment, delivered, views, interactions, travel;
  std::vector<std::uint8_t> accepted;
  std::vector<double> quality, fulfilment;
  std::vector<std::int32_t> days_served, days_on_site;
  std::vector<std::int64_t> koc;
  std::vector<std::int32_t> tier;
  std::vector<std::string> ladder{"entry", "active", "core", "ambassador"};

  koc::reward_tasks tasks() const { return {task_id, rule, campaign, window, deadline, period, budget}; }
  koc::reward_assignments asg() const { return {a_koc, a_task}; }
  koc::reward_completions done() const {
    return {assignment, delivered, accepted, quality, views, interactions, days_served, fulfilment, days_on_site, travel};
  }
  koc::reward_kocs kocs() const { return {koc, tier, ladder}; }
};

// Task mix by rule (share of tasks): instant points and red packets dominate, as in the articles.
instance generate(std::size_t n, const koc::reward_policy& p, std::uint64_t seed) {
  instance x;
  std::mt19937_64 rng(seed);
  const std::size_t nk = 1000000, nt = 20000;
  for (std::size_t k = 0; k < nk; ++k) {
    x.koc.push_back(5000000 + static_cast<std::int64_t>(k));
    const auto r = rng() % 1000;  // pyramid: 70% entry, 22% active, 7.5% core, 0.5% ambassador
    x.tier.push_back(r < 700 ? 0 : r < 920 ? 1 : r < 995 ? 2 : 3);
  }
  const char* mix[] = {"newbie_meme", "newbie_meme", "newbie_meme", "newbie_meme", "newbie_meme", "news_peak_red_packet",
                       "news_peak_red_packet", "spring_launch", "weibo_review", "weibo_review", "knowledge_base_moderator",
                       "auto_show_guangzhou", "hall_of_fame"};
  const std::size_t n_mix = sizeof(mix) / sizeof(mix[0]);
  for (std::size_t t = 0; t < nt; ++t) {
    const std::int32_t r = p.find_rule(mix[rng() % n_mix]);
    const auto kind = p.rules[static_cast<std::size_t>(r)].kind;
    x.task_id.push_back(static_cast<std::int64_t>(t) * 3 + 11);
    x.rule.push_back(r);
    x.campaign.push_back(kind == koc::rule_kind::campaign ? static_cast<std::int64_t>(rng() % 10) + 1 : -1);
    x.window.push_back(1700000000);
    x.deadline.push_back(rng() % 4 == 0 ? 1700000000 + 48 * 3600 : koc::no_deadline);
    x.period.push_back(kind == koc::rule_kind::retainer ? 30 : 0);
    x.budget.push_back(rng() % 10 == 0 ? static_cast<std::int64_t>(rng() % 2000000) : -1);
  }
  x.a_koc.resize(n); x.a_task.resize(n); x.assignment.resize(n); x.delivered.resize(n); x.accepted.resize(n);
  x.quality.resize(n); x.views.resize(n); x.interactions.resize(n); x.days_served.resize(n); x.fulfilment.resize(n);
  x.days_on_site.resize(n); x.travel.resize(n);
  std::lognormal_distribution<double> reach(9.0, 2.0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t t = i % nt, j = i / nt;
    // koc = (j * 7919 + 13 t) mod nk: distinct KOCs per task for j < nk, so no duplicate pairs.
    x.a_koc[i] = x.koc[(j * 7919 + 13 * t) % nk];
    x.a_task[i] = x.task_id[t];
    x.assignment[i] = static_cast<std::int64_t>(i);
    x.delivered[i] = 1700000000 + static_cast<std::int64_t>(rng() % (72 * 3600));
    x.accepted[i] = rng() % 20 != 0;
    x.quality[i] = static_cast<double>(rng() % 1000001) / 1e6;
    x.views[i] = static_cast<std::int64_t>(std::min(reach(rng), 1e9));
    x.interactions[i] = x.views[i] / 20;
    x.days_served[i] = static_cast<std::int32_t>(rng() % 31);
    x.fulfilment[i] = static_cast<double>(rng() % 101) / 100.0;
    x.days_on_site[i] = static_cast<std::int32_t>(rng() % 4);
    x.travel[i] = static_cast<std::int64_t>(rng() % 300000);
  }
  return x;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// This thread's CPU time (user + system, so page faults count): on a shared machine it is a steadier
// per-core figure than the wall clock, which also counts the time other processes hold the core.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct best_time {
  double wall = 1e300, cpu = 1e300;
  template <class F>
  void run(F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_seconds();
    f();
    cpu = std::min(cpu, thread_cpu_seconds() - c0);
    wall = std::min(wall, seconds_since(t0));
  }
  void print(const char* what, int reps, std::size_t lines, std::size_t n) const {
    std::printf("%s, best of %d: %.3f s wall → %.2f M lines/s; %.3f s cpu → %.2f M lines/s/core (%.2f M completions/s), no explanations\n",
                what, reps, wall, lines / wall / 1e6, cpu, lines / cpu / 1e6, n / cpu / 1e6);
  }
};

// FNV-1a over every numeric column and the rule names, in line order.
std::uint64_t checksum(const koc::reward_ledger& L) {
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

// Out of line, so callgrind can count one call: --toggle-collect='*run_fresh*'.
__attribute__((noinline)) koc::reward_ledger run_fresh(const koc::reward_policy& p, const instance& x) {
  return koc::compute_ledger(p, x.tasks(), x.asg(), x.done(), x.kocs(), {false});
}
__attribute__((noinline)) void run_reused(const koc::reward_policy& p, const instance& x, koc::reward_ledger& out) {
  koc::compute_ledger(p, x.tasks(), x.asg(), x.done(), x.kocs(), out, {false});
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 10000000;
  std::string path = std::string(KOC_SOURCE_DIR) + "/examples/data/reward_policy.json";
  int reps = 3, positional = 0;
  bool numeric_only = false, settle = false;
  for (int a = 1; a < argc; ++a) {
    if (std::strcmp(argv[a], "--numeric-only") == 0) numeric_only = true;
    else if (std::strcmp(argv[a], "--settle") == 0) settle = true;
    else if (std::strcmp(argv[a], "--reps") == 0 && a + 1 < argc) reps = std::max(1, std::atoi(argv[++a]));
    else if (positional++ == 0) n = static_cast<std::size_t>(std::atoll(argv[a]));
    else path = argv[a];
  }
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  koc::reward_policy p = koc::parse_reward_policy(ss.str());
  for (auto& r : p.rules) r.process_awards.clear();  // the sample's winners are not in the generated roster
  const instance x = generate(n, p, 20240601);

  // Fresh ledger each call: allocation and the first touch of every column page are included.
  best_time fresh;
  std::size_t lines = 0;
  std::uint64_t sum = 0;
  for (int rep = 0; rep < reps; ++rep) {
    koc::reward_ledger L;
    fresh.run([&] { L = run_fresh(p, x); });
    lines = L.size();
    if (rep == 0) sum = checksum(L);
  }
  std::printf("completions %zu, ledger lines %zu, checksum %016llx\n", n, lines, static_cast<unsigned long long>(sum));
  fresh.print("fresh ledger ", reps, lines, n);
  // Reused ledger: one warm-up call sizes the buffers, then every call reuses their capacity.
  {
    koc::reward_ledger out;
    run_reused(p, x, out);
    best_time reused;
    for (int rep = 0; rep < reps; ++rep) reused.run([&] { run_reused(p, x, out); });
    if (checksum(out) != sum || out.size() != lines) {
      std::printf("reused ledger differs from the fresh one\n");
      return 1;
    }
    reused.print("reused ledger", reps, lines, n);
  }
  if (settle) {
    // The same work settled against its own ledger (H = all its lines earlier): every line is looked up in
    // the settled keys and nothing new is paid. The settled index is built inside the timed call.
    const koc::reward_ledger earlier = run_fresh(p, x);
    koc::reward_ledger again;
    best_time settled;
    for (int rep = 0; rep < reps; ++rep)
      settled.run([&] { again = koc::settle_ledger(p, x.tasks(), x.asg(), x.done(), x.kocs(), koc::settled_view(earlier), {}, {false}); });
    for (const std::int64_t a : again.amount)
      if (a != 0) {
        std::printf("settling the same work again paid something\n");
        return 1;
      }
    std::printf("settled again against %zu earlier lines: %zu lines\n", earlier.size(), again.size());
    settled.print("settled again", reps, again.size(), n);
  }
  if (numeric_only) return 0;

  const std::size_t m = std::min<std::size_t>(n, 1000000);
  instance y = generate(m, p, 20240601);
  const auto t1 = std::chrono::steady_clock::now();
  const koc::reward_ledger E = koc::compute_ledger(p, y.tasks(), y.asg(), y.done(), y.kocs(), {true});
  const double te = seconds_since(t1);
  std::printf("completions %zu with eager explanations: %zu lines, %.3f s → %.2f M lines/s/core\n", m, E.size(), te,
              E.size() / te / 1e6);
  const auto t2 = std::chrono::steady_clock::now();
  const koc::ledger_check ck = koc::verify(p, y.tasks(), y.asg(), y.done(), y.kocs(), E);
  std::printf("verify on the 1M slice: %s (%.3f s)\n", ck.ok ? "ok" : ck.message.c_str(), seconds_since(t2));
  for (std::size_t l = 0; l < 6 && l < E.size(); ++l) std::printf("  line %zu: %s\n", l, E.explanation[l].c_str());
  return ck.ok ? 0 : 1;
}

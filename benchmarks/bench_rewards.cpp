// Rewards ledger throughput: 10M completion records with a realistic mix of rules, fixed seed.
// Reports ledger lines per second on one core, numbers only (explanations are lazy: explain_line on
// demand) and, for scale, the cost of building every explanation string eagerly on a 1M-record slice.
//   bench_rewards [n_completions=10000000] [policy=examples/data/reward_policy.json]
#include <koc/rewards/ledger.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? static_cast<std::size_t>(std::atoll(argv[1])) : 10000000;
  const std::string path = argc > 2 ? argv[2] : std::string(KOC_SOURCE_DIR) + "/examples/data/reward_policy.json";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  koc::reward_policy p = koc::parse_reward_policy(ss.str());
  for (auto& r : p.rules) r.process_awards.clear();  // the sample's winners are not in the generated roster
  const instance x = generate(n, p, 20240601);

  double best = 1e300;
  std::size_t lines = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    const koc::reward_ledger L = koc::compute_ledger(p, x.tasks(), x.asg(), x.done(), x.kocs(), {false});
    best = std::min(best, seconds_since(t0));
    lines = L.size();
  }
  std::printf("completions %zu, ledger lines %zu, best of 3: %.3f s → %.2f M lines/s/core (%.2f M completions/s), no explanations\n",
              n, lines, best, lines / best / 1e6, n / best / 1e6);

  const std::size_t m = std::min<std::size_t>(n, 1000000);
  instance y = generate(m, p, 20240601);
  const auto t1 = std::chrono::steady_clock::now();
  const koc::reward_ledger E = koc::compute_ledger(p, y.tasks(), y.asg(), y.done(), y.kocs(), {true});
  const double te = seconds_since(t1);
  std::printf("completions %zu with eager explanations: %zu lines, %.3f s → %.2f M lines/s/core\n", m, E.size(), te,
              E.size() / te / 1e6);
  const auto t2 = std::chrono::steady_clock::now();
  const koc::ledger_check ck = koc::verify(p, y.tasks(), y.asg(), y.done(), y.kocs(), E);
  std::printf("verify on the 1M slice: %s (%.3f s)\n", ck.ok ? "ok" : ck.reason.c_str(), seconds_since(t2));
  for (std::size_t l = 0; l < 6 && l < E.size(); ++l) std::printf("  line %zu: %s\n", l, E.explanation[l].c_str());
  return ck.ok ? 0 : 1;
}

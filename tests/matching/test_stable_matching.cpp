#include <catch2/catch.hpp>
#include <koc/matching/fit.hpp>
#include <koc/matching/stable_matching.hpp>

#include "support/random_matching.hpp"

#include <algorithm>
#include <limits>
#include <random>
#include <tuple>

using namespace koc;

namespace {

struct tiny {
  candidate_graph g;
  std::vector<std::int32_t> cap, slots, koc_rank, task_rank;
  std::vector<std::int32_t> koc_of;  // per pair
  stable_matching_options opt(proposing_side side) const {
    stable_matching_options o;
    o.proposer = side;
    o.koc_rank = koc_rank;
    o.task_rank = task_rank;
    return o;
  }
  // Independent comparators, from the documented keys.
  bool koc_prefers(std::size_t a, std::size_t b) const {
    auto key = [&](std::size_t e) { return std::make_tuple(koc_rank.empty() ? 0 : koc_rank[e], -g.score[e], g.task[e]); };
    return key(a) < key(b);
  }
  bool task_prefers(std::size_t a, std::size_t b) const {
    auto key = [&](std::size_t e) { return std::make_tuple(task_rank.empty() ? 0 : task_rank[e], -g.score[e], koc_of[e]); };
    return key(a) < key(b);
  }
};

tiny random_tiny(std::mt19937_64& rng, std::size_t n, std::size_t m, int max_cap, bool ranks) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  tiny x;
  std::vector<std::int32_t> kk, tt;
  std::vector<double> ss;
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t t = 0; t < m; ++t)
      if (uni(0, 9) < 7) {
        kk.push_back(static_cast<std::int32_t>(k));
        tt.push_back(static_cast<std::int32_t>(t));
        ss.push_back(uni(0, 3));  // small integers: ties happen and the index tie-break is exercised
      }
  x.g = candidates_from_edges(n, m, kk, tt, ss);
  for (std::size_t k = 0; k < n; ++k) x.cap.push_back(uni(0, 5) == 0 ? 0 : uni(1, max_cap));
  for (std::size_t t = 0; t < m; ++t) x.slots.push_back(uni(0, 5) == 0 ? 0 : uni(1, max_cap));
  if (ranks)
    for (std::size_t e = 0; e < x.g.task.size(); ++e) {
      x.koc_rank.push_back(uni(1, 3));
      x.task_rank.push_back(uni(1, 3));
    }
  for (std::size_t k = 0; k < n; ++k)
    for (auto e = x.g.offsets[k]; e < x.g.offsets[k + 1]; ++e) x.koc_of.push_back(static_cast<std::int32_t>(k));
  return x;
}

/// Every feasible subset of pairs (as sorted pair lists), by brute force.
std::vector<std::vector<std::size_t>> all_matchings(const tiny& x) {
  const std::size_t P = x.g.task.size();
  std::vector<std::vector<std::size_t>> out;
  for (std::uint32_t mask = 0; mask < (1u << P); ++mask) {
    std::vector<int> load(x.cap.size(), 0), fill(x.slots.size(), 0);
    bool ok = true;
    std::vector<std::size_t> pairs;
    for (std::size_t e = 0; e < P && ok; ++e)
      if (mask >> e & 1u) {
        pairs.push_back(e);
        ok = ++load[static_cast<std::size_t>(x.koc_of[e])] <= x.cap[static_cast<std::size_t>(x.koc_of[e])] &&
             ++fill[static_cast<std::size_t>(x.g.task[e])] <= x.slots[static_cast<std::size_t>(x.g.task[e])];
      }
    if (ok) out.push_back(pairs);
  }
  return out;
}

bool brute_stable(const tiny& x, const std::vector<std::size_t>& pairs) {
  const std::size_t P = x.g.task.size();
  std::vector<int> in(P, 0);
  for (auto e : pairs) in[e] = 1;
  for (std::size_t e = 0; e < P; ++e) {
    if (in[e]) continue;
    const auto k = x.koc_of[e], t = x.g.task[e];
    int load = 0, fill = 0;
    bool k_worse = false, t_worse = false;
    for (auto f : pairs) {
      if (x.koc_of[f] == k) { ++load; k_worse = k_worse || x.koc_prefers(e, f); }
      if (x.g.task[f] == t) { ++fill; t_worse = t_worse || x.task_prefers(e, f); }
    }
    const bool kw = load < x.cap[static_cast<std::size_t>(k)] || k_worse;
    const bool tw = fill < x.slots[static_cast<std::size_t>(t)] || t_worse;
    if (kw && tw) return false;
  }
  return true;
}

std::vector<std::size_t> as_pairs(const stable_matching_result& r) {
  std::vector<std::size_t> p;
  for (auto e : r.pair) p.push_back(static_cast<std::size_t>(e));
  return p;
}

}  // namespace

TEST_CASE("deferred acceptance: a hand case with distinct KOC- and task-optimal matchings", "[stable]") {
  // KOCs 0, 1; tasks 0, 1. KOC 0 ranks task 0 first, KOC 1 ranks task 1 first; tasks rank the other way.
  const std::vector<std::int32_t> kk = {0, 0, 1, 1}, tt = {0, 1, 0, 1};
  const std::vector<double> ss = {0, 0, 0, 0};
  const auto g = candidates_from_edges(2, 2, kk, tt, ss);
  const std::vector<std::int32_t> cap = {1, 1}, slots = {1, 1};
  const std::vector<std::int32_t> koc_rank = {1, 2, 2, 1}, task_rank = {2, 1, 1, 2};
  stable_matching_options o;
  o.koc_rank = koc_rank;
  o.task_rank = task_rank;
  const auto a = stable_matching(g, cap, slots, o);
  REQUIRE(verify_stable(g, cap, slots, o, a).ok);
  CHECK(a.task == std::vector<std::int32_t>{0, 1});  // KOC 0 → task 0, KOC 1 → task 1
  o.proposer = proposing_side::tasks;
  const auto b = stable_matching(g, cap, slots, o);
  REQUIRE(verify_stable(g, cap, slots, o, b).ok);
  CHECK(b.task == std::vector<std::int32_t>{1, 0});  // the tasks get their first choices
}

TEST_CASE("one-to-one: proposer-optimal among all stable matchings (brute force)", "[stable]") {
  std::mt19937_64 rng(2024);
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t n = 1 + trial % 4, m = 1 + (trial / 4) % 4;
    auto x = random_tiny(rng, n, m, 1, trial % 2 == 0);
    INFO("trial " << trial);
    const auto ko = x.opt(proposing_side::kocs), to = x.opt(proposing_side::tasks);
    const auto a = stable_matching(x.g, x.cap, x.slots, ko);
    const auto b = stable_matching(x.g, x.cap, x.slots, to);
    REQUIRE(verify_stable(x.g, x.cap, x.slots, ko, a).ok);
    REQUIRE(verify_stable(x.g, x.cap, x.slots, to, b).ok);
    REQUIRE(brute_stable(x, as_pairs(a)));
    REQUIRE(brute_stable(x, as_pairs(b)));
    // partner[k] under a matching, -1 = none; better = preferred by k (none is worst).
    std::vector<std::int64_t> koc_best(n, -1), task_best(m, -1);
    for (auto e : a.pair) koc_best[static_cast<std::size_t>(x.koc_of[static_cast<std::size_t>(e)])] = e;
    for (auto e : b.pair) task_best[static_cast<std::size_t>(x.g.task[static_cast<std::size_t>(e)])] = e;
    std::size_t n_stable = 0;
    for (const auto& mt : all_matchings(x)) {
      if (!brute_stable(x, mt)) continue;
      ++n_stable;
      for (auto e : mt) {
        const auto k = static_cast<std::size_t>(x.koc_of[e]);
        REQUIRE(koc_best[k] >= 0);  // a KOC matched in some stable matching is matched in the optimal one
        REQUIRE_FALSE(x.koc_prefers(e, static_cast<std::size_t>(koc_best[k])));
        const auto t = static_cast<std::size_t>(x.g.task[e]);
        REQUIRE(task_best[t] >= 0);
        REQUIRE_FALSE(x.task_prefers(e, static_cast<std::size_t>(task_best[t])));
      }
    }
    REQUIRE(n_stable >= 1);
  }
}

TEST_CASE("many-to-many: stable, and proposer-optimal in Blair's order (brute force)", "[stable]") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 150; ++trial) {
    const std::size_t n = 2 + trial % 2, m = 2 + (trial / 2) % 2;
    auto x = random_tiny(rng, n, m, 2, trial % 3 == 0);
    INFO("trial " << trial);
    const auto ko = x.opt(proposing_side::kocs);
    const auto a = stable_matching(x.g, x.cap, x.slots, ko);
    REQUIRE(verify_stable(x.g, x.cap, x.slots, ko, a).ok);
    REQUIRE(brute_stable(x, as_pairs(a)));
    // For every stable M and KOC k: the best cap[k] pairs of DA_k ∪ M_k are exactly DA_k.
    for (const auto& mt : all_matchings(x)) {
      if (!brute_stable(x, mt)) continue;
      for (std::size_t k = 0; k < n; ++k) {
        std::vector<std::size_t> mine, uni;
        for (auto e : a.pair) if (x.koc_of[static_cast<std::size_t>(e)] == static_cast<std::int32_t>(k)) mine.push_back(static_cast<std::size_t>(e));
        uni = mine;
        for (auto e : mt) if (x.koc_of[e] == static_cast<std::int32_t>(k) && std::find(uni.begin(), uni.end(), e) == uni.end()) uni.push_back(e);
        std::sort(uni.begin(), uni.end(), [&](std::size_t p, std::size_t q) { return x.koc_prefers(p, q); });
        uni.resize(std::min(uni.size(), static_cast<std::size_t>(x.cap[k])));
        std::sort(uni.begin(), uni.end());
        REQUIRE(uni == mine);
      }
    }
  }
}

TEST_CASE("stable matching on eligibility + fit output, both sides, with supplied ranks", "[stable]") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const auto x = test::random_matching_instance(400, 60, seed);
    const auto policy = default_matching_policy();
    const auto ladder = default_tier_policy();
    const auto e = build_candidates(x.tasks.view(), x.kocs.view(), policy, ladder, x.declines(), x.preferences());
    const fit_scorer f(x.tasks.view(), x.kocs.view(), policy, ladder, x.preferences());
    std::vector<std::int32_t> koc_rank;  // the KOCs' own ranks; unranked tasks after ranked ones
    for (std::size_t k = 0; k < e.graph.n_kocs; ++k)
      for (auto p = e.graph.offsets[k]; p < e.graph.offsets[k + 1]; ++p) {
        const auto r = f.rank_of(k, static_cast<std::size_t>(e.graph.task[static_cast<std::size_t>(p)]));
        koc_rank.push_back(r > 0 ? r : std::numeric_limits<std::int32_t>::max());
      }
    for (auto side : {proposing_side::kocs, proposing_side::tasks})
      for (bool ranked : {false, true}) {
        stable_matching_options o;
        o.proposer = side;
        if (ranked) o.koc_rank = koc_rank;
        const auto r = stable_matching(e.graph, x.kocs.capacity, x.tasks.slots, o);
        const auto rep = verify_stable(e.graph, x.kocs.capacity, x.tasks.slots, o, r);
        INFO(rep.message);
        REQUIRE(rep.ok);
        const auto again = stable_matching(e.graph, x.kocs.capacity, x.tasks.slots, o);
        REQUIRE(again.pair == r.pair);
        REQUIRE(again.proposals == r.proposals);
      }
  }
}

TEST_CASE("verify_stable catches broken matchings", "[stable]") {
  const auto x = test::random_matching_instance(200, 30, 3);
  const auto e = build_candidates(x.tasks.view(), x.kocs.view(), default_matching_policy(), default_tier_policy());
  const stable_matching_options o;
  auto r = stable_matching(e.graph, x.kocs.capacity, x.tasks.slots, o);
  REQUIRE(verify_stable(e.graph, x.kocs.capacity, x.tasks.slots, o, r).ok);
  REQUIRE(!r.pair.empty());
  SECTION("a removed pair blocks") {
    const auto k = static_cast<std::size_t>(r.koc[0]), t = static_cast<std::size_t>(r.task[0]);
    r.koc.erase(r.koc.begin());
    r.task.erase(r.task.begin());
    r.pair.erase(r.pair.begin());
    --r.koc_load[k];
    --r.task_filled[t];
    const auto rep = verify_stable(e.graph, x.kocs.capacity, x.tasks.slots, o, r);
    CHECK_FALSE(rep.ok);
    CHECK(rep.message.find("blocking pair") != std::string::npos);
  }
  SECTION("a duplicated pair") {
    r.koc.push_back(r.koc.back());
    r.task.push_back(r.task.back());
    r.pair.push_back(r.pair.back());
    CHECK_FALSE(verify_stable(e.graph, x.kocs.capacity, x.tasks.slots, o, r).ok);
  }
  SECTION("a wrong reason") {
    r.task_reason[0] = r.task_reason[0] == 4 ? 2 : 4;  // outranked <-> all_candidates_at_capacity
    CHECK_FALSE(verify_stable(e.graph, x.kocs.capacity, x.tasks.slots, o, r).ok);
  }
}

TEST_CASE("stable matching reasons and bad input", "[stable]") {
  // KOC 0 and 1 both want task 0 (1 slot); task 0 prefers KOC 1 (higher score); KOC 2 has no candidates.
  const std::vector<std::int32_t> kk = {0, 1}, tt = {0, 0};
  const std::vector<double> ss = {1.0, 2.0};
  const auto g = candidates_from_edges(3, 2, kk, tt, ss);
  std::vector<std::int32_t> cap = {1, 1, 1}, slots = {1, 4};
  const auto r = stable_matching(g, cap, slots);
  REQUIRE(verify_stable(g, cap, slots, {}, r).ok);
  CHECK(r.koc == std::vector<std::int32_t>{1});
  using koc::match_reason;
  auto bytes = [](std::initializer_list<match_reason> l) {
    std::vector<std::uint8_t> v;
    for (auto x : l) v.push_back(static_cast<std::uint8_t>(x));
    return v;
  };
  // The one reason enum of every matcher (reason.hpp): KOC 0 outranked, KOC 1 full, KOC 2 without any
  // candidate; task 1 has no candidate.
  CHECK(r.koc_reason == bytes({match_reason::outranked, match_reason::none, match_reason::nobody_eligible}));
  CHECK(r.task_reason == bytes({match_reason::none, match_reason::nobody_eligible}));
  cap[1] = -1;
  try {
    stable_matching(g, cap, slots);
    FAIL("negative capacity accepted");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_value);
    CHECK(e.row() == 1);
    CHECK(e.field() == "capacity");
  }
  cap[1] = 1;
  const std::vector<std::int32_t> short_rank = {1};
  stable_matching_options o;
  o.task_rank = short_rank;
  CHECK_THROWS_AS(stable_matching(g, cap, slots, o), error);
  const std::vector<std::int32_t> two_slots = {1};
  CHECK_THROWS_AS(stable_matching(g, cap, two_slots), error);
}

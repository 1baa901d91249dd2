// The matching pipeline end to end: eligibility → fit → solver, against oracles, in every mode.
#include <catch2/catch.hpp>
#include <koc/matching/match.hpp>
#include <koc/tiers.hpp>

#include "support/random_matching.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>
#include <boost/graph/find_flow_cost.hpp>  // after the SSP header, which it relies on

using namespace koc;

namespace {

// A random programme where every eligibility rule bites sometimes, with declines and preferences.
struct world {
  test::matching_instance x;
  task_table_view tasks() const { return x.tasks.view(); }
  koc_profile_view kocs() const { return x.kocs.view(); }
};

world make_world(std::size_t n_kocs, std::size_t n_tasks, std::uint64_t seed) { return {test::random_matching_instance(n_kocs, n_tasks, seed)}; }

match_result run(const world& w, match_options opt = {}) {
  return match(w.tasks(), w.kocs(), default_matching_policy(), default_tier_policy(), w.x.declines(), w.x.preferences(), opt);
}

// Independent oracle: the same candidate graph as a min-cost flow in Boost.Graph
// (source → task [slots], task → KOC [1, -w], KOC → sink [capacity], plus source → sink at cost 0 so that
// a pair is only used when it lowers the cost: maximum score, partial assignment allowed).
std::int64_t bgl_best_total_units(const match_result& m) {
  using namespace boost;
  using traits = adjacency_list_traits<vecS, vecS, directedS>;
  using graph_t = adjacency_list<vecS, vecS, directedS, no_property,
                                 property<edge_capacity_t, long, property<edge_residual_capacity_t, long,
                                 property<edge_reverse_t, traits::edge_descriptor, property<edge_weight_t, long>>>>>;
  const auto& g = m.candidates.graph;
  const std::size_t K = g.n_kocs, T = g.n_tasks;
  graph_t G(K + T + 2);
  const auto S = static_cast<long>(K + T), Z = S + 1;
  auto cap = get(edge_capacity, G);
  auto rev = get(edge_reverse, G);
  auto wt = get(edge_weight, G);
  auto add = [&](long u, long v, long c, long w) {
    auto e = add_edge(static_cast<std::size_t>(u), static_cast<std::size_t>(v), G).first;
    auto r = add_edge(static_cast<std::size_t>(v), static_cast<std::size_t>(u), G).first;
    cap[e] = c; cap[r] = 0; wt[e] = w; wt[r] = -w; rev[e] = r; rev[r] = e;
  };
  // Shift pair costs to be nonnegative: cost = B - w for w > 0 pairs; a parallel S→Z bypass at cost B
  // per unit lets any unit skip the pairs, so pairs are used exactly when B - w < B, i.e. w > 0.
  std::int64_t B = 1;
  std::vector<std::int64_t> w(g.score.size());
  for (std::size_t p = 0; p < g.score.size(); ++p) {
    w[p] = std::llround(g.score[p] / m.options.score_resolution);
    B = std::max(B, w[p] + 1);
  }
  long flow_in = 0;
  for (std::size_t t = 0; t < T; ++t) {
    const long sl = std::min<long>(m.slots[t], static_cast<long>(K));
    add(S, static_cast<long>(K + t), sl, 0);
    flow_in += sl;
  }
  for (std::size_t k = 0; k < K; ++k)
    for (auto p = g.offsets[k]; p < g.offsets[k + 1]; ++p)
      if (w[static_cast<std::size_t>(p)] > 0)
        add(static_cast<long>(K + static_cast<std::size_t>(g.task[static_cast<std::size_t>(p)])), static_cast<long>(k), 1,
            B - w[static_cast<std::size_t>(p)]);
  for (std::size_t k = 0; k < K; ++k) add(static_cast<long>(k), Z, m.capacity[k], 0);
  // Bypass: every unit of task supply can reach Z without a pair, at cost B (through a helper edge
  // per task so the supply cap still applies).
  for (std::size_t t = 0; t < T; ++t) add(static_cast<long>(K + t), Z, std::min<long>(m.slots[t], static_cast<long>(K)), B);
  successive_shortest_path_nonnegative_weights(G, static_cast<std::size_t>(S), static_cast<std::size_t>(Z));
  const long cost = find_flow_cost(G);
  // Every unit of supply flows (bypass is unbounded enough): cost = B·flow_in − Σ w(chosen).
  return static_cast<std::int64_t>(B) * flow_in - cost;
}

}  // namespace

TEST_CASE("optimal match: every row accounted for, certificate verified, same total as a BGL min-cost flow", "[match]") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    auto w = make_world(150, 12, seed);
    for (auto objective : {capacitated_objective::max_score, capacitated_objective::max_fill_then_score}) {
      match_options opt;
      opt.objective = objective;
      const auto m = run(w, opt);
      INFO("seed " << seed);
      REQUIRE(verify(m).ok);
      REQUIRE(m.koc_reason.size() == 150);
      REQUIRE(m.task_reason.size() == 12);
      for (std::size_t t = 0; t < 12; ++t) {
        const bool full = m.task_filled[t] == w.x.tasks.slots[t];
        const bool closed = w.x.tasks.slots[t] == 0;  // reason no_slots, neither filled nor short
        REQUIRE((m.task_reason[t] == static_cast<std::uint8_t>(match_reason::no_slots)) == closed);
        REQUIRE((m.task_reason[t] == static_cast<std::uint8_t>(match_reason::none)) == (full && !closed));
        if (m.candidates.nobody_eligible(t) && !full)
          REQUIRE(m.task_reason[t] == static_cast<std::uint8_t>(match_reason::nobody_eligible));
      }
      double total = 0;
      for (auto s : m.score) total += s;
      REQUIRE(total == Approx(m.total));
      if (objective == capacitated_objective::max_score) REQUIRE(m.optimal.total_score_units == bgl_best_total_units(m));
    }
  }
}

TEST_CASE("stable match modes verify and differ from optimal only in total", "[match][stable]") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    auto w = make_world(120, 10, 100 + seed);
    const auto best = run(w);
    for (auto mode : {match_mode::stable_kocs_propose, match_mode::stable_tasks_propose}) {
      match_options opt;
      opt.mode = mode;
      const auto m = run(w, opt);
      INFO("seed " << seed << " mode " << match_mode_names[static_cast<std::size_t>(mode)]);
      REQUIRE(verify(m).ok);
      // The optimal total bounds the positive part of any feasible matching, stable ones included.
      double positive = 0;
      for (auto s : m.score) positive += std::max(0.0, s);
      REQUIRE(best.total >= positive - 1e-6 * static_cast<double>(m.score.size()) - 1e-9);
    }
  }
}

TEST_CASE("verify refuses a match result whose reasons are not the solver's", "[match]") {
  auto w = make_world(150, 12, 3);
  for (auto mode : {match_mode::optimal, match_mode::stable_kocs_propose}) {
    match_options opt;
    opt.mode = mode;
    auto m = run(w, opt);
    REQUIRE(verify(m).ok);
    std::size_t t = 0;  // a task row whose reason can change to another value
    m.task_reason[t] = m.task_reason[t] == static_cast<std::uint8_t>(match_reason::none)
                           ? static_cast<std::uint8_t>(match_reason::nobody_eligible)
                           : static_cast<std::uint8_t>(match_reason::none);
    const auto r = verify(m);
    CHECK_FALSE(r.ok);
    CHECK(r.message.find("task_reason of task row 0") != std::string::npos);
  }
}

TEST_CASE("match is deterministic", "[match][determinism]") {
  auto w = make_world(300, 20, 7);
  const auto a = run(w), b = run(w);
  CHECK(a.koc == b.koc);
  CHECK(a.task == b.task);
  CHECK(a.total == b.total);
}

TEST_CASE("task_problems lists every problem of the task table; validate throws the first", "[match][validate]") {
  world w = make_world(50, 40, 31);
  task_table& t = w.x.tasks;
  t.load.assign(t.size(), 1);
  t.max_tier.assign(t.size(), 3);
  t.min_tier.assign(t.size(), 0);
  REQUIRE(task_problems(t.view(), 4).empty());
  t.asset[3] = 9;             // not an asset type
  t.slots[7] = -2;            // negative slots
  t.load[12] = 0;             // load below 1
  t.max_tier[20] = 7;         // not on a ladder of 4
  t.id[30] = t.id[2];         // duplicate id
  const auto all = task_problems(t.view(), 4);
  std::vector<std::pair<std::string, std::int64_t>> where;
  for (const auto& e : all) where.emplace_back(e.field(), e.row());
  CHECK(where == std::vector<std::pair<std::string, std::int64_t>>{
                     {"asset", 3}, {"slots", 7}, {"load", 12}, {"max_tier", 20}, {"id", 30}});
  CHECK(all[0].code() == errc::unknown_name);
  CHECK(all[1].code() == errc::invalid_value);
  CHECK(all[4].code() == errc::duplicate_id);
  CHECK_THROWS_WITH(validate(t.view(), 4), all[0].what());
  CHECK(task_problems(t.view(), 4, 2).size() == 2);
  CHECK_THROWS_AS(task_problems(t.view(), 4, 0), error);
  // Without a ladder the tier bound is not checked; a column of the wrong length is one problem.
  CHECK(task_problems(t.view()).size() == 4);
  t.load.pop_back();
  const auto shape = task_problems(t.view(), 4);
  REQUIRE(shape.size() == 1);
  CHECK((shape[0].field() == "load" && shape[0].code() == errc::length_mismatch));
}

TEST_CASE("every column for_each_column lists has its length checked, in that order", "[match][validate]") {
  // The list is the one statement of the table's columns: the checks (and the Python binding) read it.
  world w = make_world(20, 10, 33);
  task_table_view t = w.tasks();
  std::vector<std::string> listed, refused;
  task_table_view::for_each_column(t, [&](const char* name, auto& col, column_role role) {
    listed.emplace_back(name);
    if (role == column_role::key) return;
    using T = typename std::decay_t<decltype(col)>::value_type;
    static std::vector<T> short_column(1);  // 1 row where the table has 10
    col = span<const T>(short_column);
  });
  for (const auto& e : task_problems(t, -1, 100)) {
    CHECK(e.code() == errc::length_mismatch);
    refused.push_back(e.field());
  }
  CHECK(listed.front() == "id");
  CHECK(refused == std::vector<std::string>(listed.begin() + 1, listed.end()));

  koc_profile_view p = w.kocs();
  std::vector<std::string> profile_columns;
  koc_profile_view::for_each_column(p, [&](const char* name, const auto&, column_role) { profile_columns.emplace_back(name); });
  CHECK(profile_columns.size() == 13);
  const std::vector<std::int32_t> two(2, 1);
  p.capacity = two;
  CHECK_THROWS_WITH(validate(p), Catch::Contains("column has 2 rows, profile table has 20"));
}

TEST_CASE("a task with 0 slots is kept in the result with the reason no_slots", "[match]") {
  world w = make_world(60, 20, 32);
  w.x.tasks.slots[5] = 0;
  for (auto mode : {match_mode::optimal, match_mode::stable_kocs_propose}) {
    match_options opt;
    opt.mode = mode;
    const match_result m = run(w, opt);
    CHECK(m.task_filled[5] == 0);
    CHECK(m.task_reason[5] == static_cast<std::uint8_t>(match_reason::no_slots));
    CHECK(std::string(match_reason_names[m.task_reason[5]]) == "no_slots");
    CHECK(verify(m));
  }
}

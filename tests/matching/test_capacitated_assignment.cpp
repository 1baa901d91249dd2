// GCC 12 reports false maybe-uninitialized warnings inside Boost.Graph's templates, instantiated at the end of
// this file, so the pragma has to cover the whole file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <koc/matching/capacitated_assignment.hpp>
#include "support/capacitated_flow_network.hpp"

#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

namespace {

using koc::capacitated_objective;

struct instance {
  koc::candidate_graph g;
  std::vector<std::int32_t> capacity, slots;
};

// Random instance: each KOC draws each task with probability `density`; scores are multiples of
// 1/4 in [lo, hi] so they are exact at any resolution that divides 1/4.
instance random_instance(std::mt19937_64& rng, std::size_t n_kocs, std::size_t n_tasks, double density,
                         int max_cap, int max_slots, int lo, int hi) {
  instance in;
  in.g.n_kocs = n_kocs;
  in.g.n_tasks = n_tasks;
  std::uniform_real_distribution<double> u(0, 1);
  std::uniform_int_distribution<int> sc(lo * 4, hi * 4), cap(0, max_cap), sl(0, max_slots);
  for (std::size_t k = 0; k < n_kocs; ++k) {
    for (std::size_t t = 0; t < n_tasks; ++t)
      if (u(rng) < density) {
        in.g.task.push_back(static_cast<std::int32_t>(t));
        in.g.score.push_back(sc(rng) / 4.0);
      }
    in.g.offsets.push_back(static_cast<std::int64_t>(in.g.task.size()));
    in.capacity.push_back(cap(rng));
  }
  for (std::size_t t = 0; t < n_tasks; ++t) in.slots.push_back(sl(rng));
  return in;
}

koc::capacitated_assignment_options opts(capacitated_objective o,
                                        koc::capacitated_method m = koc::capacitated_method::automatic) {
  koc::capacitated_assignment_options opt;
  opt.objective = o;
  opt.method = m;
  opt.score_resolution = 0.25;
  return opt;
}

// Both exact methods: every test that compares with an oracle runs each.
constexpr koc::capacitated_method both_methods[] = {koc::capacitated_method::auction,
                                                    koc::capacitated_method::shortest_paths};

koc::capacitated_assignment_result solve_checked(const instance& in, const koc::capacitated_assignment_options& opt) {
  auto r = koc::solve_capacitated_assignment(in.g, in.capacity, in.slots, opt);
  const auto rep = koc::verify(in.g, in.capacity, in.slots, opt, r);
  INFO(rep.message);
  REQUIRE(rep.ok);
  return r;
}

// (count, score units) of the best subset of pairs by brute force.
std::pair<std::int64_t, std::int64_t> brute_force(const instance& in, capacitated_objective o) {
  const std::size_t P = in.g.task.size();
  std::vector<std::int32_t> koc_of(P);
  for (std::size_t k = 0; k < in.g.n_kocs; ++k)
    for (auto p = in.g.offsets[k]; p < in.g.offsets[k + 1]; ++p) koc_of[static_cast<std::size_t>(p)] = static_cast<std::int32_t>(k);
  std::pair<std::int64_t, std::int64_t> best{0, 0};
  for (std::uint32_t mask = 0; mask < (1u << P); ++mask) {
    std::vector<std::int32_t> load(in.g.n_kocs, 0), filled(in.g.n_tasks, 0);
    std::int64_t n = 0, s = 0;
    bool ok = true;
    for (std::size_t p = 0; p < P && ok; ++p)
      if (mask >> p & 1u) {
        ok = ++load[static_cast<std::size_t>(koc_of[p])] <= in.capacity[static_cast<std::size_t>(koc_of[p])] &&
             ++filled[static_cast<std::size_t>(in.g.task[p])] <= in.slots[static_cast<std::size_t>(in.g.task[p])];
        ++n;
        s += std::llround(in.g.score[p] * 4);
      }
    if (!ok) continue;
    if (o == capacitated_objective::max_score ? s > best.second : std::make_pair(n, s) > best) best = {n, s};
  }
  return best;
}

std::pair<std::int64_t, std::int64_t> bgl_oracle(const instance& in, const koc::capacitated_assignment_options& opt) {
  auto net = koc::build_capacitated_flow_network(in.g, in.capacity, in.slots, opt);
  boost::successive_shortest_path_nonnegative_weights(net.graph, net.source, net.sink);
  const auto out = koc::read_capacitated_flow(net, in.g);
  return {out.assigned, out.total_score_units};
}

}  // namespace

TEST_CASE("capacitated assignment matches brute force on tiny instances", "[capacitated]") {
  std::mt19937_64 rng(20240611);
  for (int it = 0; it < 400; ++it) {
    const std::size_t K = 1 + rng() % 4, T = 1 + rng() % 4;
    auto in = random_instance(rng, K, T, 0.6, 2, 2, -3, 8);
    if (in.g.task.size() > 11) continue;
    for (auto o : {capacitated_objective::max_score, capacitated_objective::max_fill_then_score})
      for (auto m : both_methods) {
        const auto r = solve_checked(in, opts(o, m));
        const auto bf = brute_force(in, o);
        INFO("iteration " << it << " objective " << static_cast<int>(o) << " method " << static_cast<int>(m));
        CHECK(r.total_score_units == bf.second);
        if (o == capacitated_objective::max_fill_then_score) CHECK(r.assigned == bf.first);
      }
  }
}

TEST_CASE("capacitated assignment matches BGL min-cost flow on medium instances", "[capacitated]") {
  std::mt19937_64 rng(7);
  int tight = 0;  // max_fill solves in the tight mode (rows sorted from the first scan, no arc heaps)
  for (int it = 0; it < 300; ++it) {
    const std::size_t K = 5 + rng() % 40, T = 2 + rng() % 12;
    const double density = 0.1 + 0.5 * static_cast<double>(rng() % 100) / 100.0;
    auto in = random_instance(rng, K, T, density, 3, 1 + static_cast<int>(rng() % 8), -20, 100);
    for (auto o : {capacitated_objective::max_score, capacitated_objective::max_fill_then_score})
      for (auto m : both_methods) {
        const auto opt = opts(o, m);
        if (m == koc::capacitated_method::shortest_paths) tight += koc::detail::tight_fill(in.g, in.capacity, in.slots, opt);
        const auto r = solve_checked(in, opt);
        const auto oracle = bgl_oracle(in, opt);
        INFO("iteration " << it << " objective " << static_cast<int>(o) << " method " << static_cast<int>(m));
        CHECK(r.total_score_units == oracle.second);
        if (o == capacitated_objective::max_fill_then_score) CHECK(r.assigned == oracle.first);
        CHECK(r.total_score == Approx(static_cast<double>(r.total_score_units) * 0.25));
      }
  }
  // Both scan modes of the shortest-paths method's max_fill_then_score are compared with the oracle.
  CHECK(tight > 30);
  CHECK(tight < 270);
}

TEST_CASE("price seeding from a sampled half problem gives the same optimum on large tight instances",
          "[capacitated][seeding]") {
  std::mt19937_64 rng(2026);
  for (int it = 0; it < 2; ++it) {
    // Above the 8,192-KOC threshold, every slot to fill, slots at 95% of the usable capacity.
    const std::size_t K = 9000 + 2000 * static_cast<std::size_t>(it), T = 60;
    auto in = random_instance(rng, K, T, 0.1, 2, 1, -20, 100);
    std::int64_t usable = 0;
    for (std::size_t k = 0; k < K; ++k)
      usable += std::min<std::int64_t>(in.capacity[k], in.g.offsets[k + 1] - in.g.offsets[k]);
    for (auto& s : in.slots) s = static_cast<std::int32_t>(usable * 95 / 100 / static_cast<std::int64_t>(T));
    auto seeded = opts(capacitated_objective::max_fill_then_score, koc::capacitated_method::shortest_paths);
    auto cold = seeded;
    cold.price_seeding = false;
    const auto a = solve_checked(in, seeded);
    const auto b = solve_checked(in, cold);
    INFO("iteration " << it);
    CHECK(a.assigned == b.assigned);
    CHECK(a.total_score_units == b.total_score_units);
    // The seeded solve really started from the sample's prices: far fewer searches than slots.
    CHECK(a.searches < b.searches / 2);
    // Deterministic.
    const auto again = solve_checked(in, seeded);
    CHECK(again.pair == a.pair);
    // Below the threshold, or under max_score, seeding does not apply.
    auto small = in;
    small.g.n_kocs = 8000;
    small.g.offsets.resize(8001);
    small.g.task.resize(static_cast<std::size_t>(small.g.offsets.back()));
    small.g.score.resize(small.g.task.size());
    small.capacity.resize(8000);
    const auto c = solve_checked(small, seeded);
    auto small_cold = cold;
    CHECK(c.searches == solve_checked(small, small_cold).searches);
  }
}

TEST_CASE("long searches scanning rows find the arc heaps' optimum", "[capacitated]") {
  // The engine directly, so that every search can be made to scan rows (row_scan_after = 0), in arc
  // order or sorted by w + pik (sort_rows_after = max or 0), or none does (row_scan_after = max): each
  // must give an optimum that verify() accepts, with the same objective.
  constexpr auto never = std::numeric_limits<std::int32_t>::max();
  std::size_t rows_sorted = 0;
  std::int64_t tail_sorts = 0;
  const auto solve_with = [&rows_sorted, &tail_sorts](const instance& in, const koc::capacitated_assignment_options& opt,
                                         std::int64_t rows_after, std::int32_t sort_after) {
    koc::detail::capacitated_ssp e;
    koc::detail::setup_engine(e, in.g, in.capacity, in.slots, opt, koc::detail::integerise_scores(in.g, opt.score_resolution));
    e.row_scan_after = rows_after;
    e.sort_rows_after = sort_after;
    e.cold_potentials();
    e.fill();
    rows_sorted = e.rows_sorted();
    tail_sorts = e.row_tail_sorts;
    auto r = koc::detail::collect_result(e, in.g, in.capacity, in.slots, opt);
    const auto rep = koc::verify(in.g, in.capacity, in.slots, opt, r);
    INFO(rep.message);
    CHECK(rep.ok);
    return r;
  };
  std::mt19937_64 rng(99);
  for (int it = 0; it < 200; ++it) {
    const std::size_t K = 5 + rng() % 60, T = 2 + rng() % 12;
    const double density = 0.1 + 0.6 * static_cast<double>(rng() % 100) / 100.0;
    auto in = random_instance(rng, K, T, density, 3, 1 + static_cast<int>(rng() % 10), -20, 100);
    for (auto o : {capacitated_objective::max_score, capacitated_objective::max_fill_then_score}) {
      const auto opt = opts(o);
      const auto heaps = solve_with(in, opt, never, never);
      const auto plain = solve_with(in, opt, 0, never);
      const auto sorted = solve_with(in, opt, 0, 0);
      INFO("iteration " << it << " objective " << static_cast<int>(o));
      CHECK(plain.total_score_units == heaps.total_score_units);
      CHECK(sorted.total_score_units == heaps.total_score_units);
      CHECK(plain.assigned == heaps.assigned);
      CHECK(sorted.assigned == heaps.assigned);
      if (it % 10 == 0) CHECK(heaps.total_score_units == bgl_oracle(in, opt).second);
    }
  }
  // A tight instance, slots at 99% of the usable capacity: with the defaults, some searches are long
  // enough to switch to row scans midway, and some rows are scanned often enough to be sorted.
  const std::size_t K = 3000, T = 150;
  auto in = random_instance(rng, K, T, 0.05, 2, 1, -20, 100);
  std::int64_t usable = 0;
  for (std::size_t k = 0; k < K; ++k) usable += std::min<std::int64_t>(in.capacity[k], in.g.offsets[k + 1] - in.g.offsets[k]);
  for (auto& s : in.slots) s = static_cast<std::int32_t>(usable * 99 / 100 / static_cast<std::int64_t>(T));
  const auto opt = opts(capacitated_objective::max_fill_then_score);
  const auto heaps = solve_with(in, opt, never, never);
  const koc::detail::capacitated_ssp defaults;
  const auto mixed = solve_with(in, opt, defaults.row_scan_after, defaults.sort_rows_after);
  CHECK(rows_sorted > 0);
  CHECK(mixed.total_score_units == heaps.total_score_units);
  CHECK(mixed.assigned == heaps.assigned);
  // The tight mode: every search scans sorted rows, and some scans get past a row's sorted head.
  const auto sorted = solve_with(in, opt, 0, 0);
  CHECK(tail_sorts > 0);
  CHECK(sorted.total_score_units == heaps.total_score_units);
  CHECK(sorted.assigned == heaps.assigned);
}

TEST_CASE("warm start gives the cold optimum", "[capacitated]") {
  std::mt19937_64 rng(99);
  for (int it = 0; it < 150; ++it) {
    const std::size_t K = 10 + rng() % 60, T = 2 + rng() % 10;
    auto in = random_instance(rng, K, T, 0.3, 3, 10, -10, 50);
    for (auto o : {capacitated_objective::max_score, capacitated_objective::max_fill_then_score})
    for (auto m : both_methods) {
      const auto opt = opts(o, m);
      const auto before = solve_checked(in, opt);
      // Change a few scores, capacities and slots.
      auto changed = in;
      for (auto& s : changed.g.score)
        if (rng() % 10 == 0) s = static_cast<double>(static_cast<int>(rng() % 240) - 40) / 4.0;
      for (auto& c : changed.capacity)
        if (rng() % 10 == 0) c = static_cast<std::int32_t>(rng() % 4);
      for (auto& s : changed.slots)
        if (rng() % 4 == 0) s = static_cast<std::int32_t>(rng() % 12);
      const auto cold = solve_checked(changed, opt);
      const auto warm = koc::resolve_capacitated_assignment(changed.g, changed.capacity, changed.slots, opt, before.duals);
      const auto rep = koc::verify(changed.g, changed.capacity, changed.slots, opt, warm);
      INFO("iteration " << it << ": " << rep.message);
      REQUIRE(rep.ok);
      CHECK(warm.total_score_units == cold.total_score_units);
      // Under max_score the count is not part of the objective (2 + 2 ties 4).
      if (o == capacitated_objective::max_fill_then_score) CHECK(warm.assigned == cold.assigned);
      // Unchanged problem: the previous duals are already optimal.
      const auto same = koc::resolve_capacitated_assignment(in.g, in.capacity, in.slots, opt, before.duals);
      REQUIRE(koc::verify(in.g, in.capacity, in.slots, opt, same).ok);
      CHECK(same.total_score_units == before.total_score_units);
      // Arbitrary duals still give the optimum.
      koc::capacitated_duals junk = before.duals;
      for (auto& x : junk.task_potential) x = static_cast<std::int64_t>(rng() % 2000) - 1000;
      junk.source_potential = static_cast<std::int64_t>(rng() % 200) - 100;
      const auto from_junk = koc::resolve_capacitated_assignment(changed.g, changed.capacity, changed.slots, opt, junk);
      REQUIRE(koc::verify(changed.g, changed.capacity, changed.slots, opt, from_junk).ok);
      CHECK(from_junk.total_score_units == cold.total_score_units);
      if (o == capacitated_objective::max_fill_then_score) CHECK(from_junk.assigned == cold.assigned);
      // The other method's duals (another scale and certificate form) are a valid start too.
      auto other = opt;
      other.method = m == koc::capacitated_method::auction ? koc::capacitated_method::shortest_paths : koc::capacitated_method::auction;
      const auto crossed = koc::resolve_capacitated_assignment(changed.g, changed.capacity, changed.slots, other, before.duals);
      REQUIRE(koc::verify(changed.g, changed.capacity, changed.slots, other, crossed).ok);
      CHECK(crossed.total_score_units == cold.total_score_units);
      if (o == capacitated_objective::max_fill_then_score) CHECK(crossed.assigned == cold.assigned);
    }
  }
}

TEST_CASE("capacitated assignment degenerate cases", "[capacitated]") {
  for (auto o : {capacitated_objective::max_score, capacitated_objective::max_fill_then_score})
  for (auto m : both_methods) {
    const auto opt = opts(o, m);
    SECTION("empty roster and no tasks") {
      instance in;
      const auto r = solve_checked(in, opt);
      CHECK(r.status == koc::capacitated_status::nothing_assigned);
      CHECK(r.pair.empty());
    }
    SECTION("all pairs absent") {
      instance in;
      in.g.n_kocs = 3;
      in.g.n_tasks = 2;
      in.g.offsets = {0, 0, 0, 0};
      in.capacity = {1, 2, 0};
      in.slots = {3, 0};
      const auto r = solve_checked(in, opt);
      CHECK(r.status == koc::capacitated_status::nothing_assigned);
      CHECK(r.koc_reason[0] == koc::match_reason::nobody_eligible);
      CHECK(r.koc_reason[2] == koc::match_reason::none);
      CHECK(r.task_reason[0] == koc::match_reason::nobody_eligible);
      CHECK(r.task_reason[1] == koc::match_reason::none);
    }
    SECTION("zero capacity everywhere") {
      instance in;
      in.g.n_kocs = 2;
      in.g.n_tasks = 1;
      in.g.offsets = {0, 1, 2};
      in.g.task = {0, 0};
      in.g.score = {5, 6};
      in.capacity = {0, 0};
      in.slots = {2};
      const auto r = solve_checked(in, opt);
      CHECK(r.assigned == 0);
      CHECK(r.task_reason[0] == koc::match_reason::all_candidates_at_capacity);
    }
    SECTION("a task with more slots than KOCs") {
      instance in;
      in.g.n_kocs = 3;
      in.g.n_tasks = 1;
      in.g.offsets = {0, 1, 2, 3};
      in.g.task = {0, 0, 0};
      in.g.score = {1, 2, 3};
      in.capacity = {1, 1, 1};
      in.slots = {10};
      const auto r = solve_checked(in, opt);
      CHECK(r.assigned == 3);
      CHECK(r.task_filled[0] == 3);
      CHECK(r.task_reason[0] == koc::match_reason::all_candidates_at_capacity);
    }
    SECTION("all scores equal: deterministic") {
      std::mt19937_64 rng(5);
      auto in = random_instance(rng, 60, 8, 0.4, 3, 6, 2, 2);
      const auto a = solve_checked(in, opt);
      const auto b = solve_checked(in, opt);
      CHECK(a.pair == b.pair);
      CHECK(a.duals.koc_potential == b.duals.koc_potential);
      CHECK(a.duals.task_potential == b.duals.task_potential);
      CHECK(a.koc_reason == b.koc_reason);
    }
  }
  SECTION("negative scores: max_score takes nothing, max_fill still fills") {
    instance in;
    in.g.n_kocs = 2;
    in.g.n_tasks = 2;
    in.g.offsets = {0, 2, 3};
    in.g.task = {0, 1, 1};
    in.g.score = {-1, -2, -0.5};
    in.capacity = {1, 1};
    in.slots = {1, 1};
    for (auto m : both_methods) {
      const auto s = solve_checked(in, opts(capacitated_objective::max_score, m));
      CHECK(s.assigned == 0);
      CHECK(s.koc_reason[0] == koc::match_reason::better_pairs_chosen);
      const auto f = solve_checked(in, opts(capacitated_objective::max_fill_then_score, m));
      CHECK(f.assigned == 2);
      CHECK(f.total_score_units == -6);  // pairs 0 and 2: (-1 - 0.5) / 0.25
      CHECK(f.total_score == Approx(-1.5));
    }
  }
}

TEST_CASE("capacitated assignment rejects bad input with row and field", "[capacitated]") {
  instance in;
  in.g.n_kocs = 2;
  in.g.n_tasks = 2;
  in.g.offsets = {0, 1, 2};
  in.g.task = {0, 1};
  in.g.score = {1, 1};
  in.capacity = {1, -1};
  in.slots = {1, 1};
  try {
    koc::solve_capacitated_assignment(in.g, in.capacity, in.slots);
    FAIL("no throw");
  } catch (const koc::error& e) {
    CHECK(e.code() == koc::errc::invalid_value);
    CHECK(e.row() == 1);
    CHECK(e.field() == "capacity");
  }
  in.capacity = {1, 1};
  in.slots = {-2, 1};
  try {
    koc::solve_capacitated_assignment(in.g, in.capacity, in.slots);
    FAIL("no throw");
  } catch (const koc::error& e) {
    CHECK(e.code() == koc::errc::invalid_value);
    CHECK(e.row() == 0);
    CHECK(e.field() == "slots");
  }
  in.slots = {1};
  CHECK_THROWS_AS(koc::solve_capacitated_assignment(in.g, in.capacity, in.slots), koc::error);
  in.slots = {1, 1};
  in.g.score = {1e300, 1};
  try {
    koc::solve_capacitated_assignment(in.g, in.capacity, in.slots);
    FAIL("no throw");
  } catch (const koc::error& e) {
    CHECK(e.code() == koc::errc::overflow);
    CHECK(e.row() == 0);
    CHECK(e.field() == "score");
  }
  in.g.score = {1, 1};
  koc::capacitated_assignment_options bad;
  bad.score_resolution = 0;
  CHECK_THROWS_AS(koc::solve_capacitated_assignment(in.g, in.capacity, in.slots, bad), koc::error);
}

TEST_CASE("verify rejects tampered results", "[capacitated]") {
  std::mt19937_64 rng(3);
  auto in = random_instance(rng, 30, 5, 0.5, 2, 4, -5, 20);
  for (auto o : {capacitated_objective::max_score, capacitated_objective::max_fill_then_score})
  for (auto m : both_methods) {
    const auto opt = opts(o, m);
    const auto r = solve_checked(in, opt);
    REQUIRE(r.assigned > 1);
    auto dropped = r;  // drop a pair: totals, loads and optimality all break
    dropped.pair.pop_back();
    dropped.koc.pop_back();
    dropped.task.pop_back();
    CHECK_FALSE(koc::verify(in.g, in.capacity, in.slots, opt, dropped).ok);
    auto bad_dual = r;
    bad_dual.duals.task_potential[0] += 1000000;
    bad_dual.duals.koc_potential[0] -= 1000000;
    CHECK_FALSE(koc::verify(in.g, in.capacity, in.slots, opt, bad_dual).ok);
    auto bad_reason = r;
    bad_reason.koc_reason[0] = koc::match_reason::nobody_eligible;
    bad_reason.koc_reason[1] = koc::match_reason::nobody_eligible;
    CHECK_FALSE(koc::verify(in.g, in.capacity, in.slots, opt, bad_reason).ok);
    // A slack too large for the scale proves nothing.
    auto loose = r;
    loose.duals.epsilon = loose.duals.scale;
    CHECK_FALSE(koc::verify(in.g, in.capacity, in.slots, opt, loose).ok);
    if (m == koc::capacitated_method::auction) {
      CHECK(r.duals.epsilon == 1);
      CHECK(r.duals.scale == 2 * 5 + 4);  // 2 min(KOCs, tasks) + 4
      auto unscaled = r;  // the same potentials read as whole score units prove nothing
      unscaled.duals.scale = 1;
      CHECK_FALSE(koc::verify(in.g, in.capacity, in.slots, opt, unscaled).ok);
    }
  }
}

TEST_CASE("the auction and shortest paths agree on larger instances and shapes", "[capacitated]") {
  // Shapes the programme generator has: many KOCs and few tasks with unlimited slots beside small ones,
  // big capacities, ties; the two methods must reach the same optimum, each with its certificate.
  std::mt19937_64 rng(11);
  constexpr auto unlimited = std::numeric_limits<std::int32_t>::max();
  for (int it = 0; it < 60; ++it) {
    const std::size_t K = 50 + rng() % 400, T = 2 + rng() % 30;
    const int max_cap = it % 3 == 0 ? 12 : 3, lo = it % 4 == 0 ? 2 : -10, hi = it % 4 == 0 ? 3 : 60;
    auto in = random_instance(rng, K, T, 0.05 + 0.3 * static_cast<double>(rng() % 100) / 100.0, max_cap,
                              1 + static_cast<int>(rng() % 30), lo, hi);
    if (it % 2 == 0) in.slots[0] = unlimited;
    for (auto o : {capacitated_objective::max_score, capacitated_objective::max_fill_then_score}) {
      const auto a = solve_checked(in, opts(o, koc::capacitated_method::auction));
      const auto b = solve_checked(in, opts(o, koc::capacitated_method::shortest_paths));
      INFO("iteration " << it << " objective " << static_cast<int>(o));
      CHECK(a.total_score_units == b.total_score_units);
      if (o == capacitated_objective::max_fill_then_score) CHECK(a.assigned == b.assigned);
      // Deterministic.
      CHECK(solve_checked(in, opts(o, koc::capacitated_method::auction)).pair == a.pair);
    }
  }
}

// A warm start from prices far below their level, with many bidders valuing a copy alike: every bid lifts
// the price by about epsilon, so at the warm start's fine epsilon the price would climb in millions of
// steps (a fuzz timeout). Phases that spend their bid budget coarsen epsilon instead.
// fuzz/regressions/fuzz_capacitated_assignment/warm_start_price_war.bin
TEST_CASE("the auction does not wage price wars from a warm start", "[capacitated][fuzz][regression]") {
  instance in;
  in.g.n_kocs = 60;
  in.g.n_tasks = 2;
  for (std::size_t k = 0; k < in.g.n_kocs; ++k) {
    in.g.task.push_back(0);
    in.g.score.push_back(1000.0);
    in.g.task.push_back(1);
    in.g.score.push_back(999.0);
    in.g.offsets.push_back(static_cast<std::int64_t>(in.g.task.size()));
    in.capacity.push_back(1);
  }
  in.slots = {1, 1};
  koc::capacitated_assignment_options opt;
  opt.method = koc::capacitated_method::auction;
  opt.score_resolution = 1e-6;
  const auto cold = solve_checked(in, opt);
  koc::capacitated_duals low = cold.duals;
  for (auto& p : low.task_potential) p = 0;  // far below the level where 58 of 60 bidders give up
  const auto warm = koc::resolve_capacitated_assignment(in.g, in.capacity, in.slots, opt, low);
  REQUIRE(koc::verify(in.g, in.capacity, in.slots, opt, warm).ok);
  CHECK(warm.total_score_units == cold.total_score_units);
  CHECK(warm.searches < 100000);  // bids: without the coarsening, about 10^9
}

TEST_CASE("time limit, cancellation and progress stop or report a solve on both methods", "[capacitated][control]") {
  std::mt19937_64 rng(21);
  const auto in = random_instance(rng, 3000, 40, 0.25, 3, 40, -10, 100);
  for (auto m : both_methods) {
    INFO("method " << static_cast<int>(m));
    auto opt = opts(capacitated_objective::max_score, m);
    std::vector<double> fractions;
    opt.control.progress = [&](const koc::solve_progress& p) { fractions.push_back(p.fraction); };
    opt.control.progress_interval_seconds = 0;
    const auto r = solve_checked(in, opt);
    REQUIRE(fractions.size() >= 2);
    CHECK(fractions.back() == 1.0);
    CHECK(std::is_sorted(fractions.begin(), fractions.end()));
    // A time limit already past at the first check: errc::timeout, no result.
    auto timed = opts(capacitated_objective::max_score, m);
    timed.control.time_limit_seconds = 1e-12;
    try {
      (void)koc::solve_capacitated_assignment(in.g, in.capacity, in.slots, timed);
      FAIL("no timeout");
    } catch (const koc::error& e) {
      CHECK(e.code() == koc::errc::timeout);
      CHECK(e.field() == "time_limit");
    }
    // Cancelled from another thread once the solve has started.
    std::atomic<bool> started{false}, stop{false};
    auto cancelled = opts(capacitated_objective::max_score, m);
    cancelled.control.progress_interval_seconds = 0;
    cancelled.control.progress = [&](const koc::solve_progress&) { started = true; };
    cancelled.control.cancel = [&] { return stop.load(); };
    std::thread other([&] {
      while (!started) std::this_thread::yield();
      stop = true;
    });
    bool threw = false;
    try {
      (void)koc::solve_capacitated_assignment(in.g, in.capacity, in.slots, cancelled);
    } catch (const koc::error& e) {
      threw = e.code() == koc::errc::cancelled;
    }
    other.join();
    // The solve may finish between two checks; then it must be the optimum.
    if (!threw) CHECK(stop.load());
    CHECK((threw || stop.load()));
    (void)r;
  }
}

TEST_CASE("the automatic method: the auction, shortest paths on long rows", "[capacitated]") {
  std::mt19937_64 rng(8);
  const auto short_rows = random_instance(rng, 200, 20, 0.5, 3, 20, 0, 50);      // 10 candidates per KOC
  const auto long_rows = random_instance(rng, 40, 260, 0.95, 20, 5, 0, 50);      // ~247 candidates per KOC
  const auto a = solve_checked(short_rows, opts(capacitated_objective::max_score));
  CHECK(a.duals.epsilon == 1);  // the auction's certificate
  const auto b = solve_checked(long_rows, opts(capacitated_objective::max_score));
  CHECK(b.duals.epsilon == 0);  // shortest paths
  CHECK(b.total_score_units == solve_checked(long_rows, opts(capacitated_objective::max_score, koc::capacitated_method::auction)).total_score_units);
}

TEST_CASE("integerising rounds exactly as llround, half away from zero", "[capacitated]") {
  std::mt19937_64 rng(99);
  std::vector<double> xs = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                            4503599627370495.5, -4503599627370495.5, 4503599627370496.0, 9007199254740993.0,
                            3.9e18, -3.9e18, 1e-300, -1e-300, 123456.5, -123456.5};
  std::uniform_real_distribution<double> unit(-1, 1);
  for (int i = 0; i < 200000; ++i) {
    const double scale = std::ldexp(1.0, static_cast<int>(rng() % 62));
    xs.push_back(unit(rng) * scale);
    xs.push_back(std::floor(unit(rng) * scale) + 0.5);  // exact halves
  }
  for (const double x : xs) {
    INFO(x);
    REQUIRE(koc::detail::round_half_away(x) == std::llround(x));
  }
}

namespace {
// The subgraph of `in` with the pairs flagged in `keep` (same KOC and task index spaces); `full_pair` maps
// each kept pair to its pair in `in`.
instance subgraph(const instance& in, const std::vector<std::uint8_t>& keep, std::vector<std::int64_t>& full_pair) {
  instance sub;
  sub.g.n_kocs = in.g.n_kocs;
  sub.g.n_tasks = in.g.n_tasks;
  sub.g.offsets = {0};
  full_pair.clear();
  for (std::size_t k = 0; k < in.g.n_kocs; ++k) {
    for (auto p = in.g.offsets[k]; p < in.g.offsets[k + 1]; ++p)
      if (keep[static_cast<std::size_t>(p)]) {
        sub.g.task.push_back(in.g.task[static_cast<std::size_t>(p)]);
        sub.g.score.push_back(in.g.score[static_cast<std::size_t>(p)]);
        full_pair.push_back(p);
      }
    sub.g.offsets.push_back(static_cast<std::int64_t>(sub.g.task.size()));
  }
  sub.capacity = in.capacity;
  sub.slots = in.slots;
  return sub;
}
}  // namespace

TEST_CASE("pricing: a reduced graph grown by its violations reaches the full graph's optimum", "[capacitated][pricing]") {
  std::mt19937_64 rng(2026);
  for (int it = 0; it < 60; ++it) {
    const std::size_t K = 5 + rng() % 60, T = 2 + rng() % 12;
    auto in = random_instance(rng, K, T, 0.5, 3, 6, -2, 10);
    for (auto m : both_methods) {
      const auto opt = opts(capacitated_objective::max_score, m);
      const auto full = solve_checked(in, opt);
      // Start from each KOC's first pair only, then add what the duals cannot price out.
      std::vector<std::uint8_t> keep(in.g.task.size(), 0);
      for (std::size_t k = 0; k < K; ++k)
        if (in.g.offsets[k + 1] > in.g.offsets[k]) keep[static_cast<std::size_t>(in.g.offsets[k])] = 1;
      std::vector<std::int32_t> koc_of;
      for (std::size_t k = 0; k < K; ++k)
        for (auto p = in.g.offsets[k]; p < in.g.offsets[k + 1]; ++p) koc_of.push_back(static_cast<std::int32_t>(k));
      int rounds = 0;
      for (;; ++rounds) {
        REQUIRE(rounds < 200);
        std::vector<std::int64_t> full_pair;
        const auto sub = subgraph(in, keep, full_pair);
        const auto r = solve_checked(sub, opt);
        std::vector<std::uint8_t> chosen(in.g.task.size(), 0);
        for (auto p : r.pair) chosen[static_cast<std::size_t>(full_pair[static_cast<std::size_t>(p)])] = 1;
        const auto bad = koc::capacitated_violations(koc_of, in.g.task, in.g.score, chosen, r, opt);
        // The solve's own pairs satisfy its certificate: every violation is a new pair.
        for (auto p : bad) CHECK(!keep[static_cast<std::size_t>(p)]);
        if (bad.empty()) {
          INFO("iteration " << it << " method " << static_cast<int>(m) << " rounds " << rounds);
          CHECK(r.total_score_units == full.total_score_units);
          break;
        }
        for (auto p : bad) keep[static_cast<std::size_t>(p)] = 1;
      }
    }
  }
}

TEST_CASE("pricing: a pair that would raise the total is reported, bad input is refused by row and field",
          "[capacitated][pricing]") {
  // One KOC, two tasks of one slot: the solve sees only the pair of score 1 (chosen: it satisfies its own
  // certificate); the unseen pair of score 5 breaks it, the unseen pair of score -1 is not an arc under
  // max_score.
  instance in;
  in.g.n_kocs = 1;
  in.g.n_tasks = 2;
  in.g.offsets = {0, 1};
  in.g.task = {0};
  in.g.score = {1.0};
  in.capacity = {1};
  in.slots = {1, 1};
  const auto opt = opts(capacitated_objective::max_score);
  const auto r = solve_checked(in, opt);
  const std::vector<std::int32_t> koc{0, 0, 0}, task{0, 1, 1};
  const std::vector<double> score{1.0, 5.0, -1.0};
  const std::vector<std::uint8_t> chosen{1, 0, 0};
  CHECK(koc::capacitated_violations(koc, task, score, chosen, r, opt) == std::vector<std::int64_t>{1});
  const auto code_field_row = [&](std::vector<std::int32_t> k, std::vector<std::int32_t> t, std::vector<double> s,
                                  std::vector<std::uint8_t> c, koc::capacitated_assignment_options o) {
    try {
      koc::capacitated_violations(k, t, s, c, r, o);
    } catch (const koc::error& e) {
      return std::make_tuple(e.code(), std::string(e.field()), e.row());
    }
    return std::make_tuple(koc::errc::ok, std::string(), std::int64_t{-1});
  };
  CHECK(code_field_row({0, 1}, {0, 0}, {1, 1}, {0, 0}, opt) == std::make_tuple(koc::errc::unknown_id, std::string("koc"), std::int64_t{1}));
  CHECK(code_field_row({0, 0}, {0, 2}, {1, 1}, {0, 0}, opt) == std::make_tuple(koc::errc::unknown_id, std::string("task"), std::int64_t{1}));
  CHECK(code_field_row({0}, {0}, {NAN}, {0}, opt) == std::make_tuple(koc::errc::invalid_value, std::string("score"), std::int64_t{0}));
  CHECK(code_field_row({0}, {0, 1}, {1}, {0}, opt) == std::make_tuple(koc::errc::length_mismatch, std::string("task"), std::int64_t{-1}));
  CHECK(code_field_row({0}, {0}, {1}, {2}, opt) == std::make_tuple(koc::errc::invalid_value, std::string("chosen"), std::int64_t{0}));
  auto fill = opt;
  fill.objective = capacitated_objective::max_fill_then_score;
  CHECK(std::get<0>(code_field_row({0}, {0}, {1}, {0}, fill)) == koc::errc::invalid_argument);
}

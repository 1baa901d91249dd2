// The C ABI gives exactly what the C++ API gives on the same input.
#include <catch2/catch.hpp>
#include <koc/koc.h>
#include <koc/matching/capacitated_assignment.hpp>
#include <koc/tiers.hpp>
#include <koc/tiers/policy_json.hpp>

#include "support/random_roster.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <tuple>
#include <vector>

TEST_CASE("C ABI classification equals the C++ API bit for bit", "[c_api][tiers]") {
  const auto r = koc::test::random_roster(2000, 21);
  const auto policy = koc::default_tier_policy();
  const auto expected = koc::classify(r, policy);

  koc_roster* cr = nullptr;
  REQUIRE(koc_roster_create(r.id.data(), r.size(), &cr) == KOC_OK);
  for (int m = 0; m < koc::n_builtin_metrics; ++m)
    REQUIRE(koc_roster_set_metric(cr, static_cast<koc_metric>(m), r.metrics[static_cast<std::size_t>(m)].data(), r.size()) == KOC_OK);
  REQUIRE(koc_roster_set_flag(cr, KOC_FLAG_HONORARY, r.honorary.data(), r.size()) == KOC_OK);
  REQUIRE(koc_roster_set_flag(cr, KOC_FLAG_INVITED, r.invited.data(), r.size()) == KOC_OK);
  REQUIRE(koc_roster_set_flag(cr, KOC_FLAG_CLEARANCE, r.clearance.data(), r.size()) == KOC_OK);
  REQUIRE(koc_roster_set_history(cr, r.previous_tier.data(), r.periods_below.data(), r.size()) == KOC_OK);
  koc_tier_policy* cp = nullptr;
  REQUIRE(koc_tier_policy_default(&cp) == KOC_OK);
  koc_tier_result* ct = nullptr;
  REQUIRE(koc_classify(cr, cp, nullptr, nullptr, nullptr, nullptr, 0, 0, &ct) == KOC_OK);

  std::vector<std::int32_t> col(r.size());
  REQUIRE(koc_tier_result_column(ct, KOC_TIER_FINAL, col.data(), col.size()) == KOC_OK);
  CHECK(col == expected.final_tier);
  REQUIRE(koc_tier_result_column(ct, KOC_TIER_PERIODS_BELOW, col.data(), col.size()) == KOC_OK);
  CHECK(col == expected.periods_below);
  const double* scores = nullptr;
  std::size_t n = 0;
  REQUIRE(koc_tier_result_scores(ct, &scores, &n) == KOC_OK);
  CHECK(std::memcmp(scores, expected.score.data(), n * sizeof(double)) == 0);
  const double* gaps = nullptr;
  std::size_t n_gaps = 0;
  REQUIRE(koc_tier_result_growth_gaps(ct, &gaps, &n_gaps, nullptr) == KOC_OK);
  CHECK(std::memcmp(gaps, expected.growth_gap.data(), n_gaps * n * sizeof(double)) == 0);
  std::size_t need = 0;
  REQUIRE(koc_tier_result_explain(ct, 7, nullptr, 0, &need) == KOC_OK);
  std::string text(need + 1, '\0');
  REQUIRE(koc_tier_result_explain(ct, 7, text.data(), text.size(), &need) == KOC_OK);
  text.resize(need);
  CHECK(text == koc::explain(r, policy, expected, 7));
  koc_tier_result_destroy(ct);
  koc_tier_policy_destroy(cp);
  koc_roster_destroy(cr);
}

TEST_CASE("no exception crosses the C boundary, even for internal misuse", "[c_api]") {
  koc_tier_policy* p = nullptr;
  // Deeply wrong JSON types are reported, not thrown.
  const char* json = R"({"schema": "koc.tier_policy/1", "metrics": 5, "tiers": []})";
  CHECK(koc_tier_policy_from_json(json, std::strlen(json), &p) == KOC_ERROR_INVALID_POLICY);
  CHECK(p == nullptr);
  CHECK(std::string(koc_last_error_field()) == "metrics");
}

// koc_capacitated_assignment against koc::solve_capacitated_assignment on the same graph. The C side
// gets the edges shuffled and sorts them with its own counting sort; this side builds the CSR with a
// comparison sort, so the two graph builders are independent of each other.
TEST_CASE("C capacitated assignment on an edge list equals the C++ solver", "[c_api][matching]") {
  std::mt19937_64 rng(20240605);
  int instances = 0;
  for (int round = 0; round < 160; ++round) {
    const bool big = round % 40 == 39;
    const std::size_t n_kocs = big ? 1500 : std::uniform_int_distribution<std::size_t>(0, 25)(rng);
    const std::size_t n_tasks = big ? 200 : std::uniform_int_distribution<std::size_t>(0, 15)(rng);
    const double density = std::uniform_real_distribution<double>(0.05, big ? 0.05 : 0.8)(rng);
    std::vector<std::int32_t> capacity(n_kocs), slots(n_tasks);
    for (auto& c : capacity) c = std::uniform_int_distribution<std::int32_t>(0, 3)(rng);
    for (auto& s : slots) s = rng() % 10 == 0 ? KOC_UNLIMITED_SLOTS : std::uniform_int_distribution<std::int32_t>(0, 4)(rng);
    struct edge { std::int32_t koc, task; double score; };
    std::vector<edge> edges;
    for (std::size_t k = 0; k < n_kocs; ++k)
      for (std::size_t t = 0; t < n_tasks; ++t)
        if (std::uniform_real_distribution<double>(0, 1)(rng) < density) {
          // Half the rounds use coarse scores, so ties (and the documented tie-break) matter.
          double w = std::uniform_real_distribution<double>(-1.0, 5.0)(rng);
          if (round % 2 == 0) w = std::round(w * 2) / 2;
          edges.push_back({static_cast<std::int32_t>(k), static_cast<std::int32_t>(t), w});
        }
    std::shuffle(edges.begin(), edges.end(), rng);
    std::vector<std::int32_t> kr, tc;
    std::vector<double> sc;
    for (const auto& e : edges) kr.push_back(e.koc), tc.push_back(e.task), sc.push_back(e.score);

    std::vector<std::int64_t> by_pair(edges.size());
    std::iota(by_pair.begin(), by_pair.end(), 0);
    std::sort(by_pair.begin(), by_pair.end(), [&](std::int64_t a, std::int64_t b) {
      return std::tie(kr[static_cast<std::size_t>(a)], tc[static_cast<std::size_t>(a)]) <
             std::tie(kr[static_cast<std::size_t>(b)], tc[static_cast<std::size_t>(b)]);
    });
    koc::candidate_graph g;
    g.n_kocs = n_kocs;
    g.n_tasks = n_tasks;
    g.offsets.assign(n_kocs + 1, 0);
    for (const auto e : by_pair) {
      const auto i = static_cast<std::size_t>(e);
      ++g.offsets[static_cast<std::size_t>(kr[i]) + 1];
      g.task.push_back(tc[i]);
      g.score.push_back(sc[i]);
    }
    for (std::size_t k = 0; k < n_kocs; ++k) g.offsets[k + 1] += g.offsets[k];

    for (const auto objective : {KOC_OBJECTIVE_MAX_SCORE, KOC_OBJECTIVE_MAX_FILL}) {
      koc::capacitated_assignment_options opt;
      opt.objective = objective == KOC_OBJECTIVE_MAX_SCORE ? koc::capacitated_objective::max_score
                                                           : koc::capacitated_objective::max_fill_then_score;
      const auto expected = koc::solve_capacitated_assignment(g, capacity, slots, opt);
      REQUIRE(koc::verify(g, capacity, slots, opt, expected).ok);

      koc_capacitated_result* r = nullptr;
      REQUIRE(koc_capacitated_assignment(kr.data(), tc.data(), sc.data(), kr.size(), capacity.data(), n_kocs,
                                         slots.data(), n_tasks, objective, 1e-6, &r) == KOC_OK);
      std::int32_t ok = 0;
      char msg[512];
      std::size_t need = 0;
      REQUIRE(koc_capacitated_result_verify(r, &ok, msg, sizeof msg, &need) == KOC_OK);
      INFO("round " << round << ", objective " << objective << ": " << msg);
      REQUIRE(ok == 1);
      ++instances;

      const std::int64_t* edge = nullptr;
      const std::int32_t *ck = nullptr, *ct = nullptr;
      std::size_t n = 0;
      REQUIRE(koc_capacitated_result_pairs(r, &edge, &ck, &ct, &n) == KOC_OK);
      REQUIRE(n == expected.pair.size());
      CHECK(std::vector<std::int32_t>(ck, ck + n) == expected.koc);
      CHECK(std::vector<std::int32_t>(ct, ct + n) == expected.task);
      for (std::size_t i = 0; i < n; ++i) CHECK(edge[i] == by_pair[static_cast<std::size_t>(expected.pair[i])]);
      double total = 0;
      std::int64_t units = 0;
      REQUIRE(koc_capacitated_result_total(r, &total, &units) == KOC_OK);
      CHECK(std::memcmp(&total, &expected.total_score, sizeof total) == 0);
      CHECK(units == expected.total_score_units);
      koc_capacitated_status st{};
      REQUIRE(koc_capacitated_result_status(r, &st) == KOC_OK);
      CHECK((st == KOC_CAPACITATED_OPTIMAL) == (expected.status == koc::capacitated_status::optimal));

      const std::int32_t *load = nullptr, *filled = nullptr;
      const std::uint8_t *kreason = nullptr, *treason = nullptr;
      std::size_t nk = 0, nt = 0;
      REQUIRE(koc_capacitated_result_kocs(r, &load, &kreason, &nk) == KOC_OK);
      REQUIRE(koc_capacitated_result_tasks(r, &filled, &treason, &nt) == KOC_OK);
      REQUIRE((nk == n_kocs && nt == n_tasks));
      CHECK(std::vector<std::int32_t>(load, load + nk) == expected.koc_load);
      CHECK(std::vector<std::int32_t>(filled, filled + nt) == expected.task_filled);
      for (std::size_t k = 0; k < nk; ++k) CHECK(kreason[k] == static_cast<std::uint8_t>(expected.koc_reason[k]));
      for (std::size_t t = 0; t < nt; ++t) CHECK(treason[t] == static_cast<std::uint8_t>(expected.task_reason[t]));
      const std::int64_t *kp = nullptr, *tp = nullptr;
      std::int64_t sp = 0;
      REQUIRE(koc_capacitated_result_duals(r, &kp, &tp, &sp) == KOC_OK);
      CHECK(std::vector<std::int64_t>(kp, kp + nk) == expected.duals.koc_potential);
      CHECK(std::vector<std::int64_t>(tp, tp + nt) == expected.duals.task_potential);
      CHECK(sp == expected.duals.source_potential);
      koc_capacitated_result_destroy(r);
    }
  }
  CHECK(instances == 320);
}

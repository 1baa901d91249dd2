#include <catch2/catch.hpp>
#include <koc/matching/capacitated_assignment.hpp>
#include <koc/matching/fit.hpp>
#include <koc/matching/policy_json.hpp>

#include "support/random_matching.hpp"

#include <cmath>
#include <limits>

using namespace koc;

namespace {

struct fit_case {
  task_table t;
  koc_profiles k;
  std::vector<std::int64_t> pk, pt;
  std::vector<std::int32_t> pr;
  fit_case() {
    // Task 0: knowledge / continuous, skills 1 (>= 2) and 2 (>= 4), audience bits {0, 1, 2}.
    // Task 1: social / instant, no skills, no audience target.
    t.id = {500, 501};
    t.asset = {static_cast<std::uint8_t>(asset_type::knowledge), static_cast<std::uint8_t>(asset_type::social)};
    t.horizon = {static_cast<std::uint8_t>(task_horizon::continuous), static_cast<std::uint8_t>(task_horizon::instant)};
    t.direction = {0, 1};
    t.slots = {1, unlimited_slots};
    t.n_skills = 3;
    t.required_skill = {0, 2, 4, 0, 0, 0};
    t.audience = {0b0111, 0};
    // KOC 0: active (tier 1), skills (9, 3, 5), audience {1, 2, 5}; KOC 1: entry, honorary.
    k.id = {1, 2};
    k.tier = {1, 0};
    k.capacity = {1, 1};
    k.n_skills = 3;
    k.skill = {9, 3, 5, 0, 0, 0};
    k.audience = {0b100110, 0};
    k.recent_tasks = {5, 0};
    k.honorary = {0, 1};
    k.quality = {0.8, 0.25};
    k.on_time_rate = {0.9, 0.5};
    pk = {1};
    pt = {500};
    pr = {2};
  }
  koc_preferences_view prefs() const { return {pk, pt, pr}; }
};

}  // namespace

TEST_CASE("fit terms on hand cases", "[fit]") {
  fit_case x;
  const auto policy = default_matching_policy();
  const auto ladder = default_tier_policy();
  const fit_scorer f(x.t.view(), x.k.view(), policy, ladder, x.prefs());
  const auto a = f.terms(0, 0);
  CHECK(a[0] == Approx((3.0 / 5 + 1.0) / 2));  // skill levels 3 and 5 (capped) over skill_level_max 5
  CHECK(a[1] == Approx(2.0 / 3));              // 2 of the 3 target segments
  CHECK(a[2] == 0.5);                          // active fits knowledge, not continuous
  CHECK(a[3] == 0.8);
  CHECK(a[4] == 0.9);
  CHECK(a[5] == 0.5);  // rank 2
  CHECK(a[6] == 0.5);  // 5 recent tasks, half count 5
  CHECK(f.score(0, 0) == Approx(30 * 0.8 + 15 * (2.0 / 3) + 20 * 0.5 + 10 * 0.8 + 10 * 0.9 + 15 * 0.5 - 10 * 0.5));
  const auto b = f.terms(0, 1);
  CHECK(b[0] == 1.0);  // nothing required
  CHECK(b[1] == 1.0);  // no target
  CHECK(b[2] == 1.0);  // active fits social and instant
  CHECK(b[5] == 0.0);  // not ranked
  const auto c = f.terms(1, 0);
  CHECK(c[0] == 0.0);
  CHECK(c[1] == 0.0);
  CHECK(c[2] == 0.5);  // honorary status fits continuous; entry does not fit knowledge
  CHECK(c[6] == 0.0);
  CHECK(f.rank_of(0, 0) == 2);
  CHECK(f.rank_of(1, 0) == 0);
}

TEST_CASE("batch scores equal per-pair scores bit for bit", "[fit]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto x = test::random_matching_instance(200, 30, seed);
    const auto policy = default_matching_policy();
    const auto ladder = default_tier_policy();
    const auto e = build_candidates(x.tasks.view(), x.kocs.view(), policy, ladder, x.declines(), x.preferences());
    const fit_scorer f(x.tasks.view(), x.kocs.view(), policy, ladder, x.preferences());
    REQUIRE_NOTHROW(validate(e.graph.view()));
    for (std::size_t k = 0; k < e.graph.n_kocs; ++k)
      for (auto p = e.graph.offsets[k]; p < e.graph.offsets[k + 1]; ++p) {
        const auto t = static_cast<std::size_t>(e.graph.task[static_cast<std::size_t>(p)]);
        const double s = e.graph.score[static_cast<std::size_t>(p)];
        REQUIRE(s == f.score(k, t));
        REQUIRE(s >= -policy.weights.rotation);
        REQUIRE(s <= 100.0);
      }
    const auto again = build_candidates(x.tasks.view(), x.kocs.view(), policy, ladder, x.declines(), x.preferences());
    REQUIRE(again.graph.score == e.graph.score);
  }
}

TEST_CASE("matching policy JSON round trip", "[fit]") {
  const auto ladder = default_tier_policy();
  auto p = default_matching_policy();
  CHECK(matching_policy_from_json(matching_policy_to_json(p), ladder) == p);
  p.weights.skill = 12.5;
  p.weights.rotation = 0;
  p.skill_level_max = 10;
  p.rotation_half_count = 0.75;
  p.tier_fit_asset[0] = {"core"};
  p.tier_fit_horizon[3] = {"honorary", "ambassador"};
  const auto text = matching_policy_to_json(p);
  const auto q = matching_policy_from_json(text, ladder);
  CHECK(q == p);
  CHECK(matching_policy_to_json(q) == text);
  // Absent keys keep their defaults.
  const auto r = matching_policy_from_json(R"({"schema": "koc.matching_policy/1", "weights": {"audience": 1}})", ladder);
  CHECK(r.weights.audience == 1);
  CHECK(r.weights.skill == default_matching_policy().weights.skill);
  CHECK(r.tier_fit_asset == default_matching_policy().tier_fit_asset);
}

TEST_CASE("matching policy errors name the JSON path", "[fit]") {
  const auto ladder = default_tier_policy();
  auto expect = [&](const std::string& text, errc code, const std::string& field) {
    try {
      matching_policy_from_json(text, ladder);
      FAIL("no error for " << text);
    } catch (const error& e) {
      CHECK(e.code() == code);
      CHECK(e.field() == field);
    }
  };
  expect(R"({"schema": "koc.matching_policy/1", "tier_fit": {"asset": {"social": ["entry", "legend"]}}})",
         errc::unknown_name, "tier_fit.asset.social[1]");
  expect(R"({"schema": "koc.matching_policy/1", "tier_fit": {"horizon": {"weekly": []}}})", errc::unknown_name,
         "tier_fit.horizon.weekly");
  expect(R"({"schema": "koc.matching_policy/1", "weights": {"skill": -1}})", errc::invalid_policy, "weights.skill");
  expect(R"({"schema": "koc.matching_policy/1", "weights": {"skil": 1}})", errc::invalid_policy, "weights.skil");
  expect(R"({"schema": "koc.matching_policy/1", "skill_level_max": 0})", errc::invalid_policy, "skill_level_max");
  expect(R"({"schema": "koc.tier_policy/1"})", errc::invalid_policy, "$.schema");
  expect(R"({"schema": "koc.matching_policy/1", "weights": {"quality": "high"}})", errc::invalid_policy, "weights.quality");
  expect("{not json", errc::invalid_policy, "$");
}

TEST_CASE("fit refuses bad preferences and profiles naming row and field", "[fit]") {
  fit_case x;
  const auto policy = default_matching_policy();
  const auto ladder = default_tier_policy();
  auto expect = [&](errc code, std::int64_t row, const std::string& field) {
    try {
      fit_scorer(x.t.view(), x.k.view(), policy, ladder, x.prefs());
      FAIL("no error");
    } catch (const error& e) {
      CHECK(e.code() == code);
      CHECK(e.row() == row);
      CHECK(e.field() == field);
    }
  };
  SECTION("unknown task") { x.pk = {1, 2}; x.pt = {500, 999}; x.pr = {1, 1}; expect(errc::unknown_id, 1, "task_id"); }
  SECTION("rank 0") { x.pr = {0}; expect(errc::invalid_value, 0, "rank"); }
  SECTION("ranked twice") { x.pk = {1, 1}; x.pt = {500, 500}; x.pr = {1, 2}; expect(errc::duplicate_id, 1, "task_id"); }
  SECTION("quality out of range") { x.k.quality = {0.5, std::nan("")}; expect(errc::invalid_value, 1, "quality"); }
  SECTION("tier not on the ladder") { x.k.tier = {1, 4}; expect(errc::unknown_name, 1, "tier"); }
  SECTION("mismatched preference columns") { x.pr = {1, 2}; expect(errc::length_mismatch, -1, "rank"); }
}

TEST_CASE("user score matrix and edge list become candidate graphs", "[fit]") {
  const double ninf = -std::numeric_limits<double>::infinity();
  score_matrix s(2, 3);
  s << 1.0, ninf, 3.0,  //
      0.5, 2.0, std::nan("");
  forbidden_matrix f = forbidden_matrix::Zero(2, 3);
  f(1, 2) = 1;
  const auto g = candidates_from_dense(s, f);
  REQUIRE_NOTHROW(validate(g.view()));
  CHECK(g.offsets == std::vector<std::int64_t>{0, 2, 4});
  CHECK(g.task == std::vector<std::int32_t>{0, 2, 0, 1});
  CHECK(g.score == std::vector<double>{1.0, 3.0, 0.5, 2.0});
  try {
    candidates_from_dense(s);
    FAIL("NaN accepted");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_value);
    CHECK(e.row() == 1);
    CHECK(e.field() == "score[2]");
  }
  CHECK_THROWS_AS(candidates_from_dense(s, forbidden_matrix::Zero(3, 2)), error);

  const std::vector<std::int32_t> kk = {1, 0, 1, 0}, tt = {2, 1, 0, 0};
  const std::vector<double> ss = {0.1, 0.2, 0.3, 0.4};
  const auto h = candidates_from_edges(2, 3, kk, tt, ss);
  REQUIRE_NOTHROW(validate(h.view()));
  CHECK(h.offsets == std::vector<std::int64_t>{0, 2, 4});
  CHECK(h.task == std::vector<std::int32_t>{0, 1, 0, 2});
  CHECK(h.score == std::vector<double>{0.4, 0.2, 0.3, 0.1});
  auto edge_error = [&](std::vector<std::int32_t> k2, std::vector<std::int32_t> t2, std::vector<double> s2, errc code,
                        std::int64_t row, const char* field) {
    try {
      candidates_from_edges(2, 3, k2, t2, s2);
      FAIL("accepted");
    } catch (const error& e) {
      CHECK(e.code() == code);
      CHECK(e.row() == row);
      CHECK(e.field() == field);
    }
  };
  edge_error({0, 1, 0}, {1, 1, 1}, {1, 1, 1}, errc::duplicate_id, 2, "task");
  edge_error({0, 2}, {1, 1}, {1, 1}, errc::unknown_id, 1, "koc");
  edge_error({0, 1}, {1, 3}, {1, 1}, errc::unknown_id, 1, "task");
  edge_error({0, 1}, {1, 2}, {1, std::nan("")}, errc::invalid_value, 1, "score");
  edge_error({0, 1}, {1}, {1, 1}, errc::length_mismatch, -1, "task");
  // The duplicate row is the first row, in input order, that repeats an earlier pair: pair (1, 0) at row 2,
  // although pair (0, 0), which sorts first, repeats later (row 3). Every front names row 2.
  edge_error({0, 1, 1, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}, errc::duplicate_id, 2, "task");
  edge_error({1, 0, 1, 1, 0}, {2, 1, 2, 2, 1}, {1, 1, 1, 1, 1}, errc::duplicate_id, 2, "task");
  // Rows are checked in input order, each row's indices before its score.
  edge_error({0, 5, 0}, {1, 1, 7}, {std::nan(""), 1, 1}, errc::invalid_value, 0, "score");
  edge_error({0, 0, 5}, {1, 7, 1}, {1, 1, 1}, errc::unknown_id, 1, "task");
}

TEST_CASE("edge-list builder: where each pair came from, and solver errors named by edge row", "[fit][candidates]") {
  const std::vector<std::int32_t> kk = {1, 0, 1, 0}, tt = {2, 1, 0, 0};
  const std::vector<double> ss = {0.1, 0.2, 0.3, 1e300};
  const auto e = candidate_graph_from_edges(2, 3, kk, tt, ss);
  CHECK(e.edge_of_pair == std::vector<std::int64_t>{3, 1, 2, 0});
  for (std::size_t p = 0; p < e.edge_of_pair.size(); ++p)
    CHECK(e.graph.score[p] == ss[static_cast<std::size_t>(e.edge_of_pair[p])]);
  // The solver names the pair (index 0 of the sorted graph); the caller gave it in row 3.
  try {
    (void)solve_capacitated_assignment(e.graph, std::vector<std::int32_t>{1, 1}, std::vector<std::int32_t>{1, 1, 1}, {});
    FAIL("accepted");
  } catch (const error& x) {
    CHECK(x.code() == errc::overflow);
    CHECK(x.row() == 0);
    const error y = e.at_edge_row(x);
    CHECK(y.code() == errc::overflow);
    CHECK(y.row() == 3);
    CHECK(y.field() == "score");
    CHECK(y.detail() == x.detail());
  }
  const error other(errc::invalid_value, "capacity is negative", 1, "capacity");
  CHECK(e.at_edge_row(other).row() == 1);
}

// Each weight was checked to be finite, but weights near the largest double summed past it: the fit
// scores came out +inf (the solvers then refused the graph with a message about a score the caller never
// gave). The weights other than rotation must now have a finite sum, which keeps every score finite.
TEST_CASE("matching weights whose sum overflows are refused; the largest finite sum gives finite scores", "[fit]") {
  const auto ladder = default_tier_policy();
  matching_policy p = default_matching_policy();
  const double big = std::numeric_limits<double>::max() / 4;
  p.weights = {big, big, big, big, big, big, std::numeric_limits<double>::max()};
  try {
    (void)resolve(p, ladder);
    FAIL("no error");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_policy);
    CHECK(e.field() == "weights");
  }
  p.weights = {big, big, big, big / 2, big / 4, big / 8, std::numeric_limits<double>::max()};
  fit_case c;
  const fit_scorer f(c.t.view(), c.k.view(), p, ladder, c.prefs());
  for (std::size_t k = 0; k < 2; ++k)
    for (std::size_t t = 0; t < 2; ++t) CHECK(std::isfinite(f.score(k, t)));
}

TEST_CASE("matching_policy_problems lists every invalid field; matching_policy_from_json throws the first", "[fit][policy][validate]") {
  const std::string text = R"({"schema": "koc.matching_policy/1", "weights": {"skill": -1, "audience": "x", "wat": 2},
     "skill_level_max": 0, "tier_fit": {"asset": {"social": ["entry", 3, "nobody"]}}})";
  const auto all = matching_policy_problems(text, default_tier_policy());
  std::vector<std::string> fields;
  for (const auto& e : all) fields.push_back(e.field());
  CHECK(fields == std::vector<std::string>{"weights.wat", "weights.audience", "tier_fit.asset.social[1]", "weights.skill",
                                           "skill_level_max", "tier_fit.asset.social[2]"});
  CHECK(all[5].code() == errc::unknown_name);
  CHECK_THROWS_WITH(matching_policy_from_json(text, default_tier_policy()), all[0].what());
  CHECK(matching_policy_problems(matching_policy_to_json(default_matching_policy())).empty());
}

#include <catch2/catch.hpp>
#include <koc/tiers.hpp>

#include "support/random_roster.hpp"

#include <cmath>
#include <limits>

using namespace koc;

namespace {

// One metric (quality, score = 100 · quality) so every score in a test is obvious.
tier_policy quality_only_policy() {
  tier_policy p;
  p.metrics = {{metric::quality, 100, normalisation::none, 1, false}};
  p.tiers = {{"entry", 0, 0, 0, {}}, {"active", 50, 40, 1, {}}, {"core", 80, 70, 2, {}}};
  p.honorary.floor_tier = 1;
  return p;
}

roster one_koc(double quality, std::int32_t prev, std::int32_t below) {
  roster r;
  r.id = {42};
  r.column(metric::quality) = {quality};
  r.previous_tier = {prev};
  r.periods_below = {below};
  return r;
}

struct period {
  double quality;
  const char* tier;
  tier_transition why;
  std::int32_t counter;
};

}  // namespace

TEST_CASE("hysteresis over a sequence of periods", "[tiers][hysteresis]") {
  const auto p = quality_only_policy();
  // Feed each period's result back as the next period's previous tier and counter.
  const std::vector<period> seq = {
      {0.85, "core", tier_transition::entered, 0},
      {0.75, "core", tier_transition::held_by_margin, 0},  // below promote 80, above keep 70
      {0.60, "core", tier_transition::held_by_grace, 1},
      {0.60, "core", tier_transition::held_by_grace, 2},
      {0.60, "active", tier_transition::demoted, 0},       // grace of 2 periods used up
      {0.30, "active", tier_transition::held_by_grace, 1},
      {0.30, "entry", tier_transition::demoted, 0},
      {0.90, "core", tier_transition::promoted, 0},        // promotion may jump several tiers
      {0.10, "core", tier_transition::held_by_grace, 1},
      {0.10, "core", tier_transition::held_by_grace, 2},
      {0.10, "active", tier_transition::demoted, 0},       // at most one step down per period
      {0.10, "active", tier_transition::held_by_grace, 1},
      {0.55, "active", tier_transition::unchanged, 0},     // back above: counter resets
      {0.81, "core", tier_transition::promoted, 0},
  };
  std::int32_t prev = -1, below = 0;
  for (std::size_t k = 0; k < seq.size(); ++k) {
    INFO("period " << k);
    const auto r = one_koc(seq[k].quality, prev, below);
    const auto t = classify(r, p);
    CHECK(p.tiers[static_cast<std::size_t>(t.final_tier[0])].name == seq[k].tier);
    CHECK(t.transition_of(0) == seq[k].why);
    CHECK(t.periods_below[0] == seq[k].counter);
    prev = t.final_tier[0];
    below = t.periods_below[0];
  }
}

TEST_CASE("max_demotion_steps allows larger drops when configured", "[tiers][hysteresis]") {
  auto p = quality_only_policy();
  p.max_demotion_steps = 2;
  const auto t = classify(one_koc(0.1, 2, 5), p);
  CHECK(t.final_tier[0] == 0);
  CHECK(t.transition_of(0) == tier_transition::demoted);
}

TEST_CASE("gates block a tier and are reported", "[tiers][gates]") {
  const auto p = default_tier_policy();
  roster r = test::random_roster(1, 1);
  for (auto& c : r.metrics) c[0] = 0;
  // A strong KOC: saturate every score term.
  r.column(metric::posts)[0] = 1000;
  r.column(metric::interactions)[0] = 1e6;
  r.column(metric::views)[0] = 1e8;
  r.column(metric::followers)[0] = 1e7;
  r.column(metric::leads)[0] = 1000;
  r.column(metric::tasks_completed)[0] = 50;
  r.column(metric::on_time_rate)[0] = 1;
  r.column(metric::quality)[0] = 0.9;
  r.column(metric::tenure_days)[0] = 100;  // core needs 180
  r.column(metric::loyalty)[0] = 1;
  r.invited[0] = 0;
  r.honorary[0] = 0;
  r.previous_tier[0] = -1;
  r.periods_below[0] = 0;

  SECTION("tenure gate stops core; ambassador's score passes too, so it is the blocked tier") {
    const auto t = classify(r, p);
    CHECK(t.score[0] > 75);
    CHECK(t.final_tier[0] == 1);
    CHECK(t.blocked_tier[0] == 3);
    CHECK(describe(p.tiers[3].gates[static_cast<std::size_t>(t.blocked_gate[0])], p) == "invitation required");
  }
  SECTION("with tenure met, the invitation gate is what stops ambassador") {
    r.column(metric::tenure_days)[0] = 400;
    const auto t = classify(r, p);
    CHECK(t.final_tier[0] == 2);
    CHECK(t.blocked_tier[0] == 3);
    CHECK(t.blocked_gate[0] == 0);
    r.invited[0] = 1;
    const auto u = classify(r, p);
    CHECK(u.final_tier[0] == 3);
    CHECK(u.blocked_tier[0] == -1);
    CHECK(u.blocked_gate[0] == -1);
  }
  SECTION("quality gate") {
    r.column(metric::tenure_days)[0] = 400;
    r.column(metric::quality)[0] = 0.69;
    const auto t = classify(r, p);
    CHECK(t.final_tier[0] == 1);
    CHECK(t.blocked_tier[0] == 3);
    r.invited[0] = 1;  // now ambassador's only failing gate would be... none; core's quality gate fails
    const auto u = classify(r, p);
    CHECK(u.final_tier[0] == 3);  // ambassador's own gates (invitation) pass: gates are per tier
  }
  SECTION("metric max gate") {
    auto q = p;
    q.tiers[1].gates.push_back({tier_gate::kind::metric_max, metric::days_since_active, 30});
    r.column(metric::tenure_days)[0] = 10;
    r.column(metric::days_since_active)[0] = 45;
    const auto t = classify(r, q);
    CHECK(t.final_tier[0] == 0);
    CHECK(t.blocked_tier[0] == 3);
  }
}

TEST_CASE("honorary KOCs never fall below the honorary floor", "[tiers][honorary]") {
  const auto p = quality_only_policy();  // floor = active
  roster r = one_koc(0.05, 2, 10);
  r.honorary = {1};
  auto t = classify(r, p);
  CHECK(t.final_tier[0] == 1);  // demoted one step, core → active, which is the floor anyway
  CHECK(t.transition_of(0) == tier_transition::demoted);
  r.previous_tier = {1};
  t = classify(r, p);
  CHECK(t.final_tier[0] == 1);
  CHECK(t.transition_of(0) == tier_transition::held_by_honorary_floor);
  CHECK(t.honorary[0] == 1);
  r.previous_tier = {-1};
  t = classify(r, p);
  CHECK(t.final_tier[0] == 1);
  CHECK(t.transition_of(0) == tier_transition::held_by_honorary_floor);

  SECTION("lifetime rule grants the status without the flag") {
    auto q = p;
    q.honorary.lifetime_enabled = true;
    q.honorary.lifetime_minimums = {{metric::quality, 0.01}};
    r.honorary = {0};
    t = classify(r, q);
    CHECK(t.honorary[0] == 1);
    CHECK(t.final_tier[0] == 1);
    r.column(metric::quality) = {0.0};
    t = classify(r, q);
    CHECK(t.honorary[0] == 0);
    CHECK(t.final_tier[0] == 0);
  }
}

TEST_CASE("overrides win and are reported with their reason", "[tiers][overrides]") {
  const auto p = quality_only_policy();
  roster r;
  r.id = {5, 3, 9};
  r.column(metric::quality) = {0.1, 0.6, 0.9};
  const std::vector<tier_override> ov = {{9, 0, "paused: brand-safety review"}, {5, 2, "CEO's pick"}};
  const auto t = classify(r, p, ov);
  CHECK(t.computed_tier == std::vector<std::int32_t>{0, 1, 2});
  CHECK(t.final_tier == std::vector<std::int32_t>{2, 1, 0});
  CHECK(t.override_index == std::vector<std::int32_t>{1, -1, 0});
  CHECK(t.transition_of(0) == tier_transition::overridden);
  CHECK(t.transition_of(1) == tier_transition::entered);
  CHECK(explain(r, p, t, 2, ov).find("brand-safety review") != std::string::npos);

  auto expect_error = [&](std::vector<tier_override> bad, errc code, std::int64_t row, const char* field) {
    try {
      (void)classify(r, p, bad);
      FAIL("expected koc::error");
    } catch (const error& e) {
      CHECK(e.code() == code);
      CHECK(e.row() == row);
      CHECK(e.field() == field);
    }
  };
  expect_error({{5, 1, "x"}, {77, 1, "x"}}, errc::unknown_id, 1, "koc_id");
  expect_error({{5, 7, "x"}}, errc::unknown_name, 0, "tier");
  expect_error({{5, 1, ""}}, errc::invalid_argument, 0, "reason");
  expect_error({{5, 1, "a"}, {5, 2, "b"}}, errc::duplicate_id, 1, "koc_id");
}

TEST_CASE("percentile normalisation: mid-rank, ties share a value", "[tiers][normalisation]") {
  tier_policy p = quality_only_policy();
  p.metrics = {{metric::followers, 100, normalisation::percentile, 1, false}};
  roster r;
  r.id = {1, 2, 3, 4, 5};
  r.column(metric::followers) = {2, 1, 3, 2, 1e9};
  const auto t = classify(r, p);
  // sorted: 1, 2, 2, 3, 1e9; f = (2·less + equal − 1) / (2·4)
  CHECK(t.score[0] == Approx(100 * 3.0 / 8));
  CHECK(t.score[3] == t.score[0]);
  CHECK(t.score[1] == 0.0);
  CHECK(t.score[2] == Approx(100 * 6.0 / 8));
  CHECK(t.score[4] == 100.0);  // the celebrity is only one rank above the next KOC
  roster single;
  single.id = {1};
  single.column(metric::followers) = {10};
  CHECK(classify(single, p).score[0] == 50.0);
}

TEST_CASE("log1p and cap saturate; invert rewards lower values; min_max spans the roster", "[tiers][normalisation]") {
  tier_policy p = quality_only_policy();
  p.metrics = {{metric::followers, 50, normalisation::log1p, 1e6, false},
               {metric::days_since_active, 30, normalisation::cap, 90, true},
               {metric::leads, 20, normalisation::min_max, 1, false}};
  roster r;
  r.id = {1, 2, 3};
  r.column(metric::followers) = {0, 1e6, 1e9};
  r.column(metric::days_since_active) = {0, 45, 365};
  r.column(metric::leads) = {10, 20, 30};
  const auto t = classify(r, p);
  CHECK(t.contribution(0, 0) == 0.0);
  CHECK(t.contribution(1, 0) == 50.0);
  CHECK(t.contribution(2, 0) == 50.0);
  CHECK(t.contribution(0, 1) == 30.0);
  CHECK(t.contribution(1, 1) == Approx(15.0));
  CHECK(t.contribution(2, 1) == 0.0);
  CHECK(t.contribution(0, 2) == 0.0);
  CHECK(t.contribution(1, 2) == Approx(10.0));
  CHECK(t.contribution(2, 2) == 20.0);
}

TEST_CASE("contributions sum exactly to the score", "[tiers][property]") {
  const auto p = default_tier_policy();
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto r = test::random_roster(500, seed);
    const auto t = classify(r, p);
    for (std::size_t i = 0; i < r.size(); ++i) {
      double s = 0;
      for (std::size_t u = 0; u < t.terms.size(); ++u) s += t.contribution(i, u);
      REQUIRE(s == t.score[i]);
      REQUIRE(t.score[i] >= 0);
      REQUIRE(t.score[i] <= 100 + 1e-9);
    }
  }
}

namespace {
// Honorary-gated top tier with a lifetime rule: tenure can open the gate through the rule.
tier_policy honorary_gate_policy() {
  auto p = default_tier_policy();
  p.tiers[3].gates = {{tier_gate::kind::honorary, metric::posts, 0}};
  return p;
}
tier_policy mixed_policy() {
  auto p = default_tier_policy();
  p.metrics[3].norm = normalisation::percentile;        // followers
  p.metrics[2].norm = normalisation::min_max;           // views
  p.metrics[10].norm = normalisation::percentile;       // days_since_active, inverted
  return p;
}
}  // namespace

TEST_CASE("applying a reported growth gap really promotes, and less does not", "[tiers][growth][property]") {
  const std::vector<tier_policy> policies = {default_tier_policy(), mixed_policy(), honorary_gate_policy()};
  std::size_t checked = 0, unreachable = 0;
  for (std::size_t pi = 0; pi < policies.size(); ++pi) {
    const auto& p = policies[pi];
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      const auto base = test::random_roster(60, 100 * pi + seed);
      const auto t = classify(base, p);
      for (std::size_t i = 0; i < base.size(); ++i) {
        if (t.next_tier[i] < 0) continue;
        for (std::size_t k = 0; k < t.gap_metrics.size(); ++k) {
          const double gap = t.gap(i, k);
          REQUIRE(gap >= 0);
          if (!std::isfinite(gap)) { ++unreachable; continue; }
          const metric m = t.gap_metrics[k];
          const double sign = gap_sign_negative(p, m) ? -1.0 : 1.0;
          roster r = base;
          r.column(m)[i] = base.metrics[static_cast<std::size_t>(m)][i] + sign * gap;
          const auto u = classify(r, p);
          INFO("policy " << pi << " seed " << seed << " row " << i << " metric " << metric_name(m) << " gap " << gap);
          REQUIRE(u.computed_tier[i] >= t.next_tier[i]);
          if (gap > 0 && metric_is_integral(m)) {
            r.column(m)[i] = base.metrics[static_cast<std::size_t>(m)][i] + sign * (gap - 1);
            REQUIRE(classify(r, p).qualified_tier[i] < t.next_tier[i]);
          }
          ++checked;
        }
      }
    }
  }
  CHECK(checked > 300);
  CHECK(unreachable > 0);
}

TEST_CASE("a gate only an invitation can open makes every metric unreachable", "[tiers][growth]") {
  auto p = quality_only_policy();
  p.tiers[2].gates = {{tier_gate::kind::invited, metric::posts, 0}};
  const auto t = classify(one_koc(0.6, 1, 0), p);
  REQUIRE(t.next_tier[0] == 2);
  CHECK(std::isinf(t.gap(0, 0)));
  CHECK(explain(one_koc(0.6, 1, 0), p, t, 0).find("no single metric suffices") != std::string::npos);
  const auto u = classify(one_koc(0.6, 1, 0), quality_only_policy());
  CHECK(u.gap(0, 0) == Approx(0.2));
}

TEST_CASE("bad roster input names the row and the field", "[tiers][errors]") {
  const auto p = default_tier_policy();
  auto expect = [&](const roster& r, errc code, std::int64_t row, const std::string& field) {
    try {
      (void)classify(r, p);
      FAIL("expected koc::error");
    } catch (const error& e) {
      INFO(e.what());
      CHECK(e.code() == code);
      CHECK(e.row() == row);
      CHECK(e.field() == field);
    }
  };
  const auto good = test::random_roster(10, 3);
  {
    auto r = good;
    r.column(metric::followers)[4] = std::numeric_limits<double>::quiet_NaN();
    expect(r, errc::invalid_value, 4, "followers");
  }
  {
    auto r = good;
    r.column(metric::views)[2] = std::numeric_limits<double>::infinity();
    expect(r, errc::invalid_value, 2, "views");
  }
  {
    auto r = good;
    r.column(metric::posts)[7] = -1;
    expect(r, errc::invalid_value, 7, "posts");
  }
  {
    auto r = good;
    r.column(metric::on_time_rate)[1] = 1.5;
    expect(r, errc::out_of_range, 1, "on_time_rate");
  }
  {
    auto r = good;
    r.id[6] = r.id[2];
    expect(r, errc::duplicate_id, 6, "id");
  }
  {
    auto r = good;
    r.previous_tier[3] = 4;
    expect(r, errc::unknown_name, 3, "previous_tier");
  }
  {
    auto r = good;
    r.periods_below[5] = -2;
    expect(r, errc::invalid_value, 5, "periods_below");
  }
  {
    auto r = good;
    r.column(metric::leads).pop_back();
    expect(r, errc::length_mismatch, -1, "leads");
  }
  {
    auto r = good;
    r.column(metric::loyalty).clear();
    expect(r, errc::invalid_argument, -1, "loyalty");
  }
  {
    auto r = good;
    r.invited.push_back(1);
    expect(r, errc::length_mismatch, -1, "invited");
  }
}

TEST_CASE("bad policies name the field", "[tiers][errors][policy]") {
  auto expect = [](tier_policy p, errc code, const std::string& field) {
    try {
      validate(p);
      FAIL("expected koc::error");
    } catch (const error& e) {
      INFO(e.what());
      CHECK(e.code() == code);
      CHECK(e.field() == field);
    }
  };
  auto p = default_tier_policy();
  {
    auto q = p;
    q.tiers[2].promote_threshold = 20;
    q.tiers[2].keep_threshold = 15;
    expect(q, errc::invalid_policy, "tiers[2].promote_threshold");
  }
  {
    auto q = p;
    for (auto& w : q.metrics) w.weight = 0;
    expect(q, errc::invalid_policy, "metrics");
  }
  {
    auto q = p;
    q.tiers[1].keep_threshold = 99;
    expect(q, errc::invalid_policy, "tiers[1].keep_threshold");
  }
  {
    auto q = p;
    q.metrics[0].weight = std::nan("");
    expect(q, errc::invalid_policy, "metrics[0].weight");
  }
  {
    auto q = p;
    q.tiers[3].name = "core";
    expect(q, errc::invalid_policy, "tiers[3].name");
  }
  {
    auto q = p;
    q.metrics[1].reference = 0;
    expect(q, errc::invalid_policy, "metrics[1].reference");
  }
}

TEST_CASE("same input, same output, bit for bit", "[tiers][determinism]") {
  const auto r = test::random_roster(2000, 9);
  const auto p = mixed_policy();
  const auto a = classify(r, p), b = classify(r, p);
  CHECK(a.score == b.score);
  CHECK(a.final_tier == b.final_tier);
  CHECK(std::memcmp(a.growth_gap.data(), b.growth_gap.data(), a.growth_gap.size() * sizeof(double)) == 0);
}

TEST_CASE("an empty part of a roster classifies to empty columns", "[tiers]") {
  roster r;
  const tier_reference ref = tier_reference_of(test::random_roster(10, 15), default_tier_policy());
  classify_options opt;
  opt.reference = &ref;
  const auto t = classify(r, default_tier_policy(), {}, opt);
  CHECK(t.n_kocs == 0);
  CHECK(t.final_tier.empty());
}

// A large weight on an un-normalised metric can take a score past the largest double (+inf, or NaN
// when an inverted term gives -inf): classify returned such scores silently. It now refuses them.
TEST_CASE("a score beyond the double range is refused with overflow, naming the row and the metric", "[tiers][errors]") {
  tier_policy p;
  p.metrics = {{metric::posts, 1e300, normalisation::none, 1, false}, {metric::followers, 2, normalisation::none, 1, true}};
  p.tiers = {{"entry", 0, 0, 0, {}}, {"active", 1e307, 1e307, 0, {}}};
  roster r;
  r.id = {1, 2, 3};
  auto expect_overflow = [&](const std::string& field) {
    try {
      (void)classify(r, p);
      FAIL("expected koc::error");
    } catch (const error& e) {
      INFO(e.what());
      CHECK(e.code() == errc::overflow);
      CHECK(e.row() == 2);
      CHECK(e.field() == field);
    }
  };
  r.column(metric::posts) = {1, 1e8, 1e10};  // 1e300 · 1e10 = +inf on row 2
  r.column(metric::followers) = {0, 0, 0};
  expect_overflow("posts");
  // +inf and -inf in one score: NaN, refused the same way.
  p.metrics[0].weight = 2;
  r.column(metric::posts) = {1, 1, std::numeric_limits<double>::max()};
  r.column(metric::followers) = {0, 0, std::numeric_limits<double>::max()};
  expect_overflow("posts");
  // Just inside the range: classified. A growth gap never leads to a value whose score overflows: with
  // the next tier at the largest double, only a score that rounds to exactly that value reaches it.
  p.metrics[0].weight = 1e300;
  p.tiers[1].promote_threshold = p.tiers[1].keep_threshold = std::numeric_limits<double>::max();
  r.column(metric::posts) = {1, 1.7e8, 1.5e8};
  r.column(metric::followers) = {0, 0, 0};
  const auto t = classify(r, p);
  CHECK(std::isfinite(t.score[1]));
  CHECK(t.final_tier[2] == 0);
  for (std::size_t i : {0, 2}) {
    const double gap = t.gap(i, 0);
    if (!std::isfinite(gap)) continue;
    roster q = r;
    q.column(metric::posts)[i] += gap;
    CHECK(classify(q, p).final_tier[i] == 1);
  }
}

// The growth-gap searches accepted values outside the metric's range: a percentile candidate just past
// another KOC's value could be 1 + 2^-52 on a rate, and x + gap could round to +inf past the largest
// double. Such a gap cannot be applied (the roster refuses the value): when no valid value reaches the
// tier, the gap is +inf.
TEST_CASE("a growth gap always leads to a valid metric value", "[tiers][growth]") {
  {
    tier_policy p;
    p.metrics = {{metric::posts, std::numeric_limits<double>::denorm_min(), normalisation::none, 1, false},
                 {metric::quality, 10, normalisation::none, 1, false}};
    p.tiers = {{"entry", 0, 0, 0, {}}, {"active", 10, 10, 0, {}}};
    roster r;
    r.id = {1};
    r.column(metric::posts) = {std::numeric_limits<double>::max()};
    r.column(metric::quality) = {0.5};
    const auto t = classify(r, p);
    REQUIRE(t.next_tier[0] == 1);
    CHECK(std::isinf(t.gap(0, 0)));  // posts: already the largest double
    CHECK(t.gap(0, 1) == Approx(0.5));
  }
  {
    tier_policy p;
    p.metrics = {{metric::quality, 100, normalisation::percentile, 1, false}};
    p.tiers = {{"entry", 0, 0, 0, {}}, {"active", 99, 99, 0, {}}};
    roster r;
    r.id = {1, 2, 3};
    r.column(metric::quality) = {1.0, 1.0, 0.5};  // only a quality above 1 would beat both
    const auto t = classify(r, p);
    REQUIRE(t.next_tier[2] == 1);
    CHECK(std::isinf(t.gap(2, 0)));
  }
}

// The upward search for an un-normalised metric grew its bracket by factors of 4 only up to 1e300, so a
// tier needing a value above that was reported unreachable; it now grows up to the largest valid value.
TEST_CASE("a growth gap to a value near the largest double is found", "[tiers][growth]") {
  tier_policy p;
  p.metrics = {{metric::posts, 1, normalisation::none, 1, false}};
  p.tiers = {{"entry", 0, 0, 0, {}}, {"active", 1.5e308, 1.5e308, 0, {}}};
  roster r;
  r.id = {1, 2};
  r.column(metric::posts) = {1e308, 1.0};
  const auto t = classify(r, p);
  for (std::size_t i = 0; i < 2; ++i) {
    const double gap = t.gap(i, 0);
    INFO("row " << i << " gap " << gap);
    REQUIRE(std::isfinite(gap));
    roster q = r;
    q.column(metric::posts)[i] += gap;
    CHECK(classify(q, p).final_tier[i] == 1);
    q.column(metric::posts)[i] = r.column(metric::posts)[i] + std::nextafter(gap, 0.0);
    CHECK(classify(q, p).final_tier[i] == 0);  // the smallest qualifying double (above 2^53)
  }
}

TEST_CASE("roster_problems lists every problem in validate's order; validate throws the first", "[tiers][validate]") {
  const tier_policy p = default_tier_policy();
  roster r = koc::test::random_roster(3000, 11);
  r.column(metric::followers)[3] = -5;
  r.column(metric::followers)[2047] = -1;   // another block of the fast scan
  r.column(metric::views)[9] = std::numeric_limits<double>::quiet_NaN();
  r.column(metric::quality)[11] = 1.4;
  r.previous_tier[5] = 9;
  r.periods_below[6] = -2;
  const auto all = roster_problems(r, p);
  REQUIRE(all.size() == 6);
  // Metric order (views, followers, ..., quality), rows ascending within a column, then the ladder columns.
  std::vector<std::pair<std::string, std::int64_t>> where;
  for (const auto& e : all) where.emplace_back(e.field(), e.row());
  CHECK(where == std::vector<std::pair<std::string, std::int64_t>>{
                     {"views", 9}, {"followers", 3}, {"followers", 2047}, {"quality", 11}, {"previous_tier", 5},
                     {"periods_below", 6}});
  CHECK(all[0].code() == errc::invalid_value);
  CHECK(all[3].code() == errc::out_of_range);
  CHECK(all[4].code() == errc::unknown_name);
  try {
    validate(r, p);
    FAIL("validate accepted a bad roster");
  } catch (const error& e) {
    CHECK(std::string(e.what()) == all[0].what());
  }
  // classify reports the same first problem, and the limit cuts the list.
  CHECK_THROWS_WITH(classify(r, p), all[0].what());
  CHECK(roster_problems(r, p, 2).size() == 2);
  CHECK_THROWS_AS(roster_problems(r, p, 0), error);
  // A missing column is one problem (its values are not read); a clean roster has none.
  roster ok = koc::test::random_roster(100, 12);
  CHECK(roster_problems(ok, p).empty());
  ok.column(metric::leads).clear();
  const auto missing = roster_problems(ok, p);
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].field() == "leads");
  CHECK(missing[0].code() == errc::invalid_argument);
}

TEST_CASE("an empty roster is refused by classify and listed by roster_problems; a part of a roster may be empty", "[tiers][validate]") {
  const tier_policy p = default_tier_policy();
  const roster empty = koc::test::random_roster(0, 13);
  const auto found = roster_problems(empty, p);
  REQUIRE(found.size() == 1);
  CHECK(found[0].code() == errc::invalid_argument);
  CHECK(found[0].field() == "id");
  CHECK(std::string(found[0].detail()) == "the roster has no KOCs");
  CHECK_THROWS_WITH(classify(empty, p), found[0].what());
  CHECK_THROWS_WITH(validate(empty, p), found[0].what());
  const roster whole = koc::test::random_roster(20, 14);
  const tier_reference ref = tier_reference_of(whole, p);
  classify_options opt;
  opt.reference = &ref;
  CHECK(classify(empty, p, {}, opt).n_kocs == 0);
}

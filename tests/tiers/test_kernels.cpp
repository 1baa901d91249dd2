// The fast paths of classify(): koc's own log1p, the chunked columnar pass (normalise, score, ladder walk
// over 1024-row chunks) and the validation fused into it. Each is checked against a plain definition
// (the ladder walk against the library's own row-by-row one, koc/tiers/ladder.hpp).
#include <catch2/catch.hpp>
#include <koc/tiers.hpp>

#include "support/random_roster.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

using namespace koc;

namespace {

std::int64_t ulps_apart(double a, double b) {
  std::int64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x > y ? x - y : y - x;
}

// Every kind of gate, grace periods, two-step demotions and the lifetime honorary rule, with row-local
// normalisations only (so that a row classified alone must come out exactly as in the whole roster).
tier_policy busy_policy() {
  auto p = default_tier_policy();
  using k = tier_gate::kind;
  p.tiers.push_back({"legend", 90, 85, 2, {{k::honorary, metric::posts, 0}, {k::clearance, metric::posts, 0}}});
  p.tiers[1].gates.push_back({k::metric_max, metric::days_since_active, 120});
  p.tiers[2].grace_periods = 0;
  p.max_demotion_steps = 2;
  p.honorary.floor_tier = 2;
  p.honorary.lifetime_minimums = {{metric::tenure_days, 1500}, {metric::tasks_completed, 20}};
  // Scores spread over the whole ladder: fewer, lighter references than the default.
  for (auto& w : p.metrics)
    if (w.norm == normalisation::log1p) w.reference = 50;
  return p;
}

roster row_alone(const roster& r, std::size_t i) {
  roster one;
  one.id = {r.id[i]};
  for (std::size_t m = 0; m < r.metrics.size(); ++m) one.metrics[m] = {r.metrics[m][i]};
  one.honorary = {r.honorary[i]};
  one.invited = {r.invited[i]};
  one.clearance = {r.clearance[i]};
  one.previous_tier = {r.previous_tier[i]};
  one.periods_below = {r.periods_below[i]};
  return one;
}

}  // namespace

TEST_CASE("koc's log1p is within one ulp of the C library's and exact where it must be", "[tiers][log1p]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-30, 300), unit(0, 4);
  std::int64_t worst = 0;
  std::size_t differ = 0, n = 0;
  auto check = [&](double x) {
    const auto d = ulps_apart(detail::log1p(x), std::log1p(x));
    worst = std::max(worst, d);
    differ += d != 0;
    ++n;
  };
  for (int k = 0; k < 200000; ++k) check(std::pow(10.0, exponent(rng)));
  for (int k = 0; k < 200000; ++k) check(unit(rng));
  for (int k = 0; k < 100000; ++k) check(static_cast<double>(k));
  check(std::numeric_limits<double>::max());
  CHECK(worst <= 1);
  CHECK(differ < n / 100);
  // Exact: 0, values too small to change 1 + x (log1p(x) = x), and powers of two minus one give k·ln 2.
  CHECK(detail::log1p(0.0) == 0.0);
  CHECK(!std::signbit(detail::log1p(0.0)));
  for (double x : {1e-300, 1e-20, 2.0e-17, std::numeric_limits<double>::denorm_min()}) CHECK(detail::log1p(x) == x);
  CHECK(ulps_apart(detail::log1p(1.0), std::log(2.0)) == 0);
  // Monotone over a sorted sample (a tier score must not drop when a metric grows).
  std::vector<double> xs(100000);
  for (auto& x : xs) x = std::pow(10.0, exponent(rng) / 10);
  std::sort(xs.begin(), xs.end());
  bool monotone = true;
  for (std::size_t k = 1; k < xs.size(); ++k) monotone = monotone && detail::log1p(xs[k - 1]) <= detail::log1p(xs[k]);
  CHECK(monotone);
  // The fused term kernel gives the scalar definition's bits: f = min(1, log1p(x) / log1p(ref)), the
  // weighted contribution, and the score it adds to.
  std::vector<double> c(xs.size()), acc(xs.size(), 0.25);
  const double ref = 500.0, denom = detail::log1p(ref), weight = 10.0;
  CHECK(detail::fused_term(detail::fused_norm::log1p, false, xs.data(), xs.size(), std::numeric_limits<double>::max(), ref, denom, weight, acc.data(),
                           c.data()) == 0);
  bool same = true, clamped = true;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const double f = std::min(1.0, detail::log1p(xs[k]) / denom);
    same = same && c[k] == f * weight && acc[k] == 0.25 + f * weight;
    clamped = clamped && (xs[k] < ref || c[k] == weight);
  }
  CHECK(same);
  CHECK(clamped);
}

TEST_CASE("the fused term kernel checks the range exactly as values_in_range does", "[tiers][chunks][errors]") {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  const double big = std::numeric_limits<double>::max(), tiny = std::numeric_limits<double>::denorm_min();
  const std::vector<double> special = {0.0, -0.0, tiny, -tiny, 1.0, -1.0, 0.5, std::nextafter(1.0, 2.0), 100.0,
                                       big, -big, inf, -inf, nan, -nan};
  for (const double lim : {1.0, 100.0, big}) {
    for (const double v : special) {
      INFO("lim " << lim << " value " << v);
      // A value alone, and among valid ones at every lane position of a vector.
      for (std::size_t at = 0; at < 9; ++at) {
        std::vector<double> x(9, 0.5);
        x[at] = v;
        std::vector<double> c(x.size()), acc(x.size(), 0.0);
        for (const auto norm : {detail::fused_norm::none, detail::fused_norm::cap, detail::fused_norm::log1p}) {
          const bool bad = detail::fused_term(norm, false, x.data(), x.size(), lim, 1.0, detail::log1p(1.0), 1.0,
                                              acc.data(), c.data()) != 0;
          CHECK(bad == !detail::values_in_range(x.data(), x.size(), 0.0, lim));
        }
      }
    }
  }
  // The cap and invert arithmetic: f = min(x, ref) / ref, contribution (1 - f) · weight when inverted.
  const std::vector<double> x = {0.0, 45.0, 90.0, 200.0};
  std::vector<double> c(4), acc(4, 1.0);
  CHECK(detail::fused_term(detail::fused_norm::cap, true, x.data(), 4, 1e300, 90.0, 0.0, 5.0, acc.data(), c.data()) == 0);
  CHECK(c == std::vector<double>{5.0, 2.5, 0.0, 0.0});
  CHECK(acc == std::vector<double>{6.0, 3.5, 1.0, 1.0});
}

TEST_CASE("the chunked ladder walk matches the row-by-row definition, and a row alone its batch row",
          "[tiers][chunks][property]") {
  const std::vector<tier_policy> policies = {default_tier_policy(), busy_policy()};
  std::size_t rows = 0;
  std::array<std::size_t, 8> transitions{};
  for (std::size_t pi = 0; pi < policies.size(); ++pi) {
    const auto& p = policies[pi];
    // 2500 rows: two full chunks of 1024 and a partial one.
    const auto r = test::random_roster(2500, 31 + pi, static_cast<std::int32_t>(p.tiers.size()));
    const auto t = classify(r, p, {}, classify_options{false});
    for (std::size_t i = 0; i < r.size(); ++i) {
      INFO("policy " << pi << " row " << i);
      // The library's row-by-row definition (ladder.hpp), independent of the columnar kernel.
      const tier_walk w = walk_ladder(p, r.view(), i, t.score[i]);
      REQUIRE(t.qualified_tier[i] == w.qualified);
      REQUIRE(t.computed_tier[i] == w.computed);
      REQUIRE(t.final_tier[i] == w.computed);
      REQUIRE(t.blocked_tier[i] == w.blocked_tier);
      REQUIRE(t.blocked_gate[i] == w.blocked_gate);
      REQUIRE(t.transition_of(i) == w.transition);
      REQUIRE(t.periods_below[i] == w.periods_below);
      REQUIRE((t.honorary[i] != 0) == w.honorary);
      REQUIRE(t.next_tier[i] == (w.computed + 1 < static_cast<std::int32_t>(p.tiers.size()) ? w.computed + 1 : -1));
      ++transitions[t.transition[i]];
      ++rows;
      // Row-local normalisations: the row classified on its own gives the same bits.
      if (i % 7 == 0 || i % 1024 == 1023 || i % 1024 == 0) {
        const auto u = classify(row_alone(r, i), p, {}, classify_options{false});
        REQUIRE(u.score[0] == t.score[i]);
        for (std::size_t k = 0; k < t.terms.size(); ++k) REQUIRE(u.contribution(0, k) == t.contribution(i, k));
        REQUIRE(u.computed_tier[0] == t.computed_tier[i]);
        REQUIRE(u.blocked_gate[0] == t.blocked_gate[i]);
      }
    }
  }
  CHECK(rows == 5000);
  // The generated rosters exercise every transition a computed tier can have.
  for (int k = 0; k <= 6; ++k) CHECK(transitions[static_cast<std::size_t>(k)] > 0);
}

TEST_CASE("validation inside the chunked pass reports the same first error as validate()", "[tiers][errors][chunks]") {
  const auto p = default_tier_policy();
  const auto good = test::random_roster(3000, 5);
  auto error_of = [&](const roster& r) -> std::pair<std::int64_t, std::string> {
    try {
      tier_result out;
      classify(r, p, {}, classify_options{false}, out);
    } catch (const error& e) {
      // validate() alone must agree.
      try {
        validate(r, p);
        FAIL("validate() accepted what classify() refused: " << e.what());
      } catch (const error& v) {
        CHECK(std::string(v.what()) == e.what());
      }
      return {e.row(), e.field()};
    }
    return {-2, ""};
  };
  CHECK(error_of(good).first == -2);
  auto r = good;
  r.column(metric::views)[2100] = std::numeric_limits<double>::quiet_NaN();
  CHECK(error_of(r) == std::make_pair(std::int64_t{2100}, std::string("views")));
  // Two bad values: the earlier column in metric order is reported, even from a later chunk.
  r.column(metric::posts)[2900] = -1;
  CHECK(error_of(r) == std::make_pair(std::int64_t{2900}, std::string("posts")));
  auto s = good;
  s.column(metric::on_time_rate)[1500] = 1.0000001;
  CHECK(error_of(s) == std::make_pair(std::int64_t{1500}, std::string("on_time_rate")));
  s = good;
  s.column(metric::followers)[2999] = std::numeric_limits<double>::infinity();
  CHECK(error_of(s) == std::make_pair(std::int64_t{2999}, std::string("followers")));
  s = good;
  s.previous_tier[1024] = 9;
  CHECK(error_of(s) == std::make_pair(std::int64_t{1024}, std::string("previous_tier")));
  s = good;
  s.periods_below[2047] = -3;
  CHECK(error_of(s) == std::make_pair(std::int64_t{2047}, std::string("periods_below")));
  // -0.0 is a valid zero, in the fast check as in validate().
  s = good;
  s.column(metric::leads)[10] = -0.0;
  CHECK(error_of(s).first == -2);
  // With a percentile term the roster is validated up front (the statistics read whole columns): same errors.
  auto pct = p;
  pct.metrics[3].norm = normalisation::percentile;
  try {
    (void)classify(r, pct, {}, classify_options{false});
    FAIL("expected koc::error");
  } catch (const error& e) {
    CHECK(e.row() == 2900);
    CHECK(e.field() == "posts");
  }
  // A result reused after an error is whole again after the next good call.
  tier_result out;
  CHECK_THROWS_AS(classify(r, p, {}, classify_options{false}, out), error);
  classify(good, p, {}, classify_options{false}, out);
  const auto fresh = classify(good, p, {}, classify_options{false});
  CHECK(out.score == fresh.score);
  CHECK(out.final_tier == fresh.final_tier);
  CHECK(out.transition == fresh.transition);
}

#include <catch2/catch.hpp>
#include <koc/matching/boost_graph.hpp>
#include <koc/matching/fit.hpp>

#include <boost/graph/maximum_weighted_matching.hpp>  // the oracle below; pair_into_teams does not use it

#include <cmath>
#include <limits>
#include <random>

using namespace koc;

namespace {

// Exhaustive maximum-weight matching over positions (only edges with weight > 0).
double brute_best(const Eigen::MatrixXd& w, std::vector<int>& used, std::size_t i) {
  const auto n = static_cast<std::size_t>(w.rows());
  while (i < n && used[i]) ++i;
  if (i >= n) return 0.0;
  used[i] = 1;
  double best = brute_best(w, used, i + 1);  // i stays alone
  for (std::size_t j = i + 1; j < n; ++j)
    if (!used[j] && w(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) > 0) {
      used[j] = 1;
      best = std::max(best, w(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) + brute_best(w, used, i + 1));
      used[j] = 0;
    }
  used[i] = 0;
  return best;
}

Eigen::MatrixXd random_compat(std::mt19937_64& rng, std::size_t n, bool integral) {
  std::uniform_int_distribution<int> iw(-3, 20);
  std::uniform_real_distribution<double> rw(-0.3, 1.0);
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (Eigen::Index i = 0; i < w.rows(); ++i)
    for (Eigen::Index j = i + 1; j < w.rows(); ++j) w(i, j) = w(j, i) = integral ? iw(rng) : rw(rng);
  return w;
}

}  // namespace

TEST_CASE("teams: maximum total compatibility equals brute force on tiny pools", "[teams]") {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 600; ++trial) {
    const std::size_t n = static_cast<std::size_t>(trial % 9);  // 0..8 members
    const bool integral = trial % 2 == 0;
    const auto w = random_compat(rng, n, integral);
    std::vector<std::int64_t> members(n);
    for (std::size_t i = 0; i < n; ++i) members[i] = static_cast<std::int64_t>(1000 + 10 * i);
    const auto r = pair_into_teams(members, w);
    INFO("trial " << trial);
    const auto rep = verify(members, w, r);
    INFO(rep.message);
    REQUIRE(rep.ok);
    // The same solve with its trace: the optimality certificate holds and the pairs are the same.
    detail::team_matching_trace trace;
    const auto traced = detail::pair_positions(
        members, [&](std::size_t i, std::size_t j) { return w(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)); },
        &trace);
    const auto proof = detail::check_matching_certificate(n, trace.edges, trace.matching);
    INFO(proof.message);
    REQUIRE(proof.ok);
    REQUIRE(traced.first == r.first);
    REQUIRE(traced.second == r.second);
    std::vector<int> used(n, 0);
    const double best = brute_best(w, used, 0);
    if (integral) REQUIRE(r.total == best);
    else REQUIRE(r.total == Approx(best).margin(1e-9));
  }
}

TEST_CASE("teams: function and matrix forms agree; reasons; determinism", "[teams]") {
  // 0-1 compatible (5), 1-2 compatible (4), 2-3 compatible (4): best is {0-1, 2-3}; member 4 has nobody.
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(5, 5);
  w(0, 1) = w(1, 0) = 5;
  w(1, 2) = w(2, 1) = 4;
  w(2, 3) = w(3, 2) = 4;
  w(0, 4) = w(4, 0) = -2;  // never worth pairing
  const std::vector<std::int64_t> members = {10, 11, 12, 13, 14};
  const auto r = pair_into_teams(members, w);
  REQUIRE(verify(members, w, r).ok);
  CHECK(r.first == std::vector<std::int64_t>{10, 12});
  CHECK(r.second == std::vector<std::int64_t>{11, 13});
  CHECK(r.total == 9);
  CHECK(r.unpaired == std::vector<std::int64_t>{14});
  CHECK(r.unpaired_reason == std::vector<std::uint8_t>{static_cast<std::uint8_t>(unpaired_reason::no_compatible_partner)});
  const auto f = pair_into_teams(members, [&](std::int64_t a, std::int64_t b) { return w(a - 10, b - 10); });
  CHECK(f.first == r.first);
  CHECK(f.second == r.second);
  CHECK(f.total == r.total);
  // A triangle: one member is left because its partners are taken.
  Eigen::MatrixXd tri = Eigen::MatrixXd::Constant(3, 3, 1.0);
  const std::vector<std::int64_t> three = {1, 2, 3};
  const auto t = pair_into_teams(three, tri);
  REQUIRE(verify(three, tri, t).ok);
  CHECK(t.unpaired_reason == std::vector<std::uint8_t>{static_cast<std::uint8_t>(unpaired_reason::partners_taken)});
  const auto t2 = pair_into_teams(three, tri);
  CHECK(t2.first == t.first);
  CHECK(t2.second == t.second);
}

TEST_CASE("teams refuse bad compatibilities naming row and field", "[teams]") {
  const std::vector<std::int64_t> members = {1, 2, 3};
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(3, 3);
  w(0, 2) = w(2, 0) = std::nan("");
  try {
    pair_into_teams(members, w);
    FAIL("NaN accepted");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_value);
    CHECK(e.row() == 0);
    CHECK(e.field() == "compatibility[2]");
  }
  w(0, 2) = w(2, 0) = 0;
  w(1, 2) = 3;  // not symmetric
  try {
    pair_into_teams(members, w);
    FAIL("asymmetry accepted");
  } catch (const error& e) {
    CHECK(e.row() == 2);
    CHECK(e.field() == "compatibility[1]");
  }
  CHECK_THROWS_AS(pair_into_teams(members, Eigen::MatrixXd::Zero(2, 2)), error);
}

TEST_CASE("the candidate graph as a BGL graph; BGL matching on it equals brute force", "[teams]") {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    const Eigen::Index n = 1 + trial % 4, m = 1 + (trial / 4) % 4;
    score_matrix s(n, m);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < m; ++j)
        s(i, j) = std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? -std::numeric_limits<double>::infinity()
                                                                     : std::uniform_int_distribution<int>(1, 30)(rng);
    const auto g = candidates_from_dense(s);
    const auto bg = to_boost_graph<std::int64_t>(g);
    REQUIRE(boost::num_vertices(bg) == static_cast<std::size_t>(n + m));
    REQUIRE(boost::num_edges(bg) == g.task.size());
    std::int64_t weight_sum = 0, score_sum = 0;
    auto wmap = boost::get(boost::edge_weight, bg);
    for (auto [it, end] = boost::edges(bg); it != end; ++it) weight_sum += wmap[*it];
    for (auto x : g.score) score_sum += static_cast<std::int64_t>(x);
    REQUIRE(weight_sum == score_sum);
    std::vector<boost::graph_traits<bgl_weighted_graph<std::int64_t>>::vertex_descriptor> mate(
        boost::num_vertices(bg), boost::graph_traits<bgl_weighted_graph<std::int64_t>>::null_vertex());
    if (boost::num_edges(bg) > 0) boost::maximum_weighted_matching(bg, &mate[0]);  // 2 * INT64_MIN without edges
    const double bgl_total = static_cast<double>(boost::matching_weight_sum(bg, &mate[0]));
    // Brute force 1:1 assignment on the score matrix (forbidden = -inf, partial allowed).
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(n + m, n + m);
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < m; ++j)
        if (std::isfinite(s(i, j))) w(i, n + j) = w(n + j, i) = s(i, j);
    std::vector<int> used(static_cast<std::size_t>(n + m), 0);
    INFO("trial " << trial);
    REQUIRE(bgl_total == brute_best(w, used, 0));
  }
}

// The fixed-point scale was computed as the factor 2^(39 - ilogb(largest)), which is +inf for a largest
// compatibility below 2^-983: every weight became the same garbage integer and the pairing maximised the
// number of pairs instead of their compatibility. The weights are now scaled with ldexp, exactly.
TEST_CASE("teams: tiny and subnormal compatibilities are paired by weight, not by count", "[teams]") {
  for (const double unit : {1e-300, 1e-310, std::numeric_limits<double>::denorm_min()}) {
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(4, 4);
    w(0, 1) = w(1, 0) = unit;
    w(2, 3) = w(3, 2) = unit;
    w(1, 2) = w(2, 1) = 5 * unit;  // one pair (1, 2) beats the two pairs (0, 1) and (2, 3)
    const std::vector<std::int64_t> members = {10, 11, 12, 13};
    const auto r = pair_into_teams(members, w);
    INFO("unit " << unit);
    REQUIRE(r.first.size() == 1);
    CHECK(r.first[0] == 11);
    CHECK(r.second[0] == 12);
    CHECK(r.total == 5 * unit);
    CHECK(verify(members, w, r).ok);
  }
}

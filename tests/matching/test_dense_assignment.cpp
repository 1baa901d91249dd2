// Dense assignment: brute force on tiny matrices, Boost.Graph min-cost flow on medium ones, scipy's
// edge cases, and verify() on every solve; both ways of reading the matrix (full scan, candidate lists)
// held to each other bit for bit on scipy's benchmark families; tall matrices in place; the batch solver.
#include <catch2/catch.hpp>
#include <koc/matching/dense_assignment.hpp>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>
// after the solver: find_flow_cost.hpp does not include the named-parameter machinery it uses
#include <boost/graph/find_flow_cost.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct problem {
  std::size_t rows = 0, cols = 0;
  std::vector<double> cost;
  std::vector<std::uint8_t> mask;  // empty: no mask
  bool maximize = false;

  koc::dense_assignment_options options() const {
    koc::dense_assignment_options o;
    o.maximize = maximize;
    o.forbidden = mask.empty() ? nullptr : mask.data();
    return o;
  }
  bool allowed(std::size_t i, std::size_t j) const {
    if (!mask.empty() && mask[i * cols + j]) return false;
    return cost[i * cols + j] != (maximize ? -inf : inf);
  }
};

koc::dense_assignment_result solve_and_verify(const problem& p, koc::dense_method method = koc::dense_method::automatic) {
  koc::dense_assignment_options o = p.options();
  o.method = method;
  const auto r = koc::solve_dense_assignment(p.cost.data(), p.rows, p.cols, o);
  const auto chk = koc::verify(p.cost.data(), p.rows, p.cols, r, 1e-9, p.mask.empty() ? nullptr : p.mask.data());
  INFO("verify: " << chk.message);
  REQUIRE(chk.ok);
  return r;
}

/// Best objective over all injections of the smaller side into the larger; NaN when none is allowed.
double brute_force(const problem& p) {
  const bool t = p.rows > p.cols;
  const std::size_t n = t ? p.cols : p.rows, m = t ? p.rows : p.cols;
  std::vector<std::size_t> perm(m);
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  double best = std::numeric_limits<double>::quiet_NaN();
  // Every ordered choice of n of the m columns appears as a prefix of some permutation.
  do {
    double s = 0;
    bool ok = true;
    for (std::size_t k = 0; k < n && ok; ++k) {
      const std::size_t i = t ? perm[k] : k, j = t ? k : perm[k];
      ok = p.allowed(i, j);
      s += p.cost[i * p.cols + j];
    }
    if (ok && (std::isnan(best) || (p.maximize ? s > best : s < best))) best = s;
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

problem random_problem(std::mt19937_64& rng, std::size_t rows, std::size_t cols, bool integer, double p_forbid,
                       bool use_mask, bool maximize) {
  problem p;
  p.rows = rows;
  p.cols = cols;
  p.maximize = maximize;
  p.cost.resize(rows * cols);
  std::uniform_real_distribution<double> real(-10.0, 10.0);
  std::uniform_int_distribution<int> small(0, 4);
  std::bernoulli_distribution forbid(p_forbid);
  if (use_mask) p.mask.assign(rows * cols, 0);
  for (std::size_t k = 0; k < rows * cols; ++k) {
    p.cost[k] = integer ? small(rng) : real(rng);
    if (forbid(rng)) {
      if (use_mask)
        p.mask[k] = 1;
      else
        p.cost[k] = maximize ? -inf : inf;
    }
  }
  return p;
}

}  // namespace

TEST_CASE("dense assignment matches brute force on tiny matrices", "[dense][matching]") {
  std::mt19937_64 rng(20240611);
  int infeasible_seen = 0, optimal_seen = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::uniform_int_distribution<std::size_t> dim(1, 5);
    const std::size_t rows = dim(rng), cols = dim(rng);
    const bool integer = iter % 2 == 0;
    const double p_forbid = (iter % 5 == 0) ? 0.0 : (iter % 5) * 0.15;
    const bool use_mask = iter % 3 == 0, maximize = iter % 4 >= 2;
    const problem p = random_problem(rng, rows, cols, integer, p_forbid, use_mask, maximize);
    INFO("iter " << iter << " " << rows << "x" << cols << (maximize ? " max" : " min"));
    const auto r = solve_and_verify(p, (iter / 7) % 2 == 0 ? koc::dense_method::full_scan : koc::dense_method::candidate_lists);
    const double best = brute_force(p);
    if (std::isnan(best)) {
      CHECK(r.status == koc::assignment_status::infeasible);
      CHECK(r.row_ind.empty());
      ++infeasible_seen;
    } else {
      REQUIRE(r.status == koc::assignment_status::optimal);
      CHECK(r.total_cost == Approx(best).margin(1e-9));
      CHECK(r.row_ind.size() == std::min(rows, cols));
      ++optimal_seen;
    }
  }
  CHECK(infeasible_seen > 100);
  CHECK(optimal_seen > 1000);
}

namespace {

/// Independent oracle: min-cost max-flow with Boost.Graph on source -> rows -> cols -> sink, unit
/// capacities, integer costs shifted to be nonnegative. Returns {flow, cost in the original sign}.
std::pair<long, long> boost_min_cost_flow(const problem& p) {
  using namespace boost;
  using traits = adjacency_list_traits<vecS, vecS, directedS>;
  using graph = adjacency_list<
      vecS, vecS, directedS, no_property,
      property<edge_capacity_t, long,
               property<edge_residual_capacity_t, long,
                        property<edge_reverse_t, traits::edge_descriptor, property<edge_weight_t, long>>>>>;
  graph g(p.rows + p.cols + 2);
  const auto s = static_cast<traits::vertex_descriptor>(p.rows + p.cols);
  const auto t = s + 1;
  auto cap = get(edge_capacity, g);
  auto rev = get(edge_reverse, g);
  auto w = get(edge_weight, g);
  auto add = [&](std::size_t a, std::size_t b, long c) {
    const auto e = add_edge(a, b, g).first, er = add_edge(b, a, g).first;
    cap[e] = 1;
    cap[er] = 0;
    rev[e] = er;
    rev[er] = e;
    w[e] = c;
    w[er] = -c;
  };
  const double sign = p.maximize ? -1.0 : 1.0;
  double lo = inf;
  for (std::size_t i = 0; i < p.rows; ++i)
    for (std::size_t j = 0; j < p.cols; ++j)
      if (p.allowed(i, j)) lo = std::min(lo, sign * p.cost[i * p.cols + j]);
  for (std::size_t i = 0; i < p.rows; ++i) add(s, i, 0);
  for (std::size_t j = 0; j < p.cols; ++j) add(p.rows + j, t, 0);
  for (std::size_t i = 0; i < p.rows; ++i)
    for (std::size_t j = 0; j < p.cols; ++j)
      if (p.allowed(i, j)) add(i, p.rows + j, std::lround(sign * p.cost[i * p.cols + j] - lo));
  successive_shortest_path_nonnegative_weights(g, s, t);
  long flow = 0;
  auto res = get(edge_residual_capacity, g);
  for (auto [e, end] = out_edges(s, g); e != end; ++e) flow += cap[*e] - res[*e];
  const long cost = find_flow_cost(g) + (flow > 0 ? flow * std::lround(lo) : 0);
  return {flow, p.maximize ? -cost : cost};
}

}  // namespace

TEST_CASE("dense assignment matches Boost.Graph min-cost flow on medium matrices", "[dense][matching]") {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 24; ++iter) {
    std::uniform_int_distribution<std::size_t> dim(50, 160);
    const std::size_t rows = dim(rng), cols = (iter % 3 == 0) ? rows : dim(rng);
    problem p;
    p.rows = rows;
    p.cols = cols;
    p.maximize = iter % 2 == 1;
    p.cost.resize(rows * cols);
    // Integer costs keep Boost's Dijkstra exact; a narrow range (iter % 4 == 0) forces many ties.
    std::uniform_int_distribution<int> val(-1000, iter % 4 == 0 ? -990 : 100000);
    std::bernoulli_distribution forbid(iter % 6 == 5 ? 0.97 : 0.2);
    p.mask.assign(rows * cols, 0);
    for (std::size_t k = 0; k < rows * cols; ++k) {
      p.cost[k] = val(rng);
      if (forbid(rng)) {
        if (k % 2)
          p.mask[k] = 1;
        else
          p.cost[k] = p.maximize ? -inf : inf;
      }
    }
    INFO("iter " << iter << " " << rows << "x" << cols);
    const auto r = solve_and_verify(p, (iter / 2) % 2 == 0 ? koc::dense_method::candidate_lists : koc::dense_method::full_scan);
    const auto [flow, cost] = boost_min_cost_flow(p);
    if (static_cast<std::size_t>(flow) < std::min(rows, cols)) {
      CHECK(r.status == koc::assignment_status::infeasible);
    } else {
      REQUIRE(r.status == koc::assignment_status::optimal);
      CHECK(r.total_cost == static_cast<double>(cost));
    }
  }
}

TEST_CASE("dense assignment: scipy's edge cases", "[dense][matching]") {
  SECTION("empty matrices") {
    for (auto [rows, cols] : {std::pair<std::size_t, std::size_t>{0, 0}, {0, 5}, {5, 0}}) {
      problem p;
      p.rows = rows;
      p.cols = cols;
      p.cost.assign(rows * cols, 0.0);
      const auto r = solve_and_verify(p);
      CHECK(r.status == koc::assignment_status::optimal);
      CHECK(r.row_ind.empty());
      CHECK(r.col_ind.empty());
      CHECK(r.total_cost == 0.0);
      CHECK(r.row_potential.size() == rows);
      CHECK(r.col_potential.size() == cols);
    }
  }
  SECTION("1x1") {
    const problem p{1, 1, {3.5}, {}, false};
    const auto r = solve_and_verify(p);
    CHECK(r.row_ind == std::vector<std::int64_t>{0});
    CHECK(r.col_ind == std::vector<std::int64_t>{0});
    CHECK(r.total_cost == 3.5);
  }
  SECTION("constant matrix gives the identity, in both orientations and senses") {
    for (auto [rows, cols] : {std::pair<std::size_t, std::size_t>{7, 7}, {4, 9}, {9, 4}, {60, 60}}) {
      for (const bool maxi : {false, true}) {
        const problem p{rows, cols, std::vector<double>(rows * cols, 2.0), {}, maxi};
        const auto r = solve_and_verify(p);
        const std::size_t k = std::min(rows, cols);
        std::vector<std::int64_t> id(k);
        std::iota(id.begin(), id.end(), std::int64_t{0});
        CHECK(r.row_ind == id);
        CHECK(r.col_ind == id);
        CHECK(r.total_cost == 2.0 * static_cast<double>(k));
      }
    }
  }
  SECTION("all forbidden is infeasible, with a Hall violator") {
    problem p{3, 4, std::vector<double>(12, inf), {}, false};
    auto r = solve_and_verify(p);
    CHECK(r.status == koc::assignment_status::infeasible);
    CHECK(r.blocking_rows.size() == 1);
    p = problem{4, 3, std::vector<double>(12, 1.0), std::vector<std::uint8_t>(12, 1), true};
    r = solve_and_verify(p);
    CHECK(r.status == koc::assignment_status::infeasible);
    CHECK(r.blocking_cols.size() == 1);
    CHECK(r.blocking_rows.empty());
  }
  SECTION("two rows competing for one allowed column") {
    const problem p{2, 3, {1, inf, inf, 2, inf, inf}, {}, false};
    const auto r = solve_and_verify(p);
    CHECK(r.status == koc::assignment_status::infeasible);
    CHECK(r.blocking_rows == std::vector<std::int64_t>{0, 1});
  }
  SECTION("NaN names its row and column") {
    const std::vector<double> c{1, 2, 3, 4, std::nan(""), 6};
    try {
      koc::solve_dense_assignment(c.data(), 2, 3);
      FAIL("no exception");
    } catch (const koc::error& e) {
      CHECK(e.code() == koc::errc::invalid_value);
      CHECK(e.row() == 1);
      CHECK(e.field() == "cost");
      CHECK(e.detail().find("column 1") != std::string::npos);
    }
  }
  SECTION("the first bad row is reported whichever path reads it (in place, copied, transposed)") {
    for (auto [rows, cols] : {std::pair<std::size_t, std::size_t>{4, 4}, {4, 6}, {6, 4}}) {
      for (const bool maxi : {false, true}) {
        std::vector<double> c(rows * cols, 1.0);
        c[2 * cols + 3] = maxi ? inf : -inf;
        c[3 * cols + 1] = std::nan("");
        koc::dense_assignment_options o;
        o.maximize = maxi;
        try {
          koc::solve_dense_assignment(c.data(), rows, cols, o);
          FAIL("no exception");
        } catch (const koc::error& e) {
          CHECK(e.row() == 2);
          CHECK(e.detail().find("column 3") != std::string::npos);
        }
      }
    }
  }
  SECTION("wrong-signed infinity is invalid") {
    const std::vector<double> c{1, -inf, 3, 4};
    koc::dense_assignment_options o;
    CHECK_THROWS_AS(koc::solve_dense_assignment(c.data(), 2, 2, o), koc::error);
    o.maximize = true;
    const auto r = koc::solve_dense_assignment(c.data(), 2, 2, o);  // -inf forbids when maximising
    CHECK(r.col_ind == std::vector<std::int64_t>{0, 1});
    CHECK(r.total_cost == 5.0);
    const std::vector<double> d{1, inf, 3, 4};
    try {
      koc::solve_dense_assignment(d.data(), 2, 2, o);
      FAIL("no exception");
    } catch (const koc::error& e) {
      CHECK(e.code() == koc::errc::invalid_value);
      CHECK(e.row() == 0);
    }
  }
  SECTION("near-equal costs terminate and are optimal") {
    for (const std::size_t n : {5u, 40u, 200u}) {
      problem p{n, n, std::vector<double>(n * n), {}, false};
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) p.cost[i * n + j] = 1.0 + static_cast<double>((i * 7 + j * 13) % n) * 1e-15;
      const auto r = solve_and_verify(p);
      CHECK(r.status == koc::assignment_status::optimal);
      if (n == 5) CHECK(r.total_cost == Approx(brute_force(p)).epsilon(0).margin(1e-13));
      problem q{n, n + 3, std::vector<double>(n * (n + 3)), {}, true};
      for (std::size_t k = 0; k < q.cost.size(); ++k) q.cost[k] = 1.0 + static_cast<double>(k % 11) * 1e-15;
      solve_and_verify(q);
    }
  }
}

TEST_CASE("dense assignment: Eigen view, leading dimension, determinism", "[dense][matching]") {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  row_major big(120, 90);
  for (Eigen::Index i = 0; i < big.rows(); ++i)
    for (Eigen::Index j = 0; j < big.cols(); ++j) big(i, j) = std::floor(u01(rng) * 20.0);
  const auto a = koc::solve_dense_assignment(big);
  const auto b = koc::solve_dense_assignment(big);
  REQUIRE(koc::verify(big, a).ok);
  CHECK(a.row_ind == b.row_ind);
  CHECK(a.col_ind == b.col_ind);
  CHECK(a.row_potential == b.row_potential);
  CHECK(a.col_potential == b.col_potential);
  CHECK(a.row_ind.size() == 90);
  // A block is a strided view: the same answer as the copied submatrix.
  const row_major sub = big.block(10, 5, 40, 60);
  const auto via_block = koc::solve_dense_assignment(big.block(10, 5, 40, 60));
  const auto via_copy = koc::solve_dense_assignment(sub);
  REQUIRE(koc::verify(big.block(10, 5, 40, 60), via_block).ok);
  CHECK(via_block.col_ind == via_copy.col_ind);
  CHECK(via_block.total_cost == via_copy.total_cost);
}

TEST_CASE("dense assignment: verify catches a wrong answer", "[dense][matching]") {
  const std::vector<double> c{4, 1, 3, 2, 0, 5, 3, 2, 2};
  auto r = koc::solve_dense_assignment(c.data(), 3, 3);
  REQUIRE(koc::verify(c.data(), 3, 3, r).ok);
  CHECK(r.total_cost == 5.0);
  auto bad = r;
  std::swap(bad.col_ind[0], bad.col_ind[1]);
  CHECK_FALSE(koc::verify(c.data(), 3, 3, bad).ok);
  bad = r;
  bad.col_potential[0] += 1.0;
  CHECK_FALSE(koc::verify(c.data(), 3, 3, bad).ok);
  bad = r;
  bad.col_ind[2] = bad.col_ind[1];
  const auto chk = koc::verify(c.data(), 3, 3, bad);
  CHECK_FALSE(chk.ok);
  CHECK(chk.message.find("twice") != std::string::npos);
}

// Costs near DBL_MAX gave infinite totals and potentials (and could make reachable columns look
// forbidden), which verify then refused: the certificate was silently unusable. Finite costs are now taken
// up to detail::cost_limit(min(rows, cols)), which keeps every potential finite, and refused above it.
TEST_CASE("costs up to the documented limit solve with finite potentials; larger ones are refused", "[dense][extreme]") {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t rows = 1 + rng() % 9, cols = 1 + rng() % 9;
    const double top = koc::detail::cost_limit(std::min(rows, cols));
    std::vector<double> c(rows * cols);
    for (auto& x : c) x = (rng() % 2 ? top : -top) * (rng() % 4 == 0 ? 0.5 : 1.0);
    koc::dense_assignment_options opt;
    opt.maximize = trial % 2 == 1;
    const auto r = koc::solve_dense_assignment(c.data(), rows, cols, opt);
    INFO("trial " << trial);
    REQUIRE(r.status == koc::assignment_status::optimal);
    CHECK(std::isfinite(r.total_cost));
    const auto ck = koc::verify(c.data(), rows, cols, r);
    INFO(ck.message);
    CHECK(ck.ok);
    c[c.size() - 1] = opt.maximize ? -std::numeric_limits<double>::max() : std::numeric_limits<double>::max();
    try {
      (void)koc::solve_dense_assignment(c.data(), rows, cols, opt);
      FAIL("a cost above the limit was accepted");
    } catch (const koc::error& e) {
      CHECK(e.code() == koc::errc::out_of_range);
      CHECK(e.row() == static_cast<std::int64_t>(rows - 1));
      CHECK(e.field() == "cost");
      CHECK(std::string(e.what()).find("column " + std::to_string(cols - 1)) != std::string::npos);
    }
  }
}

namespace {

/// scipy's benchmark cost families (benchmarks/bench_dense_families.py), small: 0 uniform, 1 spatial
/// (squared distances of random points), 2 logarithmic, 3 integer, 4 binary, 5 a few levels (heavy ties).
std::vector<double> family_costs(std::mt19937_64& rng, int family, std::size_t rows, std::size_t cols) {
  std::vector<double> c(rows * cols);
  std::uniform_real_distribution<double> u20(-20.0, 20.0), u1(-1.0, 1.0);
  std::uniform_int_distribution<int> i1000(-1000, 999), i01(0, 1), i3(0, 3);
  if (family == 1) {
    std::vector<double> p(2 * rows), q(2 * cols);
    for (auto& x : p) x = u1(rng);
    for (auto& x : q) x = u1(rng);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) {
        const double dx = p[2 * i] - q[2 * j], dy = p[2 * i + 1] - q[2 * j + 1];
        c[i * cols + j] = dx * dx + dy * dy;
      }
    return c;
  }
  for (auto& x : c)
    x = family == 0 ? u20(rng) : family == 2 ? std::pow(10.0, u20(rng)) : family == 3 ? i1000(rng) : family == 4 ? i01(rng) : i3(rng);
  return c;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

void require_identical(const koc::dense_assignment_result& a, const koc::dense_assignment_result& b) {
  REQUIRE(a.status == b.status);
  CHECK(a.row_ind == b.row_ind);
  CHECK(a.col_ind == b.col_ind);
  CHECK(a.blocking_rows == b.blocking_rows);
  CHECK(a.blocking_cols == b.blocking_cols);
  CHECK(same_bits(a.row_potential, b.row_potential));
  CHECK(same_bits(a.col_potential, b.col_potential));
  CHECK(std::memcmp(&a.total_cost, &b.total_cost, sizeof(double)) == 0);
}

}  // namespace

// The candidate lists must take every step the full scan takes: same pairs, same potentials, same bits.
// Sizes up to a few hundred make rows outgrow their first 16 members (re-reads), ties at the bounds
// (integer, 0/1 and few-level costs) force full reads, and tall shapes exercise the in-place transpose.
TEST_CASE("candidate lists and the full scan agree bit for bit on every family and shape", "[dense][matching]") {
  std::mt19937_64 rng(20261204);
  int grown_shapes = 0;
  for (int iter = 0; iter < 240; ++iter) {
    const int family = iter % 6;
    std::uniform_int_distribution<std::size_t> dim(1, iter % 10 == 0 ? 420 : 140);
    std::size_t rows = dim(rng), cols = dim(rng);
    if (iter % 4 == 0) cols = rows;
    if (iter % 9 == 0) rows = std::max<std::size_t>(rows, 3 * cols);  // tall
    std::vector<double> c = family_costs(rng, family, rows, cols);
    const bool maximize = iter % 3 == 1;
    if (iter % 8 == 3)  // forbidden entries, in the sense's own infinity
      for (auto& x : c)
        if (rng() % 4 == 0) x = maximize ? -inf : inf;
    std::vector<std::uint8_t> mask;
    if (iter % 11 == 5) {
      mask.resize(rows * cols);
      for (auto& m : mask) m = rng() % 5 == 0;
    }
    koc::dense_assignment_options full, lists;
    full.maximize = lists.maximize = maximize;
    full.forbidden = lists.forbidden = mask.empty() ? nullptr : mask.data();
    full.method = koc::dense_method::full_scan;
    lists.method = koc::dense_method::candidate_lists;
    INFO("iter " << iter << " family " << family << " " << rows << "x" << cols << (maximize ? " max" : " min"));
    const auto a = koc::solve_dense_assignment(c.data(), rows, cols, full);
    const auto b = koc::solve_dense_assignment(c.data(), rows, cols, lists);
    require_identical(a, b);
    const auto chk = koc::verify(c.data(), rows, cols, b, 1e-9, full.forbidden);
    INFO(chk.message);
    CHECK(chk.ok);
    grown_shapes += std::min(rows, cols) > 100;
  }
  CHECK(grown_shapes > 10);
}

TEST_CASE("candidate lists: ties at every bound (constant rows, two levels, one free column)", "[dense][matching]") {
  for (const auto& [rows, cols] : {std::pair<std::size_t, std::size_t>{64, 64}, {40, 300}, {300, 40}, {200, 200}}) {
    for (int pattern = 0; pattern < 4; ++pattern) {
      std::vector<double> c(rows * cols);
      for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j)
          c[i * cols + j] = pattern == 0   ? 5.0                                   // constant: the identity
                            : pattern == 1 ? static_cast<double>((i + j) % 2)      // checkerboard of 0/1
                            : pattern == 2 ? static_cast<double>(j >= i ? 0 : 1)   // a staircase of zeros
                                           : static_cast<double>((i * 7 + j * 3) % 5 == 0);
      koc::dense_assignment_options full, lists;
      full.method = koc::dense_method::full_scan;
      lists.method = koc::dense_method::candidate_lists;
      INFO(rows << "x" << cols << " pattern " << pattern);
      const auto a = koc::solve_dense_assignment(c.data(), rows, cols, full);
      const auto b = koc::solve_dense_assignment(c.data(), rows, cols, lists);
      require_identical(a, b);
      CHECK(koc::verify(c.data(), rows, cols, b).ok);
      if (pattern == 0) {
        for (std::size_t k = 0; k < b.col_ind.size(); ++k) CHECK(b.col_ind[k] == static_cast<std::int64_t>(k));
      }
    }
  }
}

TEST_CASE("a tall matrix is solved in place as its transpose: same answer as the transposed problem", "[dense][matching]") {
  std::mt19937_64 rng(11);
  for (int family = 0; family < 6; ++family) {
    const std::size_t rows = 700, cols = 60;
    const std::vector<double> c = family_costs(rng, family, rows, cols);
    std::vector<double> t(rows * cols);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) t[j * rows + i] = c[i * cols + j];
    const auto tall = koc::solve_dense_assignment(c.data(), rows, cols);  // automatic: lists, in place
    const auto wide = koc::solve_dense_assignment(t.data(), cols, rows);
    INFO("family " << family);
    REQUIRE(koc::verify(c.data(), rows, cols, tall).ok);
    CHECK(tall.total_cost == Approx(wide.total_cost).epsilon(1e-12).margin(1e-12));
    // The transposed problem's pairs, read the other way round.
    std::vector<std::int64_t> row_of_col(cols, -1);
    for (std::size_t k = 0; k < wide.row_ind.size(); ++k) row_of_col[static_cast<std::size_t>(wide.row_ind[k])] = wide.col_ind[k];
    for (std::size_t k = 0; k < tall.row_ind.size(); ++k) CHECK(row_of_col[static_cast<std::size_t>(tall.col_ind[k])] == tall.row_ind[k]);
    CHECK(same_bits(tall.row_potential, wide.col_potential));
    CHECK(same_bits(tall.col_potential, wide.row_potential));
  }
}

TEST_CASE("batch: each problem as alone, whatever the number of threads", "[dense][matching][batch]") {
  std::mt19937_64 rng(5);
  const std::size_t count = 57, rows = 9, cols = 13;
  std::vector<double> costs;
  for (std::size_t k = 0; k < count; ++k) {
    const auto c = family_costs(rng, static_cast<int>(k % 6), rows, cols);
    costs.insert(costs.end(), c.begin(), c.end());
  }
  for (const bool maximize : {false, true}) {
    koc::dense_assignment_options one;
    one.maximize = maximize;
    std::vector<koc::dense_assignment_result> alone;
    for (std::size_t k = 0; k < count; ++k) alone.push_back(koc::solve_dense_assignment(costs.data() + k * rows * cols, rows, cols, one));
    for (const unsigned threads : {1u, 2u, 3u, 8u, 0u}) {
      koc::dense_batch_options opt;
      opt.maximize = maximize;
      opt.threads = threads;
      const auto batch = koc::solve_dense_assignment_batch(costs.data(), count, rows, cols, opt);
      REQUIRE(batch.size() == count);
      for (std::size_t k = 0; k < count; ++k) {
        INFO("problem " << k << " threads " << threads);
        require_identical(batch[k], alone[k]);
        CHECK(koc::verify(costs.data() + k * rows * cols, rows, cols, batch[k]).ok);
      }
    }
  }
  CHECK(koc::solve_dense_assignment_batch(static_cast<const double*>(nullptr), 0, 3, 3).empty());
}

TEST_CASE("stacked batch in flat arrays: each problem as alone, infeasible ones, errors, any threads", "[dense][matching][batch]") {
  std::mt19937_64 rng(13);
  // Tiny problems (blocks of many per thread), tall and wide ones, and a size past the per-block grain.
  for (const auto& shape : {std::pair<std::size_t, std::size_t>{4, 4}, {3, 7}, {11, 5}, {40, 40}}) {
    const std::size_t rows = shape.first, cols = shape.second, count = 300, k = std::min(rows, cols);
    std::vector<double> costs;
    for (std::size_t b = 0; b < count; ++b) {
      auto c = family_costs(rng, static_cast<int>(b % 6), rows, cols);
      if (b % 37 == 5)
        for (std::size_t j = 0; j < cols; ++j) c[j] = inf;  // a row with no allowed pair
      if (b % 37 == 5 && rows > cols)
        for (std::size_t i = 0; i < rows; ++i) c[i * cols] = inf;  // tall: a column with none either
      costs.insert(costs.end(), c.begin(), c.end());
    }
    for (const bool maximize : {false, true}) {
      if (maximize)
        for (double& x : costs) x = std::isinf(x) ? -inf : x;
      koc::dense_assignment_options one;
      one.maximize = maximize;
      for (const unsigned threads : {1u, 2u, 3u, 0u}) {
        koc::dense_batch_options opt;
        opt.maximize = maximize;
        opt.threads = threads;
        const auto flat = koc::solve_dense_assignment_stack(costs.data(), count, rows, cols, opt);
        REQUIRE(flat.count == count);
        REQUIRE(flat.pairs_per_problem == k);
        REQUIRE(flat.row_ind.size() == count * k);
        for (std::size_t b = 0; b < count; ++b) {
          INFO("shape " << rows << " x " << cols << " problem " << b << " threads " << threads);
          const auto alone = koc::solve_dense_assignment(costs.data() + b * rows * cols, rows, cols, one);
          const bool optimal = alone.status == koc::assignment_status::optimal;
          REQUIRE(flat.optimal[b] == (optimal ? 1 : 0));
          if (b % 37 == 5) CHECK(!optimal);
          CHECK(same_bits(std::vector<double>{flat.total_cost[b]}, std::vector<double>{alone.total_cost}));
          for (std::size_t t = 0; t < k; ++t) {
            CHECK(flat.row_ind[b * k + t] == (optimal ? alone.row_ind[t] : -1));
            CHECK(flat.col_ind[b * k + t] == (optimal ? alone.col_ind[t] : -1));
          }
        }
      }
    }
  }
  // The lowest bad problem is named, whichever block and thread meet it (problems 3 and 250 are bad).
  std::vector<double> costs(400 * 9, 1.0);
  costs[250 * 9 + 4] = std::nan("");
  costs[3 * 9 + 7] = -inf;
  for (const unsigned threads : {1u, 2u, 5u}) {
    koc::dense_batch_options opt;
    opt.threads = threads;
    try {
      (void)koc::solve_dense_assignment_stack(costs.data(), 400, 3, 3, opt);
      FAIL("no exception");
    } catch (const koc::error& e) {
      CHECK(e.code() == koc::errc::invalid_value);
      CHECK(e.row() == 2);
      CHECK(e.detail().rfind("problem 3: ", 0) == 0);
    }
  }
  const auto none = koc::solve_dense_assignment_stack(nullptr, 0, 3, 3);
  CHECK(none.row_ind.empty());
  CHECK(none.optimal.empty());
}

TEST_CASE("batch: problems of different shapes and strides, infeasible ones, and the first bad one named", "[dense][matching][batch]") {
  std::mt19937_64 rng(8);
  std::vector<std::vector<double>> storage;
  std::vector<koc::dense_problem> problems;
  for (std::size_t k = 0; k < 20; ++k) {
    const std::size_t rows = 1 + rng() % 30, cols = 1 + rng() % 30, ld = cols + (k % 3);
    std::vector<double> c(rows * ld, 99.0);
    const auto f = family_costs(rng, static_cast<int>(k % 6), rows, cols);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) c[i * ld + j] = f[i * cols + j];
    if (k == 6)
      for (std::size_t j = 0; j < cols; ++j) c[j] = inf;  // row 0 has no allowed pair: infeasible
    storage.push_back(std::move(c));
    problems.push_back({storage.back().data(), rows, cols, ld});
  }
  koc::dense_batch_options opt;
  opt.threads = 4;
  const auto batch = koc::solve_dense_assignment_batch(problems.data(), problems.size(), opt);
  for (std::size_t k = 0; k < problems.size(); ++k) {
    const auto& p = problems[k];
    const auto alone = koc::solve_dense_assignment(p.cost, p.rows, p.cols, p.ld);
    INFO("problem " << k);
    require_identical(batch[k], alone);
    CHECK(koc::verify(p.cost, p.rows, p.cols, p.ld, batch[k]).ok);
  }
  if (problems[6].rows <= problems[6].cols) CHECK(batch[6].status == koc::assignment_status::infeasible);

  // Two bad problems: the lower-numbered one is reported, whichever thread meets it first.
  storage[12][problems[12].ld + 1] = std::nan("");
  storage[4][0] = -inf;
  for (const unsigned threads : {1u, 3u, 16u}) {
    opt.threads = threads;
    try {
      (void)koc::solve_dense_assignment_batch(problems.data(), problems.size(), opt);
      FAIL("no exception");
    } catch (const koc::error& e) {
      CHECK(e.code() == koc::errc::invalid_value);
      CHECK(e.row() == 0);
      CHECK(e.field() == "cost");
      CHECK(e.detail().rfind("problem 4: ", 0) == 0);
    }
  }
}

// Tiny lists (one or two members, a cap of a few, chunks of one) make every fallback common: rows re-read
// with more members, rows read in full at the cap, ARR and the tie rule deciding from a full row, ties
// between rows relaxed out of scan order. The state must still be solve_lap's, bit for bit.
TEST_CASE("candidate lists with tiny sizes take every fallback and still match the full scan", "[dense][matching]") {
  std::mt19937_64 rng(77);
  for (int iter = 0; iter < 400; ++iter) {
    const int family = iter % 6;
    std::uniform_int_distribution<std::size_t> dim(1, 70);
    std::size_t rows = dim(rng), cols = dim(rng);
    if (iter % 3 == 0) cols = rows;
    std::vector<double> c = family_costs(rng, family, rows, cols);
    const bool maximize = iter % 4 == 1;
    if (iter % 5 == 2)
      for (auto& x : c)
        if (rng() % 3 == 0) x = maximize ? -inf : inf;
    const bool transposed = rows > cols;
    const std::size_t n = transposed ? cols : rows, m = transposed ? rows : cols;
    const double sign = maximize ? -1.0 : 1.0;
    std::vector<double> internal(n * m);  // what the full scan reads: minimisation, the smaller side as rows
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) (transposed ? internal[j * m + i] : internal[i * m + j]) = sign * c[i * cols + j];
    koc::detail::lap_state ref, got;
    const bool ok_ref = koc::detail::solve_lap(internal.data(), n, m, m, ref);
    koc::detail::candidate_sizes sizes;
    sizes.first = 1 + static_cast<std::uint32_t>(rng() % 3);
    sizes.cap = sizes.first + static_cast<std::uint32_t>(rng() % 6);
    sizes.chunk = 1 + static_cast<std::uint32_t>(rng() % 3);
    // Half the instances finish with the lists' own searches; the others hand the rows still free after
    // ARR to the full scan's searches where full_scan_takes_over says so (reading maximised rows negated).
    sizes.hand_over = iter % 2 == 0;
    const bool ok_got =
        transposed ? koc::detail::candidate_lap<true>({c.data(), n, m, cols, sign}, got, true, maximize, sizes).solve()
                   : koc::detail::candidate_lap<false>({c.data(), n, m, cols, sign}, got, true, maximize, sizes).solve();
    INFO("iter " << iter << " family " << family << " " << rows << "x" << cols << " sizes " << sizes.first << "/"
                 << sizes.cap << "/" << sizes.chunk << " hand over " << sizes.hand_over);
    REQUIRE(ok_ref == ok_got);
    CHECK(ref.blocking == got.blocking);
    if (ok_ref) {  // when infeasible only the Hall violator is reported (solve_lap leaves scanned columns marked)
      CHECK(ref.x == got.x);
      CHECK(ref.y == got.y);
      CHECK(same_bits(ref.u, got.u));
      CHECK(same_bits(ref.v, got.v));
    }
  }
}

// Equal distances to a column from two rows, the earlier-scanned row's entry relaxed later (it waited on
// the queue): the predecessor must still be the earlier row, as in the dense scan. Rare; three cost levels,
// one-member lists and chunks of one make it happen within these instances (at least once, around
// instance 830: without the rule the potentials differ there).
TEST_CASE("candidate lists: a tie between rows relaxed out of scan order keeps the first scanned row", "[dense][matching]") {
  std::mt19937_64 rng(1);
  for (int iter = 0; iter < 1000; ++iter) {
    const std::size_t n = 2 + rng() % 60, m = n + rng() % 20;
    std::vector<double> c(n * m);
    for (auto& x : c) x = static_cast<double>(rng() % 3);
    koc::detail::candidate_sizes sizes;
    sizes.first = 1;
    sizes.cap = 2 + static_cast<std::uint32_t>(rng() % 3);
    sizes.chunk = 1;
    sizes.hand_over = false;  // the lists' own searches are under test
    koc::detail::lap_state ref, got;
    koc::detail::solve_lap(c.data(), n, m, m, ref);
    koc::detail::candidate_lap<false>({c.data(), n, m, m, 1.0}, got, true, false, sizes).solve();
    INFO("iter " << iter);
    REQUIRE(ref.x == got.x);
    REQUIRE(same_bits(ref.v, got.v));
    REQUIRE(same_bits(ref.u, got.u));
  }
}

// Costs of wildly different magnitudes side by side (1e150, 1e75, 1, 1e-150, both signs): rounding can leave
// a reduced cost below zero, so that a search meets a column nearer than one it scanned before and a column
// potential rises. The lists' bounds assume falling potentials; they are then taken again (renew_lists), and
// the answer stays the plain kernel's, bit for bit, with tiny lists that re-read and expand often.
TEST_CASE("candidate lists: costs of mixed magnitudes, where rounding can raise a column potential", "[dense][matching]") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int iter = 0; iter < 600; ++iter) {
    std::size_t rows = 2 + rng() % 40, cols = rows + (iter % 2 == 1 ? rng() % 30 : 0);
    if (iter % 5 == 0) std::swap(rows, cols);
    std::vector<double> c(rows * cols);
    for (auto& x : c) {
      const auto level = rng() % 4;
      x = unit(rng) * (level == 0 ? 1e150 : level == 1 ? 1.0 : level == 2 ? 1e-150 : 1e75);
      if (rng() % 2 == 1) x = -x;
    }
    const bool transposed = rows > cols;
    const std::size_t n = transposed ? cols : rows, m = transposed ? rows : cols;
    std::vector<double> internal(n * m);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) (transposed ? internal[j * m + i] : internal[i * m + j]) = c[i * cols + j];
    koc::detail::candidate_sizes sizes;
    sizes.first = 1 + static_cast<std::uint32_t>(rng() % 3);
    sizes.cap = sizes.first + static_cast<std::uint32_t>(rng() % 6);
    sizes.chunk = 1 + static_cast<std::uint32_t>(rng() % 3);
    sizes.hand_over = false;  // the lists' own searches are under test
    koc::detail::lap_state ref, got;
    REQUIRE(koc::detail::solve_lap(internal.data(), n, m, m, ref));
    const bool ok = transposed ? koc::detail::candidate_lap<true>({c.data(), n, m, cols, 1.0}, got, true, false, sizes).solve()
                               : koc::detail::candidate_lap<false>({c.data(), n, m, cols, 1.0}, got, true, false, sizes).solve();
    INFO("iter " << iter << " " << rows << "x" << cols);
    REQUIRE(ok);
    REQUIRE(ref.x == got.x);
    REQUIRE(same_bits(ref.u, got.u));
    REQUIRE(same_bits(ref.v, got.v));
    koc::dense_assignment_options lists;
    lists.method = koc::dense_method::candidate_lists;
    const auto r = koc::solve_dense_assignment(c.data(), rows, cols, lists);
    const auto chk = koc::verify(c.data(), rows, cols, r);
    INFO(chk.message);
    CHECK(chk.ok);
  }
}

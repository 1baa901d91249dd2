// Fuzzes koc::solve_dense_assignment (include/koc/matching/dense_assignment.hpp) with arbitrary small
// matrices: up to 9 x 9, a leading dimension larger than the width, minimise or maximise, an optional
// mask, entries from a palette of awkward values (ties, near-ties, +-inf, NaN, wide magnitudes) or raw
// doubles of bounded magnitude.
// Invariants: NaN or a wrong-signed infinity is refused with koc::error(invalid_value) naming a row
// that holds one, and a clean matrix is never refused; every result passes koc::verify (the LP dual
// certificate, or the Hall violator when infeasible); the same input gives the same result bit for
// bit, by either way of reading the matrix (full scan, candidate lists, also with tiny lists), and the
// same error; the optimum equals brute force on the tiny ones and the transposed problem's optimum.
#include "fuzz_check.hpp"

#include <koc/matching/dense_assignment.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
// Raw doubles are kept below this: with |c| near DBL_MAX the potentials (sums and differences of
// costs) overflow to inf, which the certificate cannot express (documented limit, see the README).
constexpr double max_magnitude = 1e150;

double entry(FuzzedDataProvider& in) {
  static const double palette[] = {0.0, 1.0, -1.0, 2.0, 3.0, 5.0, 10.0, -7.0, 0.5, 1e-9, 1e9, 1.0 + 1e-15,
                                   1.0 - 1e-16, 1e15, -1e15, 1e-300, inf, -inf, std::nan("")};
  const std::uint8_t mode = in.ConsumeIntegral<std::uint8_t>();
  if (mode < 160) return palette[mode % (sizeof(palette) / sizeof(palette[0]))];
  if (mode < 224) return static_cast<double>(in.ConsumeIntegralInRange<int>(-20, 20));
  const double x = in.ConsumeFloatingPoint<double>();
  return std::isfinite(x) && std::abs(x) > max_magnitude ? std::copysign(max_magnitude, x) : x;
}

bool bad_entry(double c, bool maximize) { return std::isnan(c) || c == (maximize ? inf : -inf); }

/// Brute-force optimum over every injection of the smaller side into the larger (or -1 when infeasible).
struct brute {
  const std::vector<double>& cost;
  const std::vector<std::uint8_t>& mask;
  std::size_t rows, cols, ld;
  bool maximize;
  bool found = false;
  double best = 0;
  std::vector<char> used;

  bool allowed(std::size_t i, std::size_t j) const {
    return !(!mask.empty() && mask[i * cols + j]) && cost[i * ld + j] != (maximize ? -inf : inf);
  }
  double at(std::size_t a, std::size_t b) const {  // a on the smaller side
    return rows <= cols ? cost[a * ld + b] : cost[b * ld + a];
  }
  bool ok(std::size_t a, std::size_t b) const { return rows <= cols ? allowed(a, b) : allowed(b, a); }
  void run(std::size_t a, std::size_t n, std::size_t m, double sum) {
    if (a == n) {
      if (!found || (maximize ? sum > best : sum < best)) best = sum;
      found = true;
      return;
    }
    for (std::size_t b = 0; b < m; ++b)
      if (!used[b] && ok(a, b)) {
        used[b] = 1;
        run(a + 1, n, m, sum + at(a, b));
        used[b] = 0;
      }
  }
};

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using koc::fuzz::check;
  FuzzedDataProvider in(data, size);
  const std::size_t rows = in.ConsumeIntegralInRange<std::size_t>(0, 9);
  const std::size_t cols = in.ConsumeIntegralInRange<std::size_t>(0, 9);
  const std::size_t ld = cols + in.ConsumeIntegralInRange<std::size_t>(0, 2);
  const bool maximize = in.ConsumeBool();
  const bool use_mask = in.ConsumeBool();
  std::vector<double> cost(rows * ld, 0.0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < ld; ++j)
      // Padding beyond the width is never read by the solver; make it poison so a read would show.
      cost[i * ld + j] = j < cols ? entry(in) : std::nan("");
  std::vector<std::uint8_t> mask;
  if (use_mask)
    for (std::size_t k = 0; k < rows * cols; ++k) mask.push_back(in.ConsumeIntegralInRange<std::uint8_t>(0, 3) == 0);

  bool has_bad = false;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) has_bad |= bad_entry(cost[i * ld + j], maximize);

  koc::dense_assignment_options opt;
  opt.maximize = maximize;
  opt.forbidden = use_mask ? mask.data() : nullptr;
  opt.method = koc::dense_method::full_scan;
  koc::dense_assignment_options lists = opt;
  lists.method = koc::dense_method::candidate_lists;
  // Tiny candidate lists make every fallback of that way common (sizes from the input).
  koc::detail::candidate_sizes tiny;
  tiny.first = in.ConsumeIntegralInRange<std::uint32_t>(1, 3);
  tiny.cap = tiny.first + in.ConsumeIntegralInRange<std::uint32_t>(0, 4);
  tiny.chunk = in.ConsumeIntegralInRange<std::uint32_t>(1, 3);
  tiny.hand_over = in.ConsumeBool();
  koc::dense_assignment_result r;
  try {
    r = koc::solve_dense_assignment(cost.data(), rows, cols, ld, opt);
  } catch (const koc::error& e) {
    koc::fuzz::check_error(e);
    try {
      (void)koc::solve_dense_assignment(cost.data(), rows, cols, ld, lists);
      check(false, "the candidate lists accepted a matrix the full scan refused");
    } catch (const koc::error& e2) {
      check(e2.code() == e.code() && e2.row() == e.row() && std::string(e2.what()) == e.what(),
            std::string("the two ways report different errors: ") + e.what() + " / " + e2.what());
    }
    check(has_bad, std::string("a clean matrix was refused: ") + e.what());
    check(e.code() == koc::errc::invalid_value && e.field() == "cost", std::string("wrong error: ") + e.what());
    check(e.row() >= 0 && static_cast<std::size_t>(e.row()) < rows, "error row out of range");
    bool row_bad = false;
    for (std::size_t j = 0; j < cols; ++j) row_bad |= bad_entry(cost[static_cast<std::size_t>(e.row()) * ld + j], maximize);
    check(row_bad, std::string("the reported row holds no bad entry: ") + e.what());
    return 0;
  }
  check(!has_bad, "a matrix with NaN or a wrong-signed infinity was accepted");
  const koc::assignment_check ck = koc::verify(cost.data(), rows, cols, ld, r, 1e-9, opt.forbidden);
  check(ck.ok, "certificate rejected: " + ck.message);

  const koc::dense_assignment_result again = koc::solve_dense_assignment(cost.data(), rows, cols, ld, opt);
  check(again.status == r.status && again.row_ind == r.row_ind && again.col_ind == r.col_ind &&
            same_bits(again.row_potential, r.row_potential) && same_bits(again.col_potential, r.col_potential) &&
            again.blocking_rows == r.blocking_rows && again.blocking_cols == r.blocking_cols,
        "two solves of the same input differ");

  // The candidate lists take the same steps: the same answer, bit for bit; with tiny lists too, whose
  // internal state must be the plain kernel's.
  const koc::dense_assignment_result rl = koc::solve_dense_assignment(cost.data(), rows, cols, ld, lists);
  check(rl.status == r.status && rl.row_ind == r.row_ind && rl.col_ind == r.col_ind &&
            same_bits(rl.row_potential, r.row_potential) && same_bits(rl.col_potential, r.col_potential) &&
            rl.blocking_rows == r.blocking_rows && rl.blocking_cols == r.blocking_cols,
        "the candidate lists and the full scan differ");
  if (!use_mask) {
    const bool transposed = rows > cols;
    const std::size_t n = transposed ? cols : rows, m = transposed ? rows : cols;
    const double sign = maximize ? -1.0 : 1.0;
    std::vector<double> internal(n * m);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) (transposed ? internal[j * m + i] : internal[i * m + j]) = sign * cost[i * ld + j];
    koc::detail::lap_state plain, listed;
    const bool ok_plain = koc::detail::solve_lap(internal.data(), n, m, m, plain);
    const bool ok_listed =
        transposed ? koc::detail::candidate_lap<true>({cost.data(), n, m, ld, sign}, listed, true, maximize, tiny).solve()
                   : koc::detail::candidate_lap<false>({cost.data(), n, m, ld, sign}, listed, true, maximize, tiny).solve();
    // (When infeasible only the Hall violator is reported: the plain kernel leaves scanned columns marked.)
    check(ok_plain == ok_listed && plain.blocking == listed.blocking &&
              (!ok_plain || (plain.x == listed.x && plain.y == listed.y && same_bits(plain.u, listed.u) &&
                             same_bits(plain.v, listed.v))),
          "tiny candidate lists and the plain kernel differ");
  }

  // Scale for comparing optima: the largest allowed magnitude.
  double scale = 1.0;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      if (std::isfinite(cost[i * ld + j])) scale = std::max(scale, std::abs(cost[i * ld + j]));
  const double tol = 1e-9 * scale * static_cast<double>(std::max<std::size_t>(1, std::min(rows, cols)));

  // The transposed problem (contiguous, mask transposed too) has the same optimum.
  std::vector<double> ct(cols * rows);
  std::vector<std::uint8_t> mt(use_mask ? cols * rows : 0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      ct[j * rows + i] = cost[i * ld + j];
      if (use_mask) mt[j * rows + i] = mask[i * cols + j];
    }
  koc::dense_assignment_options topt = opt;
  topt.forbidden = use_mask ? mt.data() : nullptr;
  const koc::dense_assignment_result rt = koc::solve_dense_assignment(ct.data(), cols, rows, topt);
  check(koc::verify(ct.data(), cols, rows, rt, 1e-9, topt.forbidden).ok, "certificate of the transposed problem rejected");
  check(rt.status == r.status, "the transposed problem has another status");
  if (r.status == koc::assignment_status::optimal)
    check(std::abs(rt.total_cost - r.total_cost) <= tol, "the transposed problem has another optimum: " +
                                                             std::to_string(r.total_cost) + " vs " + std::to_string(rt.total_cost));

  if (std::max(rows, cols) <= 7) {
    brute b{cost, mask, rows, cols, ld, maximize, false, 0.0, {}};
    b.used.assign(std::max(rows, cols), 0);
    b.run(0, std::min(rows, cols), std::max(rows, cols), 0.0);
    check(b.found == (r.status == koc::assignment_status::optimal), "brute force disagrees on feasibility");
    if (b.found)
      check(std::abs(b.best - r.total_cost) <= tol,
            "not optimal: solver " + std::to_string(r.total_cost) + ", brute force " + std::to_string(b.best));
  }
  return 0;
}

#include <catch2/catch.hpp>
#include <koc/rewards/money.hpp>

#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

using koc::errc;

namespace {
errc code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const koc::error& e) {
    return e.code();
  }
  return errc::ok;
}
}  // namespace

TEST_CASE("currency table: exponents and unknown codes", "[rewards][money]") {
  CHECK(koc::currency_exponent(koc::find_currency("CNY")) == 2);
  CHECK(koc::currency_exponent(koc::find_currency("JPY")) == 0);
  CHECK(koc::currency_exponent(koc::find_currency("KRW")) == 0);
  CHECK(koc::currency_exponent(koc::find_currency("KWD")) == 3);
  CHECK(koc::currency_exponent(koc::find_currency("BHD")) == 3);
  CHECK(koc::find_currency("PTS") == koc::points_currency);
  try {
    koc::find_currency("XYZ", 4, "rules[1].currency");
    FAIL("no throw");
  } catch (const koc::error& e) {
    CHECK(e.code() == errc::unknown_name);
    CHECK(e.row() == 4);
    CHECK(e.field() == "rules[1].currency");
  }
  CHECK(koc::lookup_currency("cny") == koc::no_currency);
}

TEST_CASE("decimal amounts parse exactly and refuse excess digits", "[rewards][money]") {
  const auto cny = koc::find_currency("CNY"), jpy = koc::find_currency("JPY"), kwd = koc::find_currency("KWD");
  CHECK(koc::parse_amount("300.00", cny) == 30000);
  CHECK(koc::parse_amount("300.5", cny) == 30050);
  CHECK(koc::parse_amount("300", cny) == 30000);
  CHECK(koc::parse_amount("0.01", cny) == 1);
  CHECK(koc::parse_amount("1500", jpy) == 1500);
  CHECK(koc::parse_amount("1.250", kwd) == 1250);
  CHECK(koc::parse_amount("92233720368547758.07", cny) == std::numeric_limits<std::int64_t>::max());
  CHECK(code_of([&] { koc::parse_amount("300.001", cny); }) == errc::out_of_range);
  CHECK(code_of([&] { koc::parse_amount("300.000", cny); }) == errc::out_of_range);
  CHECK(code_of([&] { koc::parse_amount("1.5", jpy); }) == errc::out_of_range);
  CHECK(code_of([&] { koc::parse_amount("-1", cny); }) == errc::invalid_value);
  CHECK(code_of([&] { koc::parse_amount("1e3", cny); }) == errc::invalid_value);
  CHECK(code_of([&] { koc::parse_amount(".5", cny); }) == errc::invalid_value);
  CHECK(code_of([&] { koc::parse_amount("5.", cny); }) == errc::invalid_value);
  CHECK(code_of([&] { koc::parse_amount("", cny); }) == errc::invalid_value);
  CHECK(code_of([&] { koc::parse_amount("1,000", cny); }) == errc::invalid_value);
  CHECK(code_of([&] { koc::parse_amount("92233720368547758.08", cny); }) == errc::overflow);
  CHECK(code_of([&] { koc::parse_amount("99999999999999999999", jpy); }) == errc::overflow);
}

TEST_CASE("formatting groups thousands and keeps the exponent", "[rewards][money]") {
  CHECK(koc::format_amount(12000000, koc::find_currency("CNY")) == "120,000.00 CNY");
  CHECK(koc::format_amount(-5, koc::find_currency("USD")) == "-0.05 USD");
  CHECK(koc::format_amount(50, koc::points_currency) == "50 PTS");
  CHECK(koc::format_amount(1250, koc::find_currency("KWD")) == "1.250 KWD");
  CHECK(koc::format_amount(1234567, koc::find_currency("JPY")) == "1,234,567 JPY");
  CHECK(koc::format_grouped(100000) == "100,000");
  CHECK(koc::format_bp(5000) == "50.00%");
  CHECK(koc::format_bp(12345) == "123.45%");
}

TEST_CASE("mul_ratio rounds half to even on the exact rational", "[rewards][money]") {
  CHECK(koc::mul_ratio(5, 1, 2) == 2);    // 2.5
  CHECK(koc::mul_ratio(7, 1, 2) == 4);    // 3.5
  CHECK(koc::mul_ratio(-5, 1, 2) == -2);  // -2.5
  CHECK(koc::mul_ratio(-7, 1, 2) == -4);
  CHECK(koc::mul_ratio(10, 1, 3) == 3);   // 3.33
  CHECK(koc::mul_ratio(20, 1, 3) == 7);   // 6.67
  CHECK(koc::mul_ratio(30000, 15 * 8000, 30 * 10000) == 12000);
  CHECK(koc::mul_ratio(std::numeric_limits<std::int64_t>::max(), 10000, 10000) == std::numeric_limits<std::int64_t>::max());
  CHECK(code_of([] { koc::mul_ratio(std::numeric_limits<std::int64_t>::max(), 10001, 10000); }) == errc::overflow);
  // Against a brute-force oracle on small values.
  for (std::int64_t a = -50; a <= 50; ++a)
    for (std::int64_t d = 1; d <= 12; ++d) {
      const std::int64_t got = koc::mul_ratio(a, 1, d);
      // nearest integers to a/d: check |got*d - a| minimal and even on ties
      const std::int64_t e2 = std::llabs(2 * (got * d - a));
      REQUIRE(e2 <= d);
      if (e2 == d) REQUIRE(got % 2 == 0);
    }
}

TEST_CASE("checked arithmetic throws overflow instead of wrapping", "[rewards][money]") {
  const auto big = std::numeric_limits<std::int64_t>::max();
  CHECK(code_of([&] { koc::checked_add(big, 1); }) == errc::overflow);
  CHECK(code_of([&] { koc::checked_sub(-big, 2); }) == errc::overflow);
  CHECK(code_of([&] { koc::checked_mul(big / 2, 3); }) == errc::overflow);
  CHECK(koc::checked_add(big - 1, 1) == big);
  try {
    koc::checked_mul(big, 2, 7, "days_on_site");
  } catch (const koc::error& e) {
    CHECK(e.row() == 7);
    CHECK(e.field() == "days_on_site");
  }
}

TEST_CASE("fractions convert exactly to basis points", "[rewards][money]") {
  CHECK(koc::fraction_to_bp(0.0, 0, "f") == 0);
  CHECK(koc::fraction_to_bp(1.0, 0, "f") == 10000);
  CHECK(koc::fraction_to_bp(0.8, 0, "f") == 8000);
  CHECK(koc::fraction_to_bp(0.3, 0, "f") == 3000);
  // Oracle: Python's Decimal(x) * 10000 (the exact binary value): 0.12345 → 1234.50000000000004...
  CHECK(koc::fraction_to_bp(0.12345, 0, "f") == 1235);
  CHECK(koc::fraction_to_bp(0.00005, 0, "f") == 1);  // 0.500000000000000024 bp: just above the tie
  CHECK(koc::fraction_to_units(0.5, 1, 0, "f") == 0);    // exact tie 0.5 → even 0
  CHECK(koc::fraction_to_units(0.75, 2, 0, "f") == 2);   // exact tie 1.5 → even 2
  CHECK(koc::fraction_to_units(0.25, 10, 0, "f") == 2);  // exact tie 2.5 → even 2
  CHECK(koc::fraction_to_bp(1e-300, 0, "f") == 0);
  CHECK(koc::fraction_to_units(0.912345, 1000000, 0, "q") == 912345);
  CHECK(code_of([] { koc::fraction_to_bp(std::nan(""), 3, "duty_fulfilment"); }) == errc::invalid_value);
  CHECK(code_of([] { koc::fraction_to_bp(1.0000001, 3, "duty_fulfilment"); }) == errc::out_of_range);
  CHECK(code_of([] { koc::fraction_to_bp(-0.1, 3, "duty_fulfilment"); }) == errc::out_of_range);
  CHECK(code_of([] { koc::fraction_to_bp(INFINITY, 3, "duty_fulfilment"); }) == errc::invalid_value);
  // Monotone on many random values and always within half a unit of x*10000.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < 20000; ++i) {
    const double x = u(rng), y = u(rng);
    const auto bx = koc::fraction_to_bp(x, 0, "f"), by = koc::fraction_to_bp(y, 0, "f");
    REQUIRE(std::abs(static_cast<long double>(bx) - static_cast<long double>(x) * 10000) <= 0.5L);
    if (x <= y) REQUIRE(bx <= by);
  }
}

TEST_CASE("largest remainder: hand-computed splits and tie-break", "[rewards][money][split]") {
  using V = std::vector<std::int64_t>;
  CHECK(koc::split_largest_remainder(100, V{1, 1, 1}) == V{34, 33, 33});
  CHECK(koc::split_largest_remainder(10000, V{5000, 3000, 2000}) == V{5000, 3000, 2000});
  CHECK(koc::split_largest_remainder(7, V{1, 1}) == V{4, 3});
  CHECK(koc::split_largest_remainder(10, V{0, 0, 0}) == V{4, 3, 3});  // all zero: equal split
  CHECK(koc::split_largest_remainder(5, V{3, 0, 1}) == V{4, 0, 1});   // quotas 3.75, 0, 1.25
  CHECK(koc::split_largest_remainder(0, V{}) == V{});
  CHECK(code_of([] { koc::split_largest_remainder(5, V{}); }) == errc::invalid_argument);
  CHECK(code_of([] { koc::split_largest_remainder(5, V{1, -1}); }) == errc::invalid_value);
  CHECK(code_of([] { koc::split_largest_remainder(-5, V{1}); }) == errc::invalid_value);
  const auto big = std::numeric_limits<std::int64_t>::max();
  const V huge = koc::split_largest_remainder(big, V{big, big, 1});
  CHECK(huge[0] + huge[1] + huge[2] == big);  // sums in 128 bits internally
}

TEST_CASE("largest remainder: parts sum to the pool and stay within one unit of the quota", "[rewards][money][split][property]") {
  std::mt19937_64 rng(2024);
  for (int iter = 0; iter < 3000; ++iter) {
    const std::size_t n = 1 + rng() % 20;
    const std::int64_t pool = static_cast<std::int64_t>(rng() % 1000000007ULL);
    std::vector<std::int64_t> w(n);
    for (auto& x : w) x = (rng() % 4 == 0) ? 0 : static_cast<std::int64_t>(rng() % 100000);
    const auto parts = koc::split_largest_remainder(pool, w);
    REQUIRE(std::accumulate(parts.begin(), parts.end(), std::int64_t{0}) == pool);
    const long double W = std::accumulate(w.begin(), w.end(), 0.0L);
    for (std::size_t i = 0; i < n; ++i) {
      const long double quota = W == 0 ? static_cast<long double>(pool) / n : static_cast<long double>(pool) * w[i] / W;
      REQUIRE(parts[i] >= 0);
      REQUIRE(std::abs(parts[i] - quota) < 1.0L + 1e-9L);
    }
  }
}

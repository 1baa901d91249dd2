// Exact money for the rewards ledger: integer minor units, ISO 4217 exponents, checked arithmetic,
// one documented rounding rule and a largest-remainder pool split.
//
//   koc::currency_id cny = koc::find_currency("CNY");          // exponent 2
//   std::int64_t fee = koc::parse_amount("300.00", cny);        // 30000 minor units (fen)
//   std::int64_t late = koc::mul_ratio(fee, 5000, 10000);       // 50% of it, round half to even
//   std::vector<std::int64_t> parts = koc::split_largest_remainder(100, {1, 1, 1});  // {34, 33, 33}
//   koc::format_amount(12000000, cny) == "120,000.00 CNY"
//
// Units. An amount is an std::int64_t count of the currency's minor unit (fen for CNY, cents for USD,
// yen for JPY, fils for KWD). Points are the pseudo-currency "PTS" with exponent 0: they are never
// mixed with money and never converted. No floating point ever holds an amount: decimal strings are
// parsed digit by digit and a string with more fractional digits than the currency allows is refused
// (even "1.000" for CNY), so nothing is silently rounded at the input.
//
// Overflow. Every sum and product of amounts is checked (__builtin_*_overflow) and throws
// koc::error(errc::overflow); nothing ever wraps.
//
// Rounding (the one rule for every fractional result: proration, multipliers, percentages). The
// result is computed as an exact rational a*num/den in 128-bit integers and rounded to the nearest
// minor unit, ties to even ("banker's rounding", IEEE 754 roundTiesToEven): 2.5 -> 2, 3.5 -> 4,
// -2.5 -> -2. Ties to even has no upward bias over many lines, which matters for a ledger of millions.
//
// Pool split (split_largest_remainder): Hamilton's largest remainder method. Each part gets the floor
// of its exact quota pool*w_i/W; the units left over (fewer than the number of parts) go one each to
// the parts with the largest remainders, ties broken by the lower input index. The parts always sum
// to the pool exactly and each part differs from its exact quota by less than one unit.
// Complexity O(n) for n parts (the largest remainders are selected, not sorted). Reference: M. L. Balinski and
// H. P. Young, "Fair Representation", 2nd ed., Brookings 2001, ch. 2 (Hamilton's method).
#pragma once

#include <koc/error.hpp>
#include <koc/int128.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace koc {

namespace detail {
// 128-bit intermediates make a*b/c exact for any int64 operands (koc/int128.hpp).
using i128 = koc::int128;
using u128 = koc::uint128;
}  // namespace detail

/// Index into the built-in currency table (currencies()).
using currency_id = std::uint8_t;
/// Marks ledger lines that carry no amount (entitlements, no_reward).
inline constexpr currency_id no_currency = 0xFF;

struct currency_info {
  const char* code;  ///< ISO 4217 alphabetic code, or "PTS" for points
  int exponent;      ///< number of minor-unit digits (CNY 2, JPY 0, KWD 3)
};

/// The built-in table: common ISO 4217 codes with their minor-unit exponents, plus PTS (points).
inline span<const currency_info> currencies() noexcept {
  static constexpr currency_info table[] = {
      {"PTS", 0}, {"CNY", 2}, {"USD", 2}, {"EUR", 2}, {"JPY", 0}, {"KRW", 0}, {"GBP", 2}, {"HKD", 2},
      {"TWD", 2}, {"SGD", 2}, {"MOP", 2}, {"AUD", 2}, {"CAD", 2}, {"NZD", 2}, {"CHF", 2}, {"SEK", 2},
      {"NOK", 2}, {"DKK", 2}, {"PLN", 2}, {"CZK", 2}, {"HUF", 2}, {"RUB", 2}, {"INR", 2}, {"IDR", 2},
      {"MYR", 2}, {"THB", 2}, {"PHP", 2}, {"VND", 0}, {"AED", 2}, {"SAR", 2}, {"QAR", 2}, {"ILS", 2},
      {"TRY", 2}, {"BRL", 2}, {"MXN", 2}, {"ZAR", 2}, {"CLP", 0}, {"ISK", 0}, {"KWD", 3}, {"BHD", 3},
      {"OMR", 3}, {"JOD", 3}, {"TND", 3}, {"LYD", 3}, {"IQD", 3},
  };
  return {table, sizeof(table) / sizeof(table[0])};
}

/// The points pseudo-currency (always id 0).
inline constexpr currency_id points_currency = 0;

/// Id of `code`, or no_currency when the code is not in the table. Codes are case-sensitive ("CNY").
inline currency_id lookup_currency(std::string_view code) noexcept {
  const auto t = currencies();
  for (std::size_t i = 0; i < t.size(); ++i)
    if (code == t[i].code) return static_cast<currency_id>(i);
  return no_currency;
}

/// Id of `code`; throws errc::unknown_name naming `row` and `field` when the code is unknown.
inline currency_id find_currency(std::string_view code, std::int64_t row = -1, const std::string& field = "currency") {
  const currency_id c = lookup_currency(code);
  if (c == no_currency)
    throw error(errc::unknown_name, "unknown currency code '" + std::string(code) + "'", row, field);
  return c;
}

inline const char* currency_code(currency_id c) noexcept {
  return c == no_currency ? "" : currencies()[c].code;
}
inline int currency_exponent(currency_id c) noexcept { return c == no_currency ? 0 : currencies()[c].exponent; }

// ---- checked arithmetic --------------------------------------------------------------------------

inline std::int64_t checked_add(std::int64_t a, std::int64_t b, std::int64_t row = -1, const std::string& field = "amount") {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) throw error(errc::overflow, "amount sum overflows int64", row, field);
  return r;
}
inline std::int64_t checked_sub(std::int64_t a, std::int64_t b, std::int64_t row = -1, const std::string& field = "amount") {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) throw error(errc::overflow, "amount difference overflows int64", row, field);
  return r;
}
inline std::int64_t checked_mul(std::int64_t a, std::int64_t b, std::int64_t row = -1, const std::string& field = "amount") {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) throw error(errc::overflow, "amount product overflows int64", row, field);
  return r;
}

namespace detail {
/// n/d rounded half to even; d > 0. Exact on 128-bit integers.
inline i128 div_round_half_even(i128 n, i128 d) noexcept {
  const bool neg = n < 0;
  const detail::u128 un = neg ? static_cast<detail::u128>(-(n + 1)) + 1 : static_cast<detail::u128>(n);
  const detail::u128 ud = static_cast<detail::u128>(d);
  detail::u128 q = un / ud;
  const detail::u128 r = un % ud;
  // Compare 2r with d without overflowing: r >= d - r.
  if (r > ud - r || (r == ud - r && (q & 1))) ++q;
  return neg ? -static_cast<detail::i128>(q) : static_cast<detail::i128>(q);
}
}  // namespace detail

/// a * num / den rounded half to even (the ledger's one rounding rule). den > 0, |num| < 2^63.
/// Throws errc::overflow when the result does not fit int64.
inline std::int64_t mul_ratio(std::int64_t a, std::int64_t num, std::int64_t den, std::int64_t row = -1,
                              const std::string& field = "amount") {
  if (den <= 0) throw error(errc::internal, "mul_ratio: denominator must be positive", row, field);
  const detail::i128 q = detail::div_round_half_even(static_cast<detail::i128>(a) * num, den);
  if (q > std::numeric_limits<std::int64_t>::max() || q < std::numeric_limits<std::int64_t>::min())
    throw error(errc::overflow, "scaled amount overflows int64", row, field);
  return static_cast<std::int64_t>(q);
}

/// Converts a fraction x in [0, 1] to an integer count of 1/scale (scale 10000 = basis points,
/// 1000000 = parts per million) exactly: the double's exact binary value times scale, rounded half to
/// even. Throws errc::invalid_value for NaN/infinity and errc::out_of_range outside [0, 1].
inline std::int64_t fraction_to_units(double x, std::int64_t scale, std::int64_t row, const std::string& field) {
  if (!std::isfinite(x)) throw error(errc::invalid_value, "fraction is NaN or infinite", row, field);
  if (x < 0.0 || x > 1.0) throw error(errc::out_of_range, "fraction must lie in [0, 1]", row, field);
  if (x == 0.0) return 0;  // also -0.0
  // x = mant / 2^shift exactly, read from the IEEE 754 bits (x > 0: the sign bit is clear).
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const auto biased = static_cast<int>(bits >> 52);
  std::int64_t mant = static_cast<std::int64_t>(bits & ((std::uint64_t{1} << 52) - 1));
  if (biased != 0) mant |= std::int64_t{1} << 52;           // normal: implicit leading 1
  const int shift = biased != 0 ? 1075 - biased : 1074;     // subnormal: x = mant * 2^-1074
  if (shift > 100) return 0;  // x*scale < 2^-30: rounds to zero
  const detail::i128 n = static_cast<detail::i128>(mant) * scale;
  const detail::i128 one = 1;
  detail::i128 q = n >> shift;
  const detail::i128 r = n & ((one << shift) - 1);
  const detail::i128 half = one << (shift - 1);
  if (r > half || (r == half && (q & 1))) ++q;
  return static_cast<std::int64_t>(q);
}
inline std::int32_t fraction_to_bp(double x, std::int64_t row, const std::string& field) {
  return static_cast<std::int32_t>(fraction_to_units(x, 10000, row, field));
}

// ---- decimal text <-> minor units ----------------------------------------------------------------

/// Parses a non-negative decimal string ("300", "300.5", "300.00") into minor units of `c`. Refuses
/// signs, exponents, spaces, thousands separators, an empty part and more fractional digits than the
/// currency's exponent. Throws errc::invalid_value (malformed), errc::out_of_range (too many decimals)
/// or errc::overflow, naming `row` and `field`.
inline std::int64_t parse_amount(std::string_view text, currency_id c, std::int64_t row = -1,
                                 const std::string& field = "amount") {
  const int exp = currency_exponent(c);
  const std::string shown = "'" + std::string(text) + "'";
  if (text.empty()) throw error(errc::invalid_value, "amount is empty", row, field);
  std::int64_t v = 0;
  std::size_t i = 0;
  int int_digits = 0, frac_digits = 0;
  for (; i < text.size() && text[i] != '.'; ++i, ++int_digits) {
    if (text[i] < '0' || text[i] > '9')
      throw error(errc::invalid_value, "amount " + shown + " is not a non-negative decimal number", row, field);
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, text[i] - '0', &v))
      throw error(errc::overflow, "amount " + shown + " overflows int64 minor units", row, field);
  }
  if (int_digits == 0) throw error(errc::invalid_value, "amount " + shown + " has no integer part", row, field);
  if (i < text.size()) {  // at '.'
    ++i;
    if (i == text.size()) throw error(errc::invalid_value, "amount " + shown + " ends with '.'", row, field);
    for (; i < text.size(); ++i, ++frac_digits) {
      if (text[i] < '0' || text[i] > '9')
        throw error(errc::invalid_value, "amount " + shown + " is not a non-negative decimal number", row, field);
      if (frac_digits >= exp)
        throw error(errc::out_of_range,
                    "amount " + shown + " has more fractional digits than " + currency_code(c) + " allows (" +
                        std::to_string(exp) + ")",
                    row, field);
      if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, text[i] - '0', &v))
        throw error(errc::overflow, "amount " + shown + " overflows int64 minor units", row, field);
    }
  }
  for (; frac_digits < exp; ++frac_digits)
    if (__builtin_mul_overflow(v, 10, &v))
      throw error(errc::overflow, "amount " + shown + " overflows int64 minor units", row, field);
  return v;
}

/// "1,234,567" (thousands separated by commas; a leading '-' for negatives).
inline std::string format_grouped(std::int64_t v) {
  const bool neg = v < 0;
  unsigned long long u = neg ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  std::string digits = std::to_string(u), out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return neg ? "-" + out : out;
}

/// "120,000.00 CNY", "-0.05 USD", "50 PTS", "1.250 KWD".
inline std::string format_amount(std::int64_t minor, currency_id c) {
  const int exp = currency_exponent(c);
  const bool neg = minor < 0;
  unsigned long long u = neg ? 0ULL - static_cast<unsigned long long>(minor) : static_cast<unsigned long long>(minor);
  unsigned long long scale = 1;
  for (int k = 0; k < exp; ++k) scale *= 10;
  std::string s = (neg ? "-" : "") + format_grouped(static_cast<std::int64_t>(u / scale));
  if (exp > 0) {
    std::string frac = std::to_string(u % scale);
    s += '.' + std::string(static_cast<std::size_t>(exp) - frac.size(), '0') + frac;
  }
  return s + ' ' + currency_code(c);
}

/// "50.00%" for 5000 basis points.
inline std::string format_bp(std::int64_t bp) {
  std::string frac = std::to_string(bp % 100);
  return std::to_string(bp / 100) + '.' + (frac.size() < 2 ? "0" : "") + frac + '%';
}

// ---- pool split ----------------------------------------------------------------------------------

/// Splits `pool` (>= 0) into parts proportional to `weights` (each >= 0) by the largest remainder
/// method; parts sum to `pool` exactly. Leftover units go to the largest remainders, ties to the lower
/// index. All weights zero (or no weights with pool 0): the pool is split equally by the same rule.
/// Throws errc::invalid_value for a negative pool or weight (row = weight index, field "weights") and
/// errc::invalid_argument for a positive pool split into no parts.
inline std::vector<std::int64_t> split_largest_remainder(std::int64_t pool, span<const std::int64_t> weights) {
  const std::size_t n = weights.size();
  if (pool < 0) throw error(errc::invalid_value, "pool to split is negative", -1, "pool");
  std::vector<std::int64_t> parts(n, 0);
  if (n == 0) {
    if (pool != 0) throw error(errc::invalid_argument, "a positive pool cannot be split into no parts", -1, "weights");
    return parts;
  }
  detail::i128 total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (weights[i] < 0) throw error(errc::invalid_value, "split weight is negative", static_cast<std::int64_t>(i), "weights");
    total += weights[i];
  }
  const bool equal = total == 0;
  if (equal) total = static_cast<detail::i128>(n);
  std::vector<detail::i128> rem(n);
  std::int64_t given = 0;
  // In 64 bits when pool * weight and the total fit (one hardware division), else in 128 bits.
  const bool narrow_total = total <= static_cast<detail::i128>(std::numeric_limits<std::uint64_t>::max());
  const auto total64 = static_cast<std::uint64_t>(total);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t w = equal ? 1 : weights[i];
    std::uint64_t num64;
    if (narrow_total && !__builtin_mul_overflow(static_cast<std::uint64_t>(pool), static_cast<std::uint64_t>(w), &num64)) {
      parts[i] = static_cast<std::int64_t>(num64 / total64);  // <= pool: fits
      rem[i] = num64 % total64;
    } else {
      const detail::i128 num = static_cast<detail::i128>(pool) * w;
      parts[i] = static_cast<std::int64_t>(num / total);
      rem[i] = num % total;
    }
    given += parts[i];  // sum of floors <= pool: no overflow
  }
  // Each floor loses less than one unit: left = Σ rem[i] / total < n, which bounds the loop below.
  std::int64_t left = pool - given;
  if (left > 0) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    const auto by_remainder = [&](std::size_t a, std::size_t b) { return rem[a] != rem[b] ? rem[a] > rem[b] : a < b; };
    // The `left` first parts in a strict total order are one set: selecting them (nth_element) gives
    // the same parts as sorting them, in linear time.
    if (static_cast<std::size_t>(left) < n) std::nth_element(order.begin(), order.begin() + left, order.end(), by_remainder);
    for (std::int64_t k = 0; k < left; ++k) ++parts[order[static_cast<std::size_t>(k)]];
  }
  return parts;
}
inline std::vector<std::int64_t> split_largest_remainder(std::int64_t pool, const std::vector<std::int64_t>& weights) {
  return split_largest_remainder(pool, span<const std::int64_t>(weights));
}

}  // namespace koc

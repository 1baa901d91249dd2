// koc::detail::log1p: log(1 + x) for x >= 0, branch-free so that a loop over a column vectorises (the
// tier classifier's fused term kernel inlines it into its runtime-dispatched AVX2 and baseline clones).
//
// Why not std::log1p: it is a call per value that no compiler vectorises (about 15 ns each, six per KOC
// under the default tier policy), and glibc picks a different implementation per CPU at run time
// (__log1p_fma on FMA machines), so its last bit is not even the same on every machine. This one is
// plain IEEE double arithmetic: the batch pass over a column and a single call for one value (the
// growth-gap re-evaluation) give the same bits.
//
// Method (the fdlibm/Sun log1p reduction, written without branches):
//   u = 1 + x rounded, c = the rounding error of that sum divided by u (log(1 + x) = log(u) + log(1 + c)
//   ≈ log(u) + c, since |c| <= 2^-53);
//   u = 2^k · m with m in [√2/2, √2), f = m − 1, s = f / (2 + f);
//   log(m) = f − f²/2 + s·(f²/2 + R(s²)), R the degree-7 minimax polynomial of fdlibm's log1p;
//   log(1 + x) = k·ln2_hi + (log(m) + (k·ln2_lo + c)), ln2_hi having 32 trailing zero bits so k·ln2_hi is exact.
// Accuracy: below 1 ulp (the tests compare with std::log1p over 2^20 values spread over [0, 1e300]
// and find at most 1 ulp apart). Domain: finite x >= 0 (the roster's metrics are validated so);
// x = 0 gives +0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace koc::detail {

inline double log1p(double x) noexcept {
  constexpr double ln2_hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000
  constexpr double ln2_lo = 1.90821492927058770002e-10;  // 0x3dea39ef35793c76
  constexpr double Lp1 = 6.666666666666735130e-01, Lp2 = 3.999999999940941908e-01, Lp3 = 2.857142874366239149e-01,
                   Lp4 = 2.222219843214978396e-01, Lp5 = 1.818357216161805012e-01, Lp6 = 1.531383769920937332e-01,
                   Lp7 = 1.479819860511658591e-01;
  // No comparisons and no `?:` below on purpose: GCC (-ftrapping-math, its default) will not if-convert
  // conditional FP operations, and SSE2 has no double-compare-to-int64 select, either of which would keep
  // the caller's loop scalar.
  const double u = 1.0 + x;
  // The rounding error of 1 + x, exactly, by Knuth's branch-free TwoSum (the same value fdlibm gets with
  // its two branch-dependent Fast2Sum forms).
  const double bb = u - 1.0;
  const double c = ((1.0 - (u - bb)) + (x - bb)) / u;
  std::uint64_t bits;
  std::memcpy(&bits, &u, sizeof bits);
  // u = 2^k · m with m in [√2/2, √2): shift the mantissa so that the exponent carries at √2 (musl's trick:
  // 0x3fe6a09e is the high word of √2/2), read k, then take the shift back out of the mantissa.
  bits += (std::uint64_t{0x3ff00000} - 0x3fe6a09e) << 32;
  // k as a double without an int64 -> double conversion (not in SSE2): the 11 exponent bits go into the
  // mantissa of 2^52, and 2^52 + 1023 comes off.
  const std::uint64_t kbits = (bits >> 52) | 0x4330000000000000ULL;
  double k;
  std::memcpy(&k, &kbits, sizeof k);
  k -= 4503599627371519.0;
  const std::uint64_t mbits = (bits & 0x000fffffffffffffULL) + (std::uint64_t{0x3fe6a09e} << 32);
  double m;
  std::memcpy(&m, &mbits, sizeof m);
  const double f = m - 1.0;
  const double hfsq = 0.5 * f * f;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double R = z * (Lp1 + z * (Lp2 + z * (Lp3 + z * (Lp4 + z * (Lp5 + z * (Lp6 + z * Lp7))))));
  return k * ln2_hi - ((hfsq - (s * (hfsq + R) + (k * ln2_lo + c))) - f);
}

}  // namespace koc::detail

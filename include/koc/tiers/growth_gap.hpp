// Growth gaps: for each KOC below the top of the ladder and each metric the policy uses, the smallest
// change of that metric alone that lifts the KOC into its next tier (score threshold, the tier's gates and
// the lifetime honorary rule included), or +inf when no change of that metric can. The gap is exact: a
// closed-form seed from the normalisation's inverse, then the candidate is checked with the score summed
// again in term order, as classify sums it, and moved by ulps (or whole steps for an integral metric)
// until it is the first value that qualifies. Percentile terms search the roster's own values.
//
// Internal (namespace koc::detail): classify() runs it after the ladder walk when
// classify_options::growth_gaps is set (the default); tier_result::growth_gap documents the output.
#pragma once

#include <koc/roster.hpp>
#include <koc/tiers/ladder.hpp>
#include <koc/tiers/policy.hpp>
#include <koc/tiers/result.hpp>
#include <koc/tiers/score.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <vector>

namespace koc {
namespace detail {

/// The gap search over a classified result: reads the roster, the policy, the roster statistics of the
/// normalisations, and the result's scores, contributions and next tiers.
class growth_gap_search {
 public:
  growth_gap_search(const roster_view& r, const tier_policy& p, std::size_t n, std::size_t n_ref, const std::vector<metric_stats>& stats)
      : r_(r), p_(p), n_(n), n_ref_(n_ref), stats_(stats) {}

  /// Does KOC i (with metric `replaced` set to `value`, or none when replaced < 0) qualify for tier j?
  bool qualifies(std::size_t i, std::size_t j, double score, bool honorary, int replaced, double value) const {
    const auto& t = p_.tiers[j];
    if (!(score >= t.promote_threshold)) return false;
    for (auto& g : t.gates)
      if (!gate_passes(g, r_, i, honorary, replaced, value)) return false;
    return true;
  }

  /// Score of KOC i with term t's contribution replaced, summed in the same order as score_and_walk.
  double score_with(const tier_result& out, std::size_t i, std::size_t t, double c_new) const {
    double s = 0.0;
    for (std::size_t u = 0; u < p_.metrics.size(); ++u) s += (u == t) ? c_new : out.contributions[u * n_ + i];
    return s;
  }

  /// Would KOC i qualify for tier j with metric m set to x?
  bool qualifies_with(const tier_result& out, std::size_t i, std::size_t j, metric m, double x, bool hon) const {
    double s = out.score[i];
    for (std::size_t t = 0; t < p_.metrics.size(); ++t)
      if (p_.metrics[t].which == m) {
        const auto& w = p_.metrics[t];
        s = score_with(out, i, t, w.weight * normalise_replaced(w, stats_[t], n_ref_, i, r_.column(m)[i], x));
      }
    // A score beyond the double range is refused by classify (score_overflow): no such value qualifies.
    if (!std::isfinite(s)) return false;
    // The lifetime honorary rule may read m; the flag is unaffected by it.
    hon = (!r_.honorary.empty() && r_.honorary[i]) || lifetime_with(i, m, x);
    return qualifies(i, j, s, hon, static_cast<int>(m), x);
  }

  bool lifetime_with(std::size_t i, metric m, double x) const {
    if (!p_.honorary.lifetime_enabled) return false;
    for (auto& c : p_.honorary.lifetime_minimums)
      if (!((c.first == m ? x : r_.column(c.first)[i]) >= c.second)) return false;
    return true;
  }

  /// Direction in which metric m improves the score: +1 (more is better) or -1 (less is better).
  int direction(metric m) const {
    for (auto& w : p_.metrics)
      if (w.which == m) return w.invert ? -1 : +1;
    for (auto& t : p_.tiers)
      for (auto& g : t.gates)
        if (g.type == tier_gate::kind::metric_max && g.which == m) return -1;
    return +1;
  }

  /// Fills out.growth_gap (K x n, K = out.gap_metrics.size()) from the classified result.
  void run(tier_result& out) const {
    const std::size_t K = out.gap_metrics.size();
    const double inf = std::numeric_limits<double>::infinity();
    out.growth_gap.assign(n_ * K, inf);
    std::vector<int> dir(K);
    std::vector<const metric_stats*> pct(K, nullptr);
    std::vector<int> term(K, -1);
    for (std::size_t k = 0; k < K; ++k) {
      const metric m = out.gap_metrics[k];
      dir[k] = direction(m);
      for (std::size_t t = 0; t < p_.metrics.size(); ++t)
        if (p_.metrics[t].which == m) {
          term[k] = static_cast<int>(t);
          if (p_.metrics[t].norm == normalisation::percentile) pct[k] = &stats_[t];
        }
    }
    for (std::size_t i = 0; i < n_; ++i) {
      if (out.next_tier[i] < 0) continue;
      const auto j = static_cast<std::size_t>(out.next_tier[i]);
      const bool hon = out.honorary[i] != 0;
      // Gates of tier j that fail now: a failing flag gate, or failing gates on two different
      // metrics, cannot be fixed by changing one metric.
      int failing_metric = -1;
      bool blocked_for_all = false;
      for (auto& g : p_.tiers[j].gates) {
        if (gate_passes(g, r_, i, hon, -1, 0.0)) continue;
        const bool on_metric = g.type == tier_gate::kind::metric_min || g.type == tier_gate::kind::metric_max;
        // The honorary gate can open through the lifetime rule's metrics: leave that case to the search.
        if (g.type == tier_gate::kind::honorary && p_.honorary.lifetime_enabled) continue;
        if (!on_metric || (failing_metric >= 0 && failing_metric != static_cast<int>(g.which))) blocked_for_all = true;
        else failing_metric = static_cast<int>(g.which);
      }
      if (blocked_for_all) continue;
      for (std::size_t k = 0; k < K; ++k) {
        const metric m = out.gap_metrics[k];
        if (failing_metric >= 0 && failing_metric != static_cast<int>(m)) continue;
        if (term[k] >= 0) {
          // Even at its best (f = 1, or the metric's bound for an unnormalised term) this term alone
          // cannot lift the score to the threshold: unreachable without searching.
          const auto t = static_cast<std::size_t>(term[k]);
          const auto& w = p_.metrics[t];
          const double f_max = (w.norm == normalisation::none && !w.invert) ? p_.declaration(m).max : 1.0;
          const double best = out.score[i] - out.contributions[t * n_ + i] + w.weight * f_max;
          if (best < p_.tiers[j].promote_threshold * (1 - 1e-12) - 1e-12) continue;
        } else if (failing_metric < 0) {
          continue;  // a gate-only metric helps only when its own gate is what fails
        }
        out.growth_gap[k * n_ + i] = pct[k] ? gap_percentile(out, i, j, m, dir[k], *pct[k]) : gap_continuous(out, i, j, m, dir[k]);
      }
    }
  }

  /// The change of metric m that the normalisation's inverse says reaches tier j's threshold and its
  /// gates on m (NaN when there is no closed form). Only a starting point: callers re-check it exactly.
  double estimate_gap(const tier_result& out, std::size_t i, std::size_t j, metric m, int dir, double x) const {
    double target = dir > 0 ? 0.0 : std::numeric_limits<double>::infinity();  // value of m to reach
    bool have = false;
    for (std::size_t t = 0; t < p_.metrics.size(); ++t) {
      const auto& w = p_.metrics[t];
      if (w.which != m || !(w.weight > 0)) continue;
      const double rest = out.score[i] - out.contributions[t * n_ + i];
      double f = (p_.tiers[j].promote_threshold - rest) / w.weight;  // required f of this term
      if (w.invert) f = 1.0 - f;  // required base f (at most, for inverted terms)
      f = std::min(1.0, std::max(0.0, f));
      double v;
      switch (w.norm) {
        case normalisation::none: v = f; break;
        case normalisation::log1p: v = std::expm1(f * detail::log1p(w.reference)); break;
        case normalisation::cap: v = f * w.reference; break;
        case normalisation::min_max: {
          const auto& st = stats_[t];
          const double lo_o = i == st.argmin ? st.min2 : st.min1, hi_o = i == st.argmax ? st.max2 : st.max1;
          if (!(std::isfinite(lo_o) && std::isfinite(hi_o) && hi_o > lo_o)) return std::numeric_limits<double>::quiet_NaN();
          v = lo_o + f * (hi_o - lo_o);
          break;
        }
        default: return std::numeric_limits<double>::quiet_NaN();
      }
      target = v;
      have = true;
    }
    for (auto& g : p_.tiers[j].gates) {
      if (g.which != m) continue;
      if (g.type == tier_gate::kind::metric_min && dir > 0) { target = std::max(target, g.bound); have = true; }
      if (g.type == tier_gate::kind::metric_max && dir < 0) { target = std::min(target, g.bound); have = true; }
    }
    if (!have) return std::numeric_limits<double>::quiet_NaN();
    return dir > 0 ? target - x : x - target;
  }

  /// Past this value more of metric m cannot help KOC i reach tier j (+inf: no such bound).
  double useful_limit(std::size_t i, std::size_t j, metric m) const {
    double u = 0.0;
    for (std::size_t t = 0; t < p_.metrics.size(); ++t) {
      const auto& w = p_.metrics[t];
      if (w.which != m) continue;
      if (w.norm == normalisation::none) return std::numeric_limits<double>::infinity();
      if (w.norm == normalisation::min_max) u = std::max(u, (i == stats_[t].argmax ? stats_[t].max2 : stats_[t].max1));
      else u = std::max(u, w.reference);  // log1p and cap saturate at the reference
    }
    for (auto& g : p_.tiers[j].gates)
      if (g.type == tier_gate::kind::metric_min && g.which == m) u = std::max(u, g.bound);
    if (p_.honorary.lifetime_enabled)
      for (auto& c : p_.honorary.lifetime_minimums)
        if (c.first == m) u = std::max(u, c.second);
    return u * (1 + 1e-9) + 1.0;  // strictly past the saturation point despite rounding
  }

  /// Smallest change d >= 0 (in the improving direction) with x + dir·d qualifying; +inf if none.
  /// Integral metrics (counts, days) get whole-number gaps (exactly minimal); continuous ones are
  /// minimal to a relative 1e-12 (or to the adjacent double when the analytic seed does not settle it).
  double gap_continuous(const tier_result& out, std::size_t i, std::size_t j, metric m, int dir) const {
    const double x = r_.column(m)[i];
    const bool hon = out.honorary[i] != 0;
    const double inf = std::numeric_limits<double>::infinity();
    // A valid value of m: x + d rounds to +inf past the largest double, which the roster cannot hold.
    const double top = std::min(p_.declaration(m).max, std::numeric_limits<double>::max());
    const double bottom = p_.declaration(m).min;
    auto ok = [&](double d) {
      const double v = x + dir * d;
      return v >= bottom && v <= top && qualifies_with(out, i, j, m, v, hon);
    };
    // The next tier is above the qualified tier, so d = 0 never qualifies: no need to check it.
    double hi;
    if (dir < 0) {
      hi = x - bottom;
    } else {
      const double u = std::min(useful_limit(i, j, m), p_.declaration(m).max);
      if (std::isfinite(u)) {
        hi = std::max(0.0, u - x);
      } else {
        // Unbounded (an un-normalised term): grow the bracket up to the largest valid increase. From >= 1
        // by factors of 4 to at most DBL_MAX: at most 512 steps.
        const double room = top - x;
        hi = std::min(std::max(1.0, x), room);
        while (!ok(hi) && hi < room) hi = std::min(4.0 * hi, room);
      }
    }
    const bool whole = p_.declaration(m).integral && x == std::floor(x);
    if (whole) hi = dir > 0 ? std::ceil(hi) : std::floor(hi);
    if (!ok(hi)) return inf;
    double lo = 0.0;  // invariant: !ok(lo), ok(hi)
    // Seed from the normalisation's analytic inverse: usually two checks confirm it, and the
    // search below only narrows a bracket the seed could not settle.
    const double guess = estimate_gap(out, i, j, m, dir, x);
    if (std::isfinite(guess) && guess > 0 && guess < hi) {
      if (whole) {
        const double g = std::ceil(guess);
        if (g < hi) {
          if (ok(g)) {
            if (g - 1 <= lo || !ok(g - 1)) return g;
            hi = g - 1;
          } else {
            lo = g;
          }
        }
      } else {
        // Continuous metrics: the gap is minimal to a relative 1e-12 (documented).
        const double up = guess * (1 + 1e-12), down = guess * (1 - 1e-12);
        if (up < hi && ok(up)) {
          if (!ok(down)) return up;
          hi = down;
        } else if (up < hi) {
          lo = up;
        }
      }
    }
    if (whole) {
      // Whole-number bisection. Below 2^53 every step leaves a whole number strictly between lo and hi
      // and halves hi - lo. Above 2^53 adjacent doubles are 2 or more apart, so the midpoint can round
      // onto lo or hi: the search stops there and the gap is the smallest qualifying *double* (the
      // whole-number gap lies in (lo, hi], documented on tier_result::growth_gap). Termination: hi - lo
      // at least halves per step and starts below 2^1024, so at most 1100 steps; the counter states it.
      for (int it = 0; it < 1100 && hi - lo > 1.0; ++it) {
        const double mid = std::floor(lo + (hi - lo) / 2);
        if (mid <= lo || mid >= hi) break;
        (ok(mid) ? hi : lo) = mid;
      }
      return hi;
    }
    // Bisection on doubles: hi - lo at least halves per step, from below 2^1024 to the spacing of adjacent
    // doubles (at least 2^-1074), so it stops within 2098 steps (when the midpoint is lo or hi).
    for (int it = 0; it < 2100; ++it) {
      const double mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      (ok(mid) ? hi : lo) = mid;
    }
    return hi;
  }

  double gap_percentile(const tier_result& out, std::size_t i, std::size_t j, metric m, int dir,
                        const metric_stats& st) const {
    const double x = r_.column(m)[i];
    const bool hon = out.honorary[i] != 0;
    // Candidates just past another KOC's value may leave the metric's range (past 1 for a rate, +inf
    // past the largest double): only valid values count.
    const double top = std::min(p_.declaration(m).max, std::numeric_limits<double>::max());
    const double bottom = p_.declaration(m).min;
    auto ok = [&](double v) { return v >= bottom && v <= top && qualifies_with(out, i, j, m, v, hon); };
    if (ok(x)) return 0.0;
    // f changes only at other KOCs' values (v: shares the rank; just past v: beats it). Candidates in
    // improving order are monotone for `ok`, so binary search them.
    const auto& s = st.sorted;
    std::vector<double> cand;
    if (dir > 0) {
      for (auto it = std::upper_bound(s.begin(), s.end(), x); it != s.end(); ++it)
        if (cand.empty() || cand.back() < *it) { cand.push_back(*it); cand.push_back(std::nextafter(*it, INFINITY)); }
    } else {
      for (auto it = std::lower_bound(s.begin(), s.end(), x); it != s.begin();) {
        --it;
        if (cand.empty() || cand.back() > *it) { cand.push_back(*it); if (*it > bottom) cand.push_back(std::nextafter(*it, -INFINITY)); }
      }
    }
    // Gates on this metric may need a value between candidates: add the gate bounds.
    for (auto& g : p_.tiers[j].gates)
      if (g.which == m && (g.type == tier_gate::kind::metric_min || g.type == tier_gate::kind::metric_max) &&
          (dir > 0 ? g.bound > x : g.bound < x))
        cand.push_back(g.bound);
    if (dir > 0) std::sort(cand.begin(), cand.end());
    else std::sort(cand.begin(), cand.end(), std::greater<double>());
    std::size_t lo = 0, hi = cand.size();
    while (lo < hi) {  // binary search: hi - lo halves, log2(candidates) + 1 steps
      const std::size_t mid = lo + (hi - lo) / 2;
      if (ok(cand[mid])) hi = mid;
      else lo = mid + 1;
    }
    if (lo == cand.size()) return std::numeric_limits<double>::infinity();
    double gap = dir > 0 ? cand[lo] - x : x - cand[lo];
    // x ± gap must land on a qualifying value; nudge up by ulps if the subtraction rounded down.
    for (int k = 0; k < 64 && !ok(x + dir * gap); ++k) gap = std::nextafter(gap, INFINITY);
    if (p_.declaration(m).integral) {
      // At most 64 whole steps; above 2^53 a step of 1 is lost to rounding, so step to the next double
      // instead (same bound).
      double g = std::ceil(gap);
      for (int k = 0; k < 64 && !ok(x + dir * g); ++k) g = std::max(g + 1.0, std::nextafter(g, INFINITY));
      gap = g;
    }
    return gap;
  }

 private:
  const roster_view& r_;  ///< with the policy's declared metrics bound
  const tier_policy& p_;
  std::size_t n_;
  std::size_t n_ref_;  ///< roster size for the normalisations (the whole roster's, with a tier_reference)
  const std::vector<metric_stats>& stats_;
};

}  // namespace detail
}  // namespace koc

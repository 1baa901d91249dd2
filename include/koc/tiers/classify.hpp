// Tier classification of a whole roster, with hysteresis, honorary floor, overrides and explanations.
//
//   koc::roster r = ...;                                   // columns, see roster.hpp
//   auto policy = koc::default_tier_policy();
//   koc::tier_result t = koc::classify(r, policy);         // or classify(r, policy, overrides)
//   t.final_tier[i], t.score[i], t.contribution(i, term), t.growth_gap(i, k), t.transition[i]
//   std::string why = koc::explain(r, policy, t, i);
//
// Stages: validate the policy and the column lengths → roster-wide statistics (min_max, percentile) →
// one fused pass over the roster in chunks of 1024 rows: per term one vectorised loop over the chunk's
// slice of its column (range check, normalise, weigh, add to the score, in term order), then the
// columnar ladder walk (qualify, gates, hysteresis, honorary floor; no heap allocation per row) while the
// chunk is in cache; results larger than the cache are written with non-temporal stores (stream.hpp) →
// overrides → growth gaps. log1p is koc::detail::log1p (koc/detail/log1p.hpp): branch-free, so the loop
// vectorises, and the same bits on every machine, unlike the C library's.
// Complexity: O(n · (terms + tiers · gates)); percentile normalisation adds one O(n log n) sort per
// such metric. Memory: the result columns plus one scratch column per percentile/min-max metric.
//
// Determinism: pure function of its inputs; scores are summed in policy term order, so
// contributions sum exactly (bit for bit) to the score.
#pragma once

#include <koc/detail/dispatch.hpp>
#include <koc/detail/id_index.hpp>
#include <koc/detail/log1p.hpp>
#include <koc/detail/memory.hpp>
#include <koc/detail/stream.hpp>
#include <koc/error.hpp>
#include <koc/roster.hpp>
#include <koc/tiers/explain.hpp>
#include <koc/tiers/growth_gap.hpp>
#include <koc/tiers/ladder.hpp>
#include <koc/tiers/policy.hpp>
#include <koc/tiers/result.hpp>
#include <koc/tiers/score.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace koc {

namespace detail {

/// True when every previous tier is on the ladder (or -1) and every periods-below counter is >= 0.
inline bool ladder_columns_valid(const roster_view& r, std::size_t i0, std::size_t i1, std::int32_t n_tiers) noexcept {
  std::int32_t bad = 0;
  if (!r.previous_tier.empty())
    for (std::size_t i = i0; i < i1; ++i)
      bad |= static_cast<std::int32_t>(r.previous_tier[i] < -1) | static_cast<std::int32_t>(r.previous_tier[i] >= n_tiers);
  if (!r.periods_below.empty())
    for (std::size_t i = i0; i < i1; ++i) bad |= r.periods_below[i] < 0;
  return bad == 0;
}

/// The column's length, then its values: every bad row, named with what is wrong with it, goes to
/// `report(code, detail, row, field)`, which returns false to stop (a problem limit was reached).
/// Returns false when stopped.
template <class Report>
bool column_problems(const roster_view& r, const tier_policy& p, metric m, std::size_t n, Report&& report) {
  const auto col = r.column(m);
  const metric_declaration& d = p.declaration(m);
  const char* name = d.name.c_str();
  if (col.size() != n)
    return report(col.empty() ? errc::invalid_argument : errc::length_mismatch,
                  col.empty() ? std::string("the policy uses this metric but the roster has no such column")
                              : "column has " + std::to_string(col.size()) + " rows, roster has " + std::to_string(n),
                  -1, name);
  const double lo = d.min, hi = d.max;
  auto num = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return std::string(buf);
  };
  // Blocks that pass the fast test are skipped; only a block that fails is scanned row by row.
  constexpr std::size_t block = 1024;
  for (std::size_t i0 = 0; i0 < n; i0 += block) {  // n / block + 1 steps
    const std::size_t len = std::min(block, n - i0);
    if (values_in_range(col.data() + i0, len, lo, hi)) continue;
    for (std::size_t i = i0; i < i0 + len; ++i) {
      const double x = col[i];
      const auto row = static_cast<std::int64_t>(i);
      bool go = true;
      if (std::isnan(x)) go = report(errc::invalid_value, "metric is NaN", row, name);
      else if (std::isinf(x)) go = report(errc::invalid_value, "metric is infinite", row, name);
      else if (x < lo && lo == 0) go = report(errc::invalid_value, "metric is negative", row, name);
      else if (x < lo || x > hi)
        go = report(errc::out_of_range,
                    "metric must be in [" + num(lo) + ", " + (std::isfinite(hi) ? num(hi) : std::string("inf")) + "]", row, name);
      if (!go) return false;
    }
  }
  return true;
}

template <class T>
void check_optional(span<const T> col, std::size_t n, const char* name) {
  if (!col.empty() && col.size() != n)
    throw error(errc::length_mismatch,
                "column has " + std::to_string(col.size()) + " rows, roster has " + std::to_string(n), -1, name);
}

}  // namespace detail

namespace detail {
/// An empty roster is refused, not classified to an empty result: nothing to classify is a mistake
/// (a header-only file, a filter that kept nobody). A part of a larger roster (classify_options::reference)
/// may be empty.
inline error empty_roster() { return error(errc::invalid_argument, "the roster has no KOCs", -1, "id"); }

/// The column lengths only (every column the policy uses is present and has the roster's length).
inline void check_shape(const roster_view& r, const tier_policy& p) {
  const std::size_t n = r.size();
  for (int m = 0; m < p.n_metrics(); ++m) {
    const auto col = r.column(static_cast<metric>(m));
    if (p.uses(static_cast<metric>(m)) && col.size() != n)
      throw error(col.empty() ? errc::invalid_argument : errc::length_mismatch,
                  col.empty() ? std::string("the policy uses this metric but the roster has no such column")
                              : "column has " + std::to_string(col.size()) + " rows, roster has " + std::to_string(n),
                  -1, p.name_of(static_cast<metric>(m)));
  }
  check_optional(r.honorary, n, "honorary");
  check_optional(r.invited, n, "invited");
  check_optional(r.clearance, n, "clearance");
  check_optional(r.previous_tier, n, "previous_tier");
  check_optional(r.periods_below, n, "periods_below");
}
}  // namespace detail

/// Every problem of the roster against the policy, at most `limit` of them (limit >= 1), each a
/// koc::error naming its row and field, in this order: an empty roster (detail::empty_roster), the columns the policy uses in metric order
/// (length; then every bad value, row by row), the optional columns' lengths, previous tiers not on
/// the ladder, negative periods-below counters. A column of the wrong length is reported once and its
/// values are not read. Empty when classify() would accept the roster.
inline std::vector<error> roster_problems(const roster_view& roster, const tier_policy& p, std::size_t limit = 100) {
  if (limit == 0) throw error(errc::invalid_argument, "the problem limit must be at least 1", -1, "limit");
  const roster_view r = bind_metrics(roster, p);
  std::vector<error> out;
  auto report = [&](errc code, const std::string& detail, std::int64_t row, const char* field) {
    out.emplace_back(code, detail, row, field);
    return out.size() < limit;
  };
  const std::size_t n = r.size();
  if (n == 0 && (out.push_back(detail::empty_roster()), out.size() >= limit)) return out;
  for (int m = 0; m < p.n_metrics(); ++m)
    if (p.uses(static_cast<metric>(m)) && !detail::column_problems(r, p, static_cast<metric>(m), n, report)) return out;
  auto length_ok = [&](std::size_t size, const char* name) {
    if (size == 0 || size == n) return true;
    report(errc::length_mismatch, "column has " + std::to_string(size) + " rows, roster has " + std::to_string(n), -1,
           name);
    return false;
  };
  length_ok(r.honorary.size(), "honorary");
  length_ok(r.invited.size(), "invited");
  length_ok(r.clearance.size(), "clearance");
  const bool previous_ok = length_ok(r.previous_tier.size(), "previous_tier");
  const bool below_ok = length_ok(r.periods_below.size(), "periods_below");
  if (out.size() >= limit) {
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(limit), out.end());
    return out;
  }
  const auto L = static_cast<std::int32_t>(p.tiers.size());
  if (previous_ok)
    for (std::size_t i = 0; i < r.previous_tier.size(); ++i)
      if ((r.previous_tier[i] < -1 || r.previous_tier[i] >= L) &&
          !report(errc::unknown_name,
                  "previous tier " + std::to_string(r.previous_tier[i]) + " is not on the ladder (0.." +
                      std::to_string(L - 1) + ", or -1 for a new KOC)",
                  static_cast<std::int64_t>(i), "previous_tier"))
        return out;
  if (below_ok)
    for (std::size_t i = 0; i < r.periods_below.size(); ++i)
      if (r.periods_below[i] < 0 &&
          !report(errc::invalid_value, "periods_below must be >= 0", static_cast<std::int64_t>(i), "periods_below"))
        return out;
  return out;
}

/// Validates the roster against the policy: throws the first of roster_problems() (koc::error naming
/// row and field).
inline void validate(const roster_view& r, const tier_policy& p) {
  auto problems = roster_problems(r, p, 1);
  if (!problems.empty()) throw problems.front();
}

namespace detail {

/// The classifier's working state; one instance per classify() call.
class tier_engine {
 public:
  tier_engine(const roster_view& r, const tier_policy& p) : r_(bind_metrics(r, p)), p_(p), n_(r.size()), n_ref_(r.size()) {}

  void run(const std::vector<tier_override>& overrides, const classify_options& opt, tier_result& out) {
    validate(p_);
    if (n_ == 0 && opt.reference == nullptr) throw empty_roster();
    // Lengths now; values chunk by chunk in the fused pass (score_and_walk), which reads each input
    // column once: a second full pass only to validate would cost as much memory traffic as the scoring.
    // Exception: min_max and percentile terms read whole columns for their statistics before any row is
    // scored, so with such a term the roster is validated up front.
    bool whole_columns = false;
    for (auto& w : p_.metrics) whole_columns |= w.norm == normalisation::min_max || w.norm == normalisation::percentile;
    if (whole_columns) validate(r_, p_);
    else check_shape(r_, p_);
    values_checked_ = whole_columns;
    ref_ = opt.reference;
    if (ref_) {
      if (ref_->n < n_ || ref_->row_offset > ref_->n - n_)
        throw error(errc::invalid_argument, "the reference roster is smaller than this partition", -1, "reference.n");
      n_ref_ = static_cast<std::size_t>(ref_->n);
    }
    const id_index roster_rows(r_.id, roster_id_column());

    out.n_kocs = n_;
    out.terms.clear();
    out.gap_metrics.clear();
    for (auto& w : p_.metrics) out.terms.push_back(w.which);
    for (int m = 0; m < p_.n_metrics(); ++m)
      if (p_.uses(static_cast<metric>(m))) out.gap_metrics.push_back(static_cast<metric>(m));

    score_and_walk(out);
    apply_overrides(out, overrides, roster_rows, opt.as_of);
    if (opt.growth_gaps) growth_gaps(out);
    else out.growth_gap.clear();
  }

 private:
  /// Rows per chunk of the fused pass: the chunk's slice of every input and output column (about 240 bytes
  /// per row under the default policy, 240 KB per chunk) stays in L2 from the normalisation to the ladder
  /// walk. 1024 measured best on the 1M-KOC benchmark (256: 10% slower, 2048: 5% slower).
  static constexpr std::size_t chunk_rows = 1024;

  /// Scores, contributions and the ladder walk, in one pass over the roster in chunks of rows: each
  /// input column is read from memory once and each output column written once.
  void score_and_walk(tier_result& out) {
    const std::size_t T = p_.metrics.size();
    roster_statistics();
    size_result_column(out.contributions, n_ * T);
    size_result_column(out.score, n_);
    prepare_ladder(out);
    bind_gates();
    // Results larger than the cache go past it (see stream.hpp): a third less memory traffic.
    std::size_t result_bytes = n_ * (sizeof(double) * (T + 1) + sizeof(std::int32_t) * 7 + 2);
    stream_ = streaming_worthwhile(result_bytes);
    // Heap, not stack: about 90 KB, too much for the small stacks of some worker threads.
    std::vector<double> chunk_buffer(3 * chunk_rows);
    double* acc = chunk_buffer.data();           // the chunk's scores, summed term by term
    double* term = acc + chunk_rows;             // one term's contributions, when they are streamed
    double* f_rows = acc + 2 * chunk_rows;       // min_max / percentile rows, normalised
    auto scratch_buffer = std::make_unique<walk_scratch>();
    walk_scratch& scratch = *scratch_buffer;
    // The fused kernel of each term, and the used metrics no term reads through it (gate-only metrics;
    // min_max and percentile terms; declared metrics whose range does not start at 0, which the kernel's
    // check assumes): those are range-checked on their own.
    struct fused_plan {
      fused_norm norm;
      const double* x;  // the term's column, or f_rows
      double lim, ref, denom;
    };
    std::vector<fused_plan> plan;
    std::vector<metric> checked_apart;
    {
      std::vector<char> through_kernel(static_cast<std::size_t>(p_.n_metrics()), 0);
      for (auto& w : p_.metrics) {
        const double lim = std::min(p_.declaration(w.which).max, std::numeric_limits<double>::max());
        switch (w.norm) {
          case normalisation::none: plan.push_back({fused_norm::none, r_.column(w.which).data(), lim, 0.0, 0.0}); break;
          case normalisation::cap: plan.push_back({fused_norm::cap, r_.column(w.which).data(), lim, w.reference, 0.0}); break;
          case normalisation::log1p:
            plan.push_back({fused_norm::log1p, r_.column(w.which).data(), lim, w.reference, detail::log1p(w.reference)});
            break;
          case normalisation::min_max:
          case normalisation::percentile:
            plan.push_back({fused_norm::none, nullptr, std::numeric_limits<double>::max(), 0.0, 0.0});
            continue;
        }
        through_kernel[static_cast<std::size_t>(w.which)] = p_.declaration(w.which).min == 0.0;
      }
      for (int m = 0; m < p_.n_metrics(); ++m)
        if (p_.uses(static_cast<metric>(m)) && !through_kernel[static_cast<std::size_t>(m)])
          checked_apart.push_back(static_cast<metric>(m));
    }
    const auto L = static_cast<std::int32_t>(p_.tiers.size());
    const bool may_overflow = !scores_bounded();
    for (std::size_t i0 = 0; i0 < n_; i0 += chunk_rows) {
      const std::size_t nb = std::min(chunk_rows, n_ - i0);
      std::fill(acc, acc + nb, 0.0);
      std::uint64_t bad = 0;
      for (std::size_t t = 0; t < T; ++t) {
        const auto& w = p_.metrics[t];
        const fused_plan& k = plan[t];
        const double* x = k.x ? k.x + i0 : f_rows;
        if (!k.x) normalise_rows(t, i0, nb, f_rows);
        double* c = stream_ ? term : out.contributions.data() + t * n_ + i0;
        // In term order, so the contributions sum to the score bit for bit.
        bad |= fused_term(k.norm, w.invert, x, nb, k.lim, k.ref, k.denom, w.weight, acc, c);
        if (stream_) stream_copy(out.contributions.data() + t * n_ + i0, term, nb);
      }
      // A bad value anywhere in this chunk: the full validation reports the first error in its
      // documented order (it throws; `out` is then left valid but with unspecified contents). The chunk's
      // scores may be garbage by then, but nothing has used them: the walk comes after.
      if (!values_checked_) {
        bool valid = bad == 0 && ladder_columns_valid(r_, i0, i0 + nb, L);
        for (const metric m : checked_apart)
          valid &= values_in_range(r_.column(m).data() + i0, nb, p_.declaration(m).min, p_.declaration(m).max);
        if (!valid) validate(r_, p_);
      }
      if (may_overflow && !all_finite(acc, nb)) score_overflow(out, i0, nb, acc);
      put(out.score.data() + i0, acc, nb);
      walk_chunk(out, i0, nb, scratch);
    }
    stream_fence();
  }

  /// Whether every score is finite whatever the roster: each term is at most weight · max |f|, where f
  /// lies in [0, 1] except for un-normalised terms (f = x, or 1 - x inverted, up to the metric's bound).
  /// Half the double range leaves room for the rounding of the partial sums.
  bool scores_bounded() const {
    double bound = 0.0;
    for (auto& w : p_.metrics) {
      const double f_max = w.norm == normalisation::none ? std::max(1.0, p_.declaration(w.which).max) : 1.0;
      bound += w.weight * f_max;
    }
    return bound <= std::numeric_limits<double>::max() / 2;
  }

  /// Throws overflow for the first row of the chunk whose score left the double range (a large weight
  /// on a large un-normalised value), naming the metric with the largest contribution.
  [[noreturn]] void score_overflow(const tier_result& out, std::size_t i0, std::size_t nb, const double* acc) const {
    stream_fence();  // contributions may have been streamed: read them back in order
    std::size_t k = 0;
    while (k + 1 < nb && std::isfinite(acc[k])) ++k;  // nb bounds it: acc[nb - 1] is the last candidate
    const std::size_t i = i0 + k;
    std::size_t worst = 0;
    for (std::size_t t = 1; t < p_.metrics.size(); ++t)
      if (!(std::fabs(out.contributions[t * n_ + i]) <= std::fabs(out.contributions[worst * n_ + i]))) worst = t;
    throw error(errc::overflow, "score is beyond the double range (a weight times an un-normalised value is too large)",
                static_cast<std::int64_t>(i), p_.name_of(p_.metrics[worst].which));
  }

  /// dst[0, n) = src[0, n): past the cache for results larger than it, else ordinary stores.
  template <class V>
  void put(V* dst, const V* src, std::size_t n) const {
    if (stream_) stream_copy(dst, src, n);
    else std::copy(src, src + n, dst);
  }

  /// Roster-wide statistics of the min_max and percentile terms (from the caller's reference, or from
  /// this roster's own columns): every row's normalisation needs them.
  void roster_statistics() {
    stats_.resize(p_.metrics.size());
    for (std::size_t t = 0; t < p_.metrics.size(); ++t) {
      const auto& w = p_.metrics[t];
      if (w.norm != normalisation::min_max && w.norm != normalisation::percentile) continue;
      const auto col = r_.column(w.which);
      auto& st = stats_[t];
      if (ref_) from_reference(w, col, st);
      else if (w.norm == normalisation::min_max) minmax_stats(col, st);
      else {
        // One sort of (value, row) pairs, then every row's mid-rank in one pass over the tie groups:
        // a binary search per row in a column this size would miss the cache at nearly every step.
        std::vector<std::pair<double, std::size_t>> order(n_);
        for (std::size_t i = 0; i < n_; ++i) order[i] = {col[i], i};
        std::sort(order.begin(), order.end());
        st.sorted.resize(n_);
        st.f.resize(n_);
        for (std::size_t a = 0; a < n_;) {  // each tie group [a, b) once: n steps in all
          std::size_t b = a + 1;
          while (b < n_ && order[b].first == order[a].first) ++b;
          const double f = percentile_f(a, b - a - 1, n_);  // a values below, b - a - 1 equal others
          for (std::size_t k = a; k < b; ++k) {
            st.sorted[k] = order[k].first;
            st.f[order[k].second] = f;
          }
          a = b;
        }
      }
    }
  }

  /// f (before inversion and weight) of the min_max or percentile term t for rows [i0, i0 + nb), into c
  /// (the other normalisations are the fused term kernel's own).
  void normalise_rows(std::size_t t, std::size_t i0, std::size_t nb, double* c) const {
    const auto& w = p_.metrics[t];
    const double* x = r_.column(w.which).data() + i0;
    const auto& st = stats_[t];
    switch (w.norm) {
      case normalisation::none:
      case normalisation::log1p:
      case normalisation::cap: break;
      case normalisation::min_max:
        for (std::size_t k = 0; k < nb; ++k) c[k] = minmax_f(x[k], st.min1, st.max1);
        break;
      case normalisation::percentile:
        if (ref_) {
          for (std::size_t k = 0; k < nb; ++k) {
            const std::size_t less = st.count_less(x[k]);
            c[k] = percentile_f(less, st.count_le(x[k]) - less - 1, n_ref_);
          }
        } else {
          std::copy(st.f.begin() + static_cast<std::ptrdiff_t>(i0), st.f.begin() + static_cast<std::ptrdiff_t>(i0 + nb), c);
        }
        break;
    }
  }

  /// Statistics of term w from the caller's tier_reference, checked against this partition's column.
  void from_reference(const metric_weight& w, span<const double> col, metric_stats& st) const {
    const std::string field = "reference." + p_.name_of(w.which);
    const tier_reference::metric_ref* mr = nullptr;
    for (auto& m : ref_->metrics)
      if (m.which == w.which) mr = &m;
    if (!mr) throw error(errc::invalid_argument, "the reference has no statistics for this metric", -1, field);
    if (w.norm == normalisation::percentile) {
      const std::size_t d = mr->values.size();
      if (mr->below.size() != d + 1 || mr->below[d] != ref_->n || (d == 0 && n_ > 0))
        throw error(errc::invalid_argument, "reference values and counts do not describe n values", -1, field);
      for (std::size_t k = 0; k < d; ++k)
        if ((k > 0 && !(mr->values[k - 1] < mr->values[k])) || mr->below[k] >= mr->below[k + 1])
          throw error(errc::invalid_argument, "reference values must be distinct and ascending with counts >= 1", -1, field);
      st.sorted = mr->values;
      st.below = mr->below;
      for (std::size_t i = 0; i < n_; ++i)
        if (st.count_le(col[i]) == st.count_less(col[i]))
          throw error(errc::invalid_argument, "value is not in the reference roster's statistics", static_cast<std::int64_t>(i),
                      p_.name_of(w.which));
    } else {
      st.min1 = mr->min1; st.min2 = mr->min2; st.max1 = mr->max1; st.max2 = mr->max2;
      const auto local = [&](std::uint64_t row) {
        return row >= ref_->row_offset && row - ref_->row_offset < n_ ? static_cast<std::size_t>(row - ref_->row_offset)
                                                                       : std::numeric_limits<std::size_t>::max();
      };
      st.argmin = local(mr->argmin);
      st.argmax = local(mr->argmax);
      for (std::size_t i = 0; i < n_; ++i)
        if (col[i] < st.min1 || col[i] > st.max1)
          throw error(errc::invalid_argument, "value is outside the reference roster's minimum and maximum",
                      static_cast<std::int64_t>(i), p_.name_of(w.which));
    }
  }

  static void minmax_stats(span<const double> col, metric_stats& st) {
    const double inf = std::numeric_limits<double>::infinity();
    st.min1 = st.min2 = inf;
    st.max1 = st.max2 = -inf;
    for (std::size_t i = 0; i < col.size(); ++i) {
      const double x = col[i];
      if (x < st.min1) { st.min2 = st.min1; st.min1 = x; st.argmin = i; }
      else if (x < st.min2) st.min2 = x;
      if (x > st.max1) { st.max2 = st.max1; st.max1 = x; st.argmax = i; }
      else if (x > st.max2) st.max2 = x;
    }
  }


  void prepare_ladder(tier_result& out) const {
    size_result_column(out.qualified_tier, n_);
    size_result_column(out.computed_tier, n_);
    size_result_column(out.final_tier, n_);
    size_result_column(out.blocked_tier, n_);
    size_result_column(out.blocked_gate, n_);
    size_result_column(out.next_tier, n_);
    size_result_column(out.transition, n_);
    size_result_column(out.periods_below, n_);
    size_result_column(out.honorary, n_);
  }

  /// A gate bound to the roster's column, so the columnar ladder walk reads it without dispatching on the
  /// roster. What a gate means is gate_passes (ladder.hpp); the loops below apply it to a chunk of rows.
  struct bound_gate {
    const double* metric = nullptr;  ///< metric_min / metric_max
    const std::uint8_t* flag = nullptr;  ///< invited / clearance (nullptr: the roster has no such column)
    tier_gate::kind type = tier_gate::kind::metric_min;
    double bound = 0.0;
  };

  /// Tier j's gates are gates_[gate_begin_[j], gate_begin_[j + 1]).
  void bind_gates() {
    gates_.clear();
    gate_begin_.assign(1, 0);
    for (auto& t : p_.tiers) {
      for (auto& g : t.gates) {
        bound_gate b;
        b.type = g.type;
        b.bound = g.bound;
        if (g.type == tier_gate::kind::metric_min || g.type == tier_gate::kind::metric_max) b.metric = r_.column(g.which).data();
        if (g.type == tier_gate::kind::invited && !r_.invited.empty()) b.flag = r_.invited.data();
        if (g.type == tier_gate::kind::clearance && !r_.clearance.empty()) b.flag = r_.clearance.data();
        gates_.push_back(b);
      }
      gate_begin_.push_back(gates_.size());
    }
  }

  /// Per-chunk scratch columns of the ladder walk (on the stack: chunk_rows rows each).
  struct walk_scratch {
    alignas(64) double flag_d[chunk_rows];   ///< a 0/1 condition computed from doubles
    alignas(64) double count_d[chunk_rows];  ///< tiers whose promote threshold the score reaches
    alignas(64) std::int32_t hon[chunk_rows], q[chunk_rows], by_score[chunk_rows], ok[chunk_rows];
    alignas(64) std::int32_t prev[chunk_rows], below[chunk_rows], margin[chunk_rows], grace_periods[chunk_rows];
    alignas(64) std::int32_t tier[chunk_rows], counter[chunk_rows], next[chunk_rows], transition[chunk_rows];
    alignas(64) std::int32_t blocked_tier[chunk_rows], blocked_gate[chunk_rows];
    alignas(64) std::uint8_t transition8[chunk_rows], honorary8[chunk_rows];
  };

  /// Qualification, gates, hysteresis and the honorary floor for the chunk's rows [i0, i0 + nb) (their
  /// scores are set), column by column: every loop below is a branch-free map over the chunk, so the
  /// compiler vectorises it (a row-by-row walk with if/else mispredicts on random data and cost ~3x more).
  /// Conditions on doubles are first held as 0.0/1.0 doubles and then converted, because SSE2 cannot turn
  /// a double comparison into a 32-bit lane mask directly. Same results as the row-by-row definition:
  ///   qualified = highest tier j (or 0) with score >= promote_threshold[j] and every gate of j passing;
  ///   blocked   = the highest tier by score alone (thresholds increase strictly: the count of thresholds
  ///               reached) when that is above the qualified tier, with its first failing gate;
  ///   then hysteresis against the previous tier, then the honorary floor (see tier_transition).
  KOC_DISPATCH_AVX2 void walk_chunk(tier_result& out, std::size_t i0, std::size_t nb, walk_scratch& w) const {
    const auto L = static_cast<std::int32_t>(p_.tiers.size());
    const double* score = out.score.data() + i0;
    // Honorary: the flag, or every minimum of the lifetime rule met.
    if (p_.honorary.lifetime_enabled) {
      std::fill(w.flag_d, w.flag_d + nb, 1.0);
      for (auto& c : p_.honorary.lifetime_minimums) {
        const double* x = r_.column(c.first).data() + i0;
        const double bound = c.second;
        for (std::size_t k = 0; k < nb; ++k) w.flag_d[k] = x[k] >= bound ? w.flag_d[k] : 0.0;
      }
      for (std::size_t k = 0; k < nb; ++k) w.hon[k] = static_cast<std::int32_t>(w.flag_d[k]);
    } else {
      std::fill(w.hon, w.hon + nb, 0);
    }
    if (!r_.honorary.empty()) {
      const std::uint8_t* f = r_.honorary.data() + i0;
      for (std::size_t k = 0; k < nb; ++k) w.hon[k] |= f[k] != 0;
    }
    // Qualified tier and the tier by score alone.
    std::fill(w.q, w.q + nb, 0);
    std::fill(w.count_d, w.count_d + nb, 0.0);
    for (std::int32_t j = 1; j < L; ++j) {
      const double thr = p_.tiers[static_cast<std::size_t>(j)].promote_threshold;
      for (std::size_t k = 0; k < nb; ++k) w.flag_d[k] = score[k] >= thr ? 1.0 : 0.0;
      for (std::size_t k = 0; k < nb; ++k) w.count_d[k] += w.flag_d[k];
      for (std::size_t g = gate_begin_[static_cast<std::size_t>(j)]; g < gate_begin_[static_cast<std::size_t>(j) + 1]; ++g) {
        const bound_gate& gate = gates_[g];
        if (gate.type == tier_gate::kind::metric_min) {
          const double* x = gate.metric + i0;
          for (std::size_t k = 0; k < nb; ++k) w.flag_d[k] = x[k] >= gate.bound ? w.flag_d[k] : 0.0;
        } else if (gate.type == tier_gate::kind::metric_max) {
          const double* x = gate.metric + i0;
          for (std::size_t k = 0; k < nb; ++k) w.flag_d[k] = x[k] <= gate.bound ? w.flag_d[k] : 0.0;
        }
      }
      for (std::size_t k = 0; k < nb; ++k) w.ok[k] = static_cast<std::int32_t>(w.flag_d[k]);
      for (std::size_t g = gate_begin_[static_cast<std::size_t>(j)]; g < gate_begin_[static_cast<std::size_t>(j) + 1]; ++g) {
        const bound_gate& gate = gates_[g];
        if (gate.type == tier_gate::kind::honorary) {
          for (std::size_t k = 0; k < nb; ++k) w.ok[k] &= w.hon[k];
        } else if (gate.type == tier_gate::kind::invited || gate.type == tier_gate::kind::clearance) {
          if (!gate.flag) { std::fill(w.ok, w.ok + nb, 0); continue; }
          const std::uint8_t* f = gate.flag + i0;
          for (std::size_t k = 0; k < nb; ++k) w.ok[k] &= f[k] != 0;
        }
      }
      for (std::size_t k = 0; k < nb; ++k) w.q[k] = w.ok[k] ? j : w.q[k];
    }
    for (std::size_t k = 0; k < nb; ++k) w.by_score[k] = static_cast<std::int32_t>(w.count_d[k]);
    // Blocked tier and its first failing gate (row by row, only for the blocked rows, by the definition).
    std::int32_t* blocked_tier = w.blocked_tier;
    std::int32_t* blocked_gate = w.blocked_gate;
    for (std::size_t k = 0; k < nb; ++k) blocked_tier[k] = w.by_score[k] > w.q[k] ? w.by_score[k] : -1;
    std::fill(blocked_gate, blocked_gate + nb, -1);
    for (std::size_t k = 0; k < nb; ++k) {
      if (blocked_tier[k] < 0) continue;
      const auto j = static_cast<std::size_t>(blocked_tier[k]);
      const auto& gates = p_.tiers[j].gates;
      for (std::size_t g = 0; g < gates.size(); ++g)
        if (!gate_passes(gates[g], r_, i0 + k, w.hon[k] != 0)) { blocked_gate[k] = static_cast<std::int32_t>(g); break; }
    }
    // Hysteresis. The previous tier's keep threshold and grace periods are picked per row by selects
    // over the (few) tiers rather than a gather.
    if (r_.previous_tier.empty()) std::fill(w.prev, w.prev + nb, -1);
    else std::copy(r_.previous_tier.data() + i0, r_.previous_tier.data() + i0 + nb, w.prev);
    if (r_.periods_below.empty()) std::fill(w.below, w.below + nb, 0);
    else std::copy(r_.periods_below.data() + i0, r_.periods_below.data() + i0 + nb, w.below);
    std::fill(w.margin, w.margin + nb, 0);
    std::fill(w.grace_periods, w.grace_periods + nb, 0);
    for (std::int32_t j = 0; j < L; ++j) {
      const auto& t = p_.tiers[static_cast<std::size_t>(j)];
      const double keep = t.keep_threshold;
      const std::int32_t grace = t.grace_periods;
      for (std::size_t k = 0; k < nb; ++k) w.flag_d[k] = score[k] >= keep ? 1.0 : 0.0;
      for (std::size_t k = 0; k < nb; ++k) w.ok[k] = static_cast<std::int32_t>(w.flag_d[k]);
      // Exactly one j matches a row's previous tier (none for a new KOC): OR and add pick its values.
      for (std::size_t k = 0; k < nb; ++k) w.margin[k] |= w.ok[k] & static_cast<std::int32_t>(w.prev[k] == j);
      for (std::size_t k = 0; k < nb; ++k) w.grace_periods[k] += static_cast<std::int32_t>(w.prev[k] == j) * grace;
    }
    const std::int32_t floor = p_.honorary.floor_tier;
    const std::int32_t steps = p_.max_demotion_steps;
    // The transitions as int32: the loop below stays in one integer width, so it vectorises (the
    // ladder walk of ladder.hpp states the same rules with the enum, row by row).
    constexpr auto code = [](tier_transition x) { return static_cast<std::int32_t>(x); };
    constexpr std::int32_t entered = code(tier_transition::entered), promoted = code(tier_transition::promoted),
                           demoted = code(tier_transition::demoted), unchanged = code(tier_transition::unchanged),
                           by_margin = code(tier_transition::held_by_margin), by_grace = code(tier_transition::held_by_grace),
                           by_floor = code(tier_transition::held_by_honorary_floor);
    // Results go to scratch columns first: fields of one struct provably do not overlap, so this loop
    // vectorises; writing the seven output columns directly would need more run-time overlap checks than
    // the compiler emits. Then one plain copy per output column.
    for (std::size_t k = 0; k < nb; ++k) {
      const std::int32_t q = w.q[k], prev = w.prev[k], below = w.below[k];
      const std::int32_t has_prev = prev >= 0, up = q > prev, same = q == prev;
      const std::int32_t down = has_prev & (q < prev);
      // below < grace_periods, not below + 1 <= grace_periods: a counter of INT32_MAX is valid input.
      const std::int32_t margin = w.margin[k], grace = below < w.grace_periods[k];
      const std::int32_t demoted_to = std::max(q, prev - steps);
      std::int32_t tier = down ? ((margin | grace) ? prev : demoted_to) : q;
      std::int32_t counter = (down & (margin ^ 1) & grace) ? below + 1 : 0;
      std::int32_t tr = margin ? by_margin : grace ? by_grace : demoted;  // below the previous tier
      tr = same ? unchanged : tr;
      tr = up ? promoted : tr;
      tr = has_prev ? tr : entered;
      const std::int32_t floored = w.hon[k] & (tier < floor);
      tier = floored ? floor : tier;
      w.tier[k] = tier;
      w.counter[k] = floored ? 0 : counter;
      w.transition[k] = floored ? by_floor : tr;
      w.next[k] = tier + 1 < L ? tier + 1 : -1;
    }
    for (std::size_t k = 0; k < nb; ++k) w.transition8[k] = static_cast<std::uint8_t>(w.transition[k]);
    for (std::size_t k = 0; k < nb; ++k) w.honorary8[k] = static_cast<std::uint8_t>(w.hon[k]);
    put(out.qualified_tier.data() + i0, w.q, nb);
    put(out.computed_tier.data() + i0, w.tier, nb);
    put(out.final_tier.data() + i0, w.tier, nb);
    put(out.next_tier.data() + i0, w.next, nb);
    put(out.periods_below.data() + i0, w.counter, nb);
    put(out.blocked_tier.data() + i0, w.blocked_tier, nb);
    put(out.blocked_gate.data() + i0, w.blocked_gate, nb);
    put(out.transition.data() + i0, w.transition8, nb);
    put(out.honorary.data() + i0, w.honorary8, nb);
  }

  void apply_overrides(tier_result& out, const std::vector<tier_override>& ov,
                       const id_index& roster_rows, std::int64_t as_of) {
    out.override_index.assign(n_, -1);
    out.expired_overrides.clear();
    const auto L = static_cast<std::int32_t>(p_.tiers.size());
    for (std::size_t k = 0; k < ov.size(); ++k) {
      const auto row = static_cast<std::int64_t>(k);
      if (ov[k].tier < 0 || ov[k].tier >= L) throw error(errc::unknown_name, "override tier is not on the ladder", row, "tier");
      if (ov[k].reason.empty()) throw error(errc::invalid_argument, "an override needs a reason", row, "reason");
      if (ov[k].expires_at < -1) throw error(errc::invalid_value, "expires_at must be unix seconds >= 0, or -1 for never", row, "expires_at");
      if (ov[k].expires_at >= 0) {
        if (as_of < 0)
          throw error(errc::invalid_argument, "an override with an expiry needs the period's date (classify_options::as_of)", row,
                      "expires_at");
        if (ov[k].expires_at <= as_of) {  // expired: reported, not applied (its KOC may have left the roster)
          out.expired_overrides.push_back(static_cast<std::int32_t>(k));
          continue;
        }
      }
      const auto i = roster_rows.find(ov[k].koc_id);
      if (i < 0) throw error(errc::unknown_id, "override for KOC id " + std::to_string(ov[k].koc_id) + " not in the roster", row, "koc_id");
      auto& slot = out.override_index[static_cast<std::size_t>(i)];
      if (slot >= 0) throw error(errc::duplicate_id, "second override for KOC id " + std::to_string(ov[k].koc_id), row, "koc_id");
      slot = static_cast<std::int32_t>(k);
      out.final_tier[static_cast<std::size_t>(i)] = ov[k].tier;
      out.transition[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(tier_transition::overridden);
    }
  }

  /// The smallest change of each metric the policy uses that lifts each KOC below the top into its next
  /// tier (growth_gap.hpp).
  void growth_gaps(tier_result& out) const {
    growth_gap_search{r_, p_, n_, n_ref_, stats_}.run(out);
  }

  const roster_view r_;  ///< the caller's columns, with the policy's declared metrics bound (bind_metrics)
  const tier_policy& p_;
  std::size_t n_;
  std::size_t n_ref_;  ///< roster size for the normalisations (the whole roster's, with a tier_reference)
  const tier_reference* ref_ = nullptr;
  bool values_checked_ = false;  ///< validated up front (min_max / percentile terms), not chunk by chunk
  bool stream_ = false;  ///< result columns written with non-temporal stores (score_and_walk)
  std::vector<metric_stats> stats_;
  std::vector<bound_gate> gates_;         ///< every tier's gates, bound to the roster (bind_gates)
  std::vector<std::size_t> gate_begin_;  ///< tier j's gates start at gates_[gate_begin_[j]]
};

}  // namespace detail

/// The statistics of a whole roster that classifying a partition of it needs (percentile and min_max
/// terms of the policy); row_offset is left at 0 for the caller to set per partition. O(n log n) per
/// percentile term. Distributed engines compute the same statistics with a value count (koc.dask,
/// koc.spark); this is the single-node reference for them and for tests.
inline tier_reference tier_reference_of(const roster_view& roster, const tier_policy& p) {
  const roster_view r = bind_metrics(roster, p);
  tier_reference ref;
  ref.n = r.size();
  for (auto& w : p.metrics) {
    if (w.norm != normalisation::percentile && w.norm != normalisation::min_max) continue;
    tier_reference::metric_ref* m = nullptr;
    for (auto& x : ref.metrics)
      if (x.which == w.which) m = &x;
    if (!m) { ref.metrics.emplace_back(); m = &ref.metrics.back(); m->which = w.which; }
    const auto col = r.column(w.which);
    if (w.norm == normalisation::percentile && m->below.empty()) {
      std::vector<double> s(col.begin(), col.end());
      std::sort(s.begin(), s.end());
      m->values.clear();
      for (std::size_t i = 0; i < s.size(); ++i)
        if (i == 0 || s[i] != s[i - 1]) { m->values.push_back(s[i]); m->below.push_back(i); }
      m->below.push_back(s.size());
    }
    if (w.norm == normalisation::min_max) {
      detail::metric_stats st;
      const double inf = std::numeric_limits<double>::infinity();
      st.min1 = st.min2 = inf;
      st.max1 = st.max2 = -inf;
      for (std::size_t i = 0; i < col.size(); ++i) {  // the same scan as classify's
        const double x = col[i];
        if (x < st.min1) { st.min2 = st.min1; st.min1 = x; st.argmin = i; }
        else if (x < st.min2) st.min2 = x;
        if (x > st.max1) { st.max2 = st.max1; st.max1 = x; st.argmax = i; }
        else if (x > st.max2) st.max2 = x;
      }
      m->min1 = st.min1; m->min2 = st.min2; m->max1 = st.max1; m->max2 = st.max2;
      m->argmin = st.argmin; m->argmax = st.argmax;
    }
  }
  return ref;
}

/// Classifies every KOC of the roster. Throws koc::error on invalid roster, policy or overrides, and
/// errc::overflow (row and metric named) when a score would leave the double range.
inline tier_result classify(const roster_view& roster, const tier_policy& policy,
                            const std::vector<tier_override>& overrides = {}, const classify_options& options = {}) {
  tier_result out;
  detail::tier_engine(roster, policy).run(overrides, options, out);
  return out;
}

/// Same, into an existing result whose buffers are reused (no allocation or page faults when the
/// roster size does not grow: the steady state of a CRM that re-classifies every period).
inline void classify(const roster_view& roster, const tier_policy& policy, const std::vector<tier_override>& overrides,
                     const classify_options& options, tier_result& out) {
  detail::tier_engine(roster, policy).run(overrides, options, out);
}

}  // namespace koc

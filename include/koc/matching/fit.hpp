// Fit: a score per candidate pair (stage 2 of matching), from weighted terms of the matching policy.
//
//   auto e = koc::eligible_pairs(tasks, profiles, declines);           // stage 1: who may
//   koc::score_candidates(e.graph, tasks, profiles, policy, ladder, preferences);   // stage 2: how well
//   // or skip stages 1-2 with the caller's own scores:
//   koc::candidate_graph g = koc::candidates_from_dense(score, forbidden);      // KOCs × tasks
//   koc::candidate_graph h = koc::candidates_from_edges(n_kocs, n_tasks, koc, task, score);  // candidates.hpp
//
// score(k, t) = w.skill·skill + w.audience·audience + w.tier_fit·tier_fit + w.quality·quality
//             + w.reliability·reliability + w.preference·preference − w.rotation·rotation,
// summed in that order (bit-for-bit the same in batch and per-pair calls). Every term lies in [0, 1]:
//   skill        mean over the task's required skills s of min(1, skill[k, s] / skill_level_max);
//                1 when the task requires none
//   audience     |audience[t] ∧ audience[k]| / |audience[t]| (popcounts); 1 when the task has no target
//   tier_fit     ½·[tier[k] in the asset type's tiers] + ½·[tier[k] in the horizon's tiers]
//                (the "honorary" entry matches KOCs with the honorary status); values 0, ½, 1
//   quality      the KOC's quality in [0, 1] (roster metric)
//   reliability  the KOC's on-time rate in [0, 1] (roster metric)
//   preference   1 / rank when the KOC ranked the task (rank 1 → 1, rank 2 → ½ ...), else 0
//   rotation     r / (r + rotation_half_count) for r = recent_tasks[k], in [0, 1): a fairness penalty
//                that spreads work away from KOCs who had many tasks lately
// Hence score ∈ [−w.rotation, Σ other weights] (with the default policy [−10, 100]).
// Complexity: O(pairs · (1 + required skills per task) + P log P) for P preference triples.
#pragma once

#include <koc/error.hpp>
#include <koc/matching/candidates.hpp>
#include <koc/matching/eligibility.hpp>
#include <koc/matching/policy.hpp>
#include <koc/matching/profiles.hpp>
#include <koc/matching/tasks.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc {

enum class fit_term : std::uint8_t { skill = 0, audience, tier_fit, quality, reliability, preference, rotation };
constexpr int n_fit_terms = 7;
inline constexpr std::array<const char*, n_fit_terms> fit_term_names = {
    "skill", "audience", "tier_fit", "quality", "reliability", "preference", "rotation"};

/// Computes fit terms and scores for pairs of one task table and one profile table. It borrows the
/// columns the views point to: they must outlive it.
class fit_scorer {
 public:
  fit_scorer(const task_table_view& tasks, const koc_profile_view& kocs, const matching_policy& policy,
             const tier_policy& ladder, const koc_preferences_view& preferences = {})
      : tasks_(tasks), kocs_(kocs), policy_(policy), table_(resolve(policy, ladder)) {
    validate(tasks_, static_cast<std::int32_t>(ladder.tiers.size()));
    validate(kocs_, static_cast<std::int32_t>(ladder.tiers.size()));
    if (!tasks_.required_skill.empty() && tasks_.n_skills != kocs_.n_skills)
      throw error(errc::length_mismatch, "tasks and profiles have different skill counts", -1, "n_skills");
    index_preferences(preferences);
    index_skills();
  }

  /// The seven terms of pair (k, t), each in [0, 1] (see the file comment).
  std::array<double, n_fit_terms> terms(std::size_t k, std::size_t t) const {
    return terms_with_rank(k, t, rank_of(k, t));
  }
  /// The weighted score of pair (k, t).
  double score(std::size_t k, std::size_t t) const { return combine(terms(k, t)); }

  /// Fills g.score for every pair of g (tasks within a row increasing, as candidate graphs are).
  void score_all(candidate_graph& g) const {
    if (g.n_kocs != kocs_.size() || g.n_tasks != tasks_.size())
      throw error(errc::length_mismatch, "candidate graph shape does not match the task and profile tables", -1, "n_kocs");
    g.score.resize(g.task.size());
    for (std::size_t k = 0; k < g.n_kocs; ++k) {
      auto p = pref_off_[k];
      const auto p_end = pref_off_[k + 1];
      for (auto e = g.offsets[k]; e < g.offsets[k + 1]; ++e) {
        const auto t = g.task[static_cast<std::size_t>(e)];
        while (p < p_end && pref_task_[static_cast<std::size_t>(p)] < t) ++p;  // only forward: once per row
        const std::int32_t rank = (p < p_end && pref_task_[static_cast<std::size_t>(p)] == t) ? pref_rank_[static_cast<std::size_t>(p)] : 0;
        g.score[static_cast<std::size_t>(e)] = combine(terms_with_rank(k, static_cast<std::size_t>(t), rank));
      }
    }
  }

  /// The KOC's supplied rank for task t (1 = most wanted), or 0 when it ranked it not.
  std::int32_t rank_of(std::size_t k, std::size_t t) const {
    const auto b = pref_task_.begin() + pref_off_[k], e = pref_task_.begin() + pref_off_[k + 1];
    const auto it = std::lower_bound(b, e, static_cast<std::int32_t>(t));
    return (it != e && *it == static_cast<std::int32_t>(t)) ? pref_rank_[static_cast<std::size_t>(it - pref_task_.begin())] : 0;
  }

  double combine(const std::array<double, n_fit_terms>& x) const {
    const auto& w = policy_.weights;
    double s = w.skill * x[0];
    s += w.audience * x[1];
    s += w.tier_fit * x[2];
    s += w.quality * x[3];
    s += w.reliability * x[4];
    s += w.preference * x[5];
    s -= w.rotation * x[6];
    return s;
  }

 private:
  std::array<double, n_fit_terms> terms_with_rank(std::size_t k, std::size_t t, std::int32_t rank) const {
    std::array<double, n_fit_terms> x{};
    // skill: over the task's required skills, in increasing skill order
    const auto rb = req_off_[t], re = req_off_[t + 1];
    double sum = 0.0;
    for (auto i = rb; i < re; ++i)
      sum += std::min(1.0, kocs_.skill_of(k, static_cast<std::size_t>(req_skill_[static_cast<std::size_t>(i)])) / policy_.skill_level_max);
    x[0] = re > rb ? sum / static_cast<double>(re - rb) : 1.0;
    // audience
    const std::uint64_t want = tasks_.audience_of(t);
    x[1] = want ? static_cast<double>(popcount(want & kocs_.audience_of(k))) / static_cast<double>(popcount(want)) : 1.0;
    // tier fit
    const auto tier = static_cast<unsigned>(kocs_.tier[k]);
    const bool hon = kocs_.honorary_of(k);
    const auto a = tasks_.asset[t], h = tasks_.horizon[t];
    const bool fa = (tier < 64 && ((table_.asset_tiers[a] >> tier) & 1u)) || (hon && table_.asset_honorary[a]);
    const bool fh = (tier < 64 && ((table_.horizon_tiers[h] >> tier) & 1u)) || (hon && table_.horizon_honorary[h]);
    x[2] = 0.5 * fa + 0.5 * fh;
    x[3] = kocs_.quality_of(k);
    x[4] = kocs_.on_time_of(k);
    x[5] = rank > 0 ? 1.0 / rank : 0.0;
    const double r = kocs_.recent_of(k);
    x[6] = r / (r + policy_.rotation_half_count);
    return x;
  }

  // SWAR popcount: without -mpopcnt, __builtin_popcountll is a library call, too slow per pair.
  static int popcount(std::uint64_t v) noexcept {
    v = v - ((v >> 1) & 0x5555555555555555ULL);
    v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
    v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return static_cast<int>((v * 0x0101010101010101ULL) >> 56);
  }

  void index_skills() {
    req_off_.assign(tasks_.size() + 1, 0);
    for (std::size_t t = 0; t < tasks_.size(); ++t) {
      for (std::size_t s = 0; s < tasks_.n_skills && !tasks_.required_skill.empty(); ++s)
        if (tasks_.skill_of(t, s)) req_skill_.push_back(static_cast<std::int32_t>(s));
      req_off_[t + 1] = static_cast<std::int64_t>(req_skill_.size());
    }
  }

  void index_preferences(const koc_preferences_view& p) {
    const std::size_t n = kocs_.size();
    pref_off_.assign(n + 1, 0);
    if (p.task_id.size() != p.koc_id.size() || p.rank.size() != p.koc_id.size())
      throw error(errc::length_mismatch, "preferences: koc_id, task_id and rank differ in length", -1,
                  p.task_id.size() != p.koc_id.size() ? "task_id" : "rank");
    if (p.size() == 0) return;
    const detail::id_index koc_ids(kocs_.id, detail::roster_id_column()), task_ids(tasks_.id, detail::task_id_column());
    struct item { std::int64_t k; std::int32_t t; std::int32_t rank; std::size_t row; };
    std::vector<item> items;
    items.reserve(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
      const auto row = static_cast<std::int64_t>(i);
      const auto k = koc_ids.find(p.koc_id[i]);
      if (k < 0) throw error(errc::unknown_id, "preference of unknown KOC id " + std::to_string(p.koc_id[i]), row, "koc_id");
      const auto t = task_ids.find(p.task_id[i]);
      if (t < 0) throw error(errc::unknown_id, "preference for unknown task id " + std::to_string(p.task_id[i]), row, "task_id");
      if (p.rank[i] < 1) throw error(errc::invalid_value, "rank must be >= 1 (1 = most wanted)", row, "rank");
      items.push_back({k, static_cast<std::int32_t>(t), p.rank[i], i});
    }
    std::sort(items.begin(), items.end(), [](const item& x, const item& y) {
      return x.k != y.k ? x.k < y.k : x.t != y.t ? x.t < y.t : x.row < y.row;
    });
    for (std::size_t i = 1; i < items.size(); ++i)
      if (items[i].k == items[i - 1].k && items[i].t == items[i - 1].t)
        throw error(errc::duplicate_id, "KOC ranked the same task twice", static_cast<std::int64_t>(items[i].row), "task_id");
    pref_task_.resize(items.size());
    pref_rank_.resize(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      ++pref_off_[static_cast<std::size_t>(items[i].k) + 1];
      pref_task_[i] = items[i].t;
      pref_rank_[i] = items[i].rank;
    }
    for (std::size_t k = 0; k < n; ++k) pref_off_[k + 1] += pref_off_[k];
  }

  task_table_view tasks_;   // views and the policy are copied (cheap), so temporaries may be passed
  koc_profile_view kocs_;
  matching_policy policy_;
  resolved_tier_fit table_;
  std::vector<std::int64_t> req_off_;    ///< per task: range of its required skills in req_skill_
  std::vector<std::int32_t> req_skill_;
  std::vector<std::int64_t> pref_off_;
  std::vector<std::int32_t> pref_task_, pref_rank_;
};

/// Fills the score column of `g` (an eligibility graph over these tables) with fit scores.
inline void score_candidates(candidate_graph& g, const task_table_view& tasks, const koc_profile_view& kocs,
                             const matching_policy& policy, const tier_policy& ladder,
                             const koc_preferences_view& preferences = {}) {
  fit_scorer(tasks, kocs, policy, ladder, preferences).score_all(g);
}

/// Stages 1 and 2 together: eligible pairs scored by fit.
inline eligibility_result build_candidates(const task_table_view& tasks, const koc_profile_view& kocs,
                                           const matching_policy& policy, const tier_policy& ladder,
                                           const declines_view& declines = {},
                                           const koc_preferences_view& preferences = {}) {
  const fit_scorer scorer(tasks, kocs, policy, ladder, preferences);  // validates before the heavy pass
  auto e = eligible_pairs(tasks, kocs, declines);
  scorer.score_all(e.graph);
  return e;
}

using score_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using forbidden_matrix = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace detail {
inline candidate_graph from_dense(const Eigen::Ref<const score_matrix>& score, const std::uint8_t* forbidden,
                                  Eigen::Index forbidden_stride) {
  candidate_graph g;
  g.n_kocs = static_cast<std::size_t>(score.rows());
  g.n_tasks = static_cast<std::size_t>(score.cols());
  if (score.cols() > std::numeric_limits<std::int32_t>::max())
    throw error(errc::out_of_range, "too many tasks for int32 task indices", -1, "score");
  g.offsets.assign(g.n_kocs + 1, 0);
  for (Eigen::Index k = 0; k < score.rows(); ++k) {
    for (Eigen::Index t = 0; t < score.cols(); ++t) {
      if (forbidden && forbidden[k * forbidden_stride + t]) continue;
      const double s = score(k, t);
      if (s == -std::numeric_limits<double>::infinity()) continue;  // -inf marks a forbidden pair too
      if (!std::isfinite(s))
        throw error(errc::invalid_value, std::isnan(s) ? "score is NaN" : "score is +infinity", k,
                    "score[" + std::to_string(t) + "]");
      g.task.push_back(static_cast<std::int32_t>(t));
      g.score.push_back(s);
    }
    g.offsets[static_cast<std::size_t>(k) + 1] = static_cast<std::int64_t>(g.task.size());
  }
  return g;
}
}  // namespace detail

/// The caller's own n_kocs × n_tasks fit scores (higher is better) as a candidate graph. A pair is
/// absent when its score is -inf; NaN or +inf elsewhere throws invalid_value naming the KOC row and the
/// task column ("score[5]").
inline candidate_graph candidates_from_dense(const Eigen::Ref<const score_matrix>& score) {
  return detail::from_dense(score, nullptr, 0);
}
/// As above, with a mask of the same shape: nonzero = forbidden (its score is not read, may be NaN).
inline candidate_graph candidates_from_dense(const Eigen::Ref<const score_matrix>& score,
                                             const Eigen::Ref<const forbidden_matrix>& forbidden) {
  if (forbidden.rows() != score.rows() || forbidden.cols() != score.cols())
    throw error(errc::length_mismatch, "forbidden mask and score matrix differ in shape", -1, "forbidden");
  return detail::from_dense(score, forbidden.data(), forbidden.outerStride());
}

}  // namespace koc

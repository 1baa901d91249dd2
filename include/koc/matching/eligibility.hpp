// Eligibility: the hard rules of DOMAIN.md §2, producing the sparse candidate graph (stage 1 of matching).
//
//   koc::eligibility_result e = koc::eligible_pairs(tasks, profiles, declines);
//   e.graph                       // CSR over KOCs, tasks strictly increasing, scores 0 (see fit.hpp)
//   e.n_eligible[t]               // how many KOCs may do task t
//   e.excluded_by(t, koc::exclusion_rule::skills)   // why the others may not
//   koc::explain_eligibility(e, tasks, t)            // one readable line
//
// A pair (KOC k, task t) is eligible when every rule passes. Rules are checked in this fixed order and
// each excluded pair is charged to the FIRST rule it fails (a funnel), so for every task
//   n_eligible[t] + Σ_rule excluded[t, rule] == n_kocs.
//   0 tier_range    min_tier[t] <= tier[k] <= max_tier[t]
//   1 region        region[t] == -1 or region[t] == region[k]
//   2 clearance     not confidential[t], or clearance[k]
//   3 capacity      capacity[k] >= load[t]          (zero remaining capacity fails every task)
//   4 availability  the windows overlap: available_start[k] < window_end[t] and window_start[t] < available_end[k]
//   5 opt_out       opted_out[k] has none of the task's asset, horizon and direction bits
//   6 skills        skill[k, s] >= required_skill[t, s] for every skill s
//   7 declined      (id[k], id[t]) is not in the declines
// Audience is not a hard rule: it enters the fit score (fit.hpp).
//
// Algorithm: the n × m scan is avoided for the two most selective rules. Tasks are bucketed by
// (region, tier) over the tiers some KOC holds: for each such tier, the sorted list of any-region
// tasks, and for each (task region, tier) the sorted list of that region's tasks. A KOC visits only the
// merge of its two lists, testing the other rules with precomputed per-task records (kind bitmask,
// window, sparse required skills) and a pointer walk over its sorted declines. KOCs are visited grouped
// by bucket so the task records they test stay in cache (rows are moved back to row order at the end).
// Exclusions by tier and region are counted in aggregate from (region, tier) histograms of the KOCs,
// never by visiting pairs.
// Complexity: O(n log n + Σ_k |bucket(k)| · (1 + skills per task) + m · L + D log D) time for R task
// regions, L distinct KOC tiers (at most n, whatever the tier values) and D declines; memory
// O(m · L + R · L) besides the output. Deterministic: a pure function; rows in KOC order, tasks
// increasing within a row.
#pragma once

#include <koc/error.hpp>
#include <koc/matching/candidates.hpp>
#include <koc/matching/profiles.hpp>
#include <koc/matching/tasks.hpp>
#include <koc/tiers/result.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc {

enum class exclusion_rule : std::uint8_t {
  tier_range = 0,
  region = 1,
  clearance = 2,
  capacity = 3,
  availability = 4,
  opt_out = 5,
  skills = 6,
  declined = 7,
};
constexpr int n_exclusion_rules = 8;
inline constexpr std::array<const char*, n_exclusion_rules> exclusion_rule_names = {
    "tier_range", "region", "clearance", "capacity", "availability", "opt_out", "skills", "declined"};

struct eligibility_result {
  candidate_graph graph;                  ///< eligible pairs; score column is all 0 until fit fills it
  std::vector<std::int64_t> n_eligible;   ///< per task
  std::vector<std::int64_t> excluded;     ///< n_tasks × n_exclusion_rules, row-major (funnel counts)

  std::int64_t excluded_by(std::size_t t, exclusion_rule r) const {
    return excluded[t * n_exclusion_rules + static_cast<std::size_t>(r)];
  }
  bool nobody_eligible(std::size_t t) const { return n_eligible[t] == 0; }
};

namespace detail {

/// Per-KOC sorted, deduplicated declined task rows (CSR). Throws unknown_id naming the declines row.
inline void decline_rows(const declines_view& d, const id_index& kocs, const id_index& tasks, std::size_t n,
                         std::vector<std::int64_t>& offsets, std::vector<std::int32_t>& task_rows) {
  if (d.task_id.size() != d.koc_id.size())
    throw error(errc::length_mismatch, "declines: task_id and koc_id differ in length", -1, "task_id");
  std::vector<std::pair<std::int64_t, std::int32_t>> pairs;
  pairs.reserve(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    const auto k = kocs.find(d.koc_id[i]);
    if (k < 0) throw error(errc::unknown_id, "declined by unknown KOC id " + std::to_string(d.koc_id[i]), static_cast<std::int64_t>(i), "koc_id");
    const auto t = tasks.find(d.task_id[i]);
    if (t < 0) throw error(errc::unknown_id, "decline of unknown task id " + std::to_string(d.task_id[i]), static_cast<std::int64_t>(i), "task_id");
    pairs.emplace_back(k, static_cast<std::int32_t>(t));
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  offsets.assign(n + 1, 0);
  task_rows.resize(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    ++offsets[static_cast<std::size_t>(pairs[i].first) + 1];
    task_rows[i] = pairs[i].second;
  }
  for (std::size_t k = 0; k < n; ++k) offsets[k + 1] += offsets[k];
}

/// What the per-pair test reads about a task, and the funnel counters it writes, in one 64-byte cache
/// line: the pair loop then touches one line per task instead of two.
struct alignas(64) task_record {
  std::int64_t start, end;
  std::uint32_t kind_bits;
  std::int32_t load;
  std::int32_t skill_begin, skill_end;  ///< range in the sparse required-skill arrays
  std::uint32_t confidential;
  std::uint32_t excluded[6];  ///< rules 2..7 (clearance .. declined); n_kocs < 2^32 is checked
};
static_assert(sizeof(task_record) == 64, "one cache line per task");

}  // namespace detail

/// The eligible (KOC, task) pairs and, per task, the funnel of exclusions. Throws koc::error on invalid
/// input (row and field named); "nobody eligible" is a count of zero, not an error.
inline eligibility_result eligible_pairs(const task_table_view& tasks, const koc_profile_view& kocs,
                                         const declines_view& declines = {}) {
  validate(tasks);
  validate(kocs);
  if (!tasks.required_skill.empty() && tasks.n_skills != kocs.n_skills)
    throw error(errc::length_mismatch,
                "tasks require " + std::to_string(tasks.n_skills) + " skills but profiles carry " +
                    std::to_string(kocs.n_skills),
                -1, "n_skills");
  const std::size_t n = kocs.size(), m = tasks.size();
  if (n >= (std::size_t{1} << 32)) throw error(errc::out_of_range, "at most 2^32 - 1 KOCs per call", -1, "id");
  const detail::id_index koc_ids(kocs.id, detail::roster_id_column()), task_ids(tasks.id, detail::task_id_column());
  std::vector<std::int64_t> dec_off;
  std::vector<std::int32_t> dec_task;
  detail::decline_rows(declines, koc_ids, task_ids, n, dec_off, dec_task);

  // The tiers that hold a KOC, ascending: buckets and histograms are indexed by position in this list
  // (a compact tier), so their size and the work per task follow the KOCs' distinct tiers, at most n,
  // and never the tier values (without a ladder to check against, a tier may be any int32 >= 0).
  std::vector<std::int32_t> koc_tiers(kocs.tier.begin(), kocs.tier.end());
  std::sort(koc_tiers.begin(), koc_tiers.end());
  koc_tiers.erase(std::unique(koc_tiers.begin(), koc_tiers.end()), koc_tiers.end());
  const auto L = static_cast<std::int64_t>(std::max<std::size_t>(1, koc_tiers.size()));
  auto compact_tier = [&](std::int32_t tier) -> std::int64_t {
    return std::lower_bound(koc_tiers.begin(), koc_tiers.end(), tier) - koc_tiers.begin();
  };
  std::vector<std::int64_t> koc_tier(n);
  for (std::size_t k = 0; k < n; ++k) koc_tier[k] = compact_tier(kocs.tier[k]);

  // Compact task regions.
  std::vector<std::int32_t> regions;
  for (std::size_t t = 0; t < m; ++t)
    if (tasks.region_of(t) >= 0) regions.push_back(tasks.region_of(t));
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
  const std::size_t R = regions.size();
  auto compact = [&](std::int32_t region) -> std::int64_t {
    if (region < 0) return -1;
    auto it = std::lower_bound(regions.begin(), regions.end(), region);
    return (it != regions.end() && *it == region) ? it - regions.begin() : -1;
  };

  // Buckets: list b = 0 .. L-1 is any-region tasks at compact tier b; list L·(1 + r) + tier is region r's.
  // A task's tier range [min_tier, max_tier] holds the compact tiers [tier_lo, tier_hi] (empty when
  // tier_hi < tier_lo).
  const auto Ls = static_cast<std::size_t>(L);
  std::vector<std::int64_t> bucket_off((R + 1) * Ls + 1, 0);
  auto tier_lo = [&](std::size_t t) { return compact_tier(tasks.min_tier_of(t)); };
  auto tier_hi = [&](std::size_t t) -> std::int64_t {
    return std::upper_bound(koc_tiers.begin(), koc_tiers.end(), tasks.max_tier_of(t)) - koc_tiers.begin() - 1;
  };
  for (std::size_t t = 0; t < m; ++t) {
    const std::size_t base = static_cast<std::size_t>(compact(tasks.region_of(t)) + 1) * Ls;
    for (std::int64_t tier = tier_lo(t); tier <= tier_hi(t); ++tier) ++bucket_off[base + static_cast<std::size_t>(tier) + 1];
  }
  for (std::size_t b = 0; b < (R + 1) * Ls; ++b) bucket_off[b + 1] += bucket_off[b];
  std::vector<std::int32_t> bucket_task(static_cast<std::size_t>(bucket_off.back()));
  {
    std::vector<std::int64_t> fill(bucket_off.begin(), bucket_off.end() - 1);
    for (std::size_t t = 0; t < m; ++t) {
      const auto r = compact(tasks.region_of(t));
      const std::size_t base = static_cast<std::size_t>(r + 1) * Ls;
      for (std::int64_t tier = tier_lo(t); tier <= tier_hi(t); ++tier)
        bucket_task[static_cast<std::size_t>(fill[base + static_cast<std::size_t>(tier)]++)] = static_cast<std::int32_t>(t);
    }
  }

  // Task records and sparse required skills.
  std::vector<detail::task_record> rec(m);
  std::vector<std::int32_t> req_skill;
  std::vector<std::uint8_t> req_level;
  for (std::size_t t = 0; t < m; ++t) {
    auto& x = rec[t];
    x.start = tasks.start_of(t);
    x.end = tasks.end_of(t);
    x.kind_bits = task_kind_bits(tasks.asset[t], tasks.horizon[t], tasks.direction[t]);
    x.load = tasks.load_of(t);
    x.confidential = tasks.confidential_of(t) ? 1 : 0;
    std::fill(std::begin(x.excluded), std::end(x.excluded), 0u);
    x.skill_begin = static_cast<std::int32_t>(req_skill.size());
    for (std::size_t s = 0; s < tasks.n_skills && !tasks.required_skill.empty(); ++s)
      if (const auto lvl = tasks.skill_of(t, s)) {
        req_skill.push_back(static_cast<std::int32_t>(s));
        req_level.push_back(lvl);
      }
    x.skill_end = static_cast<std::int32_t>(req_skill.size());
  }

  eligibility_result out;
  out.graph.n_kocs = n;
  out.graph.n_tasks = m;
  out.graph.offsets.assign(n + 1, 0);
  out.n_eligible.assign(m, 0);
  out.excluded.assign(m * n_exclusion_rules, 0);
  std::vector<std::int64_t> region_tier(static_cast<std::size_t>(R + 1) * Ls, 0);  // [compact region + 1][tier]

  const std::uint8_t* skills = kocs.skill.empty() ? nullptr : kocs.skill.data();
  // KOCs are visited grouped by bucket (counting sort, stable in row order) so that consecutive KOCs
  // test the same task records, which then stay in cache; rows are written in visit order and moved
  // to row order at the end.
  std::vector<std::int64_t> koc_region(n);
  for (std::size_t k = 0; k < n; ++k) {
    koc_region[k] = compact(kocs.region_of(k));
    ++region_tier[static_cast<std::size_t>(koc_region[k] + 1) * Ls + static_cast<std::size_t>(koc_tier[k])];
  }
  std::vector<std::size_t> visit(n);
  {
    std::vector<std::int64_t> start(region_tier.size() + 1, 0);
    for (std::size_t b = 0; b < region_tier.size(); ++b) start[b + 1] = start[b] + region_tier[b];
    for (std::size_t k = 0; k < n; ++k)
      visit[static_cast<std::size_t>(start[static_cast<std::size_t>(koc_region[k] + 1) * Ls + static_cast<std::size_t>(koc_tier[k])]++)] = k;
  }
  std::vector<std::int64_t> row_start(n);
  std::vector<std::int32_t> cand;
  for (const std::size_t k : visit) {
    const std::int64_t tier = koc_tier[k];
    const auto r = koc_region[k];
    row_start[k] = static_cast<std::int64_t>(cand.size());
    const bool clear = kocs.clearance_of(k);
    const std::int32_t cap = kocs.capacity[k];
    const std::int64_t ks = kocs.start_of(k), ke = kocs.end_of(k);
    const std::uint32_t opted = kocs.opted_out_of(k);
    const std::uint8_t* level = skills ? skills + k * kocs.n_skills : nullptr;
    const std::int32_t* dec = dec_task.data() + dec_off[k];
    const std::int32_t* dec_end = dec_task.data() + dec_off[k + 1];

    const std::int32_t* a = bucket_task.data() + bucket_off[static_cast<std::size_t>(tier)];
    const std::int32_t* a_end = bucket_task.data() + bucket_off[static_cast<std::size_t>(tier) + 1];
    const std::int32_t* b = a_end;
    const std::int32_t* b_end = a_end;
    if (r >= 0) {
      const std::size_t bb = static_cast<std::size_t>(r + 1) * Ls + static_cast<std::size_t>(tier);
      b = bucket_task.data() + bucket_off[bb];
      b_end = bucket_task.data() + bucket_off[bb + 1];
    }
    while (a != a_end || b != b_end) {
      // Merge of two increasing lists; a task is in exactly one of them. Each step consumes one entry.
      std::int32_t t;
      if (b == b_end || (a != a_end && *a < *b)) t = *a++;
      else t = *b++;
      const auto& x = rec[static_cast<std::size_t>(t)];
      int fail = -1;
      if (x.confidential && !clear) fail = 2;
      else if (cap < x.load) fail = 3;
      else if (!(ks < x.end && x.start < ke)) fail = 4;
      else if (opted & x.kind_bits) fail = 5;
      else {
        for (auto s = x.skill_begin; s < x.skill_end; ++s)
          if (!level || level[req_skill[static_cast<std::size_t>(s)]] < req_level[static_cast<std::size_t>(s)]) { fail = 6; break; }
        if (fail < 0) {
          while (dec != dec_end && *dec < t) ++dec;  // only forward: the KOC's declines once per row
          if (dec != dec_end && *dec == t) fail = 7;
        }
      }
      if (fail >= 0) ++rec[static_cast<std::size_t>(t)].excluded[fail - 2];
      else cand.push_back(t);
    }
    out.graph.offsets[k + 1] = static_cast<std::int64_t>(cand.size()) - row_start[k];  // row length for now
  }
  for (std::size_t k = 0; k < n; ++k) out.graph.offsets[k + 1] += out.graph.offsets[k];
  out.graph.task.resize(cand.size());
  for (std::size_t k = 0; k < n; ++k)
    std::copy(cand.begin() + row_start[k], cand.begin() + row_start[k] + (out.graph.offsets[k + 1] - out.graph.offsets[k]),
              out.graph.task.begin() + out.graph.offsets[k]);
  std::vector<std::int32_t>().swap(cand);
  out.graph.score.assign(out.graph.task.size(), 0.0);
  for (auto t : out.graph.task) ++out.n_eligible[static_cast<std::size_t>(t)];
  auto& excl = out.excluded;
  for (std::size_t t = 0; t < m; ++t)
    for (std::size_t r = 2; r < n_exclusion_rules; ++r) excl[t * n_exclusion_rules + r] = rec[t].excluded[r - 2];

  // Aggregate exclusions by tier range and region from the (region, tier) histogram.
  std::vector<std::int64_t> prefix_all(Ls + 1, 0), prefix_region(static_cast<std::size_t>(R + 1) * (Ls + 1), 0);
  for (std::size_t r = 0; r <= R; ++r)
    for (std::size_t tier = 0; tier < Ls; ++tier) {
      const auto c = region_tier[r * Ls + tier];
      prefix_region[r * (Ls + 1) + tier + 1] = prefix_region[r * (Ls + 1) + tier] + c;
      prefix_all[tier + 1] += c;
    }
  for (std::size_t tier = 0; tier < Ls; ++tier) prefix_all[tier + 1] += prefix_all[tier];
  for (std::size_t t = 0; t < m; ++t) {
    const auto lo = static_cast<std::size_t>(tier_lo(t));
    const auto hi1 = static_cast<std::size_t>(tier_hi(t) + 1);
    const std::int64_t in_range = hi1 > lo ? prefix_all[hi1] - prefix_all[lo] : 0;
    excl[t * n_exclusion_rules + 0] = static_cast<std::int64_t>(n) - in_range;
    const auto r = compact(tasks.region_of(t));
    if (r >= 0) {
      const std::size_t row = static_cast<std::size_t>(r + 1) * (Ls + 1);
      const std::int64_t same = hi1 > lo ? prefix_region[row + hi1] - prefix_region[row + lo] : 0;
      excl[t * n_exclusion_rules + 1] = in_range - same;
    }
  }
  return out;
}

/// "task 42: 3 of 1000 KOCs eligible; excluded by tier_range 900, region 80, skills 17".
inline std::string explain_eligibility(const eligibility_result& e, const task_table_view& tasks, std::size_t t) {
  std::string s = "task " + std::to_string(tasks.id[t]) + ": " + std::to_string(e.n_eligible[t]) + " of " +
                  std::to_string(e.graph.n_kocs) + " KOCs eligible";
  std::string parts;
  for (int r = 0; r < n_exclusion_rules; ++r)
    if (const auto c = e.excluded_by(t, static_cast<exclusion_rule>(r)))
      parts += std::string(parts.empty() ? "" : ", ") + exclusion_rule_names[static_cast<std::size_t>(r)] + " " + std::to_string(c);
  if (!parts.empty()) s += "; excluded by " + parts;
  return s;
}

}  // namespace koc

// C ABI: dense assignment, task tables, matching profiles and policies, and the matching pipeline.
#include "guard.hpp"
#include "matching_handles.hpp"

#include <koc/matching/dense_assignment.hpp>
#include <koc/matching/policy_json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>

using koc::c_api::fail;
using koc::c_api::guarded;

namespace {
koc_status check_len(std::size_t len, std::size_t n, const char* field) {
  if (len != n)
    return fail(KOC_ERROR_LENGTH_MISMATCH, "column has " + std::to_string(len) + " rows, table has " + std::to_string(n), -1, field);
  return KOC_OK;
}
template <class T>
koc_status set(koc::span<const T>& target, const T* values, std::size_t len, std::size_t n, const char* field) {
  if (len > 0 && values == nullptr) return fail(KOC_ERROR_NULL_POINTER, "values is NULL", -1, field);
  if (auto s = check_len(len, n, field)) return s;
  target = {values, len};
  return KOC_OK;
}
}  // namespace

extern "C" {

koc_status koc_linear_sum_assignment(const double* cost, size_t rows, size_t cols, int32_t maximize,
                                     const uint8_t* forbidden, int64_t* row_ind, int64_t* col_ind, size_t capacity,
                                     size_t* n_assigned, double* total, int32_t* optimal, double* row_potential,
                                     double* col_potential) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(n_assigned);
    KOC_REQUIRE(optimal);
    if (rows > 0 && cols > 0) KOC_REQUIRE(cost);
    koc::dense_assignment_options opt;
    opt.maximize = maximize != 0;
    opt.forbidden = forbidden;
    const auto r = koc::solve_dense_assignment(cost, rows, cols, opt);
    *optimal = r.status == koc::assignment_status::optimal ? 1 : 0;
    *n_assigned = r.row_ind.size();
    if (total) *total = r.total_cost;
    if (r.row_ind.size() > capacity)
      return fail(KOC_ERROR_BUFFER_TOO_SMALL, "row_ind/col_ind hold " + std::to_string(capacity) + " pairs, " +
                                                  std::to_string(r.row_ind.size()) + " needed", -1, "capacity");
    if (!r.row_ind.empty()) {
      KOC_REQUIRE(row_ind);
      KOC_REQUIRE(col_ind);
      std::memcpy(row_ind, r.row_ind.data(), r.row_ind.size() * sizeof(int64_t));
      std::memcpy(col_ind, r.col_ind.data(), r.col_ind.size() * sizeof(int64_t));
    }
    if (row_potential && r.row_potential.size() == rows) std::memcpy(row_potential, r.row_potential.data(), rows * sizeof(double));
    if (col_potential && r.col_potential.size() == cols) std::memcpy(col_potential, r.col_potential.data(), cols * sizeof(double));
    return KOC_OK;
  });
}

koc_status koc_linear_sum_assignment_batch(const double* costs, size_t count, size_t rows, size_t cols,
                                           int32_t maximize, uint32_t threads, int64_t* row_ind, int64_t* col_ind,
                                           size_t capacity, double* totals, int32_t* optimal) {
  return guarded([&]() -> koc_status {
    if (count == 0) return KOC_OK;
    KOC_REQUIRE(optimal);
    const std::size_t k = std::min(rows, cols);
    if (rows > 0 && cols > 0) KOC_REQUIRE(costs);
    if (rows > 0 && cols > 0 && count > SIZE_MAX / rows / cols)
      return fail(KOC_ERROR_OVERFLOW, "count * rows * cols does not fit in size_t", -1, "cost");
    if (k > 0 && count > capacity / k)
      return fail(KOC_ERROR_BUFFER_TOO_SMALL, "row_ind/col_ind hold " + std::to_string(capacity) + " pairs, " +
                                                  std::to_string(count) + " x " + std::to_string(k) + " needed",
                  -1, "capacity");
    if (k > 0) {
      KOC_REQUIRE(row_ind);
      KOC_REQUIRE(col_ind);
    }
    koc::dense_batch_options opt;
    opt.maximize = maximize != 0;
    opt.threads = threads;
    // Solved into the library's own flat arrays, copied out only once every problem is solved: on an
    // error nothing is written.
    const auto r = koc::solve_dense_assignment_stack(costs, count, rows, cols, opt);
    std::copy(r.row_ind.begin(), r.row_ind.end(), row_ind);
    std::copy(r.col_ind.begin(), r.col_ind.end(), col_ind);
    for (std::size_t b = 0; b < count; ++b) optimal[b] = r.optimal[b];
    if (totals) std::copy(r.total_cost.begin(), r.total_cost.end(), totals);
    return KOC_OK;
  });
}

koc_status koc_task_table_create(const int64_t* ids, const uint8_t* asset, const uint8_t* horizon,
                                 const uint8_t* direction, const int32_t* slots, size_t n_tasks, koc_task_table** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_tasks > 0) {
      KOC_REQUIRE(ids);
      KOC_REQUIRE(asset);
      KOC_REQUIRE(horizon);
      KOC_REQUIRE(direction);
      KOC_REQUIRE(slots);
    }
    auto t = std::make_unique<koc_task_table>();
    t->view.id = {ids, n_tasks};
    t->view.asset = {asset, n_tasks};
    t->view.horizon = {horizon, n_tasks};
    t->view.direction = {direction, n_tasks};
    t->view.slots = {slots, n_tasks};
    *out = t.release();
    return KOC_OK;
  });
}

koc_status koc_task_table_set_window(koc_task_table* tasks, const int64_t* start, const int64_t* end, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(tasks);
    if (auto s = set(tasks->view.window_start, start, len, tasks->view.size(), "window_start")) return s;
    return set(tasks->view.window_end, end, len, tasks->view.size(), "window_end");
  });
}

koc_status koc_task_table_set_column(koc_task_table* tasks, koc_task_column column, const int32_t* values, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(tasks);
    auto& v = tasks->view;
    switch (koc::c_api::c_enum(column)) {
      case KOC_TASK_LOAD: return set(v.load, values, len, v.size(), "load");
      case KOC_TASK_REGION: return set(v.region, values, len, v.size(), "region");
      case KOC_TASK_MIN_TIER: return set(v.min_tier, values, len, v.size(), "min_tier");
      case KOC_TASK_MAX_TIER: return set(v.max_tier, values, len, v.size(), "max_tier");
    }
    return fail(KOC_ERROR_OUT_OF_RANGE, "unknown task column " + std::to_string(koc::c_api::c_enum(column)), -1, "column");
  });
}

koc_status koc_task_table_set_audience(koc_task_table* tasks, const uint64_t* segments, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(tasks);
    return set(tasks->view.audience, segments, len, tasks->view.size(), "audience");
  });
}

koc_status koc_task_table_set_confidential(koc_task_table* tasks, const uint8_t* confidential, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(tasks);
    return set(tasks->view.confidential, confidential, len, tasks->view.size(), "confidential");
  });
}

koc_status koc_task_table_set_required_skills(koc_task_table* tasks, const uint8_t* levels, size_t n_tasks, size_t n_skills) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(tasks);
    if (auto s = check_len(n_tasks, tasks->view.size(), "required_skill")) return s;
    if (n_tasks * n_skills > 0) KOC_REQUIRE(levels);
    tasks->view.required_skill = {levels, n_tasks * n_skills};
    tasks->view.n_skills = n_skills;
    return KOC_OK;
  });
}

void koc_task_table_destroy(koc_task_table* tasks) { delete tasks; }

koc_status koc_profiles_create(const int32_t* capacity, size_t n_kocs, koc_profiles** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_kocs > 0) KOC_REQUIRE(capacity);
    auto p = std::make_unique<koc_profiles>();
    p->view.capacity = {capacity, n_kocs};
    *out = p.release();
    return KOC_OK;
  });
}

koc_status koc_profiles_set_skills(koc_profiles* profiles, const uint8_t* levels, size_t n_kocs, size_t n_skills) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(profiles);
    if (auto s = check_len(n_kocs, profiles->view.capacity.size(), "skill")) return s;
    if (n_kocs * n_skills > 0) KOC_REQUIRE(levels);
    profiles->view.skill = {levels, n_kocs * n_skills};
    profiles->view.n_skills = n_skills;
    return KOC_OK;
  });
}

koc_status koc_profiles_set_audience(koc_profiles* profiles, const uint64_t* segments, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(profiles);
    return set(profiles->view.audience, segments, len, profiles->view.capacity.size(), "audience");
  });
}

koc_status koc_profiles_set_column(koc_profiles* profiles, koc_profile_column column, const int32_t* values, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(profiles);
    auto& v = profiles->view;
    switch (koc::c_api::c_enum(column)) {
      case KOC_PROFILE_REGION: return set(v.region, values, len, v.capacity.size(), "region");
      case KOC_PROFILE_RECENT_TASKS: return set(v.recent_tasks, values, len, v.capacity.size(), "recent_tasks");
    }
    return fail(KOC_ERROR_OUT_OF_RANGE, "unknown profile column " + std::to_string(koc::c_api::c_enum(column)), -1, "column");
  });
}

koc_status koc_profiles_set_availability(koc_profiles* profiles, const int64_t* start, const int64_t* end, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(profiles);
    if (auto s = set(profiles->view.available_start, start, len, profiles->view.capacity.size(), "available_start")) return s;
    return set(profiles->view.available_end, end, len, profiles->view.capacity.size(), "available_end");
  });
}

koc_status koc_profiles_set_opted_out(koc_profiles* profiles, const uint32_t* kinds, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(profiles);
    return set(profiles->view.opted_out, kinds, len, profiles->view.capacity.size(), "opted_out");
  });
}

void koc_profiles_destroy(koc_profiles* profiles) { delete profiles; }

koc_status koc_matching_policy_default(koc_matching_policy** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    *out = new koc_matching_policy{koc::default_matching_policy()};
    return KOC_OK;
  });
}

koc_status koc_matching_policy_from_json(const char* json, size_t json_len, const koc_tier_policy* ladder,
                                         koc_matching_policy** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(json);
    KOC_REQUIRE(ladder);
    auto p = std::make_unique<koc_matching_policy>();
    p->policy = koc::matching_policy_from_json(std::string(json, json_len), ladder->policy);
    *out = p.release();
    return KOC_OK;
  });
}

koc_status koc_matching_policy_to_json(const koc_matching_policy* policy, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    return koc::c_api::write_string(koc::matching_policy_to_json(policy->policy), buf, capacity, required);
  });
}

void koc_matching_policy_destroy(koc_matching_policy* policy) { delete policy; }

namespace {

// The enums as ints: passing a C enum on by value loads it, which is undefined behaviour for an
// out-of-range value (see c_enum).
koc_status read_mode(int mode, koc::match_mode& to) {
  switch (mode) {
    case KOC_MATCH_OPTIMAL: to = koc::match_mode::optimal; return KOC_OK;
    case KOC_MATCH_STABLE_KOCS_PROPOSE: to = koc::match_mode::stable_kocs_propose; return KOC_OK;
    case KOC_MATCH_STABLE_TASKS_PROPOSE: to = koc::match_mode::stable_tasks_propose; return KOC_OK;
    default: return fail(KOC_ERROR_OUT_OF_RANGE, "unknown mode " + std::to_string(mode), -1, "mode");
  }
}

koc_status read_objective(int objective, koc::capacitated_objective& to) {
  switch (objective) {
    case KOC_OBJECTIVE_MAX_SCORE: to = koc::capacitated_objective::max_score; return KOC_OK;
    case KOC_OBJECTIVE_MAX_FILL: to = koc::capacitated_objective::max_fill_then_score; return KOC_OK;
    default: return fail(KOC_ERROR_OUT_OF_RANGE, "unknown objective " + std::to_string(objective), -1, "objective");
  }
}

// The one body of koc_match and koc_match_with.
koc_status match(const koc_roster* roster, const koc_tier_result* tiers, const koc_profiles* profiles, const koc_task_table* tasks,
                 const koc_matching_policy* policy, const koc_tier_policy* ladder, const koc::match_options& opt,
                 const koc::declines_view& declines, const koc::koc_preferences_view& preferences, koc_match_result** out) {
  KOC_REQUIRE(out);
  *out = nullptr;
  KOC_REQUIRE(roster);
  KOC_REQUIRE(tiers);
  KOC_REQUIRE(profiles);
  KOC_REQUIRE(tasks);
  KOC_REQUIRE(policy);
  KOC_REQUIRE(ladder);
  const std::size_t n = roster->view.size();
  if (profiles->view.capacity.size() != n)
    return fail(KOC_ERROR_LENGTH_MISMATCH, "profiles and roster differ in length", -1, "capacity");
  if (tiers->result.n_kocs != n) return fail(KOC_ERROR_LENGTH_MISMATCH, "tier result and roster differ in length", -1, "tiers");
  koc::koc_profile_view kv = profiles->view;
  koc::attach(kv, roster->view, tiers->result);
  auto r = std::make_unique<koc_match_result>();
  r->result = koc::match(tasks->view, kv, policy->policy, ladder->policy, declines, preferences, opt);
  *out = r.release();
  return KOC_OK;
}

}  // namespace

koc_status koc_match(const koc_roster* roster, const koc_tier_result* tiers, const koc_profiles* profiles,
                     const koc_task_table* tasks, const koc_matching_policy* policy, const koc_tier_policy* ladder,
                     const int64_t* decline_koc_id, const int64_t* decline_task_id, size_t n_declines,
                     const int64_t* pref_koc_id, const int64_t* pref_task_id, const int32_t* pref_rank,
                     size_t n_preferences, koc_match_mode mode, koc_match_objective objective, koc_match_result** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_declines > 0) {
      KOC_REQUIRE(decline_koc_id);
      KOC_REQUIRE(decline_task_id);
    }
    if (n_preferences > 0) {
      KOC_REQUIRE(pref_koc_id);
      KOC_REQUIRE(pref_task_id);
      KOC_REQUIRE(pref_rank);
    }
    koc::match_options opt;
    if (const auto s = read_mode(koc::c_api::c_enum(mode), opt.mode); s != KOC_OK) return s;
    if (const auto s = read_objective(koc::c_api::c_enum(objective), opt.objective); s != KOC_OK) return s;
    const koc::declines_view dv{{decline_koc_id, n_declines}, {decline_task_id, n_declines}};
    const koc::koc_preferences_view pv{{pref_koc_id, n_preferences}, {pref_task_id, n_preferences}, {pref_rank, n_preferences}};
    return match(roster, tiers, profiles, tasks, policy, ladder, opt, dv, pv, out);
  });
}

koc_status koc_match_options_create(koc_match_options** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = new koc_match_options();
    return KOC_OK;
  });
}

koc_status koc_match_options_set_mode(koc_match_options* options, koc_match_mode mode) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    return read_mode(koc::c_api::c_enum(mode), options->options.mode);
  });
}

koc_status koc_match_options_set_objective(koc_match_options* options, koc_match_objective objective) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    return read_objective(koc::c_api::c_enum(objective), options->options.objective);
  });
}

koc_status koc_match_options_set_score_resolution(koc_match_options* options, double resolution) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    if (!(resolution > 0) || !std::isfinite(resolution))
      return fail(KOC_ERROR_INVALID_VALUE, "the score resolution must be > 0 and finite", -1, "score_resolution");
    options->options.score_resolution = resolution;
    return KOC_OK;
  });
}

koc_status koc_match_options_set_solve_options(koc_match_options* options, const koc_solve_options* solve) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    const koc_solve_options defaults;
    const koc_solve_options& from = solve ? *solve : defaults;
    options->options.method = from.method;
    options->options.control = from.control;
    return KOC_OK;
  });
}

koc_status koc_match_options_set_declines(koc_match_options* options, const int64_t* koc_id, const int64_t* task_id, size_t n) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    if (n > 0) {
      KOC_REQUIRE(koc_id);
      KOC_REQUIRE(task_id);
    }
    options->decline_koc.assign(koc_id, koc_id + n);
    options->decline_task.assign(task_id, task_id + n);
    return KOC_OK;
  });
}

koc_status koc_match_options_set_preferences(koc_match_options* options, const int64_t* koc_id, const int64_t* task_id,
                                             const int32_t* rank, size_t n) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    if (n > 0) {
      KOC_REQUIRE(koc_id);
      KOC_REQUIRE(task_id);
      KOC_REQUIRE(rank);
    }
    options->pref_koc.assign(koc_id, koc_id + n);
    options->pref_task.assign(task_id, task_id + n);
    options->pref_rank.assign(rank, rank + n);
    return KOC_OK;
  });
}

void koc_match_options_destroy(koc_match_options* options) { delete options; }

koc_status koc_match_with(const koc_roster* roster, const koc_tier_result* tiers, const koc_profiles* profiles,
                          const koc_task_table* tasks, const koc_matching_policy* policy, const koc_tier_policy* ladder,
                          const koc_match_options* options, koc_match_result** out) {
  return guarded([&]() -> koc_status {
    const koc_match_options defaults;
    const koc_match_options& o = options ? *options : defaults;
    const koc::declines_view dv{o.decline_koc, o.decline_task};
    const koc::koc_preferences_view pv{o.pref_koc, o.pref_task, o.pref_rank};
    return match(roster, tiers, profiles, tasks, policy, ladder, o.options, dv, pv, out);
  });
}

koc_status koc_match_result_pairs(const koc_match_result* result, const int32_t** koc_row, const int32_t** task_row,
                                  const double** score, size_t* n_pairs) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(n_pairs);
    const auto& m = result->result;
    if (koc_row) *koc_row = m.koc.data();
    if (task_row) *task_row = m.task.data();
    if (score) *score = m.score.data();
    *n_pairs = m.koc.size();
    return KOC_OK;
  });
}

koc_status koc_match_result_total(const koc_match_result* result, double* total) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(total);
    *total = result->result.total;
    return KOC_OK;
  });
}

koc_status koc_match_result_kocs(const koc_match_result* result, const int32_t** load, const uint8_t** reason, size_t* n_kocs) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(n_kocs);
    if (load) *load = result->result.koc_load.data();
    if (reason) *reason = result->result.koc_reason.data();
    *n_kocs = result->result.koc_load.size();
    return KOC_OK;
  });
}

koc_status koc_match_result_tasks(const koc_match_result* result, const int32_t** filled, const uint8_t** reason,
                                  const int64_t** n_eligible, size_t* n_tasks) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(n_tasks);
    const auto& m = result->result;
    if (filled) *filled = m.task_filled.data();
    if (reason) *reason = m.task_reason.data();
    if (n_eligible) *n_eligible = m.candidates.n_eligible.data();
    *n_tasks = m.task_filled.size();
    return KOC_OK;
  });
}

koc_status koc_match_result_exclusions(const koc_match_result* result, const int64_t** counts, size_t* n_tasks, size_t* n_rules) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(counts);
    KOC_REQUIRE(n_tasks);
    KOC_REQUIRE(n_rules);
    *counts = result->result.candidates.excluded.data();
    *n_tasks = result->result.candidates.n_eligible.size();
    *n_rules = koc::n_exclusion_rules;
    return KOC_OK;
  });
}

koc_status koc_match_result_certificate(const koc_match_result* result, int64_t* scale, int64_t* epsilon,
                                       int64_t* pair_bonus) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    if (result->result.mode != koc::match_mode::optimal)
      return fail(KOC_ERROR_INVALID_ARGUMENT, "a certificate exists only for KOC_MATCH_OPTIMAL results", -1, "result");
    const auto& d = result->result.optimal.duals;
    if (scale) *scale = d.scale;
    if (epsilon) *epsilon = d.epsilon;
    if (pair_bonus) *pair_bonus = d.pair_bonus;
    return KOC_OK;
  });
}

koc_status koc_match_result_duals(const koc_match_result* result, const int64_t** koc_potential,
                                  const int64_t** task_potential, int64_t* source_potential) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    if (result->result.mode != koc::match_mode::optimal)
      return fail(KOC_ERROR_INVALID_ARGUMENT, "duals exist only for KOC_MATCH_OPTIMAL results", -1, "result");
    const auto& d = result->result.optimal.duals;
    if (koc_potential) *koc_potential = d.koc_potential.data();
    if (task_potential) *task_potential = d.task_potential.data();
    if (source_potential) *source_potential = d.source_potential;
    return KOC_OK;
  });
}

koc_status koc_match_result_verify(const koc_match_result* result, int32_t* ok, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(ok);
    const auto rep = koc::verify(result->result);
    *ok = rep.ok ? 1 : 0;
    return koc::c_api::write_string(rep.message, buf, capacity, required);
  });
}

void koc_match_result_destroy(koc_match_result* result) { delete result; }

}  // extern "C"

koc_status koc_matching_policy_problems(const char* json, size_t json_len, const koc_tier_policy* ladder, size_t limit,
                                        koc_problems** out) {
  return guarded([&]() -> koc_status {
    if (out) *out = nullptr;
    KOC_REQUIRE(json);
    KOC_REQUIRE(ladder);
    return koc::c_api::problems_out(limit, out, [&](std::size_t n) {
      return koc::matching_policy_problems(std::string(json, json_len), ladder->policy, n);
    });
  });
}

koc_status koc_task_table_problems(const koc_task_table* tasks, int32_t n_tiers, size_t limit, koc_problems** out) {
  return guarded([&]() -> koc_status {
    if (out) *out = nullptr;
    KOC_REQUIRE(tasks);
    return koc::c_api::problems_out(limit, out, [&](std::size_t n) { return koc::task_problems(tasks->view, n_tiers, n); });
  });
}

// C ABI: capacitated assignment on a caller-supplied edge list (koc_capacitated_assignment).
//
// The C++ solver takes a CSR candidate graph whose rows hold strictly increasing tasks; C callers hold
// edge lists in whatever order their database returned them. koc::candidate_graph_from_edges (the
// builder the C++ API and Python use too) checks the list in the caller's order and sorts it, so every
// front names the same row for the same bad input; a solver error about a pair is named by its edge row.
#include "guard.hpp"
#include "matching_handles.hpp"

#include <koc/matching/capacitated_assignment.hpp>
#include <koc/matching/candidates.hpp>

#include <algorithm>
#include <cstring>
#include <memory>

using koc::c_api::fail;
using koc::c_api::guarded;

extern "C" {

koc_status koc_solve_options_create(koc_solve_options** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = new koc_solve_options();
    return KOC_OK;
  });
}

koc_status koc_solve_options_set_method(koc_solve_options* options, koc_capacitated_method method) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    switch (koc::c_api::c_enum(method)) {
      case KOC_METHOD_AUTOMATIC: options->method = koc::capacitated_method::automatic; break;
      case KOC_METHOD_AUCTION: options->method = koc::capacitated_method::auction; break;
      case KOC_METHOD_SHORTEST_PATHS: options->method = koc::capacitated_method::shortest_paths; break;
      default: return fail(KOC_ERROR_OUT_OF_RANGE, "unknown method " + std::to_string(koc::c_api::c_enum(method)), -1, "method");
    }
    return KOC_OK;
  });
}

koc_status koc_solve_options_set_time_limit(koc_solve_options* options, double seconds) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    if (!(seconds >= 0)) return fail(KOC_ERROR_INVALID_VALUE, "the time limit must be >= 0 seconds", -1, "seconds");
    options->control.time_limit_seconds = seconds;
    return KOC_OK;
  });
}

koc_status koc_solve_options_set_cancel(koc_solve_options* options, koc_cancel_callback callback, void* user_data) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    if (callback == nullptr) options->control.cancel = nullptr;
    else options->control.cancel = [callback, user_data] { return callback(user_data) != 0; };
    return KOC_OK;
  });
}

koc_status koc_solve_options_set_progress(koc_solve_options* options, koc_progress_callback callback, void* user_data,
                                          double interval_seconds) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(options);
    if (!(interval_seconds >= 0)) return fail(KOC_ERROR_INVALID_VALUE, "the interval must be >= 0 seconds", -1, "interval_seconds");
    options->control.progress_interval_seconds = interval_seconds > 0 ? interval_seconds : 0.1;
    if (callback == nullptr) options->control.progress = nullptr;
    else
      options->control.progress = [callback, user_data](const koc::solve_progress& p) {
        callback(p.fraction, p.steps, p.phase, p.phases, p.seconds, user_data);
      };
    return KOC_OK;
  });
}

void koc_solve_options_destroy(koc_solve_options* options) { delete options; }

namespace {

// A previous solve's duals as the caller stored them (koc_capacitated_assignment_resolve).
struct previous_duals {
  const int64_t* task_potential;  // n_tasks entries
  int64_t scale;
  int64_t pair_bonus;
};

// The entry points land here with the objective already read as an int: passing the C enum on by
// value would load it, which is undefined behaviour for an out-of-range value (see c_enum).
koc_status capacitated_assignment(const int32_t* koc_row, const int32_t* task_col, const double* score,
                                  size_t n_pairs, const int32_t* capacity, size_t n_kocs, const int32_t* slots,
                                  size_t n_tasks, int objective, double score_resolution,
                                  const koc_solve_options* options, const previous_duals* previous,
                                  koc_capacitated_result** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_pairs > 0) {
      KOC_REQUIRE(koc_row);
      KOC_REQUIRE(task_col);
      KOC_REQUIRE(score);
    }
    if (n_kocs > 0) KOC_REQUIRE(capacity);
    if (n_tasks > 0) KOC_REQUIRE(slots);
    if (previous && n_tasks > 0) KOC_REQUIRE(previous->task_potential);
    auto h = std::make_unique<koc_capacitated_result>();
    switch (objective) {
      case KOC_OBJECTIVE_MAX_SCORE: h->options.objective = koc::capacitated_objective::max_score; break;
      case KOC_OBJECTIVE_MAX_FILL: h->options.objective = koc::capacitated_objective::max_fill_then_score; break;
      default: return fail(KOC_ERROR_OUT_OF_RANGE, "unknown objective " + std::to_string(objective), -1, "objective");
    }
    h->options.score_resolution = score_resolution;
    if (options) {
      h->options.method = options->method;
      h->options.control = options->control;
    }

    // Checks the sizes (int32 rows) before any array is read, then the rows in the caller's order.
    h->edges = koc::candidate_graph_from_edges(n_kocs, n_tasks, {koc_row, n_pairs}, {task_col, n_pairs}, {score, n_pairs});
    h->edge_koc.assign(koc_row, koc_row + n_pairs);
    h->edge_task.assign(task_col, task_col + n_pairs);
    h->edge_score.assign(score, score + n_pairs);
    h->capacity.assign(capacity, capacity + n_kocs);
    h->slots.assign(slots, slots + n_tasks);
    try {
      if (previous) {
        // Read only now: candidate_graph_from_edges has checked n_tasks. resolve_capacitated_assignment
        // checks the scale (field "scale"); any pair bonus is accepted.
        koc::capacitated_duals d;
        d.task_potential.assign(previous->task_potential, previous->task_potential + n_tasks);
        d.scale = previous->scale;
        d.pair_bonus = previous->pair_bonus;
        h->result = koc::resolve_capacitated_assignment(h->edges.graph, h->capacity, h->slots, h->options, d);
      } else {
        h->result = koc::solve_capacitated_assignment(h->edges.graph, h->capacity, h->slots, h->options);
      }
      h->options.control = {};  // the result outlives the caller's callbacks and their data
    } catch (const koc::error& ex) {
      throw h->edges.at_edge_row(ex);
    }
    const auto& order = h->edges.edge_of_pair;
    const auto& r = h->result;
    h->chosen_edge.resize(r.pair.size());
    for (std::size_t i = 0; i < r.pair.size(); ++i) h->chosen_edge[i] = order[static_cast<std::size_t>(r.pair[i])];
    h->koc_reason.resize(n_kocs);
    h->task_reason.resize(n_tasks);
    for (std::size_t k = 0; k < n_kocs; ++k)
      h->koc_reason[k] = static_cast<std::uint8_t>(r.koc_reason[k]);
    for (std::size_t t = 0; t < n_tasks; ++t)
      h->task_reason[t] = static_cast<std::uint8_t>(r.task_reason[t]);
    *out = h.release();
    return KOC_OK;
  });
}

}  // namespace

koc_status koc_capacitated_assignment(const int32_t* koc_row, const int32_t* task_col, const double* score,
                                      size_t n_pairs, const int32_t* capacity, size_t n_kocs, const int32_t* slots,
                                      size_t n_tasks, koc_match_objective objective, double score_resolution,
                                      koc_capacitated_result** out) {
  return capacitated_assignment(koc_row, task_col, score, n_pairs, capacity, n_kocs, slots, n_tasks,
                                koc::c_api::c_enum(objective), score_resolution, nullptr, nullptr, out);
}

koc_status koc_capacitated_assignment_with(const int32_t* koc_row, const int32_t* task_col, const double* score,
                                           size_t n_pairs, const int32_t* capacity, size_t n_kocs, const int32_t* slots,
                                           size_t n_tasks, koc_match_objective objective, double score_resolution,
                                           const koc_solve_options* options, koc_capacitated_result** out) {
  return capacitated_assignment(koc_row, task_col, score, n_pairs, capacity, n_kocs, slots, n_tasks,
                                koc::c_api::c_enum(objective), score_resolution, options, nullptr, out);
}

koc_status koc_capacitated_assignment_resolve(const int32_t* koc_row, const int32_t* task_col, const double* score,
                                              size_t n_pairs, const int32_t* capacity, size_t n_kocs,
                                              const int32_t* slots, size_t n_tasks, koc_match_objective objective,
                                              double score_resolution, const koc_solve_options* options,
                                              const int64_t* previous_task_potential, int64_t previous_scale,
                                              int64_t previous_pair_bonus, koc_capacitated_result** out) {
  const previous_duals previous{previous_task_potential, previous_scale, previous_pair_bonus};
  return capacitated_assignment(koc_row, task_col, score, n_pairs, capacity, n_kocs, slots, n_tasks,
                                koc::c_api::c_enum(objective), score_resolution, options, &previous, out);
}

koc_status koc_capacitated_result_status(const koc_capacitated_result* result, koc_capacitated_status* status) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(status);
    *status = result->result.status == koc::capacitated_status::optimal ? KOC_CAPACITATED_OPTIMAL
                                                                          : KOC_CAPACITATED_NOTHING_ASSIGNED;
    return KOC_OK;
  });
}

koc_status koc_capacitated_result_pairs(const koc_capacitated_result* result, const int64_t** edge,
                                        const int32_t** koc_row, const int32_t** task_col, size_t* n_chosen) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(n_chosen);
    if (edge) *edge = result->chosen_edge.data();
    if (koc_row) *koc_row = result->result.koc.data();
    if (task_col) *task_col = result->result.task.data();
    *n_chosen = result->chosen_edge.size();
    return KOC_OK;
  });
}

koc_status koc_capacitated_result_total(const koc_capacitated_result* result, double* total_score,
                                        int64_t* total_score_units) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    if (total_score) *total_score = result->result.total_score;
    if (total_score_units) *total_score_units = result->result.total_score_units;
    return KOC_OK;
  });
}

koc_status koc_capacitated_result_kocs(const koc_capacitated_result* result, const int32_t** load,
                                       const uint8_t** reason, size_t* n_kocs) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(n_kocs);
    if (load) *load = result->result.koc_load.data();
    if (reason) *reason = result->koc_reason.data();
    *n_kocs = result->koc_reason.size();
    return KOC_OK;
  });
}

koc_status koc_capacitated_result_tasks(const koc_capacitated_result* result, const int32_t** filled,
                                        const uint8_t** reason, size_t* n_tasks) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(n_tasks);
    if (filled) *filled = result->result.task_filled.data();
    if (reason) *reason = result->task_reason.data();
    *n_tasks = result->task_reason.size();
    return KOC_OK;
  });
}

koc_status koc_capacitated_result_duals(const koc_capacitated_result* result, const int64_t** koc_potential,
                                        const int64_t** task_potential, int64_t* source_potential) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    const auto& d = result->result.duals;
    if (koc_potential) *koc_potential = d.koc_potential.data();
    if (task_potential) *task_potential = d.task_potential.data();
    if (source_potential) *source_potential = d.source_potential;
    return KOC_OK;
  });
}

koc_status koc_capacitated_result_violations(const koc_capacitated_result* result, const int32_t* koc_row,
                                             const int32_t* task_col, const double* score, const uint8_t* chosen,
                                             size_t n, int64_t* rows, size_t* n_rows) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(n_rows);
    if (n > 0) {
      KOC_REQUIRE(koc_row);
      KOC_REQUIRE(task_col);
      KOC_REQUIRE(score);
      KOC_REQUIRE(chosen);
      KOC_REQUIRE(rows);
    }
    // Bad values are named as koc_capacitated_assignment names them (fields koc, task, score).
    const auto found = koc::capacitated_violations({koc_row, n}, {task_col, n}, {score, n}, {chosen, n}, result->result,
                                                   result->options);
    std::copy(found.begin(), found.end(), rows);
    *n_rows = found.size();
    return KOC_OK;
  });
}

koc_status koc_capacitated_result_certificate(const koc_capacitated_result* result, int64_t* scale, int64_t* epsilon,
                                              int64_t* pair_bonus) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    const auto& d = result->result.duals;
    if (scale) *scale = d.scale;
    if (epsilon) *epsilon = d.epsilon;
    if (pair_bonus) *pair_bonus = d.pair_bonus;
    return KOC_OK;
  });
}

koc_status koc_capacitated_result_verify(const koc_capacitated_result* result, int32_t* ok, char* buf,
                                         size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(ok);
    const auto& h = *result;
    const auto report = [&](bool good, const std::string& message) {
      *ok = good ? 1 : 0;
      return koc::c_api::write_string(message, buf, capacity, required);
    };
    // The CSR graph must be a permutation of the caller's edge list (bit-equal scores).
    const std::size_t n_pairs = h.edge_koc.size();
    if (h.edges.edge_of_pair.size() != n_pairs || h.edges.graph.task.size() != n_pairs) return report(false, "graph and edge list differ in size");
    std::vector<std::uint8_t> seen(n_pairs, 0);
    for (std::size_t k = 0; k < h.edges.graph.n_kocs; ++k)
      for (auto p = h.edges.graph.offsets[k]; p < h.edges.graph.offsets[k + 1]; ++p) {
        const auto e = h.edges.edge_of_pair[static_cast<std::size_t>(p)];
        if (e < 0 || static_cast<std::size_t>(e) >= n_pairs || seen[static_cast<std::size_t>(e)])
          return report(false, "pair " + std::to_string(p) + " does not map to a distinct edge row");
        seen[static_cast<std::size_t>(e)] = 1;
        const auto ei = static_cast<std::size_t>(e);
        if (h.edge_koc[ei] != static_cast<std::int32_t>(k) || h.edge_task[ei] != h.edges.graph.task[static_cast<std::size_t>(p)] ||
            std::memcmp(&h.edge_score[ei], &h.edges.graph.score[static_cast<std::size_t>(p)], sizeof(double)) != 0)
          return report(false, "pair " + std::to_string(p) + " differs from edge row " + std::to_string(e));
      }
    const auto rep = koc::verify(h.edges.graph, h.capacity, h.slots, h.options, h.result);
    if (!rep.ok) return report(false, rep.message);
    const auto& r = h.result;
    if (h.chosen_edge.size() != r.pair.size()) return report(false, "chosen edge rows and chosen pairs differ in length");
    for (std::size_t i = 0; i < r.pair.size(); ++i) {
      const auto e = h.chosen_edge[i];
      if (e < 0 || static_cast<std::size_t>(e) >= n_pairs || h.edge_koc[static_cast<std::size_t>(e)] != r.koc[i] ||
          h.edge_task[static_cast<std::size_t>(e)] != r.task[i])
        return report(false, "chosen pair " + std::to_string(i) + " names the wrong edge row");
    }
    for (std::size_t k = 0; k < h.koc_reason.size(); ++k)
      if (h.koc_reason[k] != static_cast<std::uint8_t>(r.koc_reason[k]))
        return report(false, "reason of KOC " + std::to_string(k) + " differs from the solver's");
    for (std::size_t t = 0; t < h.task_reason.size(); ++t)
      if (h.task_reason[t] != static_cast<std::uint8_t>(r.task_reason[t]))
        return report(false, "reason of task " + std::to_string(t) + " differs from the solver's");
    return report(true, rep.message);
  });
}

void koc_capacitated_result_destroy(koc_capacitated_result* result) { delete result; }

}  // extern "C"

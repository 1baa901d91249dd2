// What the C ABI's matching handles hold.
#pragma once

#include "handles.hpp"

#include <koc/matching/match.hpp>

struct koc_task_table {
  koc::task_table_view view;  // borrowed columns
};

struct koc_profiles {
  koc::koc_profile_view view;  // borrowed columns; id, tier, clearance... are attached at koc_match
};

struct koc_matching_policy {
  koc::matching_policy policy;
};

struct koc_match_result {
  koc::match_result result;
};

// Solve options of koc_capacitated_assignment_with: what koc::capacitated_assignment_options takes beyond
// the objective and the resolution.
struct koc_solve_options {
  koc::capacitated_method method = koc::capacitated_method::automatic;
  koc::solve_control control;
};

// koc_match_with's options: koc::match_options, plus the declines and preferences (copied: the handle
// owns them, so the caller's arrays may go after the setter).
struct koc_match_options {
  koc::match_options options;
  std::vector<std::int64_t> decline_koc, decline_task;
  std::vector<std::int64_t> pref_koc, pref_task;
  std::vector<std::int32_t> pref_rank;
};

// koc_capacitated_assignment: the caller's edge list (copied, caller order) and the CSR graph built
// from it, so verify can re-check the result without the caller's arrays and the pair -> edge mapping
// is checked against the original rows, not against the sort that produced it.
struct koc_capacitated_result {
  std::vector<std::int32_t> edge_koc, edge_task;  // caller order
  std::vector<double> edge_score;                 // caller order
  koc::edge_list_graph edges;                     // sorted by (KOC, task), and each pair's caller edge row
  std::vector<std::int32_t> capacity, slots;
  koc::capacitated_assignment_options options;
  koc::capacitated_assignment_result result;
  std::vector<std::int64_t> chosen_edge;             // caller edge row of each chosen pair
  std::vector<std::uint8_t> koc_reason, task_reason;  // koc_match_reason values
};

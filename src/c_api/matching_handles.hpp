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

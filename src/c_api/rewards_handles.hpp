// What the C ABI's rewards handles hold.
#pragma once

#include "handles.hpp"

#include <koc/rewards/ledger.hpp>
#include <koc/rewards/points.hpp>

#include <memory>
#include <string>
#include <vector>

struct koc_reward_policy {
  std::shared_ptr<const koc::reward_policy> policy;  // shared with the ledgers computed from it
  std::string json;                                   // canonical document for koc_reward_policy_to_json
};

struct koc_reward_tasks {
  koc::reward_tasks view;  // borrowed columns
};

struct koc_reward_assignments {
  koc::reward_assignments view;  // borrowed columns
};

struct koc_reward_completions {
  koc::reward_completions view;  // borrowed columns
};

struct koc_reward_kocs {
  koc::reward_kocs view;            // koc_id and tier borrowed; ladder points into `ladder`
  std::vector<std::string> ladder;  // copied: C strings are not std::strings
};

/// Settled lines: borrowed columns and owned rule names (the view's rule_names point into `names`).
struct koc_settled_lines {
  std::vector<std::string> names;
  koc::settled_ledger view;
};

struct koc_points_balances {
  koc::points_balance_table table;
};

/// Award winners: owned columns and the view over them.
struct koc_award_winners {
  std::vector<std::int64_t> campaign_id, koc_id;
  std::vector<std::string> award, rule;
  koc::reward_awards view;
};

struct koc_ledger {
  koc::reward_ledger ledger;
  std::shared_ptr<const koc::reward_policy> policy;  // explain_line needs the policy it was computed with
  koc::ledger_totals totals;                         // computed once, so reads stay const and thread-safe
  koc::reward_ledger earlier;                        // koc_ledger_settle: a copy of the settled lines, for verify
};

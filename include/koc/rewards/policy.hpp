// The reward policy: which rule pays what, per tier multipliers and entitlements, quality gates and
// campaign budgets, read from versioned JSON ("schema": "koc.reward_policy/1", policy_json.hpp). The full
// schema with an example is docs/reward-policy.md; examples/data/reward_policy.json is a complete policy.
//
//   koc::reward_policy p = koc::parse_reward_policy(std::string_view(json_text));  // policy_json.hpp
//   std::int32_t r = p.find_rule("spring_launch");   // index used in reward_tasks::rule
//
// Parsing is strict: unknown keys, wrong types, amounts written as JSON floats, unknown currencies,
// duplicate ids and out-of-range basis points are refused with koc::error whose field() is the JSON
// path of the offending value ("rules[2].steps[1].bonus"), row -1. Amounts are decimal strings parsed
// exactly in the rule's currency (money.hpp); a JSON integer is accepted as whole units.
// Complexity: linear in the size of the document.
#pragma once

#include <koc/detail/problems.hpp>
#include <koc/error.hpp>
#include <koc/rewards/money.hpp>


#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace koc {

inline constexpr const char* reward_policy_schema = "koc.reward_policy/1";
/// Multipliers and fractions are basis points: 10000 = x1. Tier multipliers may reach x10.
inline constexpr std::int32_t max_multiplier_bp = 100000;

enum class rule_kind : std::uint8_t {
  fixed,          ///< instant: a fixed reward per completion (+ optional speed bonus)
  campaign,       ///< phased: base per accepted deliverable + process awards + final prize pool
  retainer,       ///< continuous: a fee per period prorated by days served and duty fulfilment
  amplification,  ///< external: creation fee + stepped bonuses on views or interactions
  offline,        ///< representation: fee per day on site + travel reimbursement up to a cap
  identity,       ///< entitlements only (titles, badges, privileges); no amount
};
inline const char* rule_kind_name(rule_kind k) noexcept {
  switch (k) {
    case rule_kind::fixed: return "fixed";
    case rule_kind::campaign: return "campaign";
    case rule_kind::retainer: return "retainer";
    case rule_kind::amplification: return "amplification";
    case rule_kind::offline: return "offline";
    case rule_kind::identity: return "identity";
  }
  return "?";
}

enum class entitlement_kind : std::uint8_t { title, badge, privilege };
inline const char* entitlement_kind_name(entitlement_kind k) noexcept {
  switch (k) {
    case entitlement_kind::title: return "title";
    case entitlement_kind::badge: return "badge";
    case entitlement_kind::privilege: return "privilege";
  }
  return "?";
}

/// A non-monetary right recorded in the ledger (amount 0): "title: community knowledge officer".
struct entitlement {
  entitlement_kind kind = entitlement_kind::title;
  std::string name;
};

/// Extra pay for fast responders: the first `first_n` accepted completions of a task (by delivered_at,
/// then completion row), or those delivered within `within_hours` of the task's window_start.
struct speed_bonus {
  std::int64_t first_n = 0;       ///< 0 = not used
  std::int64_t within_hours = 0;  ///< 0 = not used (exactly one of the two is set)
  std::int64_t amount = 0;        ///< minor units
};

/// A named award ("best idea") paid `amount` to each winner. Winners are given per campaign in the
/// ledger's awards table (reward_awards); `winners` in the policy is the older form: KOC ids paid in
/// every campaign of the rule where they have an accepted completion.
struct process_award {
  std::string name;
  std::int64_t amount = 0;
  std::vector<std::int64_t> winners;
};

enum class prize_split : std::uint8_t { none, fixed_shares, proportional, winner_takes_all };
inline const char* prize_split_name(prize_split s) noexcept {
  switch (s) {
    case prize_split::none: return "none";
    case prize_split::fixed_shares: return "fixed_shares";
    case prize_split::proportional: return "proportional";
    case prize_split::winner_takes_all: return "winner_takes_all";
  }
  return "?";
}

/// The final prize of a campaign, split among the best-ranked KOCs (ranking and ties: ledger.hpp).
struct prize_pool {
  prize_split split = prize_split::none;
  std::int64_t amount = 0;               ///< minor units
  std::vector<std::int32_t> shares_bp;   ///< fixed_shares: per place, sum 10000
  std::int32_t top_n = 0;                ///< proportional: how many places share
};

enum class step_metric : std::uint8_t { views, interactions };

/// A bonus paid once the metric reaches `threshold` (>=); all crossed steps are paid.
struct reward_step {
  std::int64_t threshold = 0;
  std::int64_t bonus = 0;  ///< minor units
};

inline constexpr std::int64_t no_cap = -1;

struct reward_rule {
  std::string id;
  rule_kind kind = rule_kind::fixed;
  currency_id currency = no_currency;  ///< no_currency only for identity rules
  // fixed
  std::int64_t amount = 0;
  speed_bonus speed;
  // campaign (base) and amplification (creation fee)
  std::int64_t base = 0;
  std::vector<process_award> process_awards;
  prize_pool prize;
  // retainer
  std::int64_t fee = 0;
  std::string period;  ///< label only ("month", "year"); the length in days is reward_tasks::period_days
  // amplification
  step_metric metric = step_metric::views;
  std::vector<reward_step> steps;  ///< thresholds strictly increasing
  std::int64_t cap_per_koc = no_cap;
  // offline
  std::int64_t fee_per_day = 0;
  std::int64_t travel_cap = 0;
  // any kind
  std::vector<entitlement> entitlements;  ///< granted per accepted completion
  std::int32_t rejected_bp = -1;          ///< -1: the policy's gate
  std::int32_t late_bp = -1;              ///< -1: the policy's gate
  /// Order of payment when a campaign budget with reduction rule_priority runs short: 0 is paid first.
  std::int32_t budget_priority = 0;
};

struct reward_tier {
  std::string name;  ///< matched against the ladder names of reward_kocs
  std::int32_t multiplier_bp = 10000;
  std::vector<entitlement> entitlements;  ///< granted once per KOC of the tier
};

/// How an over-budget campaign is scaled down to its budget.
enum class budget_reduction : std::uint8_t {
  pro_rata,       ///< every (task, KOC) share shrinks in proportion to its net amount
  rule_priority,  ///< rules paid in full by ascending budget_priority; the level that no longer fits
                  ///< is split pro rata, lower levels get nothing
};
inline const char* budget_reduction_name(budget_reduction r) noexcept {
  return r == budget_reduction::rule_priority ? "rule_priority" : "pro_rata";
}

struct campaign_budget {
  std::int64_t campaign = 0;
  currency_id currency = no_currency;
  std::int64_t amount = 0;
  budget_reduction reduction = budget_reduction::pro_rata;
};

struct reward_policy {
  std::vector<reward_rule> rules;
  std::vector<reward_tier> tiers;
  std::int32_t rejected_bp = 0;    ///< share paid for a rejected deliverable
  std::int32_t late_bp = 10000;    ///< share paid for a late one
  std::vector<campaign_budget> campaign_budgets;
  /// Points (currency PTS): whether tier multipliers scale them (default no), and when earned points
  /// expire: `points_expire_after_days` days after the run that earned them (0 = never), or at a fixed
  /// time `points_expire_at` (unix seconds, 00:00 UTC of the policy's date; no_expiry = never).
  bool points_tier_multiplier = false;
  std::int32_t points_expire_after_days = 0;
  std::int64_t points_expire_at = std::numeric_limits<std::int64_t>::max();
  /// SHA-256 (hex) of the policy's canonical JSON (keys sorted, compact) when it was read from JSON; empty
  /// for a policy built in code. Every ledger records it, so a stored ledger names the policy it used.
  std::string digest;

  /// Index of the rule with this id, or -1.
  std::int32_t find_rule(std::string_view id) const noexcept {
    for (std::size_t i = 0; i < rules.size(); ++i)
      if (rules[i].id == id) return static_cast<std::int32_t>(i);
    return -1;
  }
  std::int32_t find_tier(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < tiers.size(); ++i)
      if (tiers[i].name == name) return static_cast<std::int32_t>(i);
    return -1;
  }
  std::int32_t rejected_share(const reward_rule& r) const noexcept { return r.rejected_bp >= 0 ? r.rejected_bp : rejected_bp; }
  std::int32_t late_share(const reward_rule& r) const noexcept { return r.late_bp >= 0 ? r.late_bp : late_bp; }
};

}  // namespace koc

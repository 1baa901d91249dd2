// The rewards ledger: what each KOC earns for each completed assignment, line by line, each line
// naming the rule that produced it, in exact integer money.
//
//   koc::reward_policy policy = koc::parse_reward_policy(json_text);  // koc/rewards/policy_json.hpp
//   koc::reward_tasks tasks{task_id, rule, campaign_id, window_start, window_end, period_days, budget};
//   koc::reward_assignments asg{koc_id, task_id};
//   koc::reward_completions done; done.assignment = ...; done.delivered_at = ...; // columns
//   koc::reward_kocs kocs{koc_ids, tier, ladder_names};
//   koc::reward_ledger L = koc::compute_ledger(policy, tasks, asg, done, kocs);
//   assert(koc::verify(policy, tasks, asg, done, kocs, L).ok);
//   koc::ledger_totals T = koc::totals(L);              // per KOC / task / campaign / currency
//   koc::compute_ledger(policy, tasks, asg, done, kocs, L, {false});  // again, into L's buffers: a
//                                                       // repeated run faults no line-column page
//
// INPUT COLUMNS (koc::span, so numpy / C buffers pass without copies). Ids are >= 0.
//  reward_tasks (one row per task, n_tasks rows):
//    task_id       int64   unique
//    rule          int32   index into policy.rules (policy.find_rule("id")); the rule's currency is
//                          the task's currency
//    campaign_id   int64   campaign the task belongs to, -1 none (required >= 0 for campaign rules);
//                          empty column = all -1
//    window_start  int64   unix seconds; start of the window for within-hours speed bonuses; empty = 0
//    window_end    int64   unix seconds; the end of the task's window is its deadline (the column
//                          matching reads too): delivered_at > window_end is late; empty = no deadline
//                          (no_deadline = INT64_MAX)
//    period_days   int32   length of the retainer period in days (e.g. 30, 365); 0 (or empty) = the
//                          calendar period of the rule ("month", "quarter", "year", UTC, Gregorian)
//                          that contains the task's window_start: February 2026 has 28 days, the
//                          first quarter of 2028 91. A retainer task needs one or the other.
//    budget        int64   minor units of the task's currency caps the task's paid total, -1 none;
//                          empty = none
//  reward_assignments (n_assignments rows): koc_id int64, task_id int64 (a task of reward_tasks).
//  reward_completions (one row per completed assignment, n rows; empty metric columns read as 0,
//  empty quality / duty_fulfilment as 1):
//    assignment     int64   row of reward_assignments (at most one completion per assignment, and no
//                           two completions for the same (koc_id, task_id))
//    delivered_at   int64   unix seconds
//    accepted       uint8   1 accepted, 0 rejected
//    quality        double  in [0, 1]: the campaign ranking score (converted exactly to ppm)
//    views          int64   >= 0 (amplification steps)
//    interactions   int64   >= 0 (amplification steps)
//    days_served    int32   in [0, period_days] (retainer proration)
//    duty_fulfilment double in [0, 1] (retainer proration; converted exactly to basis points)
//    days_on_site   int32   >= 0 (offline representation)
//    travel_claimed int64   >= 0 minor units of the task's currency (offline representation)
//  reward_kocs (n_kocs rows; every KOC of a completed assignment must be listed):
//    koc_id int64 unique; tier int32 index into `ladder` or -1 (no tier: x1, no entitlements);
//    ladder: the tier names (e.g. from the tier engine). policy.tiers are matched to it by name; a
//    policy tier absent from a non-empty ladder is an error; a ladder tier absent from the policy pays x1.
//
// RULES (per completion, in completion row order):
//  fixed          amount per completion; speed bonus to the first N accepted completions of the task
//                 (by delivered_at, then row) or to those delivered <= window_start + H hours.
//  campaign       base per deliverable; then per (rule, campaign): process awards (amount to each
//                 listed winner) and the prize pool. Ranking: each KOC with an accepted completion in
//                 the campaign is scored by its best quality (ppm); higher first; awards and prizes
//                 attach to that best completion (lowest row among equals). Ties (equal ppm) share:
//                 fixed_shares/winner_takes_all give a tied group the sum of the shares of the places
//                 it occupies, split equally; places nobody fills are dropped and the pool is split
//                 over the filled places pro rata to their shares, so the pool is always paid in full
//                 when anyone is eligible. proportional: the top_n places (extended by anyone tied with
//                 the last) share the pool pro rata to their ppm (equally if all are 0). Every split
//                 is largest remainder; ties of remainder go to the better place (then lower row).
//  retainer       fee * min(days_served, period) / period_days * fulfilment_bp / 10000.
//  amplification  base (creation fee) + the bonus of every step whose threshold the metric reaches;
//                 optional cap_per_koc on the rule's total per KOC over all its completions, applied in
//                 completion order (a cap_cut line takes back the excess).
//  offline        fee_per_day * days_on_site + min(travel_claimed, travel_cap).
//  identity       entitlements only. Any rule may list entitlements, granted per accepted completion.
//  quality gates  rejected → policy/rule rejected_bp of each per-completion money line (0 → a
//                 no_reward line "rejected"; no speed bonus, no entitlements, not ranked); late (and
//                 accepted) → late_bp. Travel is a reimbursement: never gated, never multiplied.
//  tiers          the KOC's tier multiplier (bp) scales each per-completion money line in a real
//                 currency, and in points when the policy says so (points.tier_multiplier); never
//                 prizes or process awards, which a jury fixed; tier
//                 entitlements are one line per KOC (rule "tier:<name>", task -1).
//  rounding       each line is gross * gate_bp * tier_bp / 10^8 rounded half to even, once (money.hpp);
//                 a retainer's gross is itself the prorated fee rounded half to even (two roundings).
//  budgets        task budget first, then campaign budget (policy.campaign_budgets, lines of the
//                 campaign's tasks in that currency). Over budget, the budget is split pro rata to
//                 each KOC's (campaign: each (task, KOC)'s) net amount by largest remainder, so the paid
//                 total equals the budget exactly; each shortfall is a budget_cut line (negative).
//                 A campaign budget with reduction rule_priority pays its rules' shares in full by
//                 ascending budget_priority instead; the first level that does not fit is split pro
//                 rata as above and later levels get nothing. (A task has one rule, so task budgets
//                 are always pro rata.)
//  nothing lost   a completion with no line gets a no_reward line with the reason; a KOC without any
//                 completion and a task without any completion get a no_reward line "no_completion".
// In the code: the tables are ledger_tables.hpp; each rule above is one function in detail/rules.hpp
// (fixed_lines, campaign_lines, retainer_lines, amplification_lines, offline_lines, entitlement_lines)
// writing a completion's lines through completion_pay, which applies the gates, the tier and earlier
// settlement in one place; campaign prizes and awards are detail/prizes.hpp, budgets detail/budgets.hpp;
// settle_ledger (below) reads the inputs and calls them in the order above.
//
// OUTPUT: reward_ledger, one row per line (columns below). Line order: completions in row order (each
// completion's lines together), campaign awards and prizes (rule, campaign, place), tier entitlements
// and KOCs without completions (kocs row order), tasks without completions (task row order), task
// budget cuts (task row, koc id), campaign budget cuts (policy order, task id, koc id). Deterministic.
//
// EXPLANATIONS: a readable sentence per line ("stepped bonus: 120,000 views ≥ 100,000 step → +300.00
// CNY"). Building strings costs far more than computing the ledger, so it is optional:
// ledger_options::explain fills `explanation` eagerly; otherwise explain_line(policy, ledger, i) builds
// the sentence of line i on demand from the numeric columns (gross, basis, aux, gate_bp, tier_bp).
//
// Complexity: O(n + n_assignments + n_tasks + n_kocs + L) for the main pass (L lines), plus
// O(m + N log N) per first-N task (m accepted, N ranked), O(m) per (rule, campaign) prize ranking of m
// entries (O(m log m) when ties reach past the paid places), O(m log m) sorts over the lines of
// over-budget scopes. Memory: O(n + L); the line columns reserve an upper bound of the lines (address
// space only: pages are touched as lines are written; on Linux, huge pages are advised for them).
#pragma once

#include <koc/detail/id_index.hpp>
#include <koc/detail/memory.hpp>
#include <koc/check.hpp>
#include <koc/error.hpp>
#include <koc/rewards/detail/budgets.hpp>
#include <koc/rewards/detail/ledger_support.hpp>
#include <koc/rewards/detail/lines.hpp>
#include <koc/rewards/detail/prizes.hpp>
#include <koc/rewards/detail/rules.hpp>
#include <koc/rewards/ledger_tables.hpp>
#include <koc/rewards/money.hpp>
#include <koc/rewards/policy.hpp>
#include <koc/span.hpp>
#include <koc/version.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace koc {

/// Builds the sentence for line i from the numeric columns and the policy the ledger was computed with.
inline std::string explain_line(const reward_policy& policy, const reward_ledger& L, std::size_t i) {
  const line_kind k = L.kind[i];
  const currency_id c = L.currency[i];
  const std::int32_t ri = L.rule[i];
  const reward_rule* rule = ri >= 0 && static_cast<std::size_t>(ri) < policy.rules.size() ? &policy.rules[static_cast<std::size_t>(ri)] : nullptr;
  const std::string rid = ri >= 0 && static_cast<std::size_t>(ri) < L.rule_names.size() ? L.rule_names[static_cast<std::size_t>(ri)] : "-";
  const auto money = [&](std::int64_t v) { return format_amount(v, c); };
  const auto signed_money = [&](std::int64_t v) { return (v >= 0 ? "+" : "") + money(v); };
  const auto campaign_reduction = [&](const reward_ledger& led) {
    if ((led.aux[i] & 1) != 1) return budget_reduction::pro_rata;
    for (const auto& b : policy.campaign_budgets)
      if (b.campaign == led.campaign_id[i] && b.currency == c) return b.reduction;
    return budget_reduction::pro_rata;
  };
  std::string s;
  switch (k) {
    case line_kind::fixed: s = "fixed reward per completion: " + money(L.gross[i]); break;
    case line_kind::speed_bonus:
      s = L.aux[i] == 0 ? "speed bonus: accepted response #" + std::to_string(L.basis[i]) + " within the first " +
                              std::to_string(rule ? rule->speed.first_n : 0) + ": " + money(L.gross[i])
                        : "speed bonus: delivered " + format_grouped(L.basis[i] / 60) + " min after the window opened, within " +
                              std::to_string(rule ? rule->speed.within_hours : 0) + " h: " + money(L.gross[i]);
      break;
    case line_kind::base: s = "campaign base per accepted deliverable: " + money(L.gross[i]); break;
    case line_kind::process_award:
      s = "process award '" + (rule && static_cast<std::size_t>(L.aux[i]) < rule->process_awards.size() ? rule->process_awards[static_cast<std::size_t>(L.aux[i])].name : std::string("?")) +
          "' in campaign " + std::to_string(L.campaign_id[i]);
      return s + " → " + signed_money(L.amount[i]);
    case line_kind::prize:
      s = "prize pool " + (rule ? money(rule->prize.amount) + " (" + prize_split_name(rule->prize.split) + ")" : std::string()) +
          " of campaign " + std::to_string(L.campaign_id[i]) + ": place " + std::to_string(L.aux[i]) + ", score " +
          std::to_string(L.basis[i] / 10000) + "." + std::to_string(L.basis[i] % 10000 / 1000) + std::to_string(L.basis[i] % 1000 / 100) +
          std::to_string(L.basis[i] % 100 / 10) + std::to_string(L.basis[i] % 10) + "% quality";
      return s + " → " + signed_money(L.amount[i]);
    case line_kind::retainer:
      s = "retainer " + (rule ? money(rule->fee) + " per " + rule->period : std::string()) + " prorated " +
          std::to_string(L.basis[i]) + "/" + std::to_string(L.aux[i] >> 16) + " days × " + format_bp(L.aux[i] & 0xFFFF) +
          " duty fulfilled: " + money(L.gross[i]);
      break;
    case line_kind::creation_fee: s = "creation fee: " + money(L.gross[i]); break;
    case line_kind::step_bonus: {
      const char* metric = rule && rule->metric == step_metric::interactions ? "interactions" : "views";
      const std::int64_t th = rule && static_cast<std::size_t>(L.aux[i]) < rule->steps.size() ? rule->steps[static_cast<std::size_t>(L.aux[i])].threshold : 0;
      s = "stepped bonus: " + format_grouped(L.basis[i]) + " " + metric + " ≥ " + format_grouped(th) + " step";
      if (L.gross[i] != L.amount[i]) s += ": " + money(L.gross[i]);
      break;
    }
    case line_kind::day_fee:
      s = "fee per day on site: " + std::to_string(L.basis[i]) + " days × " + (rule ? money(rule->fee_per_day) : std::string()) + " = " + money(L.gross[i]);
      break;
    case line_kind::travel:
      s = "travel reimbursed: claimed " + money(L.basis[i]) + ", cap " + (rule ? money(rule->travel_cap) : std::string());
      return s + " → " + signed_money(L.amount[i]);
    case line_kind::entitlement: {
      const std::vector<entitlement>* list = nullptr;
      if (rule) list = &rule->entitlements;
      else if (ri >= 0 && static_cast<std::size_t>(ri) >= policy.rules.size() && static_cast<std::size_t>(ri) - policy.rules.size() < policy.tiers.size())
        list = &policy.tiers[static_cast<std::size_t>(ri) - policy.rules.size()].entitlements;
      if (list && static_cast<std::size_t>(L.aux[i]) < list->size()) {
        const entitlement& e = (*list)[static_cast<std::size_t>(L.aux[i])];
        return std::string(entitlement_kind_name(e.kind)) + ": " + e.name + " (" + rid + ")";
      }
      return "entitlement (" + rid + ")";
    }
    case line_kind::cap_cut:
      return "per-KOC cap " + (rule ? money(rule->cap_per_koc) : std::string()) + " on rule " + rid + " reached (" +
             money(L.basis[i]) + " already paid, this completion " + money(L.gross[i]) + ") → " + signed_money(L.amount[i]);
    case line_kind::budget_cut:
      return std::string((L.aux[i] & 1) == 0 ? "task " + std::to_string(L.task_id[i]) : "campaign " + std::to_string(L.campaign_id[i])) +
             " over budget: computed " + money(L.gross[i]) + ((L.aux[i] & 2) ? " > what earlier runs left of the budget, " : " > budget ") +
             money(L.basis[i]) +
             (campaign_reduction(L) == budget_reduction::rule_priority
                  ? ", paid by rule priority (rule " + rid + " at priority " + std::to_string(rule ? rule->budget_priority : 0) +
                        ", higher priorities first) → "
                  : std::string(", paid pro rata (largest remainder) → ")) +
             signed_money(L.amount[i]);
    case line_kind::no_reward:
      switch (L.reason[i]) {
        case line_reason::rejected: return "no reward: deliverable rejected and rule " + rid + " pays 0% for rejected work";
        case line_reason::late: return "no reward: delivered late and rule " + rid + " pays 0% for late work";
        case line_reason::nothing_due: return "no reward: nothing due under rule " + rid + " (zero days, zero amount or rounded to 0)";
        case line_reason::settled: return "no new reward: every line of this completion under rule " + rid + " was paid by an earlier run";
        case line_reason::no_completion:
          return L.koc_id[i] < 0 ? "no reward: task " + std::to_string(L.task_id[i]) + " has no completion"
                                 : "no reward: KOC " + std::to_string(L.koc_id[i]) + " has no completion";
        default: return "no reward";
      }
  }
  if (L.gate_bp[i] != 10000)
    s += std::string(" × ") + (L.reason[i] == line_reason::rejected ? "rejected " : "late ") + format_bp(L.gate_bp[i]);
  if (L.tier_bp[i] != 10000) s += " × tier " + format_bp(L.tier_bp[i]);
  return s + " → " + signed_money(L.amount[i]);
}

namespace detail {

/// The checks of the task rows the rewards engine reads, row by row (rule, campaign_id, period_days,
/// window_start, budget): report(error) returns false to stop, and then this returns false. Fills each
/// retainer task's period in days (its period_days, or its rule's calendar period at window_start; a
/// retainer task whose period is invalid gets INT32_MAX, so that its completions are not judged by it),
/// 0 for other tasks. The column lengths are checked before.
template <class Report>
bool reward_task_rows(const reward_policy& policy, const reward_tasks& tasks, std::vector<std::int32_t>& period_len, Report&& report) {
  const std::size_t nt = tasks.task_id.size();
  const std::size_t nr = policy.rules.size();
  period_len.assign(nt, 0);
  for (std::size_t t = 0; t < nt; ++t) {
    const auto row = static_cast<std::int64_t>(t);
    const std::int32_t r = tasks.rule[t];
    if (r < 0 || static_cast<std::size_t>(r) >= nr) {
      if (!report(error(errc::unknown_id, "rule index " + std::to_string(r) + " is not a rule of the policy", row, "rule"))) return false;
      continue;
    }
    const reward_rule& rule = policy.rules[static_cast<std::size_t>(r)];
    const std::int64_t camp = opt(tasks.campaign_id, t, std::int64_t{-1});
    if (camp < -1) {
      if (!report(error(errc::invalid_value, "campaign_id must be >= 0 or -1", row, "campaign_id"))) return false;
    } else if (rule.kind == rule_kind::campaign && camp < 0 &&
               !report(error(errc::invalid_value, "a task of campaign rule '" + rule.id + "' needs a campaign_id", row, "campaign_id"))) {
      return false;
    }
    const std::int32_t days = opt(tasks.period_days, t, 0);
    if (days < 0 && !report(error(errc::invalid_value, "period_days is negative", row, "period_days"))) return false;
    if (rule.kind == rule_kind::retainer) {
      period_len[t] = days;
      if (period_len[t] == 0 && !tasks.window_start.empty())
        period_len[t] = calendar_period_days(tasks.window_start[t], rule.period);
      if (period_len[t] <= 0) {
        period_len[t] = std::numeric_limits<std::int32_t>::max();
        if (days >= 0 && !report(error(errc::invalid_value, "a task of retainer rule '" + rule.id + "' needs period_days > 0, or a "
                                                            "window_start for the calendar " + rule.period, row, "period_days")))
          return false;
      }
    }
    if (rule.kind == rule_kind::fixed && rule.speed.within_hours > 0 && tasks.window_start.empty() &&
        !report(error(errc::invalid_argument, "rule '" + rule.id + "' has a within-hours speed bonus but no window_start column", row,
                      "window_start")))
      return false;
    if (opt(tasks.budget, t, std::int64_t{-1}) < -1 &&
        !report(error(errc::invalid_value, "budget must be >= 0 or -1 (none)", row, "budget")))
      return false;
  }
  return true;
}

/// The checks of the completion rows, row by row in a fixed order (the assignment it names, then each
/// value): report(error) returns false to stop, and then this returns false. Resolves each row's task and
/// KOC row into c_task / c_koc (-1 when unresolved), marks asg_used and counts task_count[t + 1].
template <class Report>
bool completion_rows(const reward_policy& policy, const reward_tasks& tasks, const reward_assignments& asg,
                     const reward_completions& done, const id_index& task_index, const id_index& koc_index,
                     const std::vector<std::int32_t>& period_len, std::int32_t* c_task, std::int32_t* c_koc,
                     std::uint8_t* asg_used, std::int64_t* task_count, Report&& report) {
  const std::size_t n = done.assignment.size();
  const std::size_t na = asg.koc_id.size();
  const std::size_t nr = policy.rules.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto row = static_cast<std::int64_t>(i);
    const std::int64_t a = done.assignment[i];
    std::int32_t t = -1, k = -1;
    if (a < 0 || static_cast<std::size_t>(a) >= na) {
      if (!report(error(errc::unknown_id, "completion for unknown assignment row " + std::to_string(a), row, "assignment"))) return false;
    } else if (asg_used[static_cast<std::size_t>(a)]) {
      if (!report(error(errc::duplicate_id, "duplicate completion of assignment row " + std::to_string(a), row, "assignment"))) return false;
    } else {
      const auto ua = static_cast<std::size_t>(a);
      asg_used[ua] = 1;
      t = task_index.find(asg.task_id[ua]);
      k = koc_index.find(asg.koc_id[ua]);
      if (t < 0) {
        if (!report(error(errc::unknown_id, "assignment row " + std::to_string(a) + " names unknown task " + std::to_string(asg.task_id[ua]),
                          row, "assignment")))
          return false;
      } else if (k < 0) {
        if (!report(error(errc::unknown_id, "assignment row " + std::to_string(a) + " names KOC " + std::to_string(asg.koc_id[ua]) +
                                                ", not in the KOC table", row, "assignment")))
          return false;
      } else {
        ++task_count[static_cast<std::size_t>(t) + 1];
      }
    }
    c_task[i] = t;
    c_koc[i] = k;
    if (done.accepted[i] > 1 && !report(error(errc::invalid_value, "accepted must be 0 or 1", row, "accepted"))) return false;
    const double q = opt(done.quality, i, 1.0);
    if (!(q >= 0.0 && q <= 1.0) &&
        !report(error(q != q ? errc::invalid_value : errc::out_of_range, "quality must be a number in [0, 1]", row, "quality")))
      return false;
    const double f = opt(done.duty_fulfilment, i, 1.0);
    if (!(f >= 0.0 && f <= 1.0) &&
        !report(error(f != f ? errc::invalid_value : errc::out_of_range, "duty_fulfilment must be a number in [0, 1]", row,
                      "duty_fulfilment")))
      return false;
    if (opt(done.views, i, std::int64_t{0}) < 0 && !report(error(errc::invalid_value, "views is negative", row, "views"))) return false;
    if (opt(done.interactions, i, std::int64_t{0}) < 0 &&
        !report(error(errc::invalid_value, "interactions is negative", row, "interactions")))
      return false;
    if (opt(done.days_on_site, i, 0) < 0 && !report(error(errc::invalid_value, "days_on_site is negative", row, "days_on_site")))
      return false;
    if (opt(done.travel_claimed, i, std::int64_t{0}) < 0 &&
        !report(error(errc::invalid_value, "travel_claimed is negative", row, "travel_claimed")))
      return false;
    const std::int32_t ds = opt(done.days_served, i, 0);
    if (ds < 0) {
      if (!report(error(errc::invalid_value, "days_served is negative", row, "days_served"))) return false;
    } else if (t >= 0 && static_cast<std::size_t>(tasks.rule[static_cast<std::size_t>(t)]) < nr &&
               policy.rules[static_cast<std::size_t>(tasks.rule[static_cast<std::size_t>(t)])].kind == rule_kind::retainer &&
               ds > period_len[static_cast<std::size_t>(t)] &&
               !report(error(errc::out_of_range, "days_served exceeds the task's period (" +
                                                     std::to_string(period_len[static_cast<std::size_t>(t)]) + " days)",
                             row, "days_served"))) {
      return false;
    }
  }
  return true;
}

/// Completion rows that complete a (KOC, task) pair a previous row completed (through another assignment
/// row): (row, first row of the pair), in row order. c_task / c_koc as completion_rows resolved them.
inline std::vector<std::pair<std::size_t, std::size_t>> repeated_pairs(const std::int32_t* c_task, const std::int32_t* c_koc,
                                                                       std::size_t n) {
  std::vector<std::pair<std::uint64_t, std::size_t>> keys;
  keys.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    if (c_task[i] >= 0 && c_koc[i] >= 0)
      keys.emplace_back(static_cast<std::uint64_t>(c_task[i]) << 32 | static_cast<std::uint32_t>(c_koc[i]), i);
  return repeated_keys(std::move(keys));
}

inline error repeated_pair_error(const reward_tasks& tasks, const reward_kocs& kocs, const std::int32_t* c_task,
                                 const std::int32_t* c_koc, std::size_t row) {
  return error(errc::duplicate_id, "duplicate completion: KOC " + std::to_string(kocs.koc_id[static_cast<std::size_t>(c_koc[row])]) +
                                       " already completed task " + std::to_string(tasks.task_id[static_cast<std::size_t>(c_task[row])]),
               static_cast<std::int64_t>(row), "assignment");
}

}  // namespace detail

/// Every problem of the rewards engine's input rows, at most `limit` of them (limit >= 1), each a koc::error
/// naming its row and field ("tasks." / "kocs." / "assignments." prefixed for those tables, the
/// completions' own fields bare), in this order: the task columns' lengths, each task row (rule,
/// campaign_id, period_days, window_start, budget), the task ids, the KOC table (lengths, ids, tiers on
/// the ladder, the policy's tiers in the ladder), the completion columns' lengths, then each completion row
/// (the assignment it names, accepted, quality, duty_fulfilment, views, interactions, days_on_site,
/// travel_claimed, days_served) and completions repeating a (KOC, task) pair. A table whose columns have
/// the wrong length, or whose ids cannot be indexed, is reported and the rows depending on it are not read.
/// Empty when settle_ledger accepts these inputs (earlier ledgers and awards have their own checks there).
inline std::vector<error> reward_input_problems(const reward_policy& policy, const reward_tasks& tasks, const reward_assignments& asg,
                                                const reward_completions& done, const reward_kocs& kocs, std::size_t limit = 100) {
  if (limit == 0) throw error(errc::invalid_argument, "the problem limit must be at least 1", -1, "limit");
  std::vector<error> out;
  auto report = [&](error e) {
    out.push_back(std::move(e));
    return out.size() < limit;
  };
  auto prefixed = [](const char* table, error e) {
    return error(e.code(), e.detail(), e.row(), std::string(table) + "." + e.field());
  };
  // ---- tasks
  const std::size_t nt = tasks.task_id.size();
  bool tasks_ok = detail::length_problems(tasks, [&](error e) { return report(prefixed("tasks", std::move(e))); }) == 0;
  if (out.size() >= limit) return out;
  std::vector<std::int32_t> period_len(nt, std::numeric_limits<std::int32_t>::max());
  auto task_report = [&](error e) { return report(prefixed("tasks", std::move(e))); };
  if (tasks_ok && !detail::reward_task_rows(policy, tasks, period_len, task_report)) return out;
  detail::id_index task_index, koc_index;
  try {
    task_index.build(tasks.task_id, detail::reward_task_id_column());
  } catch (const error& e) {
    tasks_ok = false;
    if (!report(prefixed("tasks", e))) return out;
  }
  // ---- KOCs
  const std::size_t nk = kocs.koc_id.size();
  bool kocs_ok = detail::length_problems(kocs, [&](error e) { return report(prefixed("kocs", std::move(e))); }) == 0;
  if (out.size() >= limit) return out;
  try {
    koc_index.build(kocs.koc_id, detail::reward_koc_id_column());
  } catch (const error& e) {
    kocs_ok = false;
    if (!report(prefixed("kocs", e))) return out;
  }
  if (!kocs.ladder.empty())
    for (std::size_t p = 0; p < policy.tiers.size(); ++p)
      if (std::find(kocs.ladder.begin(), kocs.ladder.end(), policy.tiers[p].name) == kocs.ladder.end() &&
          !report(error(errc::unknown_name, "policy tier '" + policy.tiers[p].name + "' is not in the ladder", -1,
                        "tiers[" + std::to_string(p) + "].name")))
        return out;
  if (kocs.tier.size() == nk)
    for (std::size_t k = 0; k < nk; ++k) {
      const std::int32_t tier = kocs.tier[k];
      if ((tier < -1 || (tier >= 0 && static_cast<std::size_t>(tier) >= kocs.ladder.size())) &&
          !report(error(errc::unknown_id, "tier index " + std::to_string(tier) + " is not in the ladder", static_cast<std::int64_t>(k),
                        "kocs.tier")))
        return out;
    }
  // ---- completions
  const std::size_t n = done.assignment.size();
  const std::size_t na = asg.koc_id.size();
  bool done_ok = detail::length_problems(asg, [&](error e) { return report(prefixed("assignments", std::move(e))); }) == 0;
  if (out.size() >= limit) return out;
  done_ok = detail::length_problems(done, report) == 0 && done_ok;
  if (out.size() >= limit) return out;
  if (!done_ok || !tasks_ok || !kocs_ok) return out;  // rows that cannot be resolved are not judged
  std::vector<std::int32_t> c_task(n), c_koc(n);
  std::vector<std::uint8_t> asg_used(na, 0);
  std::vector<std::int64_t> task_count(nt + 1, 0);
  if (!detail::completion_rows(policy, tasks, asg, done, task_index, koc_index, period_len, c_task.data(), c_koc.data(), asg_used.data(),
                               task_count.data(), report))
    return out;
  for (const auto& d : detail::repeated_pairs(c_task.data(), c_koc.data(), n))
    if (!report(detail::repeated_pair_error(tasks, kocs, c_task.data(), c_koc.data(), d.first))) break;
  return out;
}

/// Settles a run against what earlier runs paid: the ledger of the work given (all work to date, or only
/// the new work) minus what `earlier` settled, so that running the same work again pays nothing new and
/// growth past a new step pays that step only. Into `L` (see compute_ledger's reuse of `L`); the
/// settlement state after the run is `earlier` with L's lines appended (append_ledger).
///   settled lines  a (KOC, task, kind, step) line earlier runs wrote is not written again (the step is
///                  aux for step bonuses, speed bonuses and entitlements; 0 for every other kind); a
///                  completion left with no line gets a no_reward line "settled".
///   caps           a KOC's per-KOC cap starts with what earlier lines of the rule paid it (cuts included,
///                  budget cuts not).
///   budgets        a task's budget is what earlier lines of the task left of it, a campaign budget what
///                  earlier lines of the campaign in its currency left (every earlier line counts, also of
///                  tasks this run does not list); budget_cut lines of a run with earlier spend have aux
///                  2 (task) or 3 (campaign) and basis = the budget left.
///   speed places   first-N places go on from the number of speed bonus places earlier runs gave the task;
///                  completions whose speed bonus was settled do not rank again.
///   prizes         a (rule, campaign) with an earlier prize or process award line is settled whole: no
///                  award and no prize is paid for it again.
///   tier entitlements are a state, not a payment: written on every run.
/// `awards`: the process-award winners of each campaign (reward_awards); empty = the policy's winners.
/// Throws koc::error naming the row and field (prefixed "settled." / "awards.") on invalid settled columns
/// or awards.
inline void settle_ledger(const reward_policy& policy, const reward_tasks& tasks, const reward_assignments& asg,
                          const reward_completions& done, const reward_kocs& kocs, const settled_ledger& earlier,
                          const reward_awards& awards, reward_ledger& L, const ledger_options& options = {}) {
  using detail::opt;
  // ---- tasks -------------------------------------------------------------------------------------
  const std::size_t nt = tasks.task_id.size();
  detail::check_lengths(tasks);
  if (nt >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error(errc::invalid_argument, "too many tasks", -1, "task_id");
  detail::id_index task_index;
  task_index.build(tasks.task_id, detail::reward_task_id_column());
  const std::size_t nr = policy.rules.size();
  std::vector<std::int32_t> task_cbudget(nt, -1);
  // Each retainer task's period in days: its period_days, or its rule's calendar period at window_start.
  std::vector<std::int32_t> period_len;
  detail::reward_task_rows(policy, tasks, period_len, [](error e) -> bool { throw std::move(e); });
  for (std::size_t t = 0; t < nt; ++t) {
    const reward_rule& rule = policy.rules[static_cast<std::size_t>(tasks.rule[t])];
    const std::int64_t camp = opt(tasks.campaign_id, t, std::int64_t{-1});
    for (std::size_t b = 0; b < policy.campaign_budgets.size(); ++b)
      if (camp >= 0 && policy.campaign_budgets[b].campaign == camp && policy.campaign_budgets[b].currency == rule.currency)
        task_cbudget[t] = static_cast<std::int32_t>(b);
  }
  // ---- KOCs and tiers ----------------------------------------------------------------------------
  const std::size_t nk = kocs.koc_id.size();
  detail::check_lengths(kocs);
  if (nk >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw error(errc::invalid_argument, "too many KOCs", -1, "koc_id");
  detail::id_index koc_index;
  koc_index.build(kocs.koc_id, detail::reward_koc_id_column());
  std::vector<std::int32_t> ladder_to_policy(kocs.ladder.size(), -1);
  for (std::size_t l = 0; l < kocs.ladder.size(); ++l) ladder_to_policy[l] = policy.find_tier(kocs.ladder[l]);
  if (!kocs.ladder.empty())
    for (std::size_t p = 0; p < policy.tiers.size(); ++p)
      if (std::find(kocs.ladder.begin(), kocs.ladder.end(), policy.tiers[p].name) == kocs.ladder.end())
        throw error(errc::unknown_name, "policy tier '" + policy.tiers[p].name + "' is not in the ladder", -1,
                    "tiers[" + std::to_string(p) + "].name");
  // Per KOC row, what the main pass reads for each completion: one cache line per completion.
  struct koc_facts {
    std::int64_t id;
    std::int32_t multiplier_bp;  // policy tier multiplier, 10000 without a policy tier
  };
  detail::work_array<koc_facts> koc_info(nk);
  std::vector<std::int32_t> koc_ptier(nk, -1);
  for (std::size_t k = 0; k < nk; ++k) {
    const std::int32_t tier = opt(kocs.tier, k, -1);
    if (tier < -1 || (tier >= 0 && static_cast<std::size_t>(tier) >= kocs.ladder.size()))
      throw error(errc::unknown_id, "tier index " + std::to_string(tier) + " is not in the ladder", static_cast<std::int64_t>(k), "tier");
    koc_info[k] = {kocs.koc_id[k], 10000};
    if (tier >= 0 && ladder_to_policy[static_cast<std::size_t>(tier)] >= 0) {
      koc_ptier[k] = ladder_to_policy[static_cast<std::size_t>(tier)];
      koc_info[k].multiplier_bp = policy.tiers[static_cast<std::size_t>(koc_ptier[k])].multiplier_bp;
    }
  }
  detail::settlement S;
  S.build(policy, tasks, task_index, earlier);
  const bool settling = S.any;  // a local copy: the hot loops below test it in a register, not through S
  // ---- completions: validate and resolve ---------------------------------------------------------
  const std::size_t n = done.assignment.size();
  const std::size_t na = asg.koc_id.size();
  detail::check_lengths(asg);
  detail::check_lengths(done);
  detail::work_array<std::int32_t> c_task(n), c_koc(n);
  detail::work_array<std::uint8_t> asg_used(na, 0);
  std::vector<std::int64_t> task_count(nt + 1, 0);
  // Row by row, every check in a fixed order: the first invalid row throws. Run only when the fast pass
  // below found something wrong, so that the error (row, field, message) is always this one.
  const auto resolve_row_by_row = [&] {
    std::fill_n(asg_used.data(), na, std::uint8_t{0});
    std::fill(task_count.begin(), task_count.end(), std::int64_t{0});
    detail::completion_rows(policy, tasks, asg, done, task_index, koc_index, period_len, c_task.data(), c_koc.data(), asg_used.data(),
                            task_count.data(), [](error e) -> bool { throw std::move(e); });
  };
  // The same checks, false at the first failure: resolution row by row (prefetching the KOC index,
  // which rows hit at random), then each value check over a whole column, a loop the compiler vectorises.
  const auto resolve_fast = [&]() -> bool {
    for (std::size_t i = 0; i < n; ++i) {
      if (i + detail::prefetch_rows < n) {
        const auto ahead = static_cast<unsigned long long>(done.assignment[i + detail::prefetch_rows]);
        if (ahead < na) koc_index.prefetch(asg.koc_id[static_cast<std::size_t>(ahead)]);
      }
      const std::int64_t a = done.assignment[i];
      if (a < 0 || static_cast<std::size_t>(a) >= na || asg_used[static_cast<std::size_t>(a)]) return false;
      asg_used[static_cast<std::size_t>(a)] = 1;
      const std::int32_t t = task_index.find(asg.task_id[static_cast<std::size_t>(a)]);
      const std::int32_t k = koc_index.find(asg.koc_id[static_cast<std::size_t>(a)]);
      if (t < 0 || k < 0) return false;
      c_task[i] = t;
      c_koc[i] = k;
      ++task_count[static_cast<std::size_t>(t) + 1];
    }
    unsigned accepted_bits = 0;
    for (std::size_t i = 0; i < n; ++i) accepted_bits |= done.accepted[i];
    if (accepted_bits > 1 || !detail::all_in_unit_interval(done.quality) || !detail::all_in_unit_interval(done.duty_fulfilment) ||
        !detail::all_non_negative(done.views) || !detail::all_non_negative(done.interactions) ||
        !detail::all_non_negative(done.days_on_site) || !detail::all_non_negative(done.travel_claimed) ||
        !detail::all_non_negative(done.days_served))
      return false;
    unsigned bad = 0;
    if (!done.days_served.empty()) {
      std::vector<std::int32_t> max_days(nt, std::numeric_limits<std::int32_t>::max());
      bool any_retainer = false;
      for (std::size_t t = 0; t < nt; ++t)
        if (policy.rules[static_cast<std::size_t>(tasks.rule[t])].kind == rule_kind::retainer)
          max_days[t] = period_len[t], any_retainer = true;
      if (any_retainer)
        for (std::size_t i = 0; i < n; ++i) bad |= static_cast<unsigned>(done.days_served[i] > max_days[static_cast<std::size_t>(c_task[i])]);
    }
    return bad == 0;
  };
  if (!resolve_fast()) resolve_row_by_row();
  // Bucket each task's KOCs (counting sort, stable in row order): duplicate (KOC, task) pairs are then a
  // linear scan. stamp[k]: the last task (row) KOC k completed, -1 none; after this pass, whether k
  // completed anything.
  for (std::size_t t = 0; t < nt; ++t) task_count[t + 1] += task_count[t];
  detail::work_array<std::int32_t> stamp(nk, -1);
  {
    detail::work_array<std::int32_t> task_kocs(n);
    std::vector<std::int64_t> pos(task_count.begin(), task_count.end() - 1);
    for (std::size_t i = 0; i < n; ++i) task_kocs[static_cast<std::size_t>(pos[static_cast<std::size_t>(c_task[i])]++)] = c_koc[i];
    for (std::size_t p = 0, t = 0; p < n; ++p) {
      while (static_cast<std::int64_t>(p) >= task_count[t + 1]) ++t;  // t only grows, below nt (p < task_count[nt])
      if (p + detail::prefetch_rows < n) __builtin_prefetch(stamp.data() + task_kocs[p + detail::prefetch_rows]);
      const auto k = static_cast<std::size_t>(task_kocs[p]);
      if (stamp[k] == static_cast<std::int32_t>(t))  // the first repeated pair in row order, as reward_input_problems says
        throw detail::repeated_pair_error(tasks, kocs, c_task.data(), c_koc.data(), detail::repeated_pairs(c_task.data(), c_koc.data(), n).front().first);
      stamp[k] = static_cast<std::int32_t>(t);
    }
  }
  // First-N ranks. Each first-N task's accepted completions are bucketed as they come in row order (the
  // other rows write to a spare slot, so the loop has no branch), then selected: (delivered_at, row) is
  // a total order, so nth_element + sort of the first N gives the same ranks as a partial sort, in
  // O(m + N log N). When all delivered_at lie within 2^32 s, an entry is one integer
  // ((delivered_at - earliest) << 32 | row), cheaper to move and compare than the pair.
  // The winners: (row << 32 | 1-based rank among the accepted), sorted by row, met in row order below.
  std::vector<std::uint64_t> speed_winners;
  {
    std::vector<std::uint8_t> first_n_task(nt, 0);
    std::vector<std::int64_t> start(nt + 1, 0);
    for (std::size_t t = 0; t < nt; ++t) {
      const reward_rule& rule = policy.rules[static_cast<std::size_t>(tasks.rule[t])];
      first_n_task[t] = rule.kind == rule_kind::fixed && rule.speed.first_n > 0;
      start[t + 1] = start[t] + (first_n_task[t] ? task_count[t + 1] - task_count[t] : 0);
    }
    std::int64_t earliest = std::numeric_limits<std::int64_t>::max(), latest = std::numeric_limits<std::int64_t>::min();
    if (start[nt] > 0)
      for (std::size_t i = 0; i < n; ++i) earliest = std::min(earliest, done.delivered_at[i]), latest = std::max(latest, done.delivered_at[i]);
    const auto rank = [&](auto entry_type) {
      using entry = decltype(entry_type);
      constexpr bool packed = std::is_same<entry, std::uint64_t>::value;
      const auto spare = static_cast<std::size_t>(start[nt]);
      detail::work_array<entry> arrivals(spare + 1);
      std::vector<std::size_t> end(nt);
      for (std::size_t t = 0; t < nt; ++t) end[t] = first_n_task[t] ? static_cast<std::size_t>(start[t]) : spare;
      for (std::size_t i = 0; i < n; ++i) {
        const auto t = static_cast<std::size_t>(c_task[i]);
        if constexpr (packed)
          arrivals[end[t]] = (static_cast<std::uint64_t>(done.delivered_at[i]) - static_cast<std::uint64_t>(earliest)) << 32 | i;
        else
          arrivals[end[t]] = {done.delivered_at[i], static_cast<std::int32_t>(i)};
        const unsigned ranks = first_n_task[t] & done.accepted[i];  // accepted is 0 or 1 (checked above)
        end[t] += settling && ranks ? !S.settled(koc_info[static_cast<std::size_t>(c_koc[i])].id, tasks.task_id[t], line_kind::speed_bonus, 0) : ranks;
      }
      for (std::size_t t = 0; t < nt; ++t) {
        if (!first_n_task[t]) continue;
        entry* const acc = &arrivals[static_cast<std::size_t>(start[t])];
        const std::size_t m = end[t] - static_cast<std::size_t>(start[t]);
        const std::int64_t given = S.any ? S.speed_given[t] : 0;  // places earlier runs gave
        const std::int64_t first_n = std::max<std::int64_t>(0, policy.rules[static_cast<std::size_t>(tasks.rule[t])].speed.first_n - given);
        const auto first = static_cast<std::size_t>(std::min<std::int64_t>(first_n, static_cast<std::int64_t>(m)));
        if (first < m) std::nth_element(acc, acc + first, acc + m);
        std::sort(acc, acc + first);
        for (std::size_t p = 0; p < first; ++p) {
          std::uint64_t row;
          if constexpr (packed) row = acc[p] & 0xFFFFFFFFu;
          else row = static_cast<std::uint64_t>(acc[p].second);
          speed_winners.push_back(row << 32 | static_cast<std::uint64_t>(static_cast<std::int64_t>(p) + 1 + given));
        }
      }
    };
    if (start[nt] > 0) {
      if (static_cast<std::uint64_t>(latest) - static_cast<std::uint64_t>(earliest) < (std::uint64_t{1} << 32)) rank(std::uint64_t{});
      else rank(std::pair<std::int64_t, std::int32_t>{});
    }
    detail::sort_by_high_word(speed_winners, n);
  }

  // ---- main pass ---------------------------------------------------------------------------------
  L.rule_names.clear();
  L.rule_names.reserve(nr + policy.tiers.size());
  for (const auto& r : policy.rules) L.rule_names.push_back(r.id);
  for (const auto& t : policy.tiers) L.rule_names.push_back("tier:" + t.name);
  L.explanation.clear();
  detail::ledger_writer W(L);  // clears the line columns, keeping their capacity
  // The budget passes need, per budgeted task (own budget or campaign budget), its lines' (task, KOC,
  // amount): collected as the lines are written instead of scanning every line afterwards.
  using share = detail::budget_share;
  std::vector<std::uint8_t> task_budgeted(nt, 0);
  for (std::size_t t = 0; t < nt; ++t) task_budgeted[t] = opt(tasks.budget, t, std::int64_t{-1}) >= 0 || task_cbudget[t] >= 0;
  std::vector<share> budgeted;
  {
    // Upper bound of the lines of the main pass, the KOCs and the tasks (campaign prizes and budget cuts
    // grow the columns if needed). Reserving it touches no page: pages are faulted in as lines are written.
    std::vector<std::size_t> rule_lines(nr, 1);
    for (std::size_t r = 0; r < nr; ++r) {
      const reward_rule& rule = policy.rules[r];
      std::size_t money = 0;
      switch (rule.kind) {
        case rule_kind::fixed: money = 1 + (rule.speed.amount > 0 ? 1 : 0); break;
        case rule_kind::campaign: money = 1; break;
        case rule_kind::retainer: money = 1; break;
        case rule_kind::amplification: money = 2 + rule.steps.size(); break;  // base, steps, cap_cut
        case rule_kind::offline: money = 2; break;
        case rule_kind::identity: money = 0; break;
      }
      rule_lines[r] = std::max<std::size_t>(1, money + rule.entitlements.size());
    }
    std::size_t bound = nt + nk;
    std::size_t budgeted_bound = 0;  // of the main pass's lines of budgeted tasks (address space only, too)
    for (std::size_t t = 0; t < nt; ++t) {
      const std::size_t lines = static_cast<std::size_t>(task_count[t + 1] - task_count[t]) * rule_lines[static_cast<std::size_t>(tasks.rule[t])];
      bound += lines;
      if (task_budgeted[t]) budgeted_bound += lines;
    }
    budgeted.reserve(budgeted_bound);
    for (std::size_t k = 0; k < nk; ++k)
      if (koc_ptier[k] >= 0) bound += policy.tiers[static_cast<std::size_t>(koc_ptier[k])].entitlements.size();
    ledger_reserve(L, bound);  // W has written nothing yet: its first put() takes the new buffers
  }
  std::vector<std::int64_t> task_total(nt, 0);
  // Running per-KOC totals for capped rules: nk entries per capped rule, in one array.
  std::vector<std::int32_t> cap_slot(nr, -1);
  std::size_t n_capped = 0;
  for (std::size_t r = 0; r < nr; ++r)
    if (policy.rules[r].kind == rule_kind::amplification && policy.rules[r].cap_per_koc != no_cap)
      cap_slot[r] = static_cast<std::int32_t>(n_capped++);
  detail::work_array<std::int64_t> cap_paid(n_capped * nk, 0);
  if (S.any && n_capped > 0) S.load_caps(policy, earlier, koc_index, cap_slot, nk, cap_paid.data());
  const std::string field_quality = "quality", field_fulfilment = "duty_fulfilment";  // built once, not per line
  detail::campaign_groups G = detail::group_campaigns(policy, tasks, awards);
  std::vector<detail::task_facts> task_info(nt);
  for (std::size_t t = 0; t < nt; ++t)
    task_info[t] = {&policy.rules[static_cast<std::size_t>(tasks.rule[t])], tasks.task_id[t], opt(tasks.campaign_id, t, std::int64_t{-1}),
                    opt(tasks.window_end, t, no_deadline), tasks.rule[t], cap_slot[static_cast<std::size_t>(tasks.rule[t])], G.task_group[t],
                    task_budgeted[t] != 0};
  detail::line_sink sink(W, task_info, task_total, budgeted);

  std::size_t next_winner = 0;  // the first speed winner not yet met
  // A row reads the input columns of its rule only, so each column is read at irregular strides that the
  // hardware prefetcher does not follow: every 8 rows, the lines of rows 64 ahead are requested.
  const auto prefetch_columns = [&](std::size_t j) {
    const auto line = [j](const auto& column) {
      if (j < column.size()) __builtin_prefetch(column.data() + j);
    };
    line(done.quality), line(done.views), line(done.interactions), line(done.days_served), line(done.duty_fulfilment);
    line(done.days_on_site), line(done.travel_claimed);
  };
  for (std::size_t i = 0; i < n; ++i) {
    if ((i & 7) == 0) prefetch_columns(i + 64);
    if (i + detail::prefetch_rows < n) {  // the KOC tables are hit at random: start loading them early
      const auto k_ahead = static_cast<std::size_t>(c_koc[i + detail::prefetch_rows]);
      __builtin_prefetch(&koc_info[k_ahead]);
      const std::int32_t slot = task_info[static_cast<std::size_t>(c_task[i + detail::prefetch_rows])].cap_slot;
      if (slot >= 0) __builtin_prefetch(cap_paid.data() + static_cast<std::size_t>(slot) * nk + k_ahead);
    }
    const auto row = static_cast<std::int64_t>(i);
    const auto t = static_cast<std::size_t>(c_task[i]);
    const auto k = static_cast<std::size_t>(c_koc[i]);
    const detail::task_facts& task = task_info[t];
    const std::int64_t koc = koc_info[k].id;
    const std::int32_t ri = task.rule_index;
    const reward_rule& rule = *task.rule;
    const currency_id cur = rule.currency;
    const bool accepted = done.accepted[i] != 0;
    const bool late = done.delivered_at[i] > task.deadline;
    line_reason gate_reason = line_reason::none;
    std::int32_t gate = 10000;
    if (!accepted) { gate = policy.rejected_share(rule); gate_reason = line_reason::rejected; }
    else if (late) { gate = policy.late_share(rule); gate_reason = line_reason::late; }
    detail::completion_pay c;  // this completion's lines
    c.here.koc = koc, c.here.task = static_cast<std::int32_t>(t), c.here.completion = row, c.here.rule = ri;
    c.sink = &sink;
    const std::size_t first_line = W.size();
    if (gate == 0 && rule.kind != rule_kind::identity && !(rule.kind == rule_kind::offline && opt(done.travel_claimed, i, std::int64_t{0}) > 0 && rule.travel_cap > 0)) {
      if (rule.kind == rule_kind::campaign) G.no_reward_lines.emplace_back(W.size(), row);
      detail::line x = c.here;
      x.reason = gate_reason;
      sink.push(x);
      continue;
    }
    c.gate_reason = gate_reason, c.gate = gate, c.currency = cur, c.task_id = task.id;
    c.tier = cur == points_currency && !policy.points_tier_multiplier ? 10000 : koc_info[k].multiplier_bp;
    c.earlier = settling ? &S : nullptr;
    switch (rule.kind) {
      case rule_kind::fixed: {
        std::int64_t place = 0;
        if (accepted && rule.speed.amount > 0 && rule.speed.first_n > 0) {
          while (next_winner < speed_winners.size() && speed_winners[next_winner] >> 32 < i) ++next_winner;  // only grows
          if (next_winner < speed_winners.size() && speed_winners[next_winner] >> 32 == i)
            place = static_cast<std::int64_t>(speed_winners[next_winner] & 0xFFFFFFFFu);
        }
        detail::fixed_lines(c, rule, accepted, place, done.delivered_at[i], opt(tasks.window_start, t, std::int64_t{0}));
        break;
      }
      case rule_kind::campaign:
        detail::campaign_lines(c, rule, accepted, accepted ? fraction_to_units(opt(done.quality, i, 1.0), 1000000, row, field_quality) : 0,
                               G.entries[static_cast<std::size_t>(task.group)]);
        break;
      case rule_kind::retainer:
        detail::retainer_lines(c, rule, opt(done.days_served, i, 0), period_len[t], fraction_to_bp(opt(done.duty_fulfilment, i, 1.0), row, field_fulfilment));
        break;
      case rule_kind::amplification: {
        const bool views = rule.metric == step_metric::views;
        detail::amplification_lines(c, rule, views ? opt(done.views, i, std::int64_t{0}) : opt(done.interactions, i, std::int64_t{0}),
                                    views ? "views" : "interactions",
                                    task.cap_slot >= 0 ? &cap_paid[static_cast<std::size_t>(task.cap_slot) * nk + k] : nullptr);
        break;
      }
      case rule_kind::offline:
        detail::offline_lines(c, rule, opt(done.days_on_site, i, 0), opt(done.travel_claimed, i, std::int64_t{0}));
        break;
      case rule_kind::identity: break;
    }
    if (accepted) detail::entitlement_lines(c, rule);
    if (W.size() == first_line) {
      if (rule.kind == rule_kind::campaign) G.no_reward_lines.emplace_back(W.size(), row);
      detail::line x = c.here;
      x.reason = c.settled_before ? line_reason::settled : !accepted ? line_reason::rejected : gate == 0 ? gate_reason : line_reason::nothing_due;
      sink.push(x);
    }
  }

  // ---- campaigns: process awards and prize pools -------------------------------------------------
  detail::pay_campaigns(policy, tasks, awards, G, S, c_task.data(), W, L, sink);

  // ---- KOCs: tier entitlements, KOCs without completions; tasks without completions -------------
  for (std::size_t k = 0; k < nk; ++k) {
    if (koc_ptier[k] >= 0) {
      const auto& ents = policy.tiers[static_cast<std::size_t>(koc_ptier[k])].entitlements;
      for (std::size_t e = 0; e < ents.size(); ++e) {
        detail::line x;
        x.koc = kocs.koc_id[k], x.rule = static_cast<std::int32_t>(nr) + koc_ptier[k];
        x.kind = line_kind::entitlement, x.aux = static_cast<std::int64_t>(e);
        sink.push(x);
      }
    }
    if (stamp[k] < 0) {
      detail::line x;
      x.koc = kocs.koc_id[k], x.reason = line_reason::no_completion;
      sink.push(x);
    }
  }
  for (std::size_t t = 0; t < nt; ++t)
    if (task_count[t + 1] == task_count[t]) {
      detail::line x;
      x.task = static_cast<std::int32_t>(t), x.rule = tasks.rule[t], x.reason = line_reason::no_completion;
      sink.push(x);
    }

  // ---- budgets ----------------------------------------------------------------------------------
  detail::cut_budgets(policy, tasks, task_info, task_cbudget, task_total, budgeted, S, sink);
  W.sync();
  L.run_ids.assign(1, options.run_id);
  L.run.clear();  // one run: every line is run_ids[0] (append_ledger writes the column when runs mix)
  L.koc_version = std::to_string(KOC_CXX_VERSION_MAJOR) + "." + std::to_string(KOC_CXX_VERSION_MINOR) + "." +
                  std::to_string(KOC_CXX_VERSION_PATCH);
  L.policy_digest = policy.digest;

  if (options.explain) {
    L.explanation.reserve(L.size());
    for (std::size_t l = 0; l < L.size(); ++l) L.explanation.push_back(explain_line(policy, L, l));
  }
}

/// Computes the ledger into `L`, reusing the capacity of its columns: every column (rule_names and
/// explanation included) is cleared first, so the result is the same as the returning overload's, and a
/// caller that computes ledgers repeatedly into one `reward_ledger` allocates no line column and
/// page-faults none once the buffers are big enough (the per-call work arrays, O(n + n_kocs), are
/// still allocated each call). `L` must not hold the storage behind any input span. Throws
/// koc::error naming row and field on invalid input (see the header); `L` is then valid but unspecified.
inline void compute_ledger(const reward_policy& policy, const reward_tasks& tasks, const reward_assignments& asg,
                           const reward_completions& done, const reward_kocs& kocs, reward_ledger& L,
                           const ledger_options& options = {}) {
  settle_ledger(policy, tasks, asg, done, kocs, settled_ledger{}, reward_awards{}, L, options);
}

/// settle_ledger, returning a new ledger.
inline reward_ledger settle_ledger(const reward_policy& policy, const reward_tasks& tasks, const reward_assignments& asg,
                                   const reward_completions& done, const reward_kocs& kocs, const settled_ledger& earlier,
                                   const reward_awards& awards = {}, const ledger_options& options = {}) {
  reward_ledger L;
  settle_ledger(policy, tasks, asg, done, kocs, earlier, awards, L, options);
  return L;
}

/// Computes the ledger. Throws koc::error naming row and field on invalid input (see the header).
inline reward_ledger compute_ledger(const reward_policy& policy, const reward_tasks& tasks, const reward_assignments& asg,
                                    const reward_completions& done, const reward_kocs& kocs,
                                    const ledger_options& options = {}) {
  reward_ledger L;
  compute_ledger(policy, tasks, asg, done, kocs, L, options);
  return L;
}

// ---- totals -----------------------------------------------------------------------------------------

/// Sums grouped by (id, currency), sorted by id then currency id. `cut` is the shortfall: minus the sum
/// of cap_cut and budget_cut lines (>= 0). Lines without a currency are left out.
struct ledger_group_totals {
  std::vector<std::int64_t> id;
  std::vector<currency_id> currency;
  std::vector<std::int64_t> amount;
  std::vector<std::int64_t> cut;
};
struct ledger_totals {
  ledger_group_totals per_koc, per_task, per_campaign, per_currency;  ///< per_currency: id = currency id
};

inline ledger_totals totals(const reward_ledger& L) {
  const auto group = [&](const std::vector<std::int64_t>* key) {
    std::vector<std::size_t> idx;
    idx.reserve(L.size());
    for (std::size_t l = 0; l < L.size(); ++l)
      if (L.currency[l] != no_currency && (!key || (*key)[l] >= 0)) idx.push_back(l);
    const auto k = [&](std::size_t l) { return key ? (*key)[l] : static_cast<std::int64_t>(L.currency[l]); };
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return k(a) != k(b) ? k(a) < k(b) : L.currency[a] < L.currency[b];
    });
    ledger_group_totals g;
    for (std::size_t p = 0; p < idx.size(); ++p) {
      const std::size_t l = idx[p];
      if (p == 0 || k(l) != g.id.back() || L.currency[l] != g.currency.back()) {
        g.id.push_back(k(l));
        g.currency.push_back(L.currency[l]);
        g.amount.push_back(0);
        g.cut.push_back(0);
      }
      g.amount.back() = checked_add(g.amount.back(), L.amount[l], static_cast<std::int64_t>(l), "amount");
      if (L.kind[l] == line_kind::cap_cut || L.kind[l] == line_kind::budget_cut)
        g.cut.back() = checked_sub(g.cut.back(), L.amount[l], static_cast<std::int64_t>(l), "amount");
    }
    return g;
  };
  ledger_totals T;
  T.per_koc = group(&L.koc_id);
  T.per_task = group(&L.task_id);
  T.per_campaign = group(&L.campaign_id);
  T.per_currency = group(nullptr);
  return T;
}

// ---- verification -----------------------------------------------------------------------------------

/// What verify() returns (koc/check.hpp): the message names the first violated property, with the line.
using ledger_check = check_result;

/// Checks the ledger against its inputs without recomputing it: every completion, KOC and task is
/// present; amounts have the sign of their kind; each scaled line is its gross times its factors rounded
/// half to even; prizes of a (rule, campaign) sum to the pool; no capped KOC is paid above the cap; no
/// task or campaign is paid above its budget, and exactly its budget when cut; nobody nets negative.
/// A ledger of settle_ledger is checked with what `earlier` settled: caps and budgets over earlier and
/// this run together, and no line paid twice (a settled (KOC, task, kind, step), or a prize or process
/// award of a (rule, campaign) settled before).
inline ledger_check verify(const reward_policy& policy, const reward_tasks& tasks, const reward_assignments& asg,
                           const reward_completions& done, const reward_kocs& kocs, const settled_ledger& earlier,
                           const reward_ledger& L) {
  (void)asg;
  ledger_check ck;
  const auto fail = [&](std::size_t l, const std::string& why) {
    if (ck.ok) { ck.ok = false; ck.message = "line " + std::to_string(l) + ": " + why; }
  };
  const std::size_t m = L.size();
  for (const auto* v : {&L.koc_id, &L.task_id, &L.campaign_id, &L.completion, &L.gross, &L.basis, &L.aux})
    if (v->size() != m) return {false, "ledger columns differ in length"};
  if (L.rule.size() != m || L.kind.size() != m || L.reason.size() != m || L.currency.size() != m || L.gate_bp.size() != m || L.tier_bp.size() != m)
    return {false, "ledger columns differ in length"};
  const std::size_t n = done.assignment.size();
  std::vector<std::uint8_t> seen(n, 0), has_no_reward(n, 0), has_other(n, 0);
  detail::id_index task_index, koc_index;
  task_index.build(tasks.task_id, detail::reward_task_id_column());
  koc_index.build(kocs.koc_id, detail::reward_koc_id_column());
  std::vector<std::uint8_t> task_seen(tasks.task_id.size(), 0), koc_seen(kocs.koc_id.size(), 0);
  // Sums in 128 bits: a valid ledger's lines fit int64 one by one, but sums over them need not (cap cuts of
  // nearly INT64_MAX on each of a KOC's completions, say), and verify must not overflow on any ledger.
  using wide = detail::i128;
  std::vector<wide> task_net(tasks.task_id.size(), 0), task_after_task_cut(tasks.task_id.size(), 0);
  std::vector<std::uint8_t> task_cut(tasks.task_id.size(), 0);
  std::vector<std::tuple<std::int32_t, std::int64_t, std::int64_t>> prizes;      // rule, campaign, amount
  std::vector<std::tuple<std::int32_t, std::int64_t, std::int64_t>> capped;      // rule, koc, amount
  std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>> nets;  // koc, task, currency, amount
  // What earlier runs settled, read here on its own (not through detail::settlement, which the ledger
  // uses): earlier budget spend, earlier cap use, and the keys no line of this run may repeat.
  std::vector<wide> task_earlier(tasks.task_id.size(), 0), camp_earlier(policy.campaign_budgets.size(), 0);
  std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>> earlier_keys;  // koc, task, kind, step
  std::vector<std::pair<std::int32_t, std::int64_t>> earlier_prizes;  // policy rule, campaign
  if (earlier.size() > 0) {
    for (const std::size_t got : {earlier.koc_id.size(), earlier.task_id.size(), earlier.campaign_id.size(), earlier.rule.size(),
                                  earlier.kind.size(), earlier.currency.size(), earlier.aux.size()})
      if (got != earlier.size()) throw error(errc::length_mismatch, "settled columns differ in length", -1, "settled.amount");
    for (std::size_t l = 0; l < earlier.size(); ++l) {
      const std::int32_t er = earlier.rule[l];
      const std::int32_t r = er >= 0 && static_cast<std::size_t>(er) < earlier.rule_names.size() ? policy.find_rule(earlier.rule_names[static_cast<std::size_t>(er)]) : -1;
      const line_kind k = earlier.kind[l];
      if (detail::settled_per_line(k) && earlier.koc_id[l] >= 0 && earlier.task_id[l] >= 0)
        earlier_keys.emplace_back(earlier.koc_id[l], earlier.task_id[l], static_cast<std::int64_t>(k), detail::settled_step(k, earlier.aux[l]));
      if ((k == line_kind::prize || k == line_kind::process_award) && r >= 0) earlier_prizes.emplace_back(r, earlier.campaign_id[l]);
      if (earlier.currency[l] == no_currency) continue;
      const std::int32_t t = earlier.task_id[l] >= 0 ? task_index.find(earlier.task_id[l]) : -1;
      if (t >= 0 && policy.rules[static_cast<std::size_t>(tasks.rule[static_cast<std::size_t>(t)])].currency == earlier.currency[l])
        task_earlier[static_cast<std::size_t>(t)] += earlier.amount[l];
      for (std::size_t b = 0; b < policy.campaign_budgets.size(); ++b)
        if (policy.campaign_budgets[b].campaign == earlier.campaign_id[l] && policy.campaign_budgets[b].currency == earlier.currency[l])
          camp_earlier[b] += earlier.amount[l];
      if (r >= 0 && policy.rules[static_cast<std::size_t>(r)].cap_per_koc != no_cap && k != line_kind::budget_cut &&
          policy.rules[static_cast<std::size_t>(r)].currency == earlier.currency[l] && koc_index.find(earlier.koc_id[l]) >= 0)
        capped.emplace_back(r, earlier.koc_id[l], earlier.amount[l]);
    }
    std::sort(earlier_keys.begin(), earlier_keys.end());
    std::sort(earlier_prizes.begin(), earlier_prizes.end());
  }
  const auto budget_left = [](std::int64_t budget, wide spent) -> wide {
    const wide l = static_cast<wide>(budget) - spent;
    return l < 0 ? 0 : l > budget ? wide{budget} : l;
  };
  for (std::size_t l = 0; l < m; ++l) {
    const line_kind k = L.kind[l];
    if (!earlier_keys.empty() && detail::settled_per_line(k) && L.koc_id[l] >= 0 && L.task_id[l] >= 0 &&
        std::binary_search(earlier_keys.begin(), earlier_keys.end(),
                           std::make_tuple(L.koc_id[l], L.task_id[l], static_cast<std::int64_t>(k), detail::settled_step(k, L.aux[l]))))
      fail(l, std::string(line_kind_name(k)) + " of KOC " + std::to_string(L.koc_id[l]) + " on task " + std::to_string(L.task_id[l]) +
                  " was paid by an earlier run");
    if ((k == line_kind::prize || k == line_kind::process_award) && L.rule[l] >= 0 &&
        std::binary_search(earlier_prizes.begin(), earlier_prizes.end(), std::make_pair(L.rule[l], L.campaign_id[l])))
      fail(l, "campaign " + std::to_string(L.campaign_id[l]) + " was judged by an earlier run: its prizes and awards are settled");
    if (L.completion[l] >= 0) {
      const auto c = static_cast<std::size_t>(L.completion[l]);
      if (c >= n) { fail(l, "completion row out of range"); continue; }
      seen[c] = 1;
      (k == line_kind::no_reward ? has_no_reward : has_other)[c] = 1;
    }
    if (L.task_id[l] >= 0) {
      const std::int32_t t = task_index.find(L.task_id[l]);
      if (t < 0) { fail(l, "unknown task"); continue; }
      task_seen[static_cast<std::size_t>(t)] = 1;
      if (L.currency[l] != no_currency) {
        task_net[static_cast<std::size_t>(t)] += L.amount[l];
        if (!(k == line_kind::budget_cut && (L.aux[l] & 1) == 1)) task_after_task_cut[static_cast<std::size_t>(t)] += L.amount[l];
        if (k == line_kind::budget_cut && (L.aux[l] & 1) == 0) task_cut[static_cast<std::size_t>(t)] = 1;
        nets.emplace_back(L.koc_id[l], L.task_id[l], L.currency[l], L.amount[l]);
      }
    }
    if (L.koc_id[l] >= 0) {
      const std::int32_t kr = koc_index.find(L.koc_id[l]);
      if (kr < 0) { fail(l, "unknown KOC"); continue; }
      koc_seen[static_cast<std::size_t>(kr)] = 1;
    }
    const bool cut = k == line_kind::cap_cut || k == line_kind::budget_cut;
    const bool zero = k == line_kind::entitlement || k == line_kind::no_reward;
    if (zero && (L.amount[l] != 0 || L.currency[l] != no_currency)) fail(l, "entitlement/no_reward line carries an amount");
    if (!zero && L.currency[l] == no_currency) fail(l, "money line without currency");
    if (cut && L.amount[l] > 0) fail(l, "cut line is positive");
    if (!cut && L.amount[l] < 0) fail(l, "earning line is negative");
    if (!cut && !zero && L.gross[l] != 0) {
      const std::int64_t expect = mul_ratio(L.gross[l], static_cast<std::int64_t>(L.gate_bp[l]) * L.tier_bp[l], 100000000);
      if (expect != L.amount[l]) fail(l, "amount is not gross × gate × tier rounded half to even");
    }
    if (k == line_kind::prize) prizes.emplace_back(L.rule[l], L.campaign_id[l], L.amount[l]);
    if (L.rule[l] >= 0 && static_cast<std::size_t>(L.rule[l]) < policy.rules.size() &&
        policy.rules[static_cast<std::size_t>(L.rule[l])].cap_per_koc != no_cap && k != line_kind::budget_cut && L.currency[l] != no_currency)
      capped.emplace_back(L.rule[l], L.koc_id[l], L.amount[l]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!seen[i]) fail(m, "completion row " + std::to_string(i) + " is missing from the ledger");
    if (has_no_reward[i] && has_other[i]) fail(m, "completion row " + std::to_string(i) + " has both no_reward and other lines");
  }
  for (std::size_t t = 0; t < task_seen.size(); ++t)
    if (!task_seen[t]) fail(m, "task row " + std::to_string(t) + " is missing from the ledger");
  for (std::size_t k = 0; k < koc_seen.size(); ++k)
    if (!koc_seen[k]) fail(m, "KOC row " + std::to_string(k) + " is missing from the ledger");
  std::sort(prizes.begin(), prizes.end());
  // Runs of equal keys here and below: q starts at p and passes it, so p advances every run.
  for (std::size_t p = 0; p < prizes.size();) {
    std::size_t q = p;
    wide sum = 0;
    while (q < prizes.size() && std::get<0>(prizes[q]) == std::get<0>(prizes[p]) && std::get<1>(prizes[q]) == std::get<1>(prizes[p]))
      sum += std::get<2>(prizes[q++]);
    if (sum != policy.rules[static_cast<std::size_t>(std::get<0>(prizes[p]))].prize.amount)
      fail(m, "prizes of campaign " + std::to_string(std::get<1>(prizes[p])) + " do not sum to the pool");
    p = q;
  }
  std::sort(capped.begin(), capped.end());
  for (std::size_t p = 0; p < capped.size();) {
    std::size_t q = p;
    wide sum = 0;
    while (q < capped.size() && std::get<0>(capped[q]) == std::get<0>(capped[p]) && std::get<1>(capped[q]) == std::get<1>(capped[p]))
      sum += std::get<2>(capped[q++]);
    if (sum > policy.rules[static_cast<std::size_t>(std::get<0>(capped[p]))].cap_per_koc)
      fail(m, "KOC " + std::to_string(std::get<1>(capped[p])) + " paid above the cap");
    p = q;
  }
  std::vector<wide> camp_net(policy.campaign_budgets.size(), 0);
  std::vector<std::uint8_t> camp_cut(policy.campaign_budgets.size(), 0);
  for (std::size_t t = 0; t < task_net.size(); ++t) {
    const std::int64_t budget = detail::opt(tasks.budget, t, std::int64_t{-1});
    const wide left = budget >= 0 ? budget_left(budget, task_earlier[t]) : -1;  // the budget itself when nothing was spent before
    if (budget >= 0 && task_after_task_cut[t] > left) fail(m, "task " + std::to_string(tasks.task_id[t]) + " paid above its budget");
    if (task_cut[t] && task_after_task_cut[t] != left) fail(m, "task " + std::to_string(tasks.task_id[t]) + " cut but not paid its budget exactly");
    const std::int64_t camp = detail::opt(tasks.campaign_id, t, std::int64_t{-1});
    const currency_id cur = policy.rules[static_cast<std::size_t>(tasks.rule[t])].currency;
    for (std::size_t b = 0; b < policy.campaign_budgets.size(); ++b)
      if (camp >= 0 && policy.campaign_budgets[b].campaign == camp && policy.campaign_budgets[b].currency == cur) camp_net[b] += task_net[t];
  }
  for (std::size_t l = 0; l < m; ++l)
    if (L.kind[l] == line_kind::budget_cut && (L.aux[l] & 1) == 1)
      for (std::size_t b = 0; b < policy.campaign_budgets.size(); ++b)
        if (policy.campaign_budgets[b].campaign == L.campaign_id[l] && policy.campaign_budgets[b].currency == L.currency[l]) camp_cut[b] = 1;
  for (std::size_t b = 0; b < camp_net.size(); ++b) {
    const wide left = budget_left(policy.campaign_budgets[b].amount, camp_earlier[b]);
    if (camp_net[b] > left) fail(m, "campaign " + std::to_string(policy.campaign_budgets[b].campaign) + " paid above its budget");
    if (camp_cut[b] && camp_net[b] != left)
      fail(m, "campaign " + std::to_string(policy.campaign_budgets[b].campaign) + " cut but not paid its budget exactly");
  }
  // Rule priority: once a priority level of a campaign is cut, no later level may be paid anything.
  const auto task_priority = [&](std::int64_t task_id) {
    return policy.rules[static_cast<std::size_t>(tasks.rule[static_cast<std::size_t>(task_index.find(task_id))])].budget_priority;
  };
  const auto budget_of = [&](std::int64_t task_id, std::int64_t currency) -> std::int32_t {
    const auto t = static_cast<std::size_t>(task_index.find(task_id));
    const std::int64_t camp = detail::opt(tasks.campaign_id, t, std::int64_t{-1});
    for (std::size_t b = 0; b < policy.campaign_budgets.size(); ++b)
      if (camp >= 0 && policy.campaign_budgets[b].campaign == camp && policy.campaign_budgets[b].currency == currency)
        return static_cast<std::int32_t>(b);
    return -1;
  };
  std::vector<std::int32_t> first_cut_level(policy.campaign_budgets.size(), std::numeric_limits<std::int32_t>::max());
  for (std::size_t l = 0; l < m; ++l)
    if (L.kind[l] == line_kind::budget_cut && (L.aux[l] & 1) == 1 && task_index.find(L.task_id[l]) >= 0) {
      const std::int32_t b = budget_of(L.task_id[l], L.currency[l]);
      if (b >= 0) first_cut_level[static_cast<std::size_t>(b)] = std::min(first_cut_level[static_cast<std::size_t>(b)], task_priority(L.task_id[l]));
    }
  std::sort(nets.begin(), nets.end());
  for (std::size_t p = 0; p < nets.size();) {
    std::size_t q = p;
    wide sum = 0;
    while (q < nets.size() && std::get<0>(nets[q]) == std::get<0>(nets[p]) && std::get<1>(nets[q]) == std::get<1>(nets[p]) &&
           std::get<2>(nets[q]) == std::get<2>(nets[p]))
      sum += std::get<3>(nets[q++]);
    if (sum < 0) fail(m, "KOC " + std::to_string(std::get<0>(nets[p])) + " nets a negative amount on task " + std::to_string(std::get<1>(nets[p])));
    if (sum > 0) {
      const std::int32_t b = budget_of(std::get<1>(nets[p]), std::get<2>(nets[p]));
      if (b >= 0 && policy.campaign_budgets[static_cast<std::size_t>(b)].reduction == budget_reduction::rule_priority &&
          task_priority(std::get<1>(nets[p])) > first_cut_level[static_cast<std::size_t>(b)])
        fail(m, "KOC " + std::to_string(std::get<0>(nets[p])) + " paid on task " + std::to_string(std::get<1>(nets[p])) +
                    " although a higher budget priority of its campaign was cut");
    }
    p = q;
  }
  return ck;
}

/// verify for a ledger computed without earlier runs (compute_ledger).
inline ledger_check verify(const reward_policy& policy, const reward_tasks& tasks, const reward_assignments& asg,
                           const reward_completions& done, const reward_kocs& kocs, const reward_ledger& L) {
  return verify(policy, tasks, asg, done, kocs, settled_ledger{}, L);
}

}  // namespace koc

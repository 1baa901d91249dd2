// The rewards ledger's tables: the input columns (tasks, assignments, completions, KOCs, awards), the
// ledger's lines and their kinds and reasons, the options, and the settled lines of earlier runs. What
// each column means, with units, is in ledger.hpp, which computes the ledger from them.
#pragma once

#include <koc/rewards/money.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace koc {

inline constexpr std::int64_t no_deadline = std::numeric_limits<std::int64_t>::max();

struct reward_tasks {
  span<const std::int64_t> task_id;
  span<const std::int32_t> rule;
  span<const std::int64_t> campaign_id;   ///< optional
  span<const std::int64_t> window_start;  ///< optional
  span<const std::int64_t> window_end;    ///< optional: the deadline
  span<const std::int32_t> period_days;   ///< optional
  span<const std::int64_t> budget;        ///< optional

  /// The columns in the order the checks read them: f(name, column, role). The one list of the table's
  /// columns, read by the checks and the bindings.
  template <class Self, class F>
  static void for_each_column(Self& t, F&& f) {
    f("task_id", t.task_id, column_role::key);
    f("rule", t.rule, column_role::required);
    f("campaign_id", t.campaign_id, column_role::optional);
    f("window_start", t.window_start, column_role::optional);
    f("window_end", t.window_end, column_role::optional);
    f("period_days", t.period_days, column_role::optional);
    f("budget", t.budget, column_role::optional);
  }
};

struct reward_assignments {
  span<const std::int64_t> koc_id;
  span<const std::int64_t> task_id;

  template <class Self, class F>
  static void for_each_column(Self& t, F&& f) {  // as reward_tasks::for_each_column
    f("koc_id", t.koc_id, column_role::key);
    f("task_id", t.task_id, column_role::required);
  }
};

struct reward_completions {
  span<const std::int64_t> assignment;
  span<const std::int64_t> delivered_at;
  span<const std::uint8_t> accepted;
  span<const double> quality;          ///< optional
  span<const std::int64_t> views;      ///< optional
  span<const std::int64_t> interactions;  ///< optional
  span<const std::int32_t> days_served;   ///< optional
  span<const double> duty_fulfilment;     ///< optional
  span<const std::int32_t> days_on_site;  ///< optional
  span<const std::int64_t> travel_claimed;  ///< optional

  template <class Self, class F>
  static void for_each_column(Self& t, F&& f) {  // as reward_tasks::for_each_column
    f("assignment", t.assignment, column_role::key);
    f("delivered_at", t.delivered_at, column_role::required);
    f("accepted", t.accepted, column_role::required);
    f("quality", t.quality, column_role::optional);
    f("views", t.views, column_role::optional);
    f("interactions", t.interactions, column_role::optional);
    f("days_served", t.days_served, column_role::optional);
    f("duty_fulfilment", t.duty_fulfilment, column_role::optional);
    f("days_on_site", t.days_on_site, column_role::optional);
    f("travel_claimed", t.travel_claimed, column_role::optional);
  }
};

struct reward_kocs {
  span<const std::int64_t> koc_id;
  span<const std::int32_t> tier;      ///< optional (all -1)
  span<const std::string> ladder;     ///< tier names; optional

  template <class Self, class F>
  static void for_each_column(Self& t, F&& f) {  // the row columns (not the ladder), as reward_tasks'
    f("koc_id", t.koc_id, column_role::key);
    f("tier", t.tier, column_role::optional);
  }
};

/// Process-award winners per campaign, as data: the jury's decision for one campaign, one row per (campaign,
/// award, KOC), instead of KOC ids written into the policy (which pays them in every campaign of the rule).
///   campaign_id  int64   the campaign (a campaign of the tasks)
///   award        string  the award's name in the rule's process_awards ("best idea")
///   koc_id       int64   the winner: must have an accepted completion in that campaign under that rule
///   rule         string  optional: the rule id, needed only when two campaign rules of the campaign have an
///                        award of that name
/// With a table, the policy's awards must not list winners. Errors name the row and "awards.<column>".
struct reward_awards {
  span<const std::int64_t> campaign_id;
  span<const std::string> award;
  span<const std::int64_t> koc_id;
  span<const std::string> rule;  ///< optional

  std::size_t size() const noexcept { return koc_id.size(); }
};

enum class line_kind : std::uint8_t {
  fixed,          ///< fixed reward per completion (points or money)
  speed_bonus,    ///< first-N / within-hours bonus
  base,           ///< campaign base per deliverable
  process_award,  ///< named campaign award
  prize,          ///< share of a campaign prize pool
  retainer,       ///< prorated retainer fee
  creation_fee,   ///< amplification base fee
  step_bonus,     ///< amplification step crossed
  day_fee,        ///< offline fee for the days on site
  travel,         ///< offline travel reimbursement
  entitlement,    ///< title / badge / privilege; amount 0
  cap_cut,        ///< negative: per-KOC cap reached
  budget_cut,     ///< negative: task or campaign budget exceeded (the shortfall)
  no_reward,      ///< amount 0: why this completion / KOC / task earned nothing
};
inline const char* line_kind_name(line_kind k) noexcept {
  static const char* const names[] = {"fixed", "speed_bonus", "base", "process_award", "prize", "retainer", "creation_fee",
                                      "step_bonus", "day_fee", "travel", "entitlement", "cap_cut", "budget_cut", "no_reward"};
  return names[static_cast<int>(k)];
}

/// On money lines: which quality gate scaled the line. On no_reward lines: why nothing was earned.
/// settled: every line of the completion was paid by an earlier run (settle_ledger).
enum class line_reason : std::uint8_t { none, rejected, late, nothing_due, no_completion, settled };
inline const char* line_reason_name(line_reason r) noexcept {
  static const char* const names[] = {"none", "rejected", "late", "nothing_due", "no_completion", "settled"};
  return names[static_cast<int>(r)];
}

struct reward_ledger {
  /// Names for `rule`: policy rule ids (same indices) then "tier:<name>" per policy tier.
  std::vector<std::string> rule_names;
  std::vector<std::int64_t> koc_id;       ///< -1 on a task's no_completion line
  std::vector<std::int64_t> task_id;      ///< -1 on tier entitlements and a KOC's no_completion line
  std::vector<std::int64_t> campaign_id;  ///< the task's campaign, -1 none
  std::vector<std::int64_t> completion;   ///< completion row, -1 for lines not tied to one
  std::vector<std::int32_t> rule;         ///< index into rule_names, -1 none
  std::vector<line_kind> kind;
  std::vector<line_reason> reason;
  std::vector<currency_id> currency;      ///< no_currency on entitlement / no_reward lines
  std::vector<std::int64_t> amount;       ///< minor units; negative only for cap_cut / budget_cut
  // What explain_line needs (meaning per kind; see explain_line):
  std::vector<std::int64_t> gross;        ///< amount before gates, tier and rounding
  std::vector<std::int64_t> basis;        ///< the quantity behind the line (views, days, rank, budget...)
  std::vector<std::int64_t> aux;          ///< rule-specific detail (step index, entitlement index...)
  std::vector<std::int32_t> gate_bp;      ///< quality gate applied (10000 = none)
  std::vector<std::int32_t> tier_bp;      ///< tier multiplier applied (10000 = none)
  std::vector<std::string> explanation;   ///< filled only with ledger_options::explain
  // Run identity, so a stored ledger says which run wrote each line and what it was computed from:
  std::vector<std::string> run_ids;       ///< the runs' ids (ledger_options::run_id); one for a computed ledger
  std::vector<std::int32_t> run;          ///< per line, index into run_ids; empty = every line is run_ids[0]
  std::string koc_version;                ///< koc's version that computed it ("0.1.0")
  std::string policy_digest;              ///< reward_policy::digest of the policy used (empty: built in code)

  std::size_t size() const noexcept { return amount.size(); }
};

struct ledger_options {
  bool explain = true;  ///< build `explanation` eagerly (about 10x the cost of the numbers)
  std::string run_id;   ///< the caller's name for this run ("2026-06"), written on every line (run column)

  ledger_options() = default;
  // Not explicit: `{false}` and `{true, "2026-06"}` read as options, as they did before run_id existed.
  ledger_options(bool explain_lines, std::string run = {}) : explain(explain_lines), run_id(std::move(run)) {}  // NOLINT
};

/// What earlier runs settled: the lines of their ledgers, concatenated (append_ledger builds it from
/// reward_ledgers; a CRM passes the columns it stored). The settlement state of a programme: which
/// (KOC, task, line, step) was paid, how much of each per-KOC cap and each budget was used, which speed
/// places and which campaign prizes were given. Lines of KOCs, tasks and rules that the present run does
/// not know still count toward campaign budgets; the other columns of a ledger are not read.
///   koc_id, task_id, campaign_id  int64   as in reward_ledger (-1 none)
///   rule                           int32   index into rule_names, -1 none; matched to the policy's rules by id
///   rule_names                     string  the rule ids (and "tier:<name>") the rule column indexes
///   kind                           line_kind
///   currency                       currency_id (no_currency on entitlement / no_reward lines)
///   amount                         int64   minor units, as paid (cuts negative)
///   aux                            int64   as in reward_ledger (the step index of a step bonus...)
struct settled_ledger {
  span<const std::int64_t> koc_id, task_id, campaign_id;
  span<const std::int32_t> rule;
  span<const std::string> rule_names;
  span<const line_kind> kind;
  span<const currency_id> currency;
  span<const std::int64_t> amount, aux;

  std::size_t size() const noexcept { return amount.size(); }
};

/// The settled lines of one ledger (a view: `L` must outlive it).
inline settled_ledger settled_view(const reward_ledger& L) {
  settled_ledger s;
  s.koc_id = L.koc_id, s.task_id = L.task_id, s.campaign_id = L.campaign_id, s.rule = L.rule;
  s.rule_names = span<const std::string>(L.rule_names.data(), L.rule_names.size());
  s.kind = span<const line_kind>(L.kind.data(), L.kind.size());
  s.currency = span<const currency_id>(L.currency.data(), L.currency.size());
  s.amount = L.amount, s.aux = L.aux;
  return s;
}

/// Appends the lines of `delta` to `history` (rule names merged by id): the settlement state after a run
/// is the state before it with the run's lines appended.
inline void append_ledger(reward_ledger& history, const reward_ledger& delta) {
  std::vector<std::int32_t> to(delta.rule_names.size());
  for (std::size_t r = 0; r < delta.rule_names.size(); ++r) {
    const auto at = std::find(history.rule_names.begin(), history.rule_names.end(), delta.rule_names[r]);
    to[r] = static_cast<std::int32_t>(at - history.rule_names.begin());
    if (at == history.rule_names.end()) history.rule_names.push_back(delta.rule_names[r]);
  }
  const bool explained = history.explanation.size() == history.size() && delta.explanation.size() == delta.size();
  const auto add = [](auto& into, const auto& from) { into.insert(into.end(), from.begin(), from.end()); };
  add(history.koc_id, delta.koc_id), add(history.task_id, delta.task_id), add(history.campaign_id, delta.campaign_id);
  add(history.completion, delta.completion), add(history.kind, delta.kind), add(history.reason, delta.reason);
  add(history.currency, delta.currency), add(history.amount, delta.amount), add(history.gross, delta.gross);
  add(history.basis, delta.basis), add(history.aux, delta.aux), add(history.gate_bp, delta.gate_bp), add(history.tier_bp, delta.tier_bp);
  for (const std::int32_t r : delta.rule) history.rule.push_back(r < 0 ? r : to[static_cast<std::size_t>(r)]);
  if (history.run_ids.empty() && history.size() > delta.size()) history.run_ids.emplace_back();  // lines of an unnamed run
  std::vector<std::int32_t> run_to(delta.run_ids.size());
  for (std::size_t r = 0; r < delta.run_ids.size(); ++r) {
    const auto at = std::find(history.run_ids.begin(), history.run_ids.end(), delta.run_ids[r]);
    run_to[r] = static_cast<std::int32_t>(at - history.run_ids.begin());
    if (at == history.run_ids.end()) history.run_ids.push_back(delta.run_ids[r]);
  }
  // The run column: empty means every line is run 0, so write it out before lines of another run follow.
  if (history.run.empty()) history.run.assign(history.size() - delta.size(), 0);
  if (delta.run.empty()) history.run.insert(history.run.end(), delta.size(), delta.run_ids.empty() ? -1 : run_to[0]);
  else
    for (const std::int32_t r : delta.run) history.run.push_back(r < 0 ? r : run_to[static_cast<std::size_t>(r)]);
  if (explained) add(history.explanation, delta.explanation);
  else history.explanation.clear();
}

}  // namespace koc

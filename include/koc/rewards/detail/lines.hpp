// How the ledger's rules write lines: a line by named field, the per-task facts the rules read, and the
// sink that writes each line and keeps, per task, the total paid and the budgeted shares the budget
// passes read. Internal: the rule, prize and budget files beside this one write through it.
#pragma once

#include <koc/error.hpp>
#include <koc/rewards/detail/ledger_support.hpp>
#include <koc/rewards/ledger_tables.hpp>
#include <koc/rewards/money.hpp>
#include <koc/rewards/policy.hpp>

#include <cstdint>
#include <vector>

namespace koc {
namespace detail {

/// One ledger line as a rule writes it, field by field. `task` is a row of the task table (-1: a line of a
/// KOC alone), `completion` a row of the completions table (-1: none); a line with no money keeps the
/// defaults (no currency, amounts 0, gate and tier 100%).
struct line {
  std::int64_t koc = -1;
  std::int32_t task = -1;
  std::int64_t completion = -1;
  std::int32_t rule = -1;  ///< index in the policy's rules, or n_rules + tier for a tier entitlement
  line_kind kind = line_kind::no_reward;
  line_reason reason = line_reason::none;
  currency_id currency = no_currency;
  std::int64_t amount = 0, gross = 0, basis = 0, aux = 0;  ///< see reward_ledger
  std::int32_t gate_bp = 10000, tier_bp = 10000;
};

/// Per task row, what the main pass reads for each completion and line, side by side.
struct task_facts {
  const reward_rule* rule;
  std::int64_t id, campaign, deadline;
  std::int32_t rule_index, cap_slot, group;
  bool budgeted;
};

/// A line with an amount on a budgeted task (own budget or campaign budget): what the budget passes read.
struct budget_share {
  std::int64_t task_row, koc, amount;
};

/// Writes lines to the ledger, keeping per task the total paid and, for budgeted tasks, each line's share:
/// the budget passes then need no scan of the lines.
class line_sink {
 public:
  line_sink(ledger_writer& w, const std::vector<task_facts>& tasks, std::vector<std::int64_t>& task_total, std::vector<budget_share>& budgeted)
      : w_(w), tasks_(tasks), task_total_(task_total), budgeted_(budgeted) {}
  __attribute__((always_inline)) void push(const line& x) {
    if (x.task < 0) {
      w_.put(x.koc, -1, -1, x.completion, x.rule, x.kind, x.reason, x.currency, x.amount, x.gross, x.basis, x.aux, x.gate_bp, x.tier_bp);
      return;
    }
    const auto t = static_cast<std::size_t>(x.task);
    const task_facts& f = tasks_[t];
    w_.put(x.koc, f.id, f.campaign, x.completion, x.rule, x.kind, x.reason, x.currency, x.amount, x.gross, x.basis, x.aux, x.gate_bp,
           x.tier_bp);
    if (x.amount != 0) {
      task_total_[t] = add_or_throw(task_total_[t], x.amount, x.completion, "amount");
      if (f.budgeted) budgeted_.push_back({x.task, x.koc, x.amount});
    }
  }
  std::size_t size() const noexcept { return w_.size(); }

 private:
  ledger_writer& w_;
  const std::vector<task_facts>& tasks_;
  std::vector<std::int64_t>& task_total_;
  std::vector<budget_share>& budgeted_;
};

/// A campaign completion that ranks: its KOC, its quality in parts per million and its completion row.
struct campaign_entry {
  std::int64_t koc_id, ppm;
  std::int32_t comp;
};

}  // namespace detail
}  // namespace koc

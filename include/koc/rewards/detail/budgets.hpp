// Budgets: task budgets, then campaign budgets, applied after every other line (the rules are stated in
// ledger.hpp). Internal: settle_ledger calls cut_budgets last.
#pragma once

#include <koc/error.hpp>
#include <koc/rewards/detail/ledger_support.hpp>
#include <koc/rewards/detail/lines.hpp>
#include <koc/rewards/ledger_tables.hpp>
#include <koc/rewards/money.hpp>
#include <koc/rewards/policy.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace koc {
namespace detail {

/// The budgets, after every other line: a task whose lines (with an amount) exceed what its budget has
/// left is cut pro rata (largest remainder, by KOC), then a campaign budget over all its tasks' lines,
/// task cuts included, by the budget's reduction. Each cut is a budget_cut line (amount < 0; gross: the
/// scope's computed total; basis: the budget left; aux: the scope, bit 0 campaign, bit 1 earlier spend).
inline void cut_budgets(const reward_policy& policy, const reward_tasks& tasks, const std::vector<task_facts>& task_info,
                        const std::vector<std::int32_t>& task_cbudget, const std::vector<std::int64_t>& task_total,
                        const std::vector<budget_share>& budgeted, const settlement& S, line_sink& sink) {
  const std::size_t nt = tasks.task_id.size();
  // The lines of one over-budget scope, [first, last): merged per (task, KOC), paid, cut.
  const auto cut_scope = [&](budget_share* first, budget_share* last, std::int64_t budget, std::int64_t computed, std::int64_t scope_aux,
                             budget_reduction reduction) {
    if ((scope_aux & 1) == 0)  // one task: by KOC
      std::sort(first, last, [](const budget_share& a, const budget_share& b) { return a.koc < b.koc; });
    else
      std::sort(first, last, [&](const budget_share& a, const budget_share& b) {
        const std::int64_t ta = task_info[static_cast<std::size_t>(a.task_row)].id, tb = task_info[static_cast<std::size_t>(b.task_row)].id;
        return ta != tb ? ta < tb : a.koc < b.koc;
      });
    std::vector<budget_share> merged;
    for (const budget_share* up = first; up != last; ++up) {
      const budget_share& u = *up;
      if (!merged.empty() && merged.back().koc == u.koc && merged.back().task_row == u.task_row) merged.back().amount += u.amount;
      else merged.push_back(u);
    }
    std::vector<std::int64_t> w(merged.size());
    for (std::size_t p = 0; p < merged.size(); ++p) w[p] = std::max<std::int64_t>(0, merged[p].amount);
    std::vector<std::int64_t> paid;
    if (reduction == budget_reduction::pro_rata) {
      paid = split_largest_remainder(budget, w);
    } else {
      // Priority levels in ascending budget_priority: each level is paid in full while the budget lasts;
      // the first level that does not fit budget_shares what is left pro rata (largest remainder, in the
      // scope's order above), and every later level is cut to zero.
      const auto priority = [&](const budget_share& u) {
        return policy.rules[static_cast<std::size_t>(tasks.rule[static_cast<std::size_t>(u.task_row)])].budget_priority;
      };
      std::vector<std::int32_t> levels;
      for (const auto& u : merged) levels.push_back(priority(u));
      std::sort(levels.begin(), levels.end());
      levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
      paid.assign(merged.size(), 0);
      std::int64_t left = budget;
      for (const std::int32_t level : levels) {
        std::vector<std::size_t> at;
        std::vector<std::int64_t> lw;
        std::int64_t need = 0;
        for (std::size_t p = 0; p < merged.size(); ++p)
          if (priority(merged[p]) == level) at.push_back(p), lw.push_back(w[p]), need = checked_add(need, w[p], -1, "amount");
        const auto got = need <= left ? lw : split_largest_remainder(left, lw);
        for (std::size_t i = 0; i < at.size(); ++i) paid[at[i]] = got[i];
        left -= std::min(need, left);
      }
    }
    std::vector<std::int64_t> cuts(merged.size());
    for (std::size_t p = 0; p < merged.size(); ++p) cuts[p] = merged[p].amount - paid[p];
    for (std::size_t p = 0; p < merged.size(); ++p)
      if (cuts[p] != 0) {
        const auto t = static_cast<std::size_t>(merged[p].task_row);
        line x;
        x.koc = merged[p].koc, x.task = static_cast<std::int32_t>(t), x.rule = tasks.rule[t], x.kind = line_kind::budget_cut;
        x.currency = policy.rules[static_cast<std::size_t>(tasks.rule[t])].currency;
        x.amount = -cuts[p], x.gross = computed, x.basis = budget, x.aux = scope_aux;
        sink.push(x);
      }
  };
  {
    std::vector<std::uint8_t> over(nt, 0);
    bool any = false;
    std::vector<std::int64_t> task_left(nt, -1);  // what the budget has left for this run
    for (std::size_t t = 0; t < nt; ++t) {
      if (opt(tasks.budget, t, std::int64_t{-1}) < 0) continue;
      task_left[t] = S.any ? settlement::left(tasks.budget[t], S.task_spent[t]) : tasks.budget[t];
      if (task_total[t] > task_left[t]) over[t] = 1, any = true;
    }
    if (any) {
      // The over-budget tasks' lines (with an amount), bucketed by task (counting sort) in one array.
      std::vector<std::size_t> start(nt + 1, 0);
      for (const budget_share& u : budgeted)
        if (over[static_cast<std::size_t>(u.task_row)]) ++start[static_cast<std::size_t>(u.task_row) + 1];
      for (std::size_t t = 0; t < nt; ++t) start[t + 1] += start[t];
      std::vector<budget_share> units(start[nt]);
      {
        std::vector<std::size_t> pos(start.begin(), start.end() - 1);
        for (const budget_share& u : budgeted)
          if (over[static_cast<std::size_t>(u.task_row)]) units[pos[static_cast<std::size_t>(u.task_row)]++] = u;
      }
      for (std::size_t t = 0; t < nt; ++t)
        if (over[t])  // one rule per task: always pro rata
          cut_scope(units.data() + start[t], units.data() + start[t + 1], task_left[t], task_total[t], S.any && S.task_has_spend[t] ? 2 : 0,
                    budget_reduction::pro_rata);
    }
  }
  if (!policy.campaign_budgets.empty()) {
    std::vector<std::int64_t> camp_total(policy.campaign_budgets.size(), 0);
    for (std::size_t t = 0; t < nt; ++t)
      if (task_cbudget[t] >= 0)
        camp_total[static_cast<std::size_t>(task_cbudget[t])] = checked_add(camp_total[static_cast<std::size_t>(task_cbudget[t])], task_total[t], -1, "amount");
    bool any = false;
    std::vector<std::int64_t> camp_left(camp_total.size());
    for (std::size_t b = 0; b < camp_total.size(); ++b) {
      camp_left[b] = S.any ? settlement::left(policy.campaign_budgets[b].amount, S.campaign_spent[b]) : policy.campaign_budgets[b].amount;
      any = any || camp_total[b] > camp_left[b];
    }
    if (any) {
      // The over-budget campaigns' lines with an amount, task budget cuts included, in line order.
      std::vector<std::vector<budget_share>> units(camp_total.size());
      for (const budget_share& u : budgeted) {
        const std::int32_t b = task_cbudget[static_cast<std::size_t>(u.task_row)];
        if (b >= 0 && camp_total[static_cast<std::size_t>(b)] > camp_left[static_cast<std::size_t>(b)]) units[static_cast<std::size_t>(b)].push_back(u);
      }
      for (std::size_t b = 0; b < camp_total.size(); ++b)
        if (camp_total[b] > camp_left[b])
          cut_scope(units[b].data(), units[b].data() + units[b].size(), camp_left[b], camp_total[b], S.any && S.campaign_has_spend[b] ? 3 : 1,
                    policy.campaign_budgets[b].reduction);
    }
  }
}

}  // namespace detail
}  // namespace koc

// Campaign prizes and process awards: the campaign groups (rule, campaign), the awards table read into
// them, and the payment of each group's awards and prize pool once every completion is read (the rules
// of ranking, ties and splits are stated in ledger.hpp). Internal: settle_ledger calls them.
#pragma once

#include <koc/error.hpp>
#include <koc/rewards/detail/ledger_support.hpp>
#include <koc/rewards/detail/lines.hpp>
#include <koc/rewards/ledger_tables.hpp>
#include <koc/rewards/money.hpp>
#include <koc/rewards/policy.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace koc {
namespace detail {

/// The campaigns of a run. Campaign rules rank per (rule, campaign): group g is the g-th such pair in
/// ascending order; the awards table names each group's process-award winners.
struct campaign_groups {
  std::vector<std::pair<std::int32_t, std::int64_t>> key;  ///< (rule, campaign) per group, ascending
  /// Per group, the awards table's winners: (award index, KOC id, awards row), by award then row.
  std::vector<std::vector<std::tuple<std::size_t, std::int64_t, std::int64_t>>> table_winners;
  std::vector<std::int32_t> table_group;             ///< per awards row: its group
  std::vector<std::int32_t> task_group;              ///< per task row: its group, -1 under other rules
  std::vector<std::vector<campaign_entry>> entries;  ///< per group: accepted completions in row order (the main pass)
  /// (line, completion) of each campaign completion's no_reward line: dropped when the completion ranks.
  std::vector<std::pair<std::size_t, std::int64_t>> no_reward_lines;
};

/// Groups the campaign tasks and reads the awards table (each row to its group and award; throws on an
/// award no campaign rule has, an ambiguous one, or a winner listed twice).
inline campaign_groups group_campaigns(const reward_policy& policy, const reward_tasks& tasks, const reward_awards& awards) {
  const std::size_t nt = tasks.task_id.size(), nr = policy.rules.size();
  campaign_groups G;
  // Campaign ranking is per (rule, campaign): group g is the g-th such pair in ascending order, and its
  // entries are its accepted completions in row order.
  for (std::size_t t = 0; t < nt; ++t)
    if (policy.rules[static_cast<std::size_t>(tasks.rule[t])].kind == rule_kind::campaign)
      G.key.emplace_back(tasks.rule[t], opt(tasks.campaign_id, t, std::int64_t{-1}));
  std::sort(G.key.begin(), G.key.end());
  G.key.erase(std::unique(G.key.begin(), G.key.end()), G.key.end());
  // Process-award winners from the awards table, per group: (award index, KOC id, table row), sorted.
  G.table_winners.resize(G.key.size());
  G.table_group.assign(awards.size(), -1);
  const bool awards_table = awards.size() > 0 || !awards.campaign_id.empty();
  if (awards_table) {
    const std::size_t na_rows = awards.size();
    for (const auto& c : {std::make_pair(awards.campaign_id.size(), "campaign_id"), std::make_pair(awards.award.size(), "award")})
      if (c.first != na_rows)
        throw error(errc::length_mismatch, std::string("awards column ") + c.second + " has " + std::to_string(c.first) + " values, koc_id has " +
                                               std::to_string(na_rows), -1, std::string("awards.") + c.second);
    if (!awards.rule.empty() && awards.rule.size() != na_rows)
      throw error(errc::length_mismatch, "awards column rule has " + std::to_string(awards.rule.size()) + " values, koc_id has " +
                                             std::to_string(na_rows), -1, "awards.rule");
    for (std::size_t r = 0; r < nr; ++r)
      for (std::size_t a = 0; a < policy.rules[r].process_awards.size(); ++a)
        if (!policy.rules[r].process_awards[a].winners.empty())
          throw error(errc::invalid_argument, "rule '" + policy.rules[r].id + "' lists process-award winners in the policy and an awards "
                                              "table is given: name every winner in the table, per campaign", -1,
                      "rules[" + std::to_string(r) + "].process_awards[" + std::to_string(a) + "].winners");
    for (std::size_t k = 0; k < na_rows; ++k) {
      const auto row = static_cast<std::int64_t>(k);
      std::int32_t found = -1;
      std::size_t award_index = 0;
      for (std::size_t g = 0; g < G.key.size(); ++g) {
        if (G.key[g].second != awards.campaign_id[k]) continue;
        const reward_rule& rule = policy.rules[static_cast<std::size_t>(G.key[g].first)];
        if (!awards.rule.empty() && !awards.rule[k].empty() && rule.id != awards.rule[k]) continue;
        for (std::size_t a = 0; a < rule.process_awards.size(); ++a)
          if (rule.process_awards[a].name == awards.award[k]) {
            if (found >= 0)
              throw error(errc::invalid_argument, "two campaign rules of campaign " + std::to_string(awards.campaign_id[k]) + " have an award named '" +
                                                      awards.award[k] + "': say which in the rule column", row, "awards.rule");
            found = static_cast<std::int32_t>(g), award_index = a;
          }
      }
      if (found < 0)
        throw error(errc::unknown_name, "no task of campaign " + std::to_string(awards.campaign_id[k]) + " is under a campaign rule with an award named '" +
                                            awards.award[k] + "'", row, "awards.award");
      for (const auto& w : G.table_winners[static_cast<std::size_t>(found)])
        if (std::get<0>(w) == award_index && std::get<1>(w) == awards.koc_id[k])
          throw error(errc::duplicate_id, "KOC " + std::to_string(awards.koc_id[k]) + " is listed twice for award '" + awards.award[k] +
                                              "' in campaign " + std::to_string(awards.campaign_id[k]), row, "awards.koc_id");
      G.table_winners[static_cast<std::size_t>(found)].emplace_back(award_index, awards.koc_id[k], row);
      G.table_group[k] = found;
    }
    for (auto& w : G.table_winners) std::sort(w.begin(), w.end(), [](const auto& x, const auto& y) {
      return std::get<0>(x) != std::get<0>(y) ? std::get<0>(x) < std::get<0>(y) : std::get<2>(x) < std::get<2>(y);
    });
  }
  G.task_group.assign(nt, -1);
  for (std::size_t t = 0; t < nt; ++t)
    if (policy.rules[static_cast<std::size_t>(tasks.rule[t])].kind == rule_kind::campaign)
      G.task_group[t] = static_cast<std::int32_t>(
          std::lower_bound(G.key.begin(), G.key.end(), std::make_pair(tasks.rule[t], opt(tasks.campaign_id, t, std::int64_t{-1}))) -
          G.key.begin());
  G.entries.resize(G.key.size());
  return G;
}

/// Pays each campaign group's process awards (in policy order, winners in listed order, each to the
/// winner's best completion) and prize pool (top places by quality, ties share), unless an earlier run
/// judged the group; then drops the no_reward lines of completions that ranked, and throws for a named
/// winner without an accepted completion.
inline void pay_campaigns(const reward_policy& policy, const reward_tasks& tasks, const reward_awards& awards, campaign_groups& G,
                          const settlement& S, const std::int32_t* c_task, ledger_writer& W, reward_ledger& L, line_sink& sink) {
  const std::size_t nt = tasks.task_id.size(), nr = policy.rules.size();
  std::vector<std::uint8_t> table_paid(awards.size(), 0);
  const std::size_t first_campaign_line = W.size();
  std::vector<std::vector<std::uint8_t>> award_paid(nr);
  for (std::size_t r = 0; r < nr; ++r)
    for (const auto& aw : policy.rules[r].process_awards) award_paid[r].resize(award_paid[r].size() + aw.winners.size(), 0);
  // Ranking order: higher quality first, then the lower completion row (a total order: rows are unique).
  const auto better = [](const campaign_entry& x, const campaign_entry& y) { return x.ppm != y.ppm ? x.ppm > y.ppm : x.comp < y.comp; };
  std::vector<campaign_entry> ranked;  // each KOC's best entry, in ranking order
  std::vector<std::pair<std::int64_t, std::size_t>> by_koc;
  // Fills `ranked` with the first `places` KOCs of the group and every KOC tied with the last of them
  // (all of them if fewer): only those can win a place. Selects the k best entries (nth_element), keeps
  // each KOC's first, and doubles k until the k-th entry ranks strictly below the last needed place
  // (k reaches E.size() after at most log2(E.size() / 64) + 1 doublings, and stops there).
  const auto rank_top = [&](std::vector<campaign_entry>& E, std::size_t places) {
    std::size_t k = std::min(E.size(), std::max<std::size_t>(64, 4 * places));
    for (;;) {
      if (k < E.size()) std::nth_element(E.begin(), E.begin() + static_cast<std::ptrdiff_t>(k), E.end(), better);
      std::sort(E.begin(), E.begin() + static_cast<std::ptrdiff_t>(k), better);
      by_koc.clear();
      for (std::size_t p = 0; p < k; ++p) by_koc.emplace_back(E[p].koc_id, p);
      std::sort(by_koc.begin(), by_koc.end());
      std::vector<std::uint8_t> first_of_koc(k, 0);
      for (std::size_t p = 0; p < k; ++p)
        if (p == 0 || by_koc[p].first != by_koc[p - 1].first) first_of_koc[by_koc[p].second] = 1;
      ranked.clear();
      for (std::size_t p = 0; p < k; ++p)
        if (first_of_koc[p]) ranked.push_back(E[p]);
      if (k == E.size() || (places > 0 && ranked.size() >= places && E[k - 1].ppm < ranked[places - 1].ppm)) return;
      k = std::min(E.size(), 2 * k);
    }
  };
  for (std::size_t g = 0; g < G.key.size(); ++g) {
    std::vector<campaign_entry>& entries = G.entries[g];
    if (entries.empty()) continue;
    const std::int32_t ri = G.key[g].first;
    const reward_rule& rule = policy.rules[static_cast<std::size_t>(ri)];
    if (S.any && S.prize_settled(ri, G.key[g].second)) {  // judged by an earlier run: its winners were paid then
      for (const auto& w : G.table_winners[g]) table_paid[static_cast<std::size_t>(std::get<2>(w))] = 1;
      std::size_t slot = 0;
      for (const auto& aw : rule.process_awards)
        for (std::int64_t w : aw.winners) {
          for (const auto& x : entries)
            if (x.koc_id == w) award_paid[static_cast<std::size_t>(ri)][slot] = 1;
          ++slot;
        }
      continue;
    }
    const auto line_for = [&](const campaign_entry& x, line_kind kind, std::int64_t amount, std::int64_t basis, std::int64_t aux) {
      if (amount == 0) return;
      line l;
      l.koc = x.koc_id, l.task = c_task[static_cast<std::size_t>(x.comp)], l.completion = x.comp, l.rule = ri;
      l.kind = kind, l.currency = rule.currency, l.amount = amount, l.gross = amount, l.basis = basis, l.aux = aux;
      sink.push(l);
    };
    // Process awards in policy order, winners in listed order (the table's, or the policy's), each to the
    // winner's best completion.
    for (const auto& w : G.table_winners[g]) {
      const campaign_entry* best = nullptr;
      for (const auto& x : entries)
        if (x.koc_id == std::get<1>(w) && (!best || better(x, *best))) best = &x;
      if (best) {
        const std::size_t a = std::get<0>(w);
        line_for(*best, line_kind::process_award, rule.process_awards[a].amount, 0, static_cast<std::int64_t>(a));
        table_paid[static_cast<std::size_t>(std::get<2>(w))] = 1;
      }
    }
    std::size_t slot = 0;
    for (std::size_t a = 0; a < rule.process_awards.size(); ++a)
      for (std::int64_t w : rule.process_awards[a].winners) {
        const campaign_entry* best = nullptr;
        for (const auto& x : entries)
          if (x.koc_id == w && (!best || better(x, *best))) best = &x;
        if (best) { line_for(*best, line_kind::process_award, rule.process_awards[a].amount, 0, static_cast<std::int64_t>(a)); award_paid[static_cast<std::size_t>(ri)][slot] = 1; }
        ++slot;
      }
    if (rule.prize.split == prize_split::none || rule.prize.amount == 0) continue;
    rank_top(entries, rule.prize.split == prize_split::proportional ? static_cast<std::size_t>(std::max(0, rule.prize.top_n)) : rule.prize.shares_bp.size());
    if (rule.prize.split == prize_split::proportional) {
      std::size_t m = std::min(ranked.size(), static_cast<std::size_t>(rule.prize.top_n));  // top_n >= 1
      while (m < ranked.size() && ranked[m].ppm == ranked[m - 1].ppm) ++m;
      std::vector<std::int64_t> w(m);
      for (std::size_t p = 0; p < m; ++p) w[p] = ranked[p].ppm;
      const auto parts = split_largest_remainder(rule.prize.amount, w);
      std::int64_t place = 1;
      for (std::size_t p = 0; p < m; ++p) {
        if (p > 0 && ranked[p].ppm != ranked[p - 1].ppm) place = static_cast<std::int64_t>(p) + 1;
        line_for(ranked[p], line_kind::prize, parts[p], ranked[p].ppm, place);
      }
    } else {
      const auto& shares = rule.prize.shares_bp;
      std::vector<std::pair<std::size_t, std::size_t>> groups;  // [begin, end) of tied places that hold a share
      std::vector<std::int64_t> gw;
      for (std::size_t p = 0; p < ranked.size() && p < shares.size();) {  // p = q > p: |ranked| steps
        std::size_t q = p + 1;
        while (q < ranked.size() && ranked[q].ppm == ranked[p].ppm) ++q;
        std::int64_t s = 0;
        for (std::size_t z = p; z < q && z < shares.size(); ++z) s += shares[z];
        groups.emplace_back(p, q);
        gw.push_back(s);
        p = q;
      }
      const auto gparts = split_largest_remainder(rule.prize.amount, gw);
      for (std::size_t gi = 0; gi < groups.size(); ++gi) {
        const auto members = split_largest_remainder(gparts[gi], std::vector<std::int64_t>(groups[gi].second - groups[gi].first, 0));
        for (std::size_t p = groups[gi].first; p < groups[gi].second; ++p)
          line_for(ranked[p], line_kind::prize, members[p - groups[gi].first], ranked[p].ppm, static_cast<std::int64_t>(groups[gi].first) + 1);
      }
    }
  }
  // A completion that earned nothing itself but ranks for an award or a prize got its no_reward line
  // above, before the ranking was known: drop that line, since "nothing lost" is for completions with no
  // line at all (found by fuzz_reward_policy). Only campaign completions rank, and their no_reward lines
  // were noted as they were written. No other line index is kept before this point.
  if (W.size() > first_campaign_line && !G.no_reward_lines.empty()) {
    W.sync();
    std::vector<std::int64_t> ranked_rows(L.completion.begin() + static_cast<std::ptrdiff_t>(first_campaign_line), L.completion.end());
    std::sort(ranked_rows.begin(), ranked_rows.end());
    std::vector<std::uint8_t> keep;
    for (const auto& nr_line : G.no_reward_lines)
      if (std::binary_search(ranked_rows.begin(), ranked_rows.end(), nr_line.second)) {
        if (keep.empty()) keep.assign(L.size(), 1);
        keep[nr_line.first] = 0;
      }
    const auto compact = [&](auto& column) {
      std::size_t w = 0;
      for (std::size_t l = 0; l < column.size(); ++l)
        if (keep[l]) column[w++] = column[l];
      column.resize(w);
    };
    if (!keep.empty()) {
      compact(L.koc_id), compact(L.task_id), compact(L.campaign_id), compact(L.completion), compact(L.rule);
      compact(L.kind), compact(L.reason), compact(L.currency), compact(L.amount), compact(L.gross), compact(L.basis);
      compact(L.aux), compact(L.gate_bp), compact(L.tier_bp);
    }
    W.resume();
  }
  for (std::size_t k = 0; k < table_paid.size(); ++k)
    if (!table_paid[k]) {
      const auto g = static_cast<std::size_t>(G.table_group[k]);
      if (S.any && S.prize_settled(G.key[g].first, G.key[g].second)) continue;  // judged before
      throw error(errc::unknown_id, "award winner " + std::to_string(awards.koc_id[k]) + " has no accepted completion in campaign " +
                                        std::to_string(awards.campaign_id[k]) + " under rule '" +
                                        policy.rules[static_cast<std::size_t>(G.key[g].first)].id + "'",
                  static_cast<std::int64_t>(k), "awards.koc_id");
    }
  std::vector<std::uint8_t> rule_used(nr, 0);
  for (std::size_t t = 0; t < nt; ++t) rule_used[static_cast<std::size_t>(tasks.rule[t])] = 1;
  for (std::size_t r = 0; r < nr; ++r) {
    if (!rule_used[r]) continue;  // a rule no task uses pays nobody: its winners are not errors
    std::size_t slot = 0;
    for (std::size_t a = 0; a < policy.rules[r].process_awards.size(); ++a)
      for (std::size_t w = 0; w < policy.rules[r].process_awards[a].winners.size(); ++w, ++slot)
        if (!award_paid[r][slot])
          throw error(errc::unknown_id, "process award winner " + std::to_string(policy.rules[r].process_awards[a].winners[w]) +
                                            " has no accepted completion in any campaign of rule '" + policy.rules[r].id + "'",
                      -1, "rules[" + std::to_string(r) + "].process_awards[" + std::to_string(a) + "].winners[" + std::to_string(w) + "]");
  }

}

}  // namespace detail
}  // namespace koc

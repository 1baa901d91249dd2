// Points balances: what each KOC holds, after expiry and redemptions, in exact integer points.
//
//   koc::points_lots earned{koc_id, amount, earned_at};      // the ledgers' points lines, dated
//   koc::points_redemptions spent{koc_id, amount, at};       // what KOCs redeemed in the CRM's shop
//   koc::points_balance_table b = koc::points_balances(policy, earned, spent, as_of);
//
// INPUT (unix seconds; ids any int64):
//   points_lots          one row per ledger line in points (currency PTS), cut lines included: koc_id,
//                        amount (points; negative on cuts), earned_at (when the run that paid it happened).
//                        Lines of one KOC with the same earned_at form one lot (a cut nets with what it cut).
//   points_redemptions   koc_id, amount (> 0), at: points a KOC spent.
// RULES:
//   expiry       a lot expires policy.points_expire_after_days days after earned_at, or at
//                policy.points_expire_at; never when the policy sets neither.
//   redemptions  in time order (ties: input order) each spends from the KOC's unexpired lots earned at or
//                before it, the lot that expires first first (then the older); a redemption larger than
//                what the KOC holds then is an error naming its row.
//   as_of        lots earned after as_of are not counted; redemptions after as_of are an error.
// OUTPUT: one row per KOC with lots or redemptions, ascending koc_id: earned, expired, redeemed, balance
// (earned = expired + redeemed + balance, exactly), next_expiry_at (unix seconds, or no_expiry) and
// next_expiry_amount (points that expire then). Deterministic; O((L + R) log(L + R)).
#pragma once

#include <koc/error.hpp>
#include <koc/rewards/money.hpp>
#include <koc/rewards/policy.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

namespace koc {

inline constexpr std::int64_t no_expiry = std::numeric_limits<std::int64_t>::max();

struct points_lots {
  span<const std::int64_t> koc_id, amount, earned_at;
};
struct points_redemptions {
  span<const std::int64_t> koc_id, amount, at;
};
struct points_balance_table {
  std::vector<std::int64_t> koc_id, earned, expired, redeemed, balance, next_expiry_at, next_expiry_amount;
  std::size_t size() const noexcept { return koc_id.size(); }
};

/// The expiry time of points earned at `earned_at` under the policy (no_expiry = never).
inline std::int64_t points_expiry(const reward_policy& policy, std::int64_t earned_at) {
  if (policy.points_expire_after_days > 0) {
    std::int64_t t;
    if (__builtin_add_overflow(earned_at, std::int64_t{policy.points_expire_after_days} * 86400, &t)) return no_expiry;
    return t;
  }
  return policy.points_expire_at;
}

/// Balances as of `as_of` (see the header). Throws koc::error naming the row and field ("lots.<column>",
/// "redemptions.<column>").
inline points_balance_table points_balances(const reward_policy& policy, const points_lots& lots, const points_redemptions& spent,
                                            std::int64_t as_of) {
  const std::size_t nl = lots.koc_id.size(), nr = spent.koc_id.size();
  if (lots.amount.size() != nl || lots.earned_at.size() != nl)
    throw error(errc::length_mismatch, "lots columns differ in length", -1, lots.amount.size() != nl ? "lots.amount" : "lots.earned_at");
  if (spent.amount.size() != nr || spent.at.size() != nr)
    throw error(errc::length_mismatch, "redemptions columns differ in length", -1,
                spent.amount.size() != nr ? "redemptions.amount" : "redemptions.at");
  // Lots: (KOC, earned_at) netted, in that order; rows after as_of left out.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < nl; ++i)
    if (lots.earned_at[i] <= as_of) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(lots.koc_id[a], lots.earned_at[a]) < std::tie(lots.koc_id[b], lots.earned_at[b]);
  });
  struct lot {
    std::int64_t koc, earned_at, expires, left;
  };
  std::vector<lot> all;
  for (std::size_t p = 0; p < order.size();) {
    const std::size_t first = order[p];
    std::int64_t net = 0;
    for (; p < order.size() && lots.koc_id[order[p]] == lots.koc_id[first] && lots.earned_at[order[p]] == lots.earned_at[first]; ++p)
      net = checked_add(net, lots.amount[order[p]], static_cast<std::int64_t>(order[p]), "lots.amount");
    if (net < 0)
      throw error(errc::invalid_value, "KOC " + std::to_string(lots.koc_id[first]) + "'s points earned at " + std::to_string(lots.earned_at[first]) +
                                           " net to " + std::to_string(net) + " (cuts larger than what they cut)",
                  static_cast<std::int64_t>(first), "lots.amount");
    if (net > 0) all.push_back({lots.koc_id[first], lots.earned_at[first], points_expiry(policy, lots.earned_at[first]), net});
  }
  std::vector<std::size_t> red(nr);
  for (std::size_t i = 0; i < nr; ++i) {
    red[i] = i;
    if (spent.amount[i] <= 0) throw error(errc::invalid_value, "a redemption must be > 0 points", static_cast<std::int64_t>(i), "redemptions.amount");
    if (spent.at[i] > as_of)
      throw error(errc::out_of_range, "redemption at " + std::to_string(spent.at[i]) + " is after as_of " + std::to_string(as_of),
                  static_cast<std::int64_t>(i), "redemptions.at");
  }
  std::stable_sort(red.begin(), red.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(spent.koc_id[a], spent.at[a]) < std::tie(spent.koc_id[b], spent.at[b]);
  });
  points_balance_table out;
  std::size_t li = 0, ri = 0;
  while (li < all.size() || ri < red.size()) {
    const std::int64_t koc = ri >= red.size() || (li < all.size() && all[li].koc <= spent.koc_id[red[ri]]) ? all[li].koc : spent.koc_id[red[ri]];
    std::size_t lend = li;
    while (lend < all.size() && all[lend].koc == koc) ++lend;
    std::int64_t earned = 0, expired = 0, redeemed = 0;
    for (std::size_t l = li; l < lend; ++l) earned = checked_add(earned, all[l].left, -1, "lots.amount");
    // Lots of this KOC by (expiry, earned_at): the spending order.
    std::vector<lot*> by_expiry;
    for (std::size_t l = li; l < lend; ++l) by_expiry.push_back(&all[l]);
    std::stable_sort(by_expiry.begin(), by_expiry.end(),
                     [](const lot* a, const lot* b) { return std::tie(a->expires, a->earned_at) < std::tie(b->expires, b->earned_at); });
    for (; ri < red.size() && spent.koc_id[red[ri]] == koc; ++ri) {
      const std::size_t r = red[ri];
      const std::int64_t when = spent.at[r];
      std::int64_t need = spent.amount[r];
      std::int64_t held = 0;
      for (const lot* x : by_expiry)
        if (x->earned_at <= when && x->expires > when) held = checked_add(held, x->left, -1, "lots.amount");
      if (held < need)
        throw error(errc::out_of_range, "KOC " + std::to_string(koc) + " redeems " + std::to_string(need) + " points at " + std::to_string(when) +
                                            " but holds " + std::to_string(held) + " then", static_cast<std::int64_t>(r), "redemptions.amount");
      for (lot* x : by_expiry) {
        if (need == 0) break;
        if (x->earned_at > when || x->expires <= when || x->left == 0) continue;
        const std::int64_t take = std::min(need, x->left);
        x->left -= take, need -= take;
      }
      redeemed = checked_add(redeemed, spent.amount[r], static_cast<std::int64_t>(r), "redemptions.amount");
    }
    std::int64_t balance = 0, next_at = no_expiry, next_amount = 0;
    for (const lot* x : by_expiry) {
      if (x->expires <= as_of) { expired += x->left; continue; }
      balance += x->left;
      if (x->left > 0 && x->expires != no_expiry) {
        if (x->expires < next_at) next_at = x->expires, next_amount = 0;
        if (x->expires == next_at) next_amount += x->left;
      }
    }
    out.koc_id.push_back(koc), out.earned.push_back(earned), out.expired.push_back(expired), out.redeemed.push_back(redeemed);
    out.balance.push_back(balance), out.next_expiry_at.push_back(next_at), out.next_expiry_amount.push_back(next_amount);
    li = lend;
  }
  return out;
}

}  // namespace koc

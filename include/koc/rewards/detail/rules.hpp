// The rules of the ledger, one function per rule kind: the lines of one completion under a fixed,
// campaign, retainer, amplification, offline or identity rule (the rules are stated in ledger.hpp).
// completion_pay applies the quality gate, the tier multiplier and earlier settlement to every money line
// in one place. Internal: settle_ledger calls them per completion, in row order.
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

/// The lines of one completion. A rule's function below asks it for money lines: each is gated (late or
/// rejected work pays the policy's share) and multiplied by the KOC's tier, and skipped when an earlier run
/// settled it. `earned` sums what this completion's money lines paid (the per-KOC cap reads it).
struct completion_pay {
  line here;  ///< koc, task, completion and rule of every line of this completion
  line_reason gate_reason = line_reason::none;
  std::int32_t gate = 10000, tier = 10000;
  currency_id currency = no_currency;
  std::int64_t task_id = 0;
  const settlement* earlier = nullptr;  ///< null when nothing was settled before
  line_sink* sink = nullptr;
  std::int64_t earned = 0;
  bool settled_before = false;  ///< a line of this completion was settled by an earlier run

  bool is_settled(line_kind kind, std::int64_t aux) {
    if (earlier == nullptr || !earlier->settled(here.koc, task_id, kind, aux)) return false;
    settled_before = true;
    return true;
  }
  /// `gross` before the gate and the tier; `field` names the input behind it in an overflow error.
  __attribute__((always_inline)) void money(line_kind kind, std::int64_t gross, std::int64_t basis, std::int64_t aux, const char* field) {
    if (gross == 0 || is_settled(kind, aux)) return;
    const std::int64_t factor = static_cast<std::int64_t>(gate) * tier;
    const std::int64_t amount = factor == 100000000 ? gross : ratio_or_throw(gross, factor, 100000000, here.completion, field);
    if (amount == 0) return;
    earned = add_or_throw(earned, amount, here.completion, field);
    line x = here;
    x.kind = kind, x.reason = gate_reason, x.currency = currency;
    x.amount = amount, x.gross = gross, x.basis = basis, x.aux = aux, x.gate_bp = gate, x.tier_bp = tier;
    sink->push(x);
  }
  /// A line outside the gate and the tier (a cap cut, a travel refund, an entitlement).
  void plain(line_kind kind, std::int64_t amount, std::int64_t gross, std::int64_t basis, std::int64_t aux) {
    line x = here;
    x.kind = kind, x.aux = aux;
    if (amount != 0 || gross != 0) x.currency = currency, x.amount = amount, x.gross = gross, x.basis = basis;
    sink->push(x);
  }
};

// ---- one function per rule kind: the lines of one completion ------------------------------------

/// fixed: the task's amount; a speed bonus to the first N accepted deliveries (`speed_place`: this
/// completion's place among them, 0 if none) or to each one within `within_hours` of the window's start.
inline void fixed_lines(completion_pay& c, const reward_rule& rule, bool accepted, std::int64_t speed_place, std::int64_t delivered_at,
                        std::int64_t window_start) {
  c.money(line_kind::fixed, rule.amount, 0, 0, "amount");
  if (!accepted || rule.speed.amount <= 0) return;
  if (rule.speed.first_n > 0) {
    if (speed_place > 0) c.money(line_kind::speed_bonus, rule.speed.amount, speed_place, 0, "delivered_at");
    return;
  }
  std::int64_t since;
  if (!__builtin_sub_overflow(delivered_at, window_start, &since) && since <= rule.speed.within_hours * 3600)
    c.money(line_kind::speed_bonus, rule.speed.amount, since, 1, "delivered_at");
}

/// campaign: the base fee; an accepted completion enters its group's ranking (prizes and awards are paid
/// after every completion is read: pay_campaigns).
inline void campaign_lines(completion_pay& c, const reward_rule& rule, bool accepted, std::int64_t quality_ppm,
                           std::vector<campaign_entry>& group) {
  c.money(line_kind::base, rule.base, 0, 0, "accepted");
  if (accepted) group.push_back({c.here.koc, quality_ppm, static_cast<std::int32_t>(c.here.completion)});
}

/// retainer: the fee prorated by days served in the period and by duty fulfilment (basis points).
inline void retainer_lines(completion_pay& c, const reward_rule& rule, std::int64_t days, std::int64_t period, std::int64_t fulfilment_bp) {
  const std::int64_t prorated = ratio_or_throw(rule.fee, days * fulfilment_bp, period * 10000, c.here.completion, "days_served");
  c.money(line_kind::retainer, prorated, days, (period << 16) | fulfilment_bp, "days_served");
}

/// amplification: the creation fee and every step the metric reached; `cap_paid`: what the KOC was paid
/// under this rule so far when the rule caps it (null otherwise); the part over the cap is a cap_cut line.
inline void amplification_lines(completion_pay& c, const reward_rule& rule, std::int64_t metric, const char* field, std::int64_t* cap_paid) {
  c.money(line_kind::creation_fee, rule.base, 0, 0, "base");
  for (std::size_t s = 0; s < rule.steps.size() && metric >= rule.steps[s].threshold; ++s)
    c.money(line_kind::step_bonus, rule.steps[s].bonus, metric, static_cast<std::int64_t>(s), field);
  if (cap_paid == nullptr || c.earned <= 0) return;
  const std::int64_t room = std::max<std::int64_t>(0, rule.cap_per_koc - *cap_paid);
  if (c.earned > room) c.plain(line_kind::cap_cut, room - c.earned, c.earned, *cap_paid, 0);  // amount < 0, basis = paid before
  *cap_paid = add_or_throw(*cap_paid, std::min(c.earned, room), c.here.completion, "amount");
}

/// offline: the day fee (nothing when the gate pays 0%), and travel refunded up to the cap, never gated.
inline void offline_lines(completion_pay& c, const reward_rule& rule, std::int64_t days_on_site, std::int64_t travel_claimed) {
  if (c.gate > 0)
    c.money(line_kind::day_fee, mul_or_throw(rule.fee_per_day, days_on_site, c.here.completion, "days_on_site"), days_on_site, 0, "days_on_site");
  const std::int64_t refund = std::min(travel_claimed, rule.travel_cap);
  if (refund > 0 && !c.is_settled(line_kind::travel, 0)) c.plain(line_kind::travel, refund, refund, travel_claimed, 0);
}

/// Every accepted completion: the rule's entitlements (no money), each settled once.
inline void entitlement_lines(completion_pay& c, const reward_rule& rule) {
  for (std::size_t e = 0; e < rule.entitlements.size(); ++e)
    if (!c.is_settled(line_kind::entitlement, static_cast<std::int64_t>(e))) c.plain(line_kind::entitlement, 0, 0, 0, static_cast<std::int64_t>(e));
}

}  // namespace detail
}  // namespace koc

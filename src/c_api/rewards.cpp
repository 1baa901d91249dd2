// C ABI: money helpers, reward policies, the input tables of the ledger, and the ledger itself.
#include "guard.hpp"
#include "rewards_handles.hpp"

#include <koc/rewards/policy_json.hpp>

#include <cstring>
#include <limits>
#include <string_view>

using koc::c_api::c_enum;
using koc::c_api::fail;
using koc::c_api::guarded;
using koc::c_api::write_string;

static_assert(KOC_NO_CURRENCY == koc::no_currency, "KOC_NO_CURRENCY must mirror koc::no_currency");
static_assert(KOC_LINE_NO_REWARD == static_cast<int>(koc::line_kind::no_reward), "koc_line_kind must mirror koc::line_kind");
static_assert(KOC_LINE_BUDGET_CUT == static_cast<int>(koc::line_kind::budget_cut), "koc_line_kind must mirror koc::line_kind");
static_assert(KOC_LINE_REASON_NO_COMPLETION == static_cast<int>(koc::line_reason::no_completion) &&
                  KOC_LINE_REASON_SETTLED == static_cast<int>(koc::line_reason::settled),
              "koc_line_reason must mirror koc::line_reason");
static_assert(sizeof(koc::line_kind) == 1 && sizeof(koc::line_reason) == 1 && sizeof(koc::currency_id) == 1,
              "the ledger's code columns are handed out as uint8 arrays");

namespace {

koc_status check_len(std::size_t len, std::size_t n, const char* field, const char* table) {
  if (len != n)
    return fail(KOC_ERROR_LENGTH_MISMATCH,
                "column has " + std::to_string(len) + " rows, " + table + " has " + std::to_string(n), -1, field);
  return KOC_OK;
}

template <class T>
koc_status set(koc::span<const T>& target, const T* values, std::size_t len, std::size_t n, const char* field,
               const char* table) {
  if (len > 0 && values == nullptr) return fail(KOC_ERROR_NULL_POINTER, "values is NULL", -1, field);
  if (auto s = check_len(len, n, field, table)) return s;
  target = {values, len};
  return KOC_OK;
}

koc_status check_currency(uint8_t currency) {
  if (currency >= koc::currencies().size())
    return fail(KOC_ERROR_OUT_OF_RANGE, "currency index " + std::to_string(currency) + " is not in the currency table", -1,
                "currency");
  return KOC_OK;
}

const char* completion_column_name(koc_completion_column c) {
  switch (c_enum(c)) {
    case KOC_COMPLETION_QUALITY: return "quality";
    case KOC_COMPLETION_DUTY_FULFILMENT: return "duty_fulfilment";
    case KOC_COMPLETION_VIEWS: return "views";
    case KOC_COMPLETION_INTERACTIONS: return "interactions";
    case KOC_COMPLETION_TRAVEL_CLAIMED: return "travel_claimed";
    case KOC_COMPLETION_DAYS_SERVED: return "days_served";
    case KOC_COMPLETION_DAYS_ON_SITE: return "days_on_site";
  }
  return nullptr;
}

koc_status wrong_setter(koc_completion_column column, const char* type) {
  const char* name = completion_column_name(column);
  if (name == nullptr)
    return fail(KOC_ERROR_OUT_OF_RANGE, "unknown completion column " + std::to_string(c_enum(column)), -1, "column");
  return fail(KOC_ERROR_INVALID_ARGUMENT, std::string("column '") + name + "' is not of type " + type, -1, name);
}

koc_status set_ladder(koc_reward_kocs* kocs, const int32_t* tier, size_t len, std::vector<std::string>&& ladder) {
  if (auto s = set(kocs->view.tier, tier, len, kocs->view.koc_id.size(), "tier", "the KOC table")) return s;
  kocs->ladder = std::move(ladder);
  kocs->view.ladder = koc::span<const std::string>(kocs->ladder);
  return KOC_OK;
}

}  // namespace

extern "C" {

// ---- money ------------------------------------------------------------------------------------------

koc_status koc_currency_count(int32_t* n_currencies) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(n_currencies);
    *n_currencies = static_cast<int32_t>(koc::currencies().size());
    return KOC_OK;
  });
}

koc_status koc_currency_find(const char* code, size_t code_len, uint8_t* currency) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(currency);
    if (code_len > 0) KOC_REQUIRE(code);
    *currency = koc::find_currency(std::string_view(code_len > 0 ? code : "", code_len), -1, "code");
    return KOC_OK;
  });
}

koc_status koc_currency_code(uint8_t currency, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    if (auto s = check_currency(currency)) return s;
    return write_string(koc::currency_code(currency), buf, capacity, required);
  });
}

koc_status koc_currency_exponent(uint8_t currency, int32_t* exponent) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(exponent);
    if (auto s = check_currency(currency)) return s;
    *exponent = koc::currency_exponent(currency);
    return KOC_OK;
  });
}

koc_status koc_amount_parse(const char* text, size_t text_len, uint8_t currency, int64_t* minor_units) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(minor_units);
    if (text_len > 0) KOC_REQUIRE(text);
    if (auto s = check_currency(currency)) return s;
    *minor_units = koc::parse_amount(std::string_view(text_len > 0 ? text : "", text_len), currency, -1, "text");
    return KOC_OK;
  });
}

koc_status koc_amount_format(int64_t minor_units, uint8_t currency, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    if (auto s = check_currency(currency)) return s;
    return write_string(koc::format_amount(minor_units, currency), buf, capacity, required);
  });
}

// ---- policy -----------------------------------------------------------------------------------------

koc_status koc_reward_policy_from_json(const char* json, size_t json_len, koc_reward_policy** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(json);
    const std::string_view text(json, json_len);
    auto p = std::make_unique<koc_reward_policy>();
    p->policy = std::make_shared<const koc::reward_policy>(koc::parse_reward_policy(text));
    // The text parsed above, so this cannot fail; dump() sorts keys (nlohmann::json objects are maps).
    p->json = nlohmann::json::parse(text.begin(), text.end()).dump();
    *out = p.release();
    return KOC_OK;
  });
}

koc_status koc_reward_policy_to_json(const koc_reward_policy* policy, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    return write_string(policy->json, buf, capacity, required);
  });
}

koc_status koc_reward_policy_rule_count(const koc_reward_policy* policy, int32_t* n_rules) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    KOC_REQUIRE(n_rules);
    *n_rules = static_cast<int32_t>(policy->policy->rules.size());
    return KOC_OK;
  });
}

koc_status koc_reward_policy_rule_id(const koc_reward_policy* policy, int32_t rule, char* buf, size_t capacity,
                                     size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    if (rule < 0 || static_cast<std::size_t>(rule) >= policy->policy->rules.size())
      return fail(KOC_ERROR_OUT_OF_RANGE, "rule index " + std::to_string(rule) + " is not a rule of the policy", -1, "rule");
    return write_string(policy->policy->rules[static_cast<std::size_t>(rule)].id, buf, capacity, required);
  });
}

koc_status koc_reward_policy_find_rule(const koc_reward_policy* policy, const char* id, size_t id_len, int32_t* rule) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    KOC_REQUIRE(rule);
    if (id_len > 0) KOC_REQUIRE(id);
    const std::string_view name(id_len > 0 ? id : "", id_len);
    *rule = policy->policy->find_rule(name);
    if (*rule < 0) return fail(KOC_ERROR_UNKNOWN_NAME, "no rule with id '" + std::string(name) + "' in the policy", -1, "id");
    return KOC_OK;
  });
}

void koc_reward_policy_destroy(koc_reward_policy* policy) { delete policy; }

// ---- input tables -----------------------------------------------------------------------------------

koc_status koc_reward_tasks_create(const int64_t* task_id, const int32_t* rule, size_t n_tasks, koc_reward_tasks** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_tasks > 0) {
      KOC_REQUIRE(task_id);
      KOC_REQUIRE(rule);
    }
    auto t = std::make_unique<koc_reward_tasks>();
    t->view.task_id = {task_id, n_tasks};
    t->view.rule = {rule, n_tasks};
    *out = t.release();
    return KOC_OK;
  });
}

koc_status koc_reward_tasks_set_column(koc_reward_tasks* tasks, koc_reward_task_column column, const int64_t* values,
                                       size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(tasks);
    auto& v = tasks->view;
    const std::size_t n = v.task_id.size();
    switch (c_enum(column)) {
      case KOC_REWARD_TASK_CAMPAIGN_ID: return set(v.campaign_id, values, len, n, "campaign_id", "the task table");
      case KOC_REWARD_TASK_WINDOW_START: return set(v.window_start, values, len, n, "window_start", "the task table");
      case KOC_REWARD_TASK_WINDOW_END: return set(v.window_end, values, len, n, "window_end", "the task table");
      case KOC_REWARD_TASK_BUDGET: return set(v.budget, values, len, n, "budget", "the task table");
    }
    return fail(KOC_ERROR_OUT_OF_RANGE, "unknown task column " + std::to_string(c_enum(column)), -1, "column");
  });
}

koc_status koc_reward_tasks_set_period_days(koc_reward_tasks* tasks, const int32_t* period_days, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(tasks);
    return set(tasks->view.period_days, period_days, len, tasks->view.task_id.size(), "period_days", "the task table");
  });
}

void koc_reward_tasks_destroy(koc_reward_tasks* tasks) { delete tasks; }

koc_status koc_reward_assignments_create(const int64_t* koc_id, const int64_t* task_id, size_t n_assignments,
                                         koc_reward_assignments** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_assignments > 0) {
      KOC_REQUIRE(koc_id);
      KOC_REQUIRE(task_id);
    }
    auto a = std::make_unique<koc_reward_assignments>();
    a->view.koc_id = {koc_id, n_assignments};
    a->view.task_id = {task_id, n_assignments};
    *out = a.release();
    return KOC_OK;
  });
}

void koc_reward_assignments_destroy(koc_reward_assignments* assignments) { delete assignments; }

koc_status koc_reward_completions_create(const int64_t* assignment, const int64_t* delivered_at, const uint8_t* accepted,
                                         size_t n_completions, koc_reward_completions** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_completions > 0) {
      KOC_REQUIRE(assignment);
      KOC_REQUIRE(delivered_at);
      KOC_REQUIRE(accepted);
    }
    auto c = std::make_unique<koc_reward_completions>();
    c->view.assignment = {assignment, n_completions};
    c->view.delivered_at = {delivered_at, n_completions};
    c->view.accepted = {accepted, n_completions};
    *out = c.release();
    return KOC_OK;
  });
}

koc_status koc_reward_completions_set_double(koc_reward_completions* completions, koc_completion_column column,
                                             const double* values, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(completions);
    auto& v = completions->view;
    const std::size_t n = v.assignment.size();
    switch (c_enum(column)) {
      case KOC_COMPLETION_QUALITY: return set(v.quality, values, len, n, "quality", "the completion table");
      case KOC_COMPLETION_DUTY_FULFILMENT: return set(v.duty_fulfilment, values, len, n, "duty_fulfilment", "the completion table");
      default: return wrong_setter(column, "double");
    }
  });
}

koc_status koc_reward_completions_set_int64(koc_reward_completions* completions, koc_completion_column column,
                                            const int64_t* values, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(completions);
    auto& v = completions->view;
    const std::size_t n = v.assignment.size();
    switch (c_enum(column)) {
      case KOC_COMPLETION_VIEWS: return set(v.views, values, len, n, "views", "the completion table");
      case KOC_COMPLETION_INTERACTIONS: return set(v.interactions, values, len, n, "interactions", "the completion table");
      case KOC_COMPLETION_TRAVEL_CLAIMED: return set(v.travel_claimed, values, len, n, "travel_claimed", "the completion table");
      default: return wrong_setter(column, "int64");
    }
  });
}

koc_status koc_reward_completions_set_int32(koc_reward_completions* completions, koc_completion_column column,
                                            const int32_t* values, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(completions);
    auto& v = completions->view;
    const std::size_t n = v.assignment.size();
    switch (c_enum(column)) {
      case KOC_COMPLETION_DAYS_SERVED: return set(v.days_served, values, len, n, "days_served", "the completion table");
      case KOC_COMPLETION_DAYS_ON_SITE: return set(v.days_on_site, values, len, n, "days_on_site", "the completion table");
      default: return wrong_setter(column, "int32");
    }
  });
}

void koc_reward_completions_destroy(koc_reward_completions* completions) { delete completions; }

koc_status koc_reward_kocs_create(const int64_t* koc_id, size_t n_kocs, koc_reward_kocs** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_kocs > 0) KOC_REQUIRE(koc_id);
    auto k = std::make_unique<koc_reward_kocs>();
    k->view.koc_id = {koc_id, n_kocs};
    *out = k.release();
    return KOC_OK;
  });
}

koc_status koc_reward_kocs_set_tiers(koc_reward_kocs* kocs, const int32_t* tier, size_t len, const char* const* names,
                                     const size_t* name_lens, size_t n_names) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(kocs);
    std::vector<std::string> ladder;
    if (n_names > 0) {
      KOC_REQUIRE(names);
      KOC_REQUIRE(name_lens);
    }
    for (std::size_t i = 0; i < n_names; ++i) {
      if (names[i] == nullptr && name_lens[i] > 0)
        return fail(KOC_ERROR_NULL_POINTER, "ladder name is NULL", static_cast<std::int64_t>(i), "names");
      ladder.emplace_back(names[i] ? names[i] : "", name_lens[i]);
    }
    return set_ladder(kocs, tier, len, std::move(ladder));
  });
}

koc_status koc_reward_kocs_set_tiers_from_policy(koc_reward_kocs* kocs, const int32_t* tier, size_t len,
                                                 const koc_tier_policy* ladder) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(kocs);
    KOC_REQUIRE(ladder);
    std::vector<std::string> names;
    for (const auto& t : ladder->policy.tiers) names.push_back(t.name);
    return set_ladder(kocs, tier, len, std::move(names));
  });
}

void koc_reward_kocs_destroy(koc_reward_kocs* kocs) { delete kocs; }

koc_status koc_line_kind_name(koc_line_kind kind, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    const int k = c_enum(kind);
    if (k < 0 || k > KOC_LINE_NO_REWARD) return fail(KOC_ERROR_OUT_OF_RANGE, "unknown line kind " + std::to_string(k), -1, "kind");
    return write_string(koc::line_kind_name(static_cast<koc::line_kind>(k)), buf, capacity, required);
  });
}

koc_status koc_line_reason_name(koc_line_reason reason, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    const int r = c_enum(reason);
    if (r < 0 || r > KOC_LINE_REASON_SETTLED)
      return fail(KOC_ERROR_OUT_OF_RANGE, "unknown line reason " + std::to_string(r), -1, "reason");
    return write_string(koc::line_reason_name(static_cast<koc::line_reason>(r)), buf, capacity, required);
  });
}

// ---- the ledger -------------------------------------------------------------------------------------

namespace {

/// The one body of koc_ledger_compute and koc_ledger_settle (earlier == nullptr: nothing settled before).
koc_status ledger_settle(const koc_reward_policy* policy, const koc_reward_tasks* tasks, const koc_reward_assignments* assignments,
                         const koc_reward_completions* completions, const koc_reward_kocs* kocs, const koc_settled_lines* earlier,
                         const koc_award_winners* awards, const std::string& run_id, uint32_t flags, koc_ledger** out) {
  KOC_REQUIRE(out);
  *out = nullptr;
  KOC_REQUIRE(policy);
  KOC_REQUIRE(tasks);
  KOC_REQUIRE(assignments);
  KOC_REQUIRE(completions);
  KOC_REQUIRE(kocs);
  if (flags & ~KOC_LEDGER_EXPLAIN) return fail(KOC_ERROR_INVALID_ARGUMENT, "unknown flag bits", -1, "flags");
  auto L = std::make_unique<koc_ledger>();
  L->policy = policy->policy;
  const koc::settled_ledger none;
  const koc::reward_awards no_awards;
  L->ledger = koc::settle_ledger(*L->policy, tasks->view, assignments->view, completions->view, kocs->view,
                                 earlier ? earlier->view : none, awards ? awards->view : no_awards,
                                 koc::ledger_options{(flags & KOC_LEDGER_EXPLAIN) != 0, run_id});
  if (earlier && earlier->view.size() > 0) {  // the columns verify reads, copied: the caller's arrays are only borrowed
    const koc::settled_ledger& e = earlier->view;
    koc::reward_ledger& c = L->earlier;
    c.rule_names.assign(e.rule_names.begin(), e.rule_names.end());
    c.koc_id.assign(e.koc_id.begin(), e.koc_id.end()), c.task_id.assign(e.task_id.begin(), e.task_id.end());
    c.campaign_id.assign(e.campaign_id.begin(), e.campaign_id.end()), c.rule.assign(e.rule.begin(), e.rule.end());
    c.kind.assign(e.kind.begin(), e.kind.end()), c.currency.assign(e.currency.begin(), e.currency.end());
    c.amount.assign(e.amount.begin(), e.amount.end()), c.aux.assign(e.aux.begin(), e.aux.end());
  }
  L->totals = koc::totals(L->ledger);
  *out = L.release();
  return KOC_OK;
}

}  // namespace

koc_status koc_ledger_compute(const koc_reward_policy* policy, const koc_reward_tasks* tasks,
                              const koc_reward_assignments* assignments, const koc_reward_completions* completions,
                              const koc_reward_kocs* kocs, uint32_t flags, koc_ledger** out) {
  return guarded([&]() -> koc_status {
    return ledger_settle(policy, tasks, assignments, completions, kocs, nullptr, nullptr, std::string(), flags, out);
  });
}

koc_status koc_ledger_settle(const koc_reward_policy* policy, const koc_reward_tasks* tasks,
                             const koc_reward_assignments* assignments, const koc_reward_completions* completions,
                             const koc_reward_kocs* kocs, const koc_settled_lines* earlier, const koc_award_winners* awards,
                             const char* run_id, size_t run_id_len, uint32_t flags, koc_ledger** out) {
  return guarded([&]() -> koc_status {
    if (run_id == nullptr && run_id_len > 0) return fail(KOC_ERROR_NULL_POINTER, "run_id is NULL", -1, "run_id");
    return ledger_settle(policy, tasks, assignments, completions, kocs, earlier, awards,
                         run_id ? std::string(run_id, run_id_len) : std::string(), flags, out);
  });
}

koc_status koc_ledger_provenance(const koc_ledger* ledger, koc_ledger_text which, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ledger);
    const auto& L = ledger->ledger;
    switch (c_enum(which)) {
      case KOC_LEDGER_RUN_ID: return write_string(L.run_ids.empty() ? std::string() : L.run_ids.front(), buf, capacity, required);
      case KOC_LEDGER_KOC_VERSION: return write_string(L.koc_version, buf, capacity, required);
      case KOC_LEDGER_POLICY_SHA256: return write_string(L.policy_digest, buf, capacity, required);
    }
    return fail(KOC_ERROR_OUT_OF_RANGE, "unknown provenance text " + std::to_string(c_enum(which)), -1, "which");
  });
}

koc_status koc_award_winners_create(const int64_t* campaign_id, const char* const* awards, const size_t* award_lens, const int64_t* koc_id,
                                    const char* const* rules, const size_t* rule_lens, size_t n, koc_award_winners** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n > 0) {
      KOC_REQUIRE(campaign_id);
      KOC_REQUIRE(awards);
      KOC_REQUIRE(award_lens);
      KOC_REQUIRE(koc_id);
      if (rules) KOC_REQUIRE(rule_lens);
    }
    auto w = std::make_unique<koc_award_winners>();
    w->campaign_id.assign(campaign_id, campaign_id + n);
    w->koc_id.assign(koc_id, koc_id + n);
    for (size_t k = 0; k < n; ++k) {
      if (awards[k] == nullptr && award_lens[k] > 0)
        return fail(KOC_ERROR_NULL_POINTER, "award name is NULL", static_cast<int64_t>(k), "awards.award");
      w->award.emplace_back(awards[k] ? awards[k] : "", award_lens[k]);
      if (rules) {
        if (rules[k] == nullptr && rule_lens[k] > 0)
          return fail(KOC_ERROR_NULL_POINTER, "rule id is NULL", static_cast<int64_t>(k), "awards.rule");
        w->rule.emplace_back(rules[k] ? rules[k] : "", rule_lens[k]);
      }
    }
    w->view = {w->campaign_id, koc::span<const std::string>(w->award.data(), w->award.size()), w->koc_id,
               koc::span<const std::string>(w->rule.data(), w->rule.size())};
    *out = w.release();
    return KOC_OK;
  });
}

void koc_award_winners_destroy(koc_award_winners* winners) { delete winners; }

koc_status koc_points_balances_compute(const koc_reward_policy* policy, const int64_t* lot_koc_id, const int64_t* lot_amount,
                                       const int64_t* lot_earned_at, size_t n_lots, const int64_t* redeemed_koc_id,
                                       const int64_t* redeemed_amount, const int64_t* redeemed_at, size_t n_redeemed, int64_t as_of,
                                       koc_points_balances** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(policy);
    if (n_lots > 0) {
      KOC_REQUIRE(lot_koc_id);
      KOC_REQUIRE(lot_amount);
      KOC_REQUIRE(lot_earned_at);
    }
    if (n_redeemed > 0) {
      KOC_REQUIRE(redeemed_koc_id);
      KOC_REQUIRE(redeemed_amount);
      KOC_REQUIRE(redeemed_at);
    }
    auto b = std::make_unique<koc_points_balances>();
    b->table = koc::points_balances(*policy->policy, {{lot_koc_id, n_lots}, {lot_amount, n_lots}, {lot_earned_at, n_lots}},
                                    {{redeemed_koc_id, n_redeemed}, {redeemed_amount, n_redeemed}, {redeemed_at, n_redeemed}}, as_of);
    *out = b.release();
    return KOC_OK;
  });
}

koc_status koc_points_balances_column(const koc_points_balances* balances, koc_points_column column, const int64_t** data, size_t* len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(balances);
    KOC_REQUIRE(data);
    KOC_REQUIRE(len);
    const auto& t = balances->table;
    const std::vector<std::int64_t>* src = nullptr;
    switch (c_enum(column)) {
      case KOC_POINTS_KOC_ID: src = &t.koc_id; break;
      case KOC_POINTS_EARNED: src = &t.earned; break;
      case KOC_POINTS_EXPIRED: src = &t.expired; break;
      case KOC_POINTS_REDEEMED: src = &t.redeemed; break;
      case KOC_POINTS_BALANCE: src = &t.balance; break;
      case KOC_POINTS_NEXT_EXPIRY_AT: src = &t.next_expiry_at; break;
      case KOC_POINTS_NEXT_EXPIRY_AMOUNT: src = &t.next_expiry_amount; break;
    }
    if (src == nullptr) return fail(KOC_ERROR_OUT_OF_RANGE, "unknown points column " + std::to_string(c_enum(column)), -1, "column");
    *data = src->data();
    *len = src->size();
    return KOC_OK;
  });
}

void koc_points_balances_destroy(koc_points_balances* balances) { delete balances; }

koc_status koc_settled_lines_create(const int64_t* koc_id, const int64_t* task_id, const int64_t* campaign_id, const int32_t* rule,
                                    const uint8_t* kind, const uint8_t* currency, const int64_t* amount, const int64_t* aux,
                                    size_t n_lines, const char* const* rule_names, const size_t* rule_name_lens, size_t n_rules,
                                    koc_settled_lines** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_lines > 0) {
      KOC_REQUIRE(koc_id);
      KOC_REQUIRE(task_id);
      KOC_REQUIRE(campaign_id);
      KOC_REQUIRE(rule);
      KOC_REQUIRE(kind);
      KOC_REQUIRE(currency);
      KOC_REQUIRE(amount);
      KOC_REQUIRE(aux);
    }
    if (n_rules > 0) {
      KOC_REQUIRE(rule_names);
      KOC_REQUIRE(rule_name_lens);
    }
    auto s = std::make_unique<koc_settled_lines>();
    for (size_t r = 0; r < n_rules; ++r) {
      if (rule_names[r] == nullptr && rule_name_lens[r] > 0)
        return fail(KOC_ERROR_NULL_POINTER, "rule name " + std::to_string(r) + " is NULL", static_cast<int64_t>(r), "rule_names");
      s->names.emplace_back(rule_names[r] ? rule_names[r] : "", rule_name_lens[r]);
    }
    koc::settled_ledger& v = s->view;
    v.koc_id = {koc_id, n_lines}, v.task_id = {task_id, n_lines}, v.campaign_id = {campaign_id, n_lines};
    v.rule = {rule, n_lines}, v.amount = {amount, n_lines}, v.aux = {aux, n_lines};
    // line_kind is a uint8-based enum (static_assert above): the codes are read as its values, and
    // settle_ledger refuses codes that name no kind.
    v.kind = {reinterpret_cast<const koc::line_kind*>(kind), n_lines};
    v.currency = {currency, n_lines};
    v.rule_names = koc::span<const std::string>(s->names.data(), s->names.size());
    *out = s.release();
    return KOC_OK;
  });
}

koc_status koc_settled_lines_from_ledger(const koc_ledger* ledger, koc_settled_lines** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(ledger);
    auto s = std::make_unique<koc_settled_lines>();
    s->view = koc::settled_view(ledger->ledger);
    *out = s.release();
    return KOC_OK;
  });
}

void koc_settled_lines_destroy(koc_settled_lines* lines) { delete lines; }

koc_status koc_ledger_size(const koc_ledger* ledger, size_t* n_lines) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ledger);
    KOC_REQUIRE(n_lines);
    *n_lines = ledger->ledger.size();
    return KOC_OK;
  });
}

koc_status koc_ledger_int64(const koc_ledger* ledger, koc_ledger_int64_column column, const int64_t** data, size_t* len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ledger);
    KOC_REQUIRE(data);
    KOC_REQUIRE(len);
    const auto& L = ledger->ledger;
    const std::vector<std::int64_t>* src = nullptr;
    switch (c_enum(column)) {
      case KOC_LEDGER_KOC_ID: src = &L.koc_id; break;
      case KOC_LEDGER_TASK_ID: src = &L.task_id; break;
      case KOC_LEDGER_CAMPAIGN_ID: src = &L.campaign_id; break;
      case KOC_LEDGER_COMPLETION: src = &L.completion; break;
      case KOC_LEDGER_AMOUNT: src = &L.amount; break;
      case KOC_LEDGER_GROSS: src = &L.gross; break;
      case KOC_LEDGER_BASIS: src = &L.basis; break;
      case KOC_LEDGER_AUX: src = &L.aux; break;
    }
    if (src == nullptr) return fail(KOC_ERROR_OUT_OF_RANGE, "unknown int64 column " + std::to_string(c_enum(column)), -1, "column");
    *data = src->data();
    *len = src->size();
    return KOC_OK;
  });
}

koc_status koc_ledger_int32(const koc_ledger* ledger, koc_ledger_int32_column column, const int32_t** data, size_t* len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ledger);
    KOC_REQUIRE(data);
    KOC_REQUIRE(len);
    const auto& L = ledger->ledger;
    const std::vector<std::int32_t>* src = nullptr;
    switch (c_enum(column)) {
      case KOC_LEDGER_RULE: src = &L.rule; break;
      case KOC_LEDGER_GATE_BP: src = &L.gate_bp; break;
      case KOC_LEDGER_TIER_BP: src = &L.tier_bp; break;
    }
    if (src == nullptr) return fail(KOC_ERROR_OUT_OF_RANGE, "unknown int32 column " + std::to_string(c_enum(column)), -1, "column");
    *data = src->data();
    *len = src->size();
    return KOC_OK;
  });
}

koc_status koc_ledger_uint8(const koc_ledger* ledger, koc_ledger_uint8_column column, const uint8_t** data, size_t* len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ledger);
    KOC_REQUIRE(data);
    KOC_REQUIRE(len);
    const auto& L = ledger->ledger;
    // line_kind and line_reason are uint8-based enums (static_assert above); uint8 may alias anything.
    switch (c_enum(column)) {
      case KOC_LEDGER_KIND: *data = reinterpret_cast<const uint8_t*>(L.kind.data()); *len = L.kind.size(); return KOC_OK;
      case KOC_LEDGER_REASON: *data = reinterpret_cast<const uint8_t*>(L.reason.data()); *len = L.reason.size(); return KOC_OK;
      case KOC_LEDGER_CURRENCY: *data = L.currency.data(); *len = L.currency.size(); return KOC_OK;
    }
    return fail(KOC_ERROR_OUT_OF_RANGE, "unknown uint8 column " + std::to_string(c_enum(column)), -1, "column");
  });
}

koc_status koc_ledger_rule_count(const koc_ledger* ledger, int32_t* n_rules) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ledger);
    KOC_REQUIRE(n_rules);
    *n_rules = static_cast<int32_t>(ledger->ledger.rule_names.size());
    return KOC_OK;
  });
}

koc_status koc_ledger_rule_name(const koc_ledger* ledger, int32_t rule, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ledger);
    const auto& names = ledger->ledger.rule_names;
    if (rule < 0 || static_cast<std::size_t>(rule) >= names.size())
      return fail(KOC_ERROR_OUT_OF_RANGE, "rule index " + std::to_string(rule) + " is not a rule of the ledger", -1, "rule");
    return write_string(names[static_cast<std::size_t>(rule)], buf, capacity, required);
  });
}

koc_status koc_ledger_explain(const koc_ledger* ledger, size_t line, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ledger);
    const auto& L = ledger->ledger;
    if (line >= L.size())
      return fail(KOC_ERROR_OUT_OF_RANGE, "line " + std::to_string(line) + " is not in the ledger (" + std::to_string(L.size()) + " lines)",
                  static_cast<std::int64_t>(line), "line");
    if (!L.explanation.empty()) return write_string(L.explanation[line], buf, capacity, required);
    return write_string(koc::explain_line(*ledger->policy, L, line), buf, capacity, required);
  });
}

koc_status koc_ledger_totals(const koc_ledger* ledger, koc_totals_group group, const int64_t** id, const uint8_t** currency,
                             const int64_t** amount, const int64_t** cut, size_t* n_groups) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ledger);
    KOC_REQUIRE(n_groups);
    const koc::ledger_group_totals* g = nullptr;
    switch (c_enum(group)) {
      case KOC_TOTALS_BY_KOC: g = &ledger->totals.per_koc; break;
      case KOC_TOTALS_BY_TASK: g = &ledger->totals.per_task; break;
      case KOC_TOTALS_BY_CAMPAIGN: g = &ledger->totals.per_campaign; break;
      case KOC_TOTALS_BY_CURRENCY: g = &ledger->totals.per_currency; break;
    }
    if (g == nullptr) return fail(KOC_ERROR_OUT_OF_RANGE, "unknown totals group " + std::to_string(c_enum(group)), -1, "group");
    // Any output pointer may be NULL: callers take only the columns they need.
    if (id) *id = g->id.data();
    if (currency) *currency = g->currency.data();
    if (amount) *amount = g->amount.data();
    if (cut) *cut = g->cut.data();
    *n_groups = g->id.size();
    return KOC_OK;
  });
}

koc_status koc_ledger_verify(const koc_ledger* ledger, const koc_reward_tasks* tasks, const koc_reward_assignments* assignments,
                             const koc_reward_completions* completions, const koc_reward_kocs* kocs, int32_t* ok, char* buf,
                             size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(ok);
    *ok = 0;
    KOC_REQUIRE(ledger);
    KOC_REQUIRE(tasks);
    KOC_REQUIRE(assignments);
    KOC_REQUIRE(completions);
    KOC_REQUIRE(kocs);
    const koc::ledger_check ck = koc::verify(*ledger->policy, tasks->view, assignments->view, completions->view, kocs->view,
                                             koc::settled_view(ledger->earlier), ledger->ledger);
    *ok = ck.ok ? 1 : 0;
    return write_string(ck.message, buf, capacity, required);
  });
}

void koc_ledger_destroy(koc_ledger* ledger) { delete ledger; }

}  // extern "C"

koc_status koc_reward_policy_problems(const char* json, size_t json_len, size_t limit, koc_problems** out) {
  return guarded([&]() -> koc_status {
    if (out) *out = nullptr;
    KOC_REQUIRE(json);
    return koc::c_api::problems_out(limit, out, [&](std::size_t n) { return koc::reward_policy_problems(std::string_view(json, json_len), n); });
  });
}

koc_status koc_reward_input_problems(const koc_reward_policy* policy, const koc_reward_tasks* tasks,
                                     const koc_reward_assignments* assignments, const koc_reward_completions* completions,
                                     const koc_reward_kocs* kocs, size_t limit, koc_problems** out) {
  return guarded([&]() -> koc_status {
    if (out) *out = nullptr;
    KOC_REQUIRE(policy);
    KOC_REQUIRE(tasks);
    KOC_REQUIRE(assignments);
    KOC_REQUIRE(completions);
    KOC_REQUIRE(kocs);
    return koc::c_api::problems_out(limit, out, [&](std::size_t n) {
      return koc::reward_input_problems(*policy->policy, tasks->view, assignments->view, completions->view, kocs->view, n);
    });
  });
}

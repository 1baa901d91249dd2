// C ABI: tier policies, rosters, classification and what-if.
#include "guard.hpp"
#include "handles.hpp"

#include <koc/tiers/policy_json.hpp>

#include <cstring>

using koc::c_api::fail;
using koc::c_api::guarded;

namespace {
koc_status check_len(std::size_t len, std::size_t n, const char* field) {
  if (len != n)
    return fail(KOC_ERROR_LENGTH_MISMATCH, "column has " + std::to_string(len) + " rows, roster has " + std::to_string(n), -1, field);
  return KOC_OK;
}

// One body for both classify entry points: the overrides are already a list.
koc_status classify_into(const koc_roster* roster, const koc_tier_policy* policy, std::vector<koc::tier_override> overrides,
                         std::int64_t as_of, uint32_t flags, koc_tier_result** out) {
  if (flags & ~KOC_CLASSIFY_NO_GROWTH_GAPS) return fail(KOC_ERROR_INVALID_ARGUMENT, "unknown flag bits", -1, "flags");
  auto r = std::make_unique<koc_tier_result>();
  r->overrides = std::move(overrides);
  r->policy = std::make_shared<const koc::tier_policy>(policy->policy);
  r->roster = roster->view;
  koc::classify_options options;
  options.growth_gaps = (flags & KOC_CLASSIFY_NO_GROWTH_GAPS) == 0;
  options.as_of = as_of;
  koc::classify(roster->view, *r->policy, r->overrides, options, r->result);
  for (auto m : r->result.terms) r->terms.push_back(static_cast<std::int32_t>(m));
  for (auto m : r->result.gap_metrics) r->gap_metrics.push_back(static_cast<std::int32_t>(m));
  *out = r.release();
  return KOC_OK;
}

// A text column entry: NULL with a nonzero length is an error naming the row and field.
koc_status text_at(const char* const* texts, const size_t* lens, std::size_t k, const char* field, std::string& out) {
  if (texts == nullptr || lens == nullptr) {
    out.clear();
    return KOC_OK;
  }
  if (texts[k] == nullptr && lens[k] > 0) return fail(KOC_ERROR_NULL_POINTER, std::string(field) + " is NULL", static_cast<std::int64_t>(k), field);
  out = texts[k] ? std::string(texts[k], lens[k]) : std::string();
  return KOC_OK;
}

// The length of a library-owned list handle (koc_problems, koc_tier_overrides).
template <class Handle>
koc_status list_size(const Handle* handle, size_t* n) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(handle);
    KOC_REQUIRE(n);
    *n = handle->list.size();
    return KOC_OK;
  });
}

// Row i of such a list, or KOC_ERROR_OUT_OF_RANGE naming it.
koc_status row_in_list(std::size_t i, std::size_t n, const char* what) {
  if (i < n) return KOC_OK;
  return fail(KOC_ERROR_OUT_OF_RANGE, std::string(what) + " " + std::to_string(i) + " of " + std::to_string(n),
              static_cast<std::int64_t>(i), "i");
}
}  // namespace

extern "C" {

koc_status koc_tier_policy_default(koc_tier_policy** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    *out = new koc_tier_policy{koc::default_tier_policy()};
    return KOC_OK;
  });
}

koc_status koc_tier_policy_from_json(const char* json, size_t json_len, koc_tier_policy** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(json);
    auto p = std::make_unique<koc_tier_policy>();
    p->policy = koc::tier_policy_from_json(std::string(json, json_len));
    *out = p.release();
    return KOC_OK;
  });
}

koc_status koc_tier_policy_to_json(const koc_tier_policy* policy, char* buf, size_t capacity, size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    return koc::c_api::write_string(koc::tier_policy_to_json(policy->policy), buf, capacity, required);
  });
}

koc_status koc_tier_policy_tier_count(const koc_tier_policy* policy, int32_t* out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    KOC_REQUIRE(out);
    *out = static_cast<int32_t>(policy->policy.tiers.size());
    return KOC_OK;
  });
}

koc_status koc_tier_policy_tier_name(const koc_tier_policy* policy, int32_t tier, char* buf, size_t capacity,
                                     size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    if (tier < 0 || static_cast<std::size_t>(tier) >= policy->policy.tiers.size())
      return fail(KOC_ERROR_OUT_OF_RANGE, "tier index " + std::to_string(tier) + " is not on the ladder", -1, "tier");
    return koc::c_api::write_string(policy->policy.tiers[static_cast<std::size_t>(tier)].name, buf, capacity, required);
  });
}

koc_status koc_tier_policy_metric_count(const koc_tier_policy* policy, int32_t* out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    KOC_REQUIRE(out);
    *out = policy->policy.n_metrics();
    return KOC_OK;
  });
}

koc_status koc_tier_policy_metric_name(const koc_tier_policy* policy, int32_t metric, char* buf, size_t capacity,
                                       size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(policy);
    if (metric < 0 || metric >= policy->policy.n_metrics())
      return fail(KOC_ERROR_OUT_OF_RANGE, "metric " + std::to_string(metric) + " is neither built in nor declared by the policy", -1,
                  "metric");
    return koc::c_api::write_string(policy->policy.name_of(static_cast<koc::metric>(metric)), buf, capacity, required);
  });
}

void koc_tier_policy_destroy(koc_tier_policy* policy) { delete policy; }

koc_status koc_roster_create(const int64_t* ids, size_t n_kocs, koc_roster** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n_kocs > 0) KOC_REQUIRE(ids);
    auto r = std::make_unique<koc_roster>();
    r->view.id = {ids, n_kocs};
    *out = r.release();
    return KOC_OK;
  });
}

koc_status koc_roster_set_metric(koc_roster* roster, koc_metric metric, const double* values, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(roster);
    const int m = koc::c_api::c_enum(metric);
    if (m < 0 || m >= koc::n_builtin_metrics) return fail(KOC_ERROR_OUT_OF_RANGE, "unknown metric " + std::to_string(m), -1, "metric");
    const char* name = koc::metric_names[static_cast<std::size_t>(m)];
    if (len > 0 && values == nullptr) return fail(KOC_ERROR_NULL_POINTER, "values is NULL", -1, name);
    if (auto s = check_len(len, roster->view.size(), name)) return s;
    roster->view.metrics[static_cast<std::size_t>(m)] = {values, len};
    return KOC_OK;
  });
}

koc_status koc_roster_set_column(koc_roster* roster, const char* name, const double* values, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(roster);
    KOC_REQUIRE(name);
    const std::string key(name);
    if (key.empty()) return fail(KOC_ERROR_INVALID_ARGUMENT, "a column needs a name", -1, "name");
    if (koc::is_roster_key_column(key))
      return fail(KOC_ERROR_INVALID_ARGUMENT,
                  "'" + key + "' is not a metric column: set it with koc_roster_create, koc_roster_set_flag or koc_roster_set_history",
                  -1, key);
    if (len > 0 && values == nullptr) return fail(KOC_ERROR_NULL_POINTER, "values is NULL", -1, key);
    if (auto s = check_len(len, roster->view.size(), key.c_str())) return s;
    const int b = koc::builtin_metric_index(key);
    if (b >= 0) {
      roster->view.metrics[static_cast<std::size_t>(b)] = {values, len};
      return KOC_OK;
    }
    for (auto& c : roster->view.named)
      if (c.name == key) {
        c.values = {values, len};
        return KOC_OK;
      }
    roster->view.named.push_back({key, {values, len}});
    return KOC_OK;
  });
}

koc_status koc_roster_set_flag(koc_roster* roster, koc_flag flag, const uint8_t* values, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(roster);
    static const char* names[] = {"honorary", "invited", "clearance"};
    const int f = koc::c_api::c_enum(flag);
    if (f < 0 || f > 2) return fail(KOC_ERROR_OUT_OF_RANGE, "unknown flag " + std::to_string(f), -1, "flag");
    const char* name = names[f];
    if (len > 0 && values == nullptr) return fail(KOC_ERROR_NULL_POINTER, "values is NULL", -1, name);
    if (auto s = check_len(len, roster->view.size(), name)) return s;
    koc::span<const std::uint8_t> col{values, len};
    if (f == KOC_FLAG_HONORARY) roster->view.honorary = col;
    else if (f == KOC_FLAG_INVITED) roster->view.invited = col;
    else roster->view.clearance = col;
    return KOC_OK;
  });
}

koc_status koc_roster_set_history(koc_roster* roster, const int32_t* previous_tier, const int32_t* periods_below,
                                  size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(roster);
    if (auto s = check_len(len, roster->view.size(), "previous_tier")) return s;
    roster->view.previous_tier = previous_tier ? koc::span<const std::int32_t>{previous_tier, len} : koc::span<const std::int32_t>{};
    roster->view.periods_below = periods_below ? koc::span<const std::int32_t>{periods_below, len} : koc::span<const std::int32_t>{};
    return KOC_OK;
  });
}

void koc_roster_destroy(koc_roster* roster) { delete roster; }

koc_status koc_tier_state_create(const int64_t* koc_id, const int32_t* tier, const int32_t* periods_below, const uint8_t* honorary,
                                 size_t n, koc_tier_state** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n > 0) {
      KOC_REQUIRE(koc_id);
      KOC_REQUIRE(tier);
      KOC_REQUIRE(periods_below);
      KOC_REQUIRE(honorary);
    }
    auto s = std::make_unique<koc_tier_state>();
    if (n > 0) {
      s->state.koc_id.assign(koc_id, koc_id + n);
      s->state.tier.assign(tier, tier + n);
      s->state.periods_below.assign(periods_below, periods_below + n);
      s->state.honorary.assign(honorary, honorary + n);
    }
    *out = s.release();
    return KOC_OK;
  });
}

koc_status koc_tier_state_columns(const koc_tier_state* state, const int64_t** koc_id, const int32_t** tier, const int32_t** periods_below,
                                  const uint8_t** honorary, size_t* n) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(state);
    KOC_REQUIRE(n);
    *n = state->state.size();
    if (koc_id) *koc_id = state->state.koc_id.data();
    if (tier) *tier = state->state.tier.data();
    if (periods_below) *periods_below = state->state.periods_below.data();
    if (honorary) *honorary = state->state.honorary.data();
    return KOC_OK;
  });
}

void koc_tier_state_destroy(koc_tier_state* state) { delete state; }

koc_status koc_roster_apply_tier_state(koc_roster* roster, const koc_tier_policy* policy, const koc_tier_state* last,
                                       const int64_t* revoked_ids, const char* const* revoked_reasons, const size_t* reason_lens,
                                       size_t n_revoked) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(roster);
    KOC_REQUIRE(policy);
    KOC_REQUIRE(last);
    if (n_revoked > 0) {
      KOC_REQUIRE(revoked_ids);
      KOC_REQUIRE(revoked_reasons);
      KOC_REQUIRE(reason_lens);
    }
    const bool ours = !roster->state.previous_tier.empty() && roster->view.previous_tier.data() == roster->state.previous_tier.data();
    if (!ours && (!roster->view.previous_tier.empty() || !roster->view.periods_below.empty()))
      return fail(KOC_ERROR_INVALID_ARGUMENT, "the roster already has previous_tier / periods_below (koc_roster_set_history): give "
                                              "last period's state or those columns, not both", -1, "previous_tier");
    std::vector<koc::honour_revocation> revoked(n_revoked);
    for (std::size_t k = 0; k < n_revoked; ++k) {
      if (revoked_reasons[k] == nullptr && reason_lens[k] > 0)
        return fail(KOC_ERROR_NULL_POINTER, "reason is NULL", static_cast<std::int64_t>(k), "revocations.reason");
      revoked[k] = {revoked_ids[k], revoked_reasons[k] ? std::string(revoked_reasons[k], reason_lens[k]) : std::string()};
    }
    if (!ours) roster->caller_honorary = roster->view.honorary;
    koc::roster_view r = roster->view;
    r.honorary = roster->caller_honorary;  // applied again: from the caller's flags, not the last application's
    roster->state = koc::tier_state_for(r, static_cast<std::int32_t>(policy->policy.tiers.size()), last->state, revoked);
    roster->view.previous_tier = roster->state.previous_tier;
    roster->view.periods_below = roster->state.periods_below;
    roster->view.honorary = roster->state.honorary;
    return KOC_OK;
  });
}

koc_status koc_tier_state_next(const koc_roster* roster, const koc_tier_result* result, const koc_tier_state* last, koc_tier_state** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(roster);
    KOC_REQUIRE(result);
    auto s = std::make_unique<koc_tier_state>();
    s->state = koc::next_tier_state(roster->view, result->result, last ? last->state.view() : koc::tier_state_view{}, result->overrides);
    *out = s.release();
    return KOC_OK;
  });
}


koc_status koc_classify(const koc_roster* roster, const koc_tier_policy* policy, const int64_t* override_ids,
                        const int32_t* override_tiers, const char* const* override_reasons,
                        const size_t* override_reason_lens, size_t n_overrides, uint32_t flags,
                        koc_tier_result** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(roster);
    KOC_REQUIRE(policy);
    std::vector<koc::tier_override> overrides(n_overrides);
    if (n_overrides > 0) {
      KOC_REQUIRE(override_ids);
      KOC_REQUIRE(override_tiers);
      KOC_REQUIRE(override_reasons);
      KOC_REQUIRE(override_reason_lens);
      for (std::size_t k = 0; k < n_overrides; ++k) {
        overrides[k].koc_id = override_ids[k];
        overrides[k].tier = override_tiers[k];
        if (auto s = text_at(override_reasons, override_reason_lens, k, "reason", overrides[k].reason)) return s;
      }
    }
    return classify_into(roster, policy, std::move(overrides), -1, flags, out);
  });
}

koc_status koc_classify_with_overrides(const koc_roster* roster, const koc_tier_policy* policy, const koc_tier_overrides* overrides,
                                       int64_t as_of, uint32_t flags, koc_tier_result** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(roster);
    KOC_REQUIRE(policy);
    if (as_of < -1) return fail(KOC_ERROR_INVALID_VALUE, "as_of must be unix seconds >= 0, or -1 when not known", -1, "as_of");
    return classify_into(roster, policy, overrides ? overrides->list : std::vector<koc::tier_override>{}, as_of, flags, out);
  });
}

koc_status koc_tier_result_expired_overrides(const koc_tier_result* result, const int32_t** indices, size_t* n) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(indices);
    KOC_REQUIRE(n);
    *indices = result->result.expired_overrides.data();
    *n = result->result.expired_overrides.size();
    return KOC_OK;
  });
}

koc_status koc_roster_problems(const koc_roster* roster, const koc_tier_policy* policy, size_t limit, koc_problems** out) {
  return guarded([&]() -> koc_status {
    if (out) *out = nullptr;
    KOC_REQUIRE(roster);
    KOC_REQUIRE(policy);
    return koc::c_api::problems_out(limit, out, [&](std::size_t n) { return koc::roster_problems(roster->view, policy->policy, n); });
  });
}

koc_status koc_tier_policy_problems(const char* json, size_t json_len, size_t limit, koc_problems** out) {
  return guarded([&]() -> koc_status {
    if (out) *out = nullptr;
    KOC_REQUIRE(json);
    return koc::c_api::problems_out(limit, out, [&](std::size_t n) { return koc::tier_policy_problems(std::string(json, json_len), n); });
  });
}


koc_status koc_problems_size(const koc_problems* problems, size_t* n) { return list_size(problems, n); }

koc_status koc_problems_get(const koc_problems* problems, size_t i, koc_status* code, int64_t* row, const char** field,
                            const char** message) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(problems);
    if (auto s = row_in_list(i, problems->list.size(), "problem")) return s;
    const koc::error& e = problems->list[i];
    if (code) *code = static_cast<koc_status>(e.code());
    if (row) *row = e.row();
    if (field) *field = e.field().c_str();
    if (message) *message = e.what();
    return KOC_OK;
  });
}

void koc_problems_destroy(koc_problems* problems) { delete problems; }

koc_status koc_tier_overrides_create(const int64_t* koc_ids, const int32_t* tiers, const char* const* reasons, const size_t* reason_lens,
                                     const char* const* authors, const size_t* author_lens, const int64_t* expires_at, size_t n,
                                     koc_tier_overrides** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    if (n > 0) {
      KOC_REQUIRE(koc_ids);
      KOC_REQUIRE(tiers);
      KOC_REQUIRE(reasons);
      KOC_REQUIRE(reason_lens);
      if ((authors == nullptr) != (author_lens == nullptr))
        return fail(KOC_ERROR_NULL_POINTER, "authors and author_lens go together", -1, authors ? "author_lens" : "authors");
    }
    auto o = std::make_unique<koc_tier_overrides>();
    o->list.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      auto& x = o->list[k];
      x.koc_id = koc_ids[k];
      x.tier = tiers[k];
      if (auto s = text_at(reasons, reason_lens, k, "reason", x.reason)) return s;
      if (auto s = text_at(authors, author_lens, k, "author", x.author)) return s;
      x.expires_at = expires_at ? expires_at[k] : -1;
    }
    *out = o.release();
    return KOC_OK;
  });
}

koc_status koc_tier_overrides_size(const koc_tier_overrides* overrides, size_t* n) { return list_size(overrides, n); }

koc_status koc_tier_overrides_get(const koc_tier_overrides* overrides, size_t i, int64_t* koc_id, int32_t* tier, const char** reason,
                                  size_t* reason_len, const char** author, size_t* author_len, int64_t* expires_at) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(overrides);
    if (auto s = row_in_list(i, overrides->list.size(), "override")) return s;
    const auto& x = overrides->list[i];
    if (koc_id) *koc_id = x.koc_id;
    if (tier) *tier = x.tier;
    if (reason) *reason = x.reason.c_str();
    if (reason_len) *reason_len = x.reason.size();
    if (author) *author = x.author.c_str();
    if (author_len) *author_len = x.author.size();
    if (expires_at) *expires_at = x.expires_at;
    return KOC_OK;
  });
}

void koc_tier_overrides_destroy(koc_tier_overrides* overrides) { delete overrides; }

koc_status koc_tier_overrides_for(const koc_roster* roster, const koc_tier_policy* policy, const koc_tier_state* last,
                                  const koc_tier_overrides* added, koc_tier_overrides** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(roster);
    KOC_REQUIRE(policy);
    KOC_REQUIRE(last);
    auto o = std::make_unique<koc_tier_overrides>();
    o->list = koc::tier_overrides_for(roster->view, static_cast<std::int32_t>(policy->policy.tiers.size()), last->state.view(),
                                      added ? added->list : std::vector<koc::tier_override>{});
    *out = o.release();
    return KOC_OK;
  });
}

koc_status koc_tier_state_overrides(const koc_tier_state* state, koc_tier_overrides** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(state);
    auto o = std::make_unique<koc_tier_overrides>();
    const auto v = state->state.view();
    if (v.has_overrides())
      for (std::size_t j = 0; j < v.size(); ++j)
        if (v.override_tier[j] >= 0) o->list.push_back(koc::detail::state_override(v, j));
    *out = o.release();
    return KOC_OK;
  });
}

koc_status koc_tier_state_set_overrides(koc_tier_state* state, const koc_tier_overrides* standing) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(state);
    KOC_REQUIRE(standing);
    auto& s = state->state;
    const std::size_t m = s.size();
    const koc::detail::id_index rows(s.koc_id, koc::detail::roster_id_column("state.koc_id"));
    std::vector<std::int32_t> tier(m, -1);
    std::vector<std::string> reason(m), author(m);
    std::vector<std::int64_t> expires(m, -1);
    for (std::size_t k = 0; k < standing->list.size(); ++k) {
      const auto& x = standing->list[k];
      const auto row = static_cast<std::int64_t>(k);
      const auto j = rows.find(x.koc_id);
      if (j < 0)
        return fail(KOC_ERROR_UNKNOWN_ID, "standing override for KOC id " + std::to_string(x.koc_id) + ", not a row of the state", row,
                    "overrides.koc_id");
      const auto jj = static_cast<std::size_t>(j);
      if (tier[jj] >= 0)
        return fail(KOC_ERROR_DUPLICATE_ID, "second standing override for KOC id " + std::to_string(x.koc_id), row, "overrides.koc_id");
      if (x.tier < 0) return fail(KOC_ERROR_OUT_OF_RANGE, "override tier must be a ladder index >= 0", row, "overrides.tier");
      tier[jj] = x.tier, reason[jj] = x.reason, author[jj] = x.author, expires[jj] = x.expires_at;
    }
    s.override_tier = std::move(tier);
    s.override_reason = std::move(reason);
    s.override_author = std::move(author);
    s.override_expires_at = std::move(expires);
    return KOC_OK;
  });
}

koc_status koc_tier_result_size(const koc_tier_result* result, size_t* n_kocs) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(n_kocs);
    *n_kocs = result->result.n_kocs;
    return KOC_OK;
  });
}

koc_status koc_tier_result_column(const koc_tier_result* result, koc_tier_column column, int32_t* out, size_t len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    const auto& t = result->result;
    if (len != t.n_kocs)
      return fail(KOC_ERROR_LENGTH_MISMATCH, "out holds " + std::to_string(len) + " values, result has " + std::to_string(t.n_kocs), -1, "len");
    if (len > 0) KOC_REQUIRE(out);
    const std::vector<std::int32_t>* src = nullptr;
    switch (koc::c_api::c_enum(column)) {
      case KOC_TIER_QUALIFIED: src = &t.qualified_tier; break;
      case KOC_TIER_COMPUTED: src = &t.computed_tier; break;
      case KOC_TIER_FINAL: src = &t.final_tier; break;
      case KOC_TIER_BLOCKED: src = &t.blocked_tier; break;
      case KOC_TIER_BLOCKED_GATE: src = &t.blocked_gate; break;
      case KOC_TIER_NEXT: src = &t.next_tier; break;
      case KOC_TIER_PERIODS_BELOW: src = &t.periods_below; break;
      case KOC_TIER_OVERRIDE_INDEX: src = &t.override_index; break;
      case KOC_TIER_TRANSITION:
        for (std::size_t i = 0; i < len; ++i) out[i] = t.transition[i];
        return KOC_OK;
      case KOC_TIER_HONORARY:
        for (std::size_t i = 0; i < len; ++i) out[i] = t.honorary[i];
        return KOC_OK;
    }
    if (src == nullptr) return fail(KOC_ERROR_OUT_OF_RANGE, "unknown column " + std::to_string(koc::c_api::c_enum(column)), -1, "column");
    if (len > 0) std::memcpy(out, src->data(), len * sizeof(int32_t));
    return KOC_OK;
  });
}

koc_status koc_tier_result_scores(const koc_tier_result* result, const double** data, size_t* len) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(data);
    KOC_REQUIRE(len);
    *data = result->result.score.data();
    *len = result->result.score.size();
    return KOC_OK;
  });
}

koc_status koc_tier_result_contributions(const koc_tier_result* result, const double** data, size_t* n_terms,
                                         const int32_t** terms) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(data);
    KOC_REQUIRE(n_terms);
    *data = result->result.contributions.data();
    *n_terms = result->terms.size();
    if (terms) *terms = result->terms.data();
    return KOC_OK;
  });
}

koc_status koc_tier_result_growth_gaps(const koc_tier_result* result, const double** data, size_t* n_gap_metrics,
                                       const int32_t** metrics) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    KOC_REQUIRE(data);
    KOC_REQUIRE(n_gap_metrics);
    const bool have = !result->result.growth_gap.empty();
    *data = have ? result->result.growth_gap.data() : nullptr;
    *n_gap_metrics = have ? result->gap_metrics.size() : 0;
    if (metrics) *metrics = result->gap_metrics.data();
    return KOC_OK;
  });
}

koc_status koc_tier_result_explain(const koc_tier_result* result, size_t row, char* buf, size_t capacity,
                                   size_t* required) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(result);
    if (row >= result->result.n_kocs)
      return fail(KOC_ERROR_OUT_OF_RANGE, "row is not in the result", static_cast<std::int64_t>(row), "row");
    return koc::c_api::write_string(koc::explain(result->roster, *result->policy, result->result, row, result->overrides),
                                    buf, capacity, required);
  });
}

void koc_tier_result_destroy(koc_tier_result* result) { delete result; }

koc_status koc_what_if_run(const koc_roster* roster, const koc_tier_policy* current, const koc_tier_policy* proposed,
                           koc_what_if** out) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(out);
    *out = nullptr;
    KOC_REQUIRE(roster);
    KOC_REQUIRE(current);
    KOC_REQUIRE(proposed);
    auto w = std::make_unique<koc_what_if>();
    w->result = koc::what_if(roster->view, current->policy, proposed->policy);
    *out = w.release();
    return KOC_OK;
  });
}

koc_status koc_what_if_counts(const koc_what_if* w, const int64_t** counts, int32_t* n_current, int32_t* n_proposed) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(w);
    KOC_REQUIRE(counts);
    KOC_REQUIRE(n_current);
    KOC_REQUIRE(n_proposed);
    *counts = w->result.counts.data();
    *n_current = static_cast<int32_t>(w->result.current_tiers.size());
    *n_proposed = static_cast<int32_t>(w->result.proposed_tiers.size());
    return KOC_OK;
  });
}

koc_status koc_what_if_moved(const koc_what_if* w, const int64_t** rows, size_t* n_moved) {
  return guarded([&]() -> koc_status {
    KOC_REQUIRE(w);
    KOC_REQUIRE(rows);
    KOC_REQUIRE(n_moved);
    *rows = w->result.moved_rows.data();
    *n_moved = w->result.moved_rows.size();
    return KOC_OK;
  });
}

void koc_what_if_destroy(koc_what_if* w) { delete w; }

}  // extern "C"

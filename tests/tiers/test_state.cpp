// Tier state across periods (koc/tiers/state.hpp): hysteresis and grace carried by the state, lifetime
// honours kept once earned, revocations with a reason, KOCs missing a period keep their history.
#include <catch2/catch.hpp>
#include <koc/tiers.hpp>

#include <vector>

using namespace koc;

namespace {

// Score = 100 · quality. The lifetime honorary rule: 100 tasks completed this period (a rule that later
// metrics can stop meeting, which is what the state must survive).
tier_policy policy() {
  tier_policy p;
  p.metrics = {{metric::quality, 100, normalisation::none, 1, false}};
  p.tiers = {{"entry", 0, 0, 0, {}}, {"active", 50, 40, 1, {}}, {"core", 80, 70, 2, {}}};
  p.honorary.floor_tier = 1;
  p.honorary.lifetime_enabled = true;
  p.honorary.lifetime_minimums = {{metric::tasks_completed, 100}};
  return p;
}

roster month(const std::vector<std::int64_t>& ids, const std::vector<double>& quality, const std::vector<double>& tasks) {
  roster r;
  r.id = ids;
  r.column(metric::quality) = quality;
  r.column(metric::tasks_completed) = tasks;
  return r;
}

/// One period: last state in, classification and next state out.
struct period_result {
  tier_result tiers;
  tier_state state;
};
period_result run(roster r, const tier_state& last, const std::vector<honour_revocation>& revoked = {}) {
  const auto p = policy();
  apply_tier_state(r, static_cast<std::int32_t>(p.tiers.size()), last, revoked);
  period_result out;
  out.tiers = classify(r, p);
  out.state = next_tier_state(r, out.tiers, last);
  return out;
}

std::int32_t tier_of(const tier_state& s, std::int64_t id) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.koc_id[i] == id) return s.tier[i];
  return -2;
}
std::uint8_t honour_of(const tier_state& s, std::int64_t id) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.koc_id[i] == id) return s.honorary[i];
  return 9;
}

}  // namespace

TEST_CASE("tier state: grace, lifetime honours, revocation and absent KOCs over six periods", "[tiers][state]") {
  // KOC 1: core, then slips (grace twice, then demoted). KOC 2: earns the lifetime honour in period 1
  // (100 tasks), never again; its quality collapses. KOC 3: absent in periods 2 and 3.
  tier_state s;
  auto p1 = run(month({1, 2, 3}, {0.85, 0.30, 0.85}, {10, 120, 10}), s);
  REQUIRE(p1.tiers.final_tier == std::vector<std::int32_t>{2, 1, 2});  // 2: the honorary floor (active)
  REQUIRE(p1.state.honorary == std::vector<std::uint8_t>{0, 1, 0});

  auto p2 = run(month({2, 1}, {0.10, 0.60}, {3, 10}), p1.state);  // any row order
  CHECK(p2.tiers.final_tier == std::vector<std::int32_t>{1, 2});
  CHECK(p2.tiers.transition_of(0) == tier_transition::held_by_grace);  // active's one period of grace first
  CHECK(p2.tiers.honorary[0] == 1);  // the honour stayed, though the rule no longer holds
  CHECK(p2.tiers.transition_of(1) == tier_transition::held_by_grace);
  CHECK(p2.tiers.periods_below[1] == 1);
  REQUIRE(p2.state.size() == 3);  // KOC 3 carried unchanged, after the roster's KOCs
  CHECK(p2.state.koc_id == std::vector<std::int64_t>{2, 1, 3});
  CHECK(tier_of(p2.state, 3) == 2);

  auto p3 = run(month({1, 2}, {0.60, 0.10}, {10, 3}), p2.state);
  CHECK(p3.tiers.transition_of(0) == tier_transition::held_by_grace);
  CHECK(p3.tiers.periods_below[0] == 2);
  CHECK(p3.tiers.final_tier[1] == 1);
  CHECK(p3.tiers.transition_of(1) == tier_transition::held_by_honorary_floor);  // grace used up: the honour holds it
  CHECK(honour_of(p3.state, 2) == 1);

  auto p4 = run(month({1, 2, 3}, {0.60, 0.10, 0.75}, {10, 3, 10}), p3.state);
  CHECK(p4.tiers.final_tier[0] == 1);
  CHECK(p4.tiers.transition_of(0) == tier_transition::demoted);  // grace of 2 used up
  CHECK(p4.tiers.final_tier[2] == 2);
  CHECK(p4.tiers.transition_of(2) == tier_transition::held_by_margin);  // its history survived the break

  // Without the state (a fresh start every month, as before), the honour is lost with the metric.
  const auto fresh = classify(month({2}, {0.10}, {3}), policy());
  CHECK(fresh.honorary[0] == 0);
  CHECK(fresh.final_tier[0] == 0);

  // Revoked with a reason: no honour, no floor, from this period on.
  auto p5 = run(month({1, 2, 3}, {0.60, 0.10, 0.75}, {10, 3, 10}), p4.state, {{2, "breach of the code of conduct"}});
  CHECK(p5.tiers.honorary[1] == 0);
  CHECK(p5.tiers.final_tier[1] == 0);
  CHECK(p5.tiers.transition_of(1) == tier_transition::demoted);
  CHECK(honour_of(p5.state, 2) == 0);
  // The lifetime rule may grant it again.
  auto p6 = run(month({1, 2, 3}, {0.60, 0.10, 0.75}, {10, 130, 10}), p5.state);
  CHECK(honour_of(p6.state, 2) == 1);
  // A CRM flag alone never takes an honour away: the state's honour and the flag are or-ed.
  roster flagged = month({2}, {0.10}, {3});
  flagged.honorary = {0};
  CHECK(run(flagged, p6.state).tiers.honorary[0] == 1);
}

TEST_CASE("tier state: bad state and revocations are refused naming the field", "[tiers][state]") {
  const auto fails = [](auto&& call, const std::string& field) {
    try {
      call();
      FAIL("accepted");
    } catch (const error& e) {
      CHECK(e.field() == field);
    }
  };
  const roster r = month({1, 2}, {0.5, 0.5}, {1, 1});
  tier_state s;
  s.koc_id = {1, 1};
  s.tier = {0, 1};
  s.periods_below = {0, 0};
  s.honorary = {0, 0};
  fails([&] { tier_state_for(r, 3, s); }, "state.koc_id");
  s.koc_id = {1, 2};
  s.tier = {0, 3};
  fails([&] { tier_state_for(r, 3, s); }, "state.tier");
  s.tier = {0, 1};
  s.periods_below = {0, -1};
  fails([&] { tier_state_for(r, 3, s); }, "state.periods_below");
  s.periods_below = {0};
  fails([&] { tier_state_for(r, 3, s); }, "state.periods_below");
  s.periods_below = {0, 0};
  fails([&] { tier_state_for(r, 3, s, {{2, ""}}); }, "revocations.reason");
  fails([&] { tier_state_for(r, 3, s, {{7, "left"}}); }, "revocations.koc_id");
  roster both = r;
  both.previous_tier = {0, 0};
  fails([&] { apply_tier_state(both, 3, s); }, "previous_tier");
  const tier_state_columns c = tier_state_for(r, 3, s);
  CHECK(c.previous_tier == std::vector<std::int32_t>{0, 1});
}

TEST_CASE("tier state: a standing override is carried until it expires, and replaced by a new one", "[tiers][state]") {
  const auto p = policy();
  const auto L = static_cast<std::int32_t>(p.tiers.size());
  // Period dates (unix seconds): March, April, May 2026. KOC 1 placed in core by a board decision until
  // May; KOC 2 placed in active with no expiry.
  const std::int64_t march = 1772323200, april = 1775001600, may = 1777593600;
  std::vector<tier_override> added = {{1, 2, "board decision", "ana", may}, {2, 1, "ambassador contract"}};
  tier_state state;
  std::vector<std::int32_t> final_1, final_2;
  std::vector<std::int64_t> dates = {march, april, may};
  for (std::size_t period = 0; period < dates.size(); ++period) {
    roster r = month({1, 2}, {0.1, 0.1}, {0, 0});  // both score 10: entry on their own
    apply_tier_state(r, L, state);
    const auto ov = tier_overrides_for(r.view(), L, state, period == 0 ? added : std::vector<tier_override>{});
    classify_options o;
    o.as_of = dates[period];
    const auto t = classify(r, p, ov, o);
    final_1.push_back(t.final_tier[0]);
    final_2.push_back(t.final_tier[1]);
    if (period < 2) {
      CHECK(t.expired_overrides.empty());
      REQUIRE(ov.size() == 2);
      CHECK(ov[0].author == "ana");  // carried with its author and expiry
      CHECK(ov[0].expires_at == may);
    } else {
      REQUIRE(t.expired_overrides.size() == 1);  // reported, not silently dropped
      CHECK(ov[static_cast<std::size_t>(t.expired_overrides[0])].koc_id == 1);
    }
    state = next_tier_state(r, t, state, ov);
  }
  // Core while it stands; once expired, the state's tier (core, the final tier) is where hysteresis starts:
  // a score of 10 is below core's keep threshold, and core's grace holds the KOC there for now.
  CHECK(final_1 == std::vector<std::int32_t>{2, 2, 2});
  CHECK(state.periods_below[0] > 0);
  CHECK(final_2 == std::vector<std::int32_t>{1, 1, 1});
  REQUIRE(state.override_tier.size() == 2);
  CHECK(state.override_tier[0] == -1);  // expired: not carried
  CHECK(state.override_tier[1] == 1);
  CHECK(state.override_reason[1] == "ambassador contract");

  // A new override for KOC 2 replaces its standing one; KOC 3, absent this period, keeps its override.
  state.koc_id.push_back(3);
  state.tier.push_back(0);
  state.periods_below.push_back(0);
  state.honorary.push_back(0);
  state.override_tier.push_back(2);
  state.override_reason.push_back("founding member");
  state.override_author.push_back("li");
  state.override_expires_at.push_back(-1);
  roster r = month({1, 2}, {0.9, 0.1}, {0, 0});
  apply_tier_state(r, L, state);
  const auto ov = tier_overrides_for(r.view(), L, state, {{2, 0, "contract ended", "ana"}});
  REQUIRE(ov.size() == 1);
  CHECK(ov[0].reason == "contract ended");
  const auto t = classify(r, p, ov);
  CHECK(t.final_tier[1] == 0);
  const auto next = next_tier_state(r, t, state, ov);
  REQUIRE(next.size() == 3);
  CHECK(next.override_tier[1] == 0);
  CHECK(next.override_author[1] == "ana");
  CHECK(next.override_tier[2] == 2);  // absent KOC: unchanged
  CHECK(next.override_author[2] == "li");
}

TEST_CASE("tier state: override expiry and standing overrides are checked", "[tiers][state]") {
  const auto p = policy();
  const auto L = static_cast<std::int32_t>(p.tiers.size());
  roster r = month({1, 2}, {0.5, 0.5}, {0, 0});
  // An expiry without the period's date cannot be judged.
  try {
    (void)classify(r, p, {{1, 2, "x", "", 100}});
    FAIL("expected an error");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
    CHECK(e.field() == "expires_at");
    CHECK(e.row() == 0);
  }
  // An expired override for a KOC no longer in the roster is reported, not refused.
  classify_options o;
  o.as_of = 200;
  const auto t = classify(r, p, {{1, 2, "x"}, {99, 2, "left the programme", "", 150}}, o);
  CHECK(t.expired_overrides == std::vector<std::int32_t>{1});
  CHECK(t.final_tier[0] == 2);
  // A standing override without its reason, or off the ladder, names the state's column.
  tier_state s;
  s.koc_id = {1};
  s.tier = {0};
  s.periods_below = {0};
  s.honorary = {0};
  s.override_tier = {1};
  s.override_reason = {""};
  s.override_author = {""};
  s.override_expires_at = {-1};
  try {
    (void)tier_overrides_for(r.view(), L, s);
    FAIL("expected an error");
  } catch (const error& e) {
    CHECK(e.field() == "state.override_reason");
  }
  s.override_reason = {"ok"};
  s.override_tier = {7};
  try {
    (void)tier_overrides_for(r.view(), L, s);
    FAIL("expected an error");
  } catch (const error& e) {
    CHECK(e.field() == "state.override_tier");
  }
  s.override_author.clear();  // the override columns go together
  s.override_tier = {1};
  try {
    (void)tier_overrides_for(r.view(), L, s);
    FAIL("expected an error");
  } catch (const error& e) {
    CHECK(e.code() == errc::length_mismatch);
    CHECK(e.field() == "state.override_author");
  }
}

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

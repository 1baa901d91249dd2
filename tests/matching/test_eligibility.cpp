#include <catch2/catch.hpp>
#include <koc/matching/eligibility.hpp>

#include "support/random_matching.hpp"

#include <array>
#include <limits>

using namespace koc;

namespace {

// One KOC and one task that pass every rule; each section breaks exactly one rule.
struct one_pair {
  task_table t;
  koc_profiles k;
  std::vector<std::int64_t> dk, dt;
  one_pair() {
    t.id = {77};
    t.asset = {static_cast<std::uint8_t>(asset_type::knowledge)};
    t.horizon = {static_cast<std::uint8_t>(task_horizon::phased)};
    t.direction = {static_cast<std::uint8_t>(task_direction::external)};
    t.slots = {3};
    t.window_start = {100};
    t.window_end = {200};
    t.load = {2};
    t.n_skills = 3;
    t.required_skill = {0, 3, 2};
    t.region = {5};
    t.min_tier = {1};
    t.max_tier = {2};
    t.confidential = {1};
    k.id = {9};
    k.tier = {2};
    k.capacity = {2};
    k.n_skills = 3;
    k.skill = {0, 3, 4};
    k.region = {5};
    k.available_start = {150};
    k.available_end = {400};
    k.opted_out = {opt_out_bit(asset_type::social)};
    k.clearance = {1};
  }
  eligibility_result run() const { return eligible_pairs(t.view(), k.view(), {dk, dt}); }
};

void expect_only(const eligibility_result& e, exclusion_rule rule) {
  REQUIRE(e.n_eligible[0] == 0);
  REQUIRE(e.graph.task.empty());
  for (int r = 0; r < n_exclusion_rules; ++r)
    CHECK(e.excluded_by(0, static_cast<exclusion_rule>(r)) == (r == static_cast<int>(rule) ? 1 : 0));
}

// Naive O(n·m) funnel, written from the rule table in eligibility.hpp.
int naive_rule(const task_table& t, const koc_profiles& k, const std::vector<std::pair<std::int64_t, std::int64_t>>& dec,
               std::size_t i, std::size_t j) {
  if (k.tier[i] < t.min_tier[j] || k.tier[i] > t.max_tier[j]) return 0;
  if (t.region[j] != -1 && t.region[j] != k.region[i]) return 1;
  if (t.confidential[j] && !k.clearance[i]) return 2;
  if (k.capacity[i] < t.load[j]) return 3;
  if (!(k.available_start[i] < t.window_end[j] && t.window_start[j] < k.available_end[i])) return 4;
  const std::uint32_t bits = opt_out_bit(static_cast<asset_type>(t.asset[j])) |
                             opt_out_bit(static_cast<task_horizon>(t.horizon[j])) |
                             opt_out_bit(static_cast<task_direction>(t.direction[j]));
  if (k.opted_out[i] & bits) return 5;
  for (std::size_t s = 0; s < t.n_skills; ++s)
    if (k.skill[i * k.n_skills + s] < t.required_skill[j * t.n_skills + s]) return 6;
  for (auto& d : dec)
    if (d.first == k.id[i] && d.second == t.id[j]) return 7;
  return -1;
}

}  // namespace

TEST_CASE("each hard rule excludes exactly its pair", "[eligibility]") {
  one_pair x;
  SECTION("baseline is eligible") {
    const auto e = x.run();
    REQUIRE(e.n_eligible[0] == 1);
    REQUIRE(e.graph.task == std::vector<std::int32_t>{0});
    for (int r = 0; r < n_exclusion_rules; ++r) CHECK(e.excluded_by(0, static_cast<exclusion_rule>(r)) == 0);
  }
  SECTION("tier below min") { x.k.tier = {0}; expect_only(x.run(), exclusion_rule::tier_range); }
  SECTION("tier above max") { x.k.tier = {3}; expect_only(x.run(), exclusion_rule::tier_range); }
  SECTION("other region") { x.k.region = {4}; expect_only(x.run(), exclusion_rule::region); }
  SECTION("unknown KOC region, regional task") { x.k.region = {-1}; expect_only(x.run(), exclusion_rule::region); }
  SECTION("no clearance for a confidential task") { x.k.clearance = {0}; expect_only(x.run(), exclusion_rule::clearance); }
  SECTION("capacity below load") { x.k.capacity = {1}; expect_only(x.run(), exclusion_rule::capacity); }
  SECTION("zero capacity") { x.k.capacity = {0}; expect_only(x.run(), exclusion_rule::capacity); }
  SECTION("availability ends when the window starts") {
    x.k.available_start = {10};
    x.k.available_end = {100};  // [10, 100) and [100, 200) do not overlap
    expect_only(x.run(), exclusion_rule::availability);
  }
  SECTION("availability starts when the window ends") {
    x.k.available_start = {200};
    expect_only(x.run(), exclusion_rule::availability);
  }
  SECTION("opted out of the horizon") { x.k.opted_out = {opt_out_bit(task_horizon::phased)}; expect_only(x.run(), exclusion_rule::opt_out); }
  SECTION("opted out of the direction") { x.k.opted_out = {opt_out_bit(task_direction::external)}; expect_only(x.run(), exclusion_rule::opt_out); }
  SECTION("skill one level short") { x.k.skill = {5, 2, 5}; expect_only(x.run(), exclusion_rule::skills); }
  SECTION("declined") {
    x.dk = {9};
    x.dt = {77};
    expect_only(x.run(), exclusion_rule::declined);
  }
  SECTION("first failing rule is charged") {
    x.k.region = {4};
    x.k.clearance = {0};
    x.k.skill = {0, 0, 0};
    expect_only(x.run(), exclusion_rule::region);
  }
  SECTION("any-region task, defaults for absent columns") {
    x.t.region = {-1};
    x.k.region = {-1};
    x.t.max_tier.clear();  // up to the top of the ladder
    x.k.available_start.clear();
    x.k.available_end.clear();
    REQUIRE(x.run().n_eligible[0] == 1);
  }
}

TEST_CASE("nobody eligible is explained, not thrown", "[eligibility]") {
  one_pair x;
  x.k.clearance = {0};
  const auto e = x.run();
  REQUIRE(e.nobody_eligible(0));
  CHECK(explain_eligibility(e, x.t.view(), 0) == "task 77: 0 of 1 KOCs eligible; excluded by clearance 1");
}

TEST_CASE("CSR equals a naive O(n·m) filter on random inputs", "[eligibility]") {
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    const auto x = test::random_matching_instance(150 + seed * 7, 40 + seed, seed);
    const auto e = eligible_pairs(x.tasks.view(), x.kocs.view(), x.declines());
    REQUIRE_NOTHROW(validate(e.graph.view()));
    std::vector<std::pair<std::int64_t, std::int64_t>> dec;
    for (std::size_t d = 0; d < x.decline_koc.size(); ++d) dec.emplace_back(x.decline_koc[d], x.decline_task[d]);
    const std::size_t n = x.kocs.size(), m = x.tasks.size();
    std::vector<std::int64_t> offsets{0}, excluded(m * n_exclusion_rules, 0), eligible(m, 0);
    std::vector<std::int32_t> task;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < m; ++j) {
        const int r = naive_rule(x.tasks, x.kocs, dec, i, j);
        if (r < 0) { task.push_back(static_cast<std::int32_t>(j)); ++eligible[j]; }
        else ++excluded[j * n_exclusion_rules + static_cast<std::size_t>(r)];
      }
      offsets.push_back(static_cast<std::int64_t>(task.size()));
    }
    INFO("seed " << seed);
    REQUIRE(e.graph.offsets == offsets);
    REQUIRE(e.graph.task == task);
    REQUIRE(e.n_eligible == eligible);
    REQUIRE(e.excluded == excluded);
    for (std::size_t j = 0; j < m; ++j) {
      std::int64_t sum = e.n_eligible[j];
      for (int r = 0; r < n_exclusion_rules; ++r) sum += e.excluded_by(j, static_cast<exclusion_rule>(r));
      REQUIRE(sum == static_cast<std::int64_t>(n));
    }
  }
}

TEST_CASE("eligibility is deterministic", "[eligibility]") {
  const auto x = test::random_matching_instance(300, 50, 99);
  const auto a = eligible_pairs(x.tasks.view(), x.kocs.view(), x.declines());
  const auto b = eligible_pairs(x.tasks.view(), x.kocs.view(), x.declines());
  CHECK(a.graph.offsets == b.graph.offsets);
  CHECK(a.graph.task == b.graph.task);
  CHECK(a.excluded == b.excluded);
}

TEST_CASE("eligibility refuses bad input naming row and field", "[eligibility]") {
  one_pair x;
  auto expect = [&](errc code, std::int64_t row, const std::string& field) {
    try {
      x.run();
      FAIL("no error");
    } catch (const error& e) {
      CHECK(e.code() == code);
      CHECK(e.row() == row);
      CHECK(e.field() == field);
    }
  };
  SECTION("negative capacity") {
    x.k.id = {9, 10};
    x.k.tier = {2, 2};
    x.k.capacity = {1, -1};
    x.k.skill = {0, 3, 4, 0, 3, 4};
    x.k.region = {5, 5};
    x.k.available_start = {150, 150};
    x.k.available_end = {400, 400};
    x.k.opted_out = {0, 0};
    x.k.clearance = {1, 1};
    expect(errc::invalid_value, 1, "capacity");
  }
  SECTION("unknown task id in a decline") {
    x.dk = {9, 9};
    x.dt = {77, 78};
    expect(errc::unknown_id, 1, "task_id");
  }
  SECTION("unknown KOC id in a decline") {
    x.dk = {8};
    x.dt = {77};
    expect(errc::unknown_id, 0, "koc_id");
  }
  SECTION("mismatched lengths") {
    x.t.slots = {1, 2};
    expect(errc::length_mismatch, -1, "slots");
  }
  SECTION("skill matrix of the wrong size") {
    x.k.skill = {1, 2};
    expect(errc::length_mismatch, -1, "skill");
  }
  SECTION("negative slots") {
    x.t.slots = {-2};
    expect(errc::invalid_value, 0, "slots");
  }
  SECTION("empty window") {
    x.t.window_end = {100};
    expect(errc::invalid_value, 0, "window_end");
  }
  SECTION("duplicate task id") {
    x.t = one_pair().t;
    for (auto* v : {&x.t.id}) v->push_back(77);
    x.t.asset.push_back(0); x.t.horizon.push_back(0); x.t.direction.push_back(0); x.t.slots.push_back(1);
    x.t.window_start.push_back(0); x.t.window_end.push_back(1); x.t.load.push_back(1);
    x.t.required_skill.insert(x.t.required_skill.end(), {0, 0, 0});
    x.t.region.push_back(-1); x.t.min_tier.push_back(0); x.t.max_tier.push_back(0); x.t.confidential.push_back(0);
    expect(errc::duplicate_id, 1, "id");
  }
  SECTION("unknown asset code") {
    x.t.asset = {7};
    expect(errc::unknown_name, 0, "asset");
  }
}

// Eligibility sized its tier buckets by the largest KOC tier plus one: a tier of INT32_MAX (valid when no
// ladder is given) overflowed that sum and indexed out of bounds, and a tier of 10^9 allocated gigabytes.
// Buckets now index the tiers some KOC holds; spreading the tiers over the int32 range must not change
// anything, since only their order matters.
TEST_CASE("tier values up to INT32_MAX give the same pairs as small ones", "[eligibility]") {
  const std::array<std::int32_t, 4> spread = {0, 1000, 1 << 30, std::numeric_limits<std::int32_t>::max()};
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    auto x = test::random_matching_instance(80, 30, seed);
    const auto small = eligible_pairs(x.tasks.view(), x.kocs.view(), x.declines());
    for (auto& t : x.kocs.tier) t = spread[static_cast<std::size_t>(t)];
    for (auto& t : x.tasks.min_tier) t = spread[static_cast<std::size_t>(t)];
    for (auto& t : x.tasks.max_tier) t = spread[static_cast<std::size_t>(t)];
    const auto large = eligible_pairs(x.tasks.view(), x.kocs.view(), x.declines());
    INFO("seed " << seed);
    CHECK(large.graph.offsets == small.graph.offsets);
    CHECK(large.graph.task == small.graph.task);
    CHECK(large.n_eligible == small.n_eligible);
    CHECK(large.excluded == small.excluded);
  }
}

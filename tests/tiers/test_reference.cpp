// Partition-local classification with roster-wide statistics (tier_reference): bit-identical to
// classifying the whole roster (what koc.dask / koc.spark rely on).
#include <catch2/catch.hpp>
#include <koc/tiers.hpp>

#include "support/random_roster.hpp"

#include <cmath>
#include <cstring>

using namespace koc;

namespace {

roster slice(const roster& r, std::size_t lo, std::size_t hi) {
  roster s;
  auto cut = [&](const auto& v, auto& out) { if (!v.empty()) out.assign(v.begin() + static_cast<std::ptrdiff_t>(lo), v.begin() + static_cast<std::ptrdiff_t>(hi)); };
  cut(r.id, s.id);
  for (std::size_t m = 0; m < r.metrics.size(); ++m) cut(r.metrics[m], s.metrics[m]);
  cut(r.honorary, s.honorary);
  cut(r.invited, s.invited);
  cut(r.clearance, s.clearance);
  cut(r.previous_tier, s.previous_tier);
  cut(r.periods_below, s.periods_below);
  return s;
}

template <class T>
bool same_bits(const std::vector<T>& whole, std::size_t lo, std::size_t n_whole, const std::vector<T>& part, std::size_t cols) {
  const std::size_t n = part.size() / (cols ? cols : 1);
  for (std::size_t c = 0; c < cols; ++c)
    if (std::memcmp(whole.data() + c * n_whole + lo, part.data() + c * n, n * sizeof(T)) != 0) return false;
  return true;
}

tier_policy mixed() {
  auto p = default_tier_policy();
  p.metrics[3].norm = normalisation::percentile;   // followers
  p.metrics[2].norm = normalisation::min_max;      // views
  p.metrics[10].norm = normalisation::percentile;  // days_since_active, inverted (many ties)
  p.metrics[7].norm = normalisation::min_max;      // quality
  return p;
}

}  // namespace

TEST_CASE("partitions classified with the roster's reference equal the whole roster bit for bit", "[tiers][reference]") {
  const auto p = mixed();
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    auto r = test::random_roster(240, 900 + seed);
    if (seed == 2) {  // ties at the minimum and maximum of a min_max metric, across partitions
      r.column(metric::views)[5] = r.column(metric::views)[200] = 0;
      r.column(metric::quality)[3] = r.column(metric::quality)[150] = 1;
    }
    const auto whole = classify(r, p);
    auto ref = tier_reference_of(r, p);
    REQUIRE(ref.metrics.size() == 4);
    const std::size_t cuts[] = {0, 1, 77, 160, 240};
    for (std::size_t k = 0; k + 1 < std::size(cuts); ++k) {
      const std::size_t lo = cuts[k], hi = cuts[k + 1];
      const auto part = slice(r, lo, hi);
      ref.row_offset = lo;
      classify_options opt;
      opt.reference = &ref;
      const auto t = classify(part, p, {}, opt);
      INFO("seed " << seed << " partition [" << lo << ", " << hi << ")");
      const std::size_t n = whole.n_kocs;
      REQUIRE(same_bits(whole.score, lo, n, t.score, 1));
      REQUIRE(same_bits(whole.contributions, lo, n, t.contributions, whole.terms.size()));
      REQUIRE(same_bits(whole.growth_gap, lo, n, t.growth_gap, whole.gap_metrics.size()));
      REQUIRE(same_bits(whole.final_tier, lo, n, t.final_tier, 1));
      REQUIRE(same_bits(whole.qualified_tier, lo, n, t.qualified_tier, 1));
      REQUIRE(same_bits(whole.blocked_gate, lo, n, t.blocked_gate, 1));
      REQUIRE(same_bits(whole.transition, lo, n, t.transition, 1));
      REQUIRE(same_bits(whole.periods_below, lo, n, t.periods_below, 1));
    }
  }
}

TEST_CASE("a reference that does not describe the partition is refused", "[tiers][reference]") {
  const auto p = mixed();
  const auto r = test::random_roster(50, 7);
  auto ref = tier_reference_of(slice(r, 0, 25), p);  // statistics of another roster
  classify_options opt;
  opt.reference = &ref;
  ref.row_offset = 0;
  bool refused = false;
  try {
    (void)classify(slice(r, 25, 50), p, {}, opt);
  } catch (const koc::error& e) {
    refused = true;
    REQUIRE(e.code() == errc::invalid_argument);
  }
  REQUIRE(refused);
  ref = tier_reference_of(r, p);
  ref.row_offset = 40;  // 40 + 25 rows > 50
  REQUIRE_THROWS_AS(classify(slice(r, 0, 25), p, {}, opt), koc::error);
  ref.row_offset = 0;
  ref.metrics.pop_back();
  REQUIRE_THROWS_AS(classify(slice(r, 0, 25), p, {}, opt), koc::error);
}

TEST_CASE("policies without percentile or min_max need no statistics", "[tiers][reference]") {
  const auto p = default_tier_policy();
  const auto r = test::random_roster(100, 3);
  const auto whole = classify(r, p);
  tier_reference ref;
  ref.n = 100;
  ref.row_offset = 30;
  classify_options opt;
  opt.reference = &ref;
  const auto t = classify(slice(r, 30, 60), p, {}, opt);
  REQUIRE(same_bits(whole.score, 30, 100, t.score, 1));
  REQUIRE(same_bits(whole.growth_gap, 30, 100, t.growth_gap, whole.gap_metrics.size()));
}

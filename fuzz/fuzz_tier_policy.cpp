// Fuzzes koc::tier_policy_from_json (include/koc/tiers/policy.hpp) with arbitrary bytes.
// Invariants: bad input is refused with koc::error naming a JSON path; an accepted policy serialises to
// JSON that loads again to the same policy (to_json is a fixed point); it classifies a small roster
// (every metric present, valid values) and explains every row without anything but koc::error.
#include "fuzz_check.hpp"

#include <koc/tiers.hpp>
#include <koc/tiers/policy_json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

const koc::roster& small_roster() {
  static const koc::roster r = [] {
    koc::roster x;
    x.id = {11, 12, 13, 14, 15, 16};
    const double values[6] = {0, 1, 3, 50, 1000, 2e6};
    for (int m = 0; m < koc::n_builtin_metrics; ++m) {
      const bool rate = m == static_cast<int>(koc::metric::on_time_rate) || m == static_cast<int>(koc::metric::quality) ||
                        m == static_cast<int>(koc::metric::loyalty);
      for (std::size_t i = 0; i < x.id.size(); ++i)
        x.metrics[static_cast<std::size_t>(m)].push_back(rate ? static_cast<double>(i) / 5.0 : values[(i + static_cast<std::size_t>(m)) % 6]);
    }
    x.honorary = {0, 1, 0, 0, 1, 0};
    x.invited = {1, 0, 0, 1, 0, 1};
    x.clearance = {0, 0, 1, 1, 0, 1};
    x.previous_tier = {-1, 0, 3, 1, 2, 0};
    x.periods_below = {0, 0, 5, 1, 0, 2};
    return x;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using koc::fuzz::check;
  const std::string text(reinterpret_cast<const char*>(data), size);
  koc::tier_policy policy;
  try {
    policy = koc::tier_policy_from_json(text);
  } catch (const koc::error& e) {
    koc::fuzz::check_error(e);
    check(!e.field().empty(), std::string("policy error without a JSON path: ") + e.what());
    return 0;
  }
  const std::string once = koc::tier_policy_to_json(policy);
  koc::tier_policy again;
  try {
    again = koc::tier_policy_from_json(once);
  } catch (const koc::error& e) {
    koc::fuzz::fail(std::string("an accepted policy does not load from its own JSON: ") + e.what() + "\n" + once);
  }
  check(koc::tier_policy_to_json(again) == once, "to_json(from_json(to_json(p))) != to_json(p)\n" + once);

  // The roster has tiers 0..3 in previous_tier: clamp to the ladder so the input stays valid.
  koc::roster r = small_roster();
  for (auto& t : r.previous_tier) t = t < 0 ? t : std::min<std::int32_t>(t, static_cast<std::int32_t>(policy.tiers.size()) - 1);
  try {
    const koc::tier_result t = koc::classify(r, policy);
    check(t.n_kocs == r.size() && t.final_tier.size() == r.size(), "classify returned the wrong number of rows");
    for (std::size_t i = 0; i < r.size(); ++i) {
      check(t.final_tier[i] >= 0 && static_cast<std::size_t>(t.final_tier[i]) < policy.tiers.size(), "final tier off the ladder");
      check(!koc::explain(r, policy, t, i).empty(), "empty explanation");
    }
    const koc::what_if_result w = koc::what_if(r, koc::default_tier_policy(), policy);
    std::int64_t moved = 0;
    for (auto c : w.counts) moved += c;
    check(moved == static_cast<std::int64_t>(r.size()), "what_if counts do not add up to the roster");
  } catch (const koc::error& e) {
    koc::fuzz::check_error(e);
  }
  return 0;
}

// The README's C++ example, compiled by the build so it cannot rot.
#include <koc/tiers.hpp>

#include <iostream>

int main() {
  koc::roster r;  // columns: one entry per KOC
  r.id = {1, 2, 3};
  r.column(koc::metric::posts) = {3, 40, 250};
  r.column(koc::metric::interactions) = {50, 9000, 250000};
  r.column(koc::metric::views) = {400, 80000, 4000000};
  r.column(koc::metric::followers) = {120, 8000, 300000};
  r.column(koc::metric::leads) = {0, 12, 90};
  r.column(koc::metric::tasks_completed) = {0, 14, 60};
  r.column(koc::metric::on_time_rate) = {1.0, 0.9, 0.95};
  r.column(koc::metric::quality) = {0.5, 0.75, 0.9};
  r.column(koc::metric::tenure_days) = {20, 400, 900};
  r.column(koc::metric::loyalty) = {0.2, 0.6, 0.9};
  r.column(koc::metric::days_since_active) = {30, 3, 1};
  r.invited = {0, 0, 1};
  r.previous_tier = {-1, 1, 2};  // new, active, core

  const koc::tier_policy policy = koc::default_tier_policy();  // or koc::tier_policy_from_json(text)
  const koc::tier_result t = koc::classify(r, policy);
  for (std::size_t i = 0; i < r.size(); ++i) std::cout << koc::explain(r, policy, t, i) << "\n";
}

// Classify a roster CSV with the default tier policy (or a policy JSON) and print a table.
//
//   koc_classify_sample examples/data/sample_roster.csv [policy.json]
//
// The CSV header names the roster columns (see include/koc/roster.hpp); previous_tier holds a tier
// name or is empty for a new KOC. The core library does no I/O: reading the file is this example's job.
#include <koc/tiers.hpp>
#include <koc/tiers/policy_json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

koc::roster read_roster(const std::string& path, const koc::tier_policy& policy) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  std::getline(in, line);
  const auto header = split(line);
  koc::roster r;
  std::size_t row = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto cells = split(line);
    if (cells.size() != header.size())
      throw koc::error(koc::errc::length_mismatch, "expected " + std::to_string(header.size()) + " cells", static_cast<std::int64_t>(row));
    for (std::size_t c = 0; c < header.size(); ++c) {
      const std::string& h = header[c];
      const std::string& v = cells[c];
      auto num = [&] {
        try {
          return std::stod(v);
        } catch (...) {
          throw koc::error(koc::errc::invalid_value, "not a number: '" + v + "'", static_cast<std::int64_t>(row), h);
        }
      };
      if (h == "id") r.id.push_back(std::stoll(v));
      else if (h == "honorary") r.honorary.push_back(v == "1");
      else if (h == "invited") r.invited.push_back(v == "1");
      else if (h == "clearance") r.clearance.push_back(v == "1");
      else if (h == "previous_tier") r.previous_tier.push_back(v.empty() ? -1 : policy.tier_index(v, "previous_tier"));
      else if (h == "periods_below") r.periods_below.push_back(static_cast<std::int32_t>(num()));
      else r.column(policy.name_of(policy.find_metric(h, h))).push_back(num());  // built in or declared
    }
    ++row;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: koc_classify_sample roster.csv [tier_policy.json]\n";
    return 2;
  }
  try {
    koc::tier_policy policy = koc::default_tier_policy();
    if (argc > 2) {
      std::ifstream pf(argv[2]);
      std::stringstream text;
      text << pf.rdbuf();
      policy = koc::tier_policy_from_json(text.str());
    }
    const koc::roster roster = read_roster(argv[1], policy);
    const koc::tier_result t = koc::classify(roster, policy);
    const koc::roster_view columns = koc::bind_metrics(roster, policy);  // column(m) of declared metrics too

    std::printf("%-8s %-11s %7s  %-22s %-11s  %s\n", "id", "tier", "score", "transition", "from", "growth challenge");
    std::map<std::string, int> per_tier;
    for (std::size_t i = 0; i < roster.size(); ++i) {
      const auto& tier = policy.tiers[static_cast<std::size_t>(t.final_tier[i])].name;
      ++per_tier[tier];
      const auto prev = roster.previous_tier[i];
      // The cheapest single-metric step to the next tier, as the operator's "growth challenge".
      std::string challenge = t.next_tier[i] < 0 ? "top of the ladder" : "no single metric suffices";
      double best = 1e300;
      for (std::size_t k = 0; k < t.gap_metrics.size(); ++k) {
        const double g = t.gap(i, k);
        const auto m = t.gap_metrics[k];
        const double rel = g / std::max(1.0, columns.column(m)[i]);
        if (std::isfinite(g) && g > 0 && rel < best) {
          best = rel;
          char buf[96];
          std::snprintf(buf, sizeof buf, "%s%.4g %s → %s", koc::gap_sign_negative(policy, m) ? "-" : "+", g,
                        policy.name_of(m).c_str(), policy.tiers[static_cast<std::size_t>(t.next_tier[i])].name.c_str());
          challenge = buf;
        }
      }
      std::printf("%-8lld %-11s %7.2f  %-22s %-11s  %s\n", static_cast<long long>(roster.id[i]), tier.c_str(),
                  t.score[i], koc::tier_transition_names[t.transition[i]],
                  prev < 0 ? "(new)" : policy.tiers[static_cast<std::size_t>(prev)].name.c_str(), challenge.c_str());
    }
    std::printf("\nKOCs per tier:");
    for (auto& tier : policy.tiers) std::printf("  %s %d", tier.name.c_str(), per_tier[tier.name]);
    std::printf("\n\nWhy, for the first KOC:\n  %s\n", koc::explain(roster, policy, t, 0).c_str());
    return 0;
  } catch (const koc::error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

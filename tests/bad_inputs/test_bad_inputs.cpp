// The shared bad-input catalogue (tests/bad_inputs/catalogue.json) through the C++ API and the C ABI:
// every front reports the same code, row and field for the same malformed input.
#include <catch2/catch.hpp>
#include <koc/koc.h>
#include <koc/matching/capacitated_assignment.hpp>
#include <koc/matching/dense_assignment.hpp>
#include <koc/matching/fit.hpp>
#include <koc/tiers.hpp>
#include <koc/tiers/policy_json.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <regex>
#include <string>
#include <vector>

using json = nlohmann::json;

namespace {

const json& catalogue() {
  static const json c = [] {
    std::ifstream in(KOC_SOURCE_DIR "/tests/bad_inputs/catalogue.json");
    return json::parse(in);
  }();
  return c;
}

double number(const json& v) {
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  return v.get<double>();
}

struct outcome {
  bool ok = true;
  std::string code;
  std::int64_t row = -1;
  std::string field;
};

std::string describe(const outcome& o) {
  return o.ok ? std::string("ok") : o.code + " row " + std::to_string(o.row) + " field '" + o.field + "'";
}

outcome expected(const json& c) {
  if (c["expect"].is_string()) return {};
  return {false, c["expect"]["code"].get<std::string>(), c["expect"]["row"].get<std::int64_t>(),
          c["expect"]["field"].get<std::string>()};
}

// ---- inputs -----------------------------------------------------------------------------------

koc::roster make_roster(const json& c) {
  const json& b = catalogue()["base"]["roster"];
  koc::roster r;
  if (c.value("empty", false)) return r;
  for (auto& v : b["id"]) r.id.push_back(v.get<std::int64_t>());
  for (int m = 0; m < koc::n_builtin_metrics; ++m)
    for (auto& v : b[koc::metric_names[static_cast<std::size_t>(m)]]) r.metrics[static_cast<std::size_t>(m)].push_back(v.get<double>());
  for (auto& v : b["honorary"]) r.honorary.push_back(v.get<std::uint8_t>());
  for (auto& v : b["invited"]) r.invited.push_back(v.get<std::uint8_t>());
  for (auto& v : b["clearance"]) r.clearance.push_back(v.get<std::uint8_t>());
  for (auto& v : b["previous_tier"]) r.previous_tier.push_back(v.get<std::int32_t>());
  for (auto& v : b["periods_below"]) r.periods_below.push_back(v.get<std::int32_t>());
  if (c.contains("set")) {
    const auto col = c["set"]["column"].get<std::string>();
    const auto row = c["set"]["row"].get<std::size_t>();
    if (col == "id") r.id[row] = c["set"].contains("copy_row") ? r.id[c["set"]["copy_row"].get<std::size_t>()] : c["set"]["value"].get<std::int64_t>();
    else if (col == "previous_tier") r.previous_tier[row] = c["set"]["value"].get<std::int32_t>();
    else if (col == "periods_below") r.periods_below[row] = c["set"]["value"].get<std::int32_t>();
    else r.column(koc::parse_metric(col, col))[row] = number(c["set"]["value"]);
  }
  if (c.contains("truncate")) r.column(koc::parse_metric(c["truncate"]["column"], "column")).pop_back();
  return r;
}

std::string policy_text(const json& c, std::string text) {
  if (c.contains("json_truncate")) text = text.substr(0, c["json_truncate"].get<std::size_t>());
  if (c.contains("json_replace")) {
    const auto from = c["json_replace"]["from"].get<std::string>();
    std::string to;
    if (c["json_replace"].contains("to")) to = c["json_replace"]["to"].get<std::string>();
    else {
      const auto hex = c["json_replace"]["to_hex"].get<std::string>();
      for (std::size_t i = 0; i + 1 < hex.size(); i += 2) to.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  if (c.contains("json_regex_all"))
    text = std::regex_replace(text, std::regex(c["json_regex_all"]["pattern"].get<std::string>()),
                              c["json_regex_all"]["to"].get<std::string>());
  return text;
}

std::vector<double> make_dense(const json& c, std::size_t& rows, std::size_t& cols) {
  const json& b = catalogue()["base"]["dense"];
  rows = b.size();
  cols = b[0].size();
  std::vector<double> m;
  for (auto& r : b)
    for (auto& v : r) m.push_back(v.get<double>());
  if (c.contains("set")) m[c["set"]["row"].get<std::size_t>() * cols + c["set"]["col"].get<std::size_t>()] = number(c["set"]["value"]);
  return m;
}

// ---- fronts -----------------------------------------------------------------------------------

outcome run_cpp(const json& c) {
  const auto target = c["target"].get<std::string>();
  try {
    if (target == "roster") {
      (void)koc::classify(make_roster(c), koc::default_tier_policy());
    } else if (target == "tier_policy") {
      (void)koc::tier_policy_from_json(policy_text(c, koc::tier_policy_to_json(koc::default_tier_policy())));
    } else if (target == "dense") {
      std::size_t rows = 0, cols = 0;
      const auto m = make_dense(c, rows, cols);
      (void)koc::solve_dense_assignment(m.data(), rows, cols);
    } else if (target == "capacitated") {
      json b = catalogue()["base"]["capacitated"];
      for (auto key : {"capacity", "slots", "score", "task", "koc"})
        if (c.contains(key)) b[key] = c[key];
      std::vector<std::int32_t> koc_i = b["koc"], task_i = b["task"], cap = b["capacity"], slots = b["slots"];
      std::vector<double> score;
      for (auto& v : b["score"]) score.push_back(number(v));
      const auto edges = koc::candidate_graph_from_edges(b["n_kocs"], b["n_tasks"], koc_i, task_i, score);
      try {
        (void)koc::solve_capacitated_assignment(edges.graph, cap, slots, {});
      } catch (const koc::error& e) {
        throw edges.at_edge_row(e);  // a pair's error named by the caller's edge row, as C and Python do
      }
    }
    return {};
  } catch (const koc::error& e) {
    return {false, koc::errc_name(e.code()), e.row(), e.field()};
  }
}

outcome from_status(koc_status s) {
  if (s == KOC_OK) return {};
  return {false, koc::errc_name(static_cast<koc::errc>(s)), koc_last_error_row(), koc_last_error_field()};
}

outcome run_c(const json& c) {
  const auto target = c["target"].get<std::string>();
  if (target == "roster") {
    const koc::roster r = make_roster(c);
    koc_roster* roster = nullptr;
    koc_tier_policy* policy = nullptr;
    koc_tier_result* result = nullptr;
    koc_status s = koc_roster_create(r.id.data(), r.size(), &roster);
    for (int m = 0; m < koc::n_builtin_metrics && s == KOC_OK; ++m)
      s = koc_roster_set_metric(roster, static_cast<koc_metric>(m), r.metrics[static_cast<std::size_t>(m)].data(),
                                r.metrics[static_cast<std::size_t>(m)].size());
    if (s == KOC_OK) s = koc_roster_set_flag(roster, KOC_FLAG_HONORARY, r.honorary.data(), r.honorary.size());
    if (s == KOC_OK) s = koc_roster_set_history(roster, r.previous_tier.data(), r.periods_below.data(), r.previous_tier.size());
    if (s == KOC_OK) s = koc_tier_policy_default(&policy);
    if (s == KOC_OK) s = koc_classify(roster, policy, nullptr, nullptr, nullptr, nullptr, 0, 0, &result);
    const outcome o = from_status(s);
    koc_tier_result_destroy(result);
    koc_tier_policy_destroy(policy);
    koc_roster_destroy(roster);
    return o;
  }
  if (target == "tier_policy") {
    koc_tier_policy* def = nullptr;
    REQUIRE(koc_tier_policy_default(&def) == KOC_OK);
    std::size_t need = 0;
    REQUIRE(koc_tier_policy_to_json(def, nullptr, 0, &need) == KOC_OK);
    std::string text(need + 1, '\0');
    REQUIRE(koc_tier_policy_to_json(def, text.data(), text.size(), &need) == KOC_OK);
    text.resize(need);
    koc_tier_policy_destroy(def);
    const std::string mutated = policy_text(c, text);
    koc_tier_policy* p = nullptr;
    const outcome o = from_status(koc_tier_policy_from_json(mutated.data(), mutated.size(), &p));
    koc_tier_policy_destroy(p);
    return o;
  }
  if (target == "dense") {
    std::size_t rows = 0, cols = 0;
    const auto m = make_dense(c, rows, cols);
    std::vector<int64_t> ri(rows), ci(rows);
    std::size_t n = 0;
    double total = 0;
    int32_t optimal = 0;
    return from_status(koc_linear_sum_assignment(m.data(), rows, cols, 0, nullptr, ri.data(), ci.data(), rows, &n, &total,
                                                 &optimal, nullptr, nullptr));
  }
  if (target == "capacitated") {
    json b = catalogue()["base"]["capacitated"];
    for (auto key : {"capacity", "slots", "score", "task", "koc"})
      if (c.contains(key)) b[key] = c[key];
    const std::vector<std::int32_t> koc_i = b["koc"], task_i = b["task"], cap = b["capacity"], slots = b["slots"];
    std::vector<double> score;
    for (auto& v : b["score"]) score.push_back(number(v));
    koc_capacitated_result* r = nullptr;
    const outcome o = from_status(koc_capacitated_assignment(koc_i.data(), task_i.data(), score.data(), koc_i.size(), cap.data(),
                                                             b["n_kocs"], slots.data(), b["n_tasks"], KOC_OBJECTIVE_MAX_SCORE,
                                                             1e-6, &r));
    koc_capacitated_result_destroy(r);
    return o;
  }
  return {};
}

}  // namespace

TEST_CASE("bad-input catalogue: C++ front", "[bad_inputs][cpp]") {
  for (const auto& c : catalogue()["cases"]) {
    INFO("case " << c["name"].get<std::string>());
    CHECK(describe(run_cpp(c)) == describe(expected(c)));
  }
}

TEST_CASE("bad-input catalogue: C front", "[bad_inputs][c_api]") {
  for (const auto& c : catalogue()["cases"]) {
    INFO("case " << c["name"].get<std::string>());
    CHECK(describe(run_c(c)) == describe(expected(c)));
  }
}

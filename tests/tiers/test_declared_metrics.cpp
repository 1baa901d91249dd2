// A policy's own metrics (metric_declarations): declared, read from named roster columns, scored,
// gated, explained and refused exactly as the built-in ones.
#include <catch2/catch.hpp>
#include <koc/tiers.hpp>
#include <koc/tiers/policy_json.hpp>

#include <cmath>
#include <string>

using namespace koc;

namespace {

// answers (count, higher is better), complaints (count, lower is better: inverted by default), sentiment
// (a score in [-1, 1], only by percentile), and the built-in quality.
const char* const kPolicy = R"({
  "schema": "koc.tier_policy/1",
  "metric_declarations": [
    {"name": "answers", "unit": "count", "integral": true, "better": "higher"},
    {"name": "complaints", "unit": "count", "integral": true, "better": "lower"},
    {"name": "sentiment", "unit": "score", "min": -1, "max": 1}
  ],
  "metrics": [
    {"metric": "answers", "weight": 60, "normalisation": "cap", "reference": 50},
    {"metric": "complaints", "weight": 20, "normalisation": "cap", "reference": 10},
    {"metric": "sentiment", "weight": 10, "normalisation": "percentile"},
    {"metric": "quality", "weight": 10, "normalisation": "none"}
  ],
  "tiers": [
    {"name": "entry", "promote_threshold": 0},
    {"name": "expert", "promote_threshold": 50, "keep_threshold": 45, "grace_periods": 1,
     "gates": [{"metric": "answers", "min": 10}]}
  ],
  "honorary": {"floor": "expert", "lifetime": {"answers": 1000}}
})";

roster sample() {
  roster r;
  r.id = {1, 2, 3, 4};
  r.column("answers") = {5, 40, 9, 1200};
  r.column("complaints") = {0, 2, 10, 4};
  r.column("sentiment") = {-0.5, 0.25, 1.0, -1.0};
  r.column(metric::quality) = {0.5, 0.9, 1.0, 0.0};
  return r;
}

}  // namespace

TEST_CASE("declared metrics: policy JSON reads, numbers and writes them back", "[tiers][declared]") {
  const tier_policy p = tier_policy_from_json(std::string(kPolicy));
  REQUIRE(p.declared.size() == 3);
  CHECK(p.n_metrics() == n_builtin_metrics + 3);
  CHECK(p.find_metric("answers", "x") == static_cast<metric>(n_builtin_metrics));
  CHECK(p.name_of(static_cast<metric>(n_builtin_metrics + 2)) == "sentiment");
  CHECK(p.declaration(metric::quality).max == 1.0);
  // complaints is better lower: its weight inverts without saying so; answers does not.
  CHECK_FALSE(p.metrics[0].invert);
  CHECK(p.metrics[1].invert);
  CHECK(p.declared[2].min == -1.0);
  CHECK(p.declared[0].integral);
  CHECK(std::isinf(p.declared[0].max));
  const tier_policy q = tier_policy_from_json(tier_policy_to_json(p));
  CHECK(tier_policy_to_json(q) == tier_policy_to_json(p));
  // A policy without declarations writes none: documents written before them are unchanged.
  CHECK(tier_policy_to_json(default_tier_policy()).find("metric_declarations") == std::string::npos);
}

TEST_CASE("declared metrics: scores, gates, lifetime honours and gaps read the named columns", "[tiers][declared]") {
  const tier_policy p = tier_policy_from_json(std::string(kPolicy));
  const roster r = sample();
  const tier_result t = classify(r, p);
  REQUIRE(t.terms.size() == 4);
  // Row 1: answers 40/50 · 60 = 48; complaints (1 - 2/10) · 20 = 16; sentiment is the 3rd of 4 values
  // (mid-rank 2/3) · 10; quality 0.9 · 10 = 9.
  CHECK(t.contribution(1, 0) == Approx(48.0));
  CHECK(t.contribution(1, 1) == Approx(16.0));
  CHECK(t.contribution(1, 2) == Approx(10.0 * 2.0 / 3.0));
  CHECK(t.contribution(1, 3) == Approx(9.0));
  CHECK(t.final_tier[1] == 1);
  // Row 2 scores 9/50·60 + 0 + 10 + 10 = 30.8: below 50, and its answers gate (9 < 10) fails too.
  CHECK(t.final_tier[2] == 0);
  // Row 3: 1200 answers meet the lifetime rule: honorary, held at the expert floor whatever its score.
  CHECK(t.honorary[3] == 1);
  CHECK(t.final_tier[3] == 1);
  // Row 0 needs answers to reach expert: the gap is a whole number (integral), and exactly minimal.
  std::size_t k_answers = 0;
  while (t.gap_metrics[k_answers] != p.find_metric("answers", "x")) ++k_answers;
  const double gap = t.gap(0, k_answers);
  REQUIRE(std::isfinite(gap));
  CHECK(gap == std::floor(gap));
  roster more = sample();
  more.column("answers")[0] += gap;
  CHECK(classify(more, p).final_tier[0] == 1);
  more.column("answers")[0] -= 1;
  CHECK(classify(more, p).final_tier[0] == 0);
  // Explanations and gate descriptions name the declared metrics.
  const std::string why = explain(r, p, t, 0);
  CHECK(why.find("answers") != std::string::npos);
  CHECK(why.find("complaints") != std::string::npos);
  CHECK(describe(p.tiers[1].gates[0], p) == "answers >= 10");
  // The columnar kernel agrees with the row-wise definition on the bound view.
  const roster_view v = bind_metrics(r, p);
  for (std::size_t i = 0; i < r.size(); ++i) CHECK(walk_ladder(p, v, i, t.score[i]).computed == t.computed_tier[i]);
}

TEST_CASE("declared metrics: a partition classified with the roster's reference equals the whole", "[tiers][declared]") {
  const tier_policy p = tier_policy_from_json(std::string(kPolicy));
  const roster r = sample();
  const tier_result whole = classify(r, p);
  tier_reference ref = tier_reference_of(r, p);
  REQUIRE(ref.metrics.size() == 1);
  CHECK(ref.metrics[0].which == p.find_metric("sentiment", "x"));
  roster part;
  part.id = {3, 4};
  for (const char* c : {"answers", "complaints", "sentiment"}) part.column(c) = {r.view().column(c)[2], r.view().column(c)[3]};
  part.column(metric::quality) = {1.0, 0.0};
  ref.row_offset = 2;
  classify_options opt;
  opt.reference = &ref;
  const tier_result t = classify(part, p, {}, opt);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(t.score[i] == whole.score[i + 2]);
    CHECK(t.final_tier[i] == whole.final_tier[i + 2]);
  }
}

TEST_CASE("declared metrics: bad rosters and policies are refused naming the column or path", "[tiers][declared]") {
  const tier_policy p = tier_policy_from_json(std::string(kPolicy));
  auto refused = [&](const roster& r, errc code, std::int64_t row, const std::string& field, const std::string& words) {
    const auto problems = roster_problems(r, p, 10);
    REQUIRE_FALSE(problems.empty());
    CHECK(problems[0].code() == code);
    CHECK(problems[0].row() == row);
    CHECK(problems[0].field() == field);
    CHECK(std::string(problems[0].detail()).find(words) != std::string::npos);
    CHECK_THROWS_AS(classify(r, p), error);
  };
  roster r = sample();
  CHECK_THROWS_AS(r.column("honorary"), error);  // a flag: the roster's own member, not a metric column
  r.named.erase(r.named.begin());  // no answers column
  refused(r, errc::invalid_argument, -1, "answers", "no such column");
  r = sample();
  r.column("complaints")[2] = -1;
  refused(r, errc::invalid_value, 2, "complaints", "negative");
  r = sample();
  r.column("sentiment")[1] = 1.5;
  refused(r, errc::out_of_range, 1, "sentiment", "[-1, 1]");
  r = sample();
  r.column("sentiment")[3] = std::nan("");
  refused(r, errc::invalid_value, 3, "sentiment", "NaN");

  auto policy_problem = [](const std::string& text, const std::string& field, const std::string& words) {
    const auto problems = tier_policy_problems(text, 10);
    REQUIRE_FALSE(problems.empty());
    CHECK(problems[0].field() == field);
    CHECK(std::string(problems[0].detail()).find(words) != std::string::npos);
  };
  const std::string head = R"({"schema": "koc.tier_policy/1", "tiers": [{"name": "entry", "promote_threshold": 0}], )";
  policy_problem(head + R"("metrics": [{"metric": "answer", "weight": 1, "normalisation": "log1p", "reference": 5}]})",
                 "metrics[0].metric", "declare");
  policy_problem(head + R"("metric_declarations": [{"name": "views"}], "metrics": [{"metric": "views", "weight": 1, "normalisation": "log1p", "reference": 5}]})",
                 "metric_declarations[0].name", "built-in");
  policy_problem(head + R"("metric_declarations": [{"name": "previous_tier"}], "metrics": [{"metric": "previous_tier", "weight": 1, "normalisation": "log1p", "reference": 5}]})",
                 "metric_declarations[0].name", "roster column");
  policy_problem(head + R"("metric_declarations": [{"name": "net score"}], "metrics": [{"metric": "net score", "weight": 1, "normalisation": "percentile"}]})",
                 "metric_declarations[0].name", "letters");
  policy_problem(head + R"("metric_declarations": [{"name": "nps", "min": -100, "max": 100}], "metrics": [{"metric": "nps", "weight": 1, "normalisation": "log1p", "reference": 5}]})",
                 "metrics[0].normalisation", "min_max or percentile");
  policy_problem(head + R"("metric_declarations": [{"name": "a", "min": 5, "max": 5}], "metrics": [{"metric": "a", "weight": 1, "normalisation": "percentile"}]})",
                 "metric_declarations[0].max", "greater than min");
  policy_problem(head + R"("metric_declarations": [{"name": "a", "better": "more"}], "metrics": [{"metric": "a", "weight": 1, "normalisation": "percentile"}]})",
                 "metric_declarations[0].better", "higher");
  policy_problem(head + R"("metric_declarations": [{"name": "a"}, {"name": "a"}], "metrics": [{"metric": "a", "weight": 1, "normalisation": "percentile"}]})",
                 "metric_declarations[1].name", "declared twice");
}

TEST_CASE("declared metrics: a range that does not start at 0 is checked apart from the fused kernel", "[tiers][declared]") {
  // rating in [1, 5] with cap: the kernel's own check admits [0, 5], so 0.5 must still be refused.
  const tier_policy p = tier_policy_from_json(std::string(R"({
    "schema": "koc.tier_policy/1",
    "metric_declarations": [{"name": "rating", "min": 1, "max": 5}],
    "metrics": [{"metric": "rating", "weight": 100, "normalisation": "cap", "reference": 5}],
    "tiers": [{"name": "entry", "promote_threshold": 0}, {"name": "star", "promote_threshold": 80}]})"));
  roster r;
  r.id.resize(3000);
  r.column("rating").assign(3000, 4.5);
  for (std::size_t i = 0; i < r.id.size(); ++i) r.id[i] = static_cast<std::int64_t>(i);
  CHECK(classify(r, p).final_tier[0] == 1);
  r.column("rating")[2500] = 0.5;
  try {
    classify(r, p);
    FAIL("a rating below 1 was accepted");
  } catch (const error& e) {
    CHECK(e.row() == 2500);
    CHECK(e.field() == "rating");
    CHECK(e.code() == errc::out_of_range);
  }
}

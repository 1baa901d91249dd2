/* The C ABI exercised from C: every tier and rewards entry point and its error paths.
 * Compiled as C11 with -Wall -Wextra -pedantic -Werror. Prints "N passed, N failed". */
#include <koc/koc.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int passed = 0, failed = 0;
#define CHECK(cond)                                                         \
  do {                                                                      \
    if (cond) {                                                             \
      ++passed;                                                             \
    } else {                                                                \
      ++failed;                                                             \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, \
              __LINE__, #cond, koc_last_error_message());                   \
    }                                                                       \
  } while (0)

enum { N = 4 };
static const int64_t ids[N] = {11, 12, 13, 14};
static double metrics[11][N];
static const uint8_t invited[N] = {0, 0, 1, 0};
static const int32_t previous[N] = {-1, 1, 2, 3};
static const int32_t below[N] = {0, 0, 0, 5};

static koc_roster* make_roster(void) {
  koc_roster* r = NULL;
  int m, i;
  for (m = 0; m < 11; ++m)
    for (i = 0; i < N; ++i) metrics[m][i] = (m == KOC_METRIC_ON_TIME_RATE || m == KOC_METRIC_QUALITY || m == KOC_METRIC_LOYALTY) ? 0.2 * (i + 1) : 10.0 * (i + 1) * (i + 1) * (i + 1);
  CHECK(koc_roster_create(ids, N, &r) == KOC_OK);
  for (m = 0; m < 11; ++m) CHECK(koc_roster_set_metric(r, (koc_metric)m, metrics[m], N) == KOC_OK);
  CHECK(koc_roster_set_flag(r, KOC_FLAG_INVITED, invited, N) == KOC_OK);
  CHECK(koc_roster_set_history(r, previous, below, N) == KOC_OK);
  return r;
}

static void test_version_and_status(void) {
  CHECK(koc_version_number() == KOC_VERSION_NUMBER);
  CHECK(strcmp(koc_version_string(), "0.1.0") == 0);
  CHECK(strcmp(koc_status_string(KOC_ERROR_INVALID_VALUE), "KOC_ERROR_INVALID_VALUE") == 0);
  CHECK(strcmp(koc_status_string((koc_status)9999), "KOC_UNKNOWN_STATUS") == 0);
}

static void test_policy(void) {
  koc_tier_policy* p = NULL;
  koc_tier_policy* q = NULL;
  char small[8];
  char big[8192];
  char name[32];
  size_t need = 0;
  int32_t count = 0;
  CHECK(koc_tier_policy_default(&p) == KOC_OK);
  CHECK(koc_tier_policy_to_json(p, NULL, 0, &need) == KOC_OK);
  CHECK(need > 100 && need < sizeof big);
  CHECK(koc_tier_policy_to_json(p, small, sizeof small, &need) == KOC_ERROR_BUFFER_TOO_SMALL);
  CHECK(koc_tier_policy_to_json(p, big, sizeof big, &need) == KOC_OK);
  CHECK(strlen(big) == need);
  CHECK(koc_tier_policy_from_json(big, need, &q) == KOC_OK);
  CHECK(koc_tier_policy_tier_count(q, &count) == KOC_OK && count == 4);
  CHECK(koc_tier_policy_tier_name(q, 3, name, sizeof name, &need) == KOC_OK && strcmp(name, "ambassador") == 0);
  CHECK(koc_tier_policy_tier_name(q, 4, name, sizeof name, &need) == KOC_ERROR_OUT_OF_RANGE);
  koc_tier_policy_destroy(q);
  q = (koc_tier_policy*)1;
  CHECK(koc_tier_policy_from_json("{\"schema\": ", 11, &q) == KOC_ERROR_INVALID_POLICY);
  CHECK(q == NULL);
  CHECK(strcmp(koc_last_error_field(), "$") == 0);
  {
    const char* bad = "{\"schema\": \"koc.tier_policy/1\", \"metrics\": [{\"metric\": \"likes\", \"weight\": 1, \"normalisation\": \"log1p\"}], \"tiers\": []}";
    CHECK(koc_tier_policy_from_json(bad, strlen(bad), &q) == KOC_ERROR_UNKNOWN_NAME);
  }
  CHECK(strcmp(koc_last_error_field(), "metrics[0].metric") == 0);
  CHECK(koc_tier_policy_from_json(NULL, 0, &q) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_tier_policy_default(NULL) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_tier_policy_tier_count(NULL, &count) == KOC_ERROR_NULL_POINTER);
  koc_tier_policy_destroy(p);
  koc_tier_policy_destroy(NULL);
}

static void test_classify(void) {
  koc_tier_policy* p = NULL;
  koc_roster* r = make_roster();
  koc_tier_result* t = NULL;
  int32_t final_tier[N], transition[N];
  const double* scores = NULL;
  const double* contrib = NULL;
  const double* gaps = NULL;
  const int32_t* terms = NULL;
  const int32_t* gap_metrics = NULL;
  size_t n = 0, n_terms = 0, n_gaps = 0, need = 0, i, k;
  char text[2048];
  CHECK(koc_tier_policy_default(&p) == KOC_OK);
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_OK);
  CHECK(koc_tier_result_size(t, &n) == KOC_OK && n == N);
  CHECK(koc_tier_result_column(t, KOC_TIER_FINAL, final_tier, N) == KOC_OK);
  CHECK(koc_tier_result_column(t, KOC_TIER_TRANSITION, transition, N) == KOC_OK);
  CHECK(transition[0] == KOC_TRANSITION_ENTERED);
  CHECK(koc_tier_result_column(t, KOC_TIER_FINAL, final_tier, N - 1) == KOC_ERROR_LENGTH_MISMATCH);
  CHECK(koc_tier_result_column(t, (koc_tier_column)99, final_tier, N) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_tier_result_scores(t, &scores, &n) == KOC_OK && n == N);
  CHECK(koc_tier_result_contributions(t, &contrib, &n_terms, &terms) == KOC_OK && n_terms == 11);
  CHECK(terms[0] == KOC_METRIC_POSTS);
  for (i = 0; i < N; ++i) {
    double s = 0;
    for (k = 0; k < n_terms; ++k) s += contrib[k * N + i];
    CHECK(s == scores[i]);
  }
  CHECK(koc_tier_result_growth_gaps(t, &gaps, &n_gaps, &gap_metrics) == KOC_OK && n_gaps == 11);
  CHECK(gaps[0] >= 0);
  CHECK(koc_tier_result_explain(t, 2, NULL, 0, &need) == KOC_OK && need > 20 && need < sizeof text);
  CHECK(koc_tier_result_explain(t, 2, text, sizeof text, &need) == KOC_OK && strncmp(text, "KOC 13:", 7) == 0);
  CHECK(koc_tier_result_explain(t, N, text, sizeof text, &need) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_last_error_row() == N);
  koc_tier_result_destroy(t);
  t = NULL;

  {
    const int64_t ov_ids[1] = {12};
    const int32_t ov_tiers[1] = {3};
    const char* reasons[1] = {"brand council"};
    const size_t lens[1] = {13};
    const int64_t bad_ids[1] = {99};
    CHECK(koc_classify(r, p, ov_ids, ov_tiers, reasons, lens, 1, KOC_CLASSIFY_NO_GROWTH_GAPS, &t) == KOC_OK);
    CHECK(koc_tier_result_column(t, KOC_TIER_FINAL, final_tier, N) == KOC_OK && final_tier[1] == 3);
    CHECK(koc_tier_result_growth_gaps(t, &gaps, &n_gaps, NULL) == KOC_OK && n_gaps == 0);
    CHECK(koc_tier_result_explain(t, 1, text, sizeof text, &need) == KOC_OK && strstr(text, "brand council") != NULL);
    koc_tier_result_destroy(t);
    CHECK(koc_classify(r, p, bad_ids, ov_tiers, reasons, lens, 1, 0, &t) == KOC_ERROR_UNKNOWN_ID);
    CHECK(t == NULL);
    CHECK(koc_last_error_row() == 0 && strcmp(koc_last_error_field(), "koc_id") == 0);
  }
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 77, &t) == KOC_ERROR_INVALID_ARGUMENT);
  CHECK(koc_classify(NULL, p, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_classify(r, NULL, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, NULL) == KOC_ERROR_NULL_POINTER);

  /* NaN input: refused, naming row and field; the last error is reset by the next good call. */
  metrics[KOC_METRIC_FOLLOWERS][2] = NAN;
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_ERROR_INVALID_VALUE);
  CHECK(koc_last_error_row() == 2);
  CHECK(strcmp(koc_last_error_field(), "followers") == 0);
  CHECK(strstr(koc_last_error_message(), "NaN") != NULL);
  metrics[KOC_METRIC_FOLLOWERS][2] = 100;
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_OK);
  CHECK(koc_last_error_message()[0] == '\0');
  koc_tier_result_destroy(t);

  /* Wrong lengths and NULL columns. */
  CHECK(koc_roster_set_metric(r, KOC_METRIC_POSTS, metrics[0], N + 1) == KOC_ERROR_LENGTH_MISMATCH);
  CHECK(strcmp(koc_last_error_field(), "posts") == 0);
  CHECK(koc_roster_set_metric(r, (koc_metric)42, metrics[0], N) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_roster_set_metric(r, KOC_METRIC_POSTS, NULL, N) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_roster_set_flag(r, (koc_flag)7, invited, N) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_roster_set_history(r, previous, below, 2) == KOC_ERROR_LENGTH_MISMATCH);
  CHECK(koc_roster_create(NULL, 3, NULL) == KOC_ERROR_NULL_POINTER);

  /* Duplicate ids. */
  {
    const int64_t dup[N] = {1, 2, 1, 3};
    koc_roster* d = NULL;
    int m;
    CHECK(koc_roster_create(dup, N, &d) == KOC_OK);
    for (m = 0; m < 11; ++m) CHECK(koc_roster_set_metric(d, (koc_metric)m, metrics[m], N) == KOC_OK);
    CHECK(koc_classify(d, p, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_ERROR_DUPLICATE_ID);
    CHECK(koc_last_error_row() == 2 && strcmp(koc_last_error_field(), "id") == 0);
    koc_roster_destroy(d);
  }
  koc_roster_destroy(r);
  koc_roster_destroy(NULL);
  koc_tier_result_destroy(NULL);
  koc_tier_policy_destroy(p);
}

static void test_what_if(void) {
  koc_tier_policy* a = NULL;
  koc_tier_policy* b = NULL;
  koc_roster* r = make_roster();
  koc_what_if* w = NULL;
  const int64_t* counts = NULL;
  const int64_t* moved = NULL;
  int32_t rows = 0, cols = 0, i;
  size_t n_moved = 0;
  int64_t total = 0;
  CHECK(koc_tier_policy_default(&a) == KOC_OK);
  CHECK(koc_tier_policy_default(&b) == KOC_OK);
  CHECK(koc_what_if_run(r, a, b, &w) == KOC_OK);
  CHECK(koc_what_if_counts(w, &counts, &rows, &cols) == KOC_OK && rows == 4 && cols == 4);
  for (i = 0; i < rows * cols; ++i) total += counts[i];
  CHECK(total == N);
  CHECK(koc_what_if_moved(w, &moved, &n_moved) == KOC_OK && n_moved == 0);
  koc_what_if_destroy(w); /* the failing run below clears the handle it is given */
  CHECK(koc_what_if_run(r, a, NULL, &w) == KOC_ERROR_NULL_POINTER);
  CHECK(w == NULL);
  koc_what_if_destroy(w);
  koc_what_if_destroy(NULL);
  koc_roster_destroy(r);
  koc_tier_policy_destroy(a);
  koc_tier_policy_destroy(b);
}

/* A small programme checked by hand (amounts in fen):
 *   KOC 1 (core, x1.25): task 10 "red" on time 888 x 1.25 = 1110; task 20 "amp" with 120,000 views:
 *     creation fee 50000 + steps 10000 + 30000, each x 1.25 = 62500 + 12500 + 37500; tier entitlement.
 *   KOC 2 (entry): task 10 late 888 x 50% = 444; task 30 "show" 2 days x 80000 = 160000 and travel
 *     200000 claimed, capped at 150000 (never multiplied).
 *   KOC 3: no completion. Task 40: no completion.
 *   KOC 1 = 113610, KOC 2 = 310444, CNY total 424054; 10 lines. */
static const char reward_policy_json[] =
    "{\"schema\": \"koc.reward_policy/1\", \"gates\": {\"rejected_bp\": 0, \"late_bp\": 5000},"
    " \"tiers\": [{\"name\": \"entry\"}, {\"name\": \"core\", \"multiplier_bp\": 12500,"
    " \"entitlements\": [{\"kind\": \"privilege\", \"name\": \"priority purchase\"}]}],"
    " \"rules\": ["
    "  {\"id\": \"red\", \"kind\": \"fixed\", \"currency\": \"CNY\", \"amount\": \"8.88\"},"
    "  {\"id\": \"amp\", \"kind\": \"amplification\", \"currency\": \"CNY\", \"base\": \"500.00\", \"metric\": \"views\","
    "   \"steps\": [{\"threshold\": 10000, \"bonus\": \"100.00\"}, {\"threshold\": 100000, \"bonus\": \"300.00\"}]},"
    "  {\"id\": \"show\", \"kind\": \"offline\", \"currency\": \"CNY\", \"fee_per_day\": \"800.00\", \"travel_cap\": \"1500.00\"},"
    "  {\"id\": \"pts\", \"kind\": \"fixed\", \"currency\": \"PTS\", \"amount\": \"50\"}]}";

enum { NT = 4, NA = 4, NC = 4, NK = 3 };
static const int64_t rw_task_id[NT] = {10, 20, 30, 40};
static const int32_t rw_rule[NT] = {0, 1, 2, 3};
static const int64_t rw_deadline[NT] = {1000, INT64_MAX, INT64_MAX, INT64_MAX};
static const int64_t rw_a_koc[NA] = {1, 2, 1, 2};
static const int64_t rw_a_task[NA] = {10, 10, 20, 30};
static const int64_t rw_assignment[NC] = {0, 1, 2, 3};
static const int64_t rw_delivered[NC] = {500, 2000, 0, 0};
static const uint8_t rw_accepted[NC] = {1, 1, 1, 1};
static const int64_t rw_views[NC] = {0, 0, 120000, 0};
static const int32_t rw_days_on_site[NC] = {0, 0, 0, 2};
static const int64_t rw_travel[NC] = {0, 0, 0, 200000};
static const int64_t rw_koc[NK] = {1, 2, 3};
static const int32_t rw_tier[NK] = {1, 0, -1};

static int64_t total_of(const koc_ledger* L, koc_totals_group group, int64_t id) {
  const int64_t* ids = NULL;
  const int64_t* amount = NULL;
  size_t n = 0, g;
  if (koc_ledger_totals(L, group, &ids, NULL, &amount, NULL, &n) != KOC_OK) return -1;
  for (g = 0; g < n; ++g)
    if (ids[g] == id) return amount[g];
  return -1;
}

static void test_money(void) {
  uint8_t cny = 0, pts = 0;
  int32_t exponent = -1, count = 0;
  int64_t minor = 0;
  char buf[64];
  char small[4];
  size_t need = 0;
  CHECK(koc_currency_count(&count) == KOC_OK && count > 40);
  CHECK(koc_currency_find("CNY", 3, &cny) == KOC_OK);
  CHECK(koc_currency_find("PTS", 3, &pts) == KOC_OK && pts == 0);
  CHECK(koc_currency_exponent(cny, &exponent) == KOC_OK && exponent == 2);
  CHECK(koc_currency_code(cny, buf, sizeof buf, &need) == KOC_OK && strcmp(buf, "CNY") == 0 && need == 3);
  CHECK(koc_currency_find("XYZ", 3, &cny) == KOC_ERROR_UNKNOWN_NAME);
  CHECK(strstr(koc_last_error_message(), "XYZ") != NULL);
  CHECK(koc_currency_find("cny", 3, &cny) == KOC_ERROR_UNKNOWN_NAME);
  CHECK(koc_currency_find("CNY", 3, NULL) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_currency_find("CNY", 3, &cny) == KOC_OK);
  CHECK(koc_currency_code(KOC_NO_CURRENCY, buf, sizeof buf, &need) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_currency_exponent(200, &exponent) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_amount_parse("300.05", 6, cny, &minor) == KOC_OK && minor == 30005);
  CHECK(koc_amount_parse("1.000", 5, cny, &minor) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_amount_parse("-1", 2, cny, &minor) == KOC_ERROR_INVALID_VALUE);
  CHECK(koc_amount_parse("99999999999999999999", 20, cny, &minor) == KOC_ERROR_OVERFLOW);
  CHECK(koc_amount_parse("1", 1, KOC_NO_CURRENCY, &minor) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_amount_format(12000000, cny, NULL, 0, &need) == KOC_OK && need == strlen("120,000.00 CNY"));
  CHECK(koc_amount_format(12000000, cny, buf, sizeof buf, &need) == KOC_OK && strcmp(buf, "120,000.00 CNY") == 0);
  CHECK(koc_amount_format(-5, cny, buf, sizeof buf, &need) == KOC_OK && strcmp(buf, "-0.05 CNY") == 0);
  CHECK(koc_amount_format(12000000, cny, small, sizeof small, &need) == KOC_ERROR_BUFFER_TOO_SMALL);
  CHECK(koc_line_kind_name(KOC_LINE_STEP_BONUS, buf, sizeof buf, &need) == KOC_OK && strcmp(buf, "step_bonus") == 0);
  CHECK(koc_line_kind_name((koc_line_kind)14, buf, sizeof buf, &need) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_line_reason_name(KOC_LINE_REASON_LATE, buf, sizeof buf, &need) == KOC_OK && strcmp(buf, "late") == 0);
  CHECK(koc_line_reason_name((koc_line_reason)-1, buf, sizeof buf, &need) == KOC_ERROR_OUT_OF_RANGE);
}

static void test_reward_policy(void) {
  koc_reward_policy* p = NULL;
  koc_reward_policy* q = NULL;
  char text[4096];
  char name[16];
  size_t need = 0, need2 = 0;
  int32_t n = 0, rule = -1;
  CHECK(koc_reward_policy_from_json(reward_policy_json, strlen(reward_policy_json), &p) == KOC_OK);
  CHECK(koc_reward_policy_rule_count(p, &n) == KOC_OK && n == 4);
  CHECK(koc_reward_policy_rule_id(p, 1, name, sizeof name, &need) == KOC_OK && strcmp(name, "amp") == 0);
  CHECK(koc_reward_policy_rule_id(p, 4, name, sizeof name, &need) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_reward_policy_find_rule(p, "show", 4, &rule) == KOC_OK && rule == 2);
  CHECK(koc_reward_policy_find_rule(p, "shows", 5, &rule) == KOC_ERROR_UNKNOWN_NAME);
  CHECK(koc_reward_policy_to_json(p, NULL, 0, &need) == KOC_OK && need > 100 && need < sizeof text);
  CHECK(koc_reward_policy_to_json(p, name, sizeof name, &need) == KOC_ERROR_BUFFER_TOO_SMALL);
  CHECK(koc_reward_policy_to_json(p, text, sizeof text, &need) == KOC_OK && strlen(text) == need);
  CHECK(koc_reward_policy_from_json(text, need, &q) == KOC_OK);
  CHECK(koc_reward_policy_to_json(q, text, sizeof text, &need2) == KOC_OK && need2 == need);
  koc_reward_policy_destroy(q);
  q = (koc_reward_policy*)1;
  CHECK(koc_reward_policy_from_json("{\"schema\": ", 11, &q) == KOC_ERROR_INVALID_POLICY);
  CHECK(q == NULL);
  {
    const char* bad = "{\"schema\": \"koc.reward_policy/1\", \"rules\": [{\"id\": \"r\", \"kind\": \"fixed\","
                      " \"currency\": \"XYZ\", \"amount\": \"1\"}]}";
    CHECK(koc_reward_policy_from_json(bad, strlen(bad), &q) == KOC_ERROR_UNKNOWN_NAME);
    CHECK(strcmp(koc_last_error_field(), "rules[0].currency") == 0);
  }
  {
    const char* bad = "{\"schema\": \"koc.reward_policy/1\", \"rules\": [{\"id\": \"r\", \"kind\": \"fixed\","
                      " \"currency\": \"CNY\", \"amount\": 8.88}]}";
    CHECK(koc_reward_policy_from_json(bad, strlen(bad), &q) == KOC_ERROR_INVALID_POLICY);
    CHECK(strcmp(koc_last_error_field(), "rules[0].amount") == 0);
  }
  CHECK(koc_reward_policy_from_json(NULL, 0, &q) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_policy_from_json(reward_policy_json, strlen(reward_policy_json), NULL) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_policy_rule_count(NULL, &n) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_policy_to_json(NULL, text, sizeof text, &need) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_policy_find_rule(NULL, "red", 3, &rule) == KOC_ERROR_NULL_POINTER);
  koc_reward_policy_destroy(p);
  koc_reward_policy_destroy(NULL);
}

static void test_rewards(void) {
  koc_reward_policy* p = NULL;
  koc_reward_tasks* t = NULL;
  koc_reward_assignments* a = NULL;
  koc_reward_completions* c = NULL;
  koc_reward_kocs* k = NULL;
  koc_ledger* L = NULL;
  koc_ledger* E = NULL;
  koc_tier_policy* ladder = NULL;
  const char* names[2] = {"entry", "core"};
  const size_t name_lens[2] = {5, 4};
  const int32_t ladder_tier[NK] = {2, 0, -1}; /* core, entry in the default ladder */
  const int64_t* i64 = NULL;
  const int64_t* amount = NULL;
  const int32_t* i32 = NULL;
  const uint8_t* u8 = NULL;
  const uint8_t* currency = NULL;
  const int64_t* cut = NULL;
  double quality[NC] = {1.0, 0.5, 0.9, 1.0};
  char buf[512], buf2[512];
  char small[8];
  size_t n = 0, len = 0, need = 0, line, groups = 0;
  int32_t ok = -1, n_rules = 0;
  int64_t sum = 0;
  int entitlements = 0, no_rewards = 0;

  CHECK(koc_reward_policy_from_json(reward_policy_json, strlen(reward_policy_json), &p) == KOC_OK);
  CHECK(koc_reward_tasks_create(rw_task_id, rw_rule, NT, &t) == KOC_OK);
  /* The deadline is the task's window end; the column's former name stays a synonym. */
  CHECK(KOC_REWARD_TASK_DEADLINE == KOC_REWARD_TASK_WINDOW_END);
  CHECK(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_DEADLINE, rw_deadline, NT) == KOC_OK);
  CHECK(koc_reward_assignments_create(rw_a_koc, rw_a_task, NA, &a) == KOC_OK);
  CHECK(koc_reward_completions_create(rw_assignment, rw_delivered, rw_accepted, NC, &c) == KOC_OK);
  CHECK(koc_reward_completions_set_int64(c, KOC_COMPLETION_VIEWS, rw_views, NC) == KOC_OK);
  CHECK(koc_reward_completions_set_int32(c, KOC_COMPLETION_DAYS_ON_SITE, rw_days_on_site, NC) == KOC_OK);
  CHECK(koc_reward_completions_set_int64(c, KOC_COMPLETION_TRAVEL_CLAIMED, rw_travel, NC) == KOC_OK);
  CHECK(koc_reward_completions_set_double(c, KOC_COMPLETION_QUALITY, quality, NC) == KOC_OK);
  CHECK(koc_reward_kocs_create(rw_koc, NK, &k) == KOC_OK);
  CHECK(koc_reward_kocs_set_tiers(k, rw_tier, NK, names, name_lens, 2) == KOC_OK);

  CHECK(koc_ledger_compute(p, t, a, c, k, 0, &L) == KOC_OK);
  CHECK(koc_ledger_size(L, &n) == KOC_OK && n == 10);
  CHECK(koc_ledger_verify(L, t, a, c, k, &ok, buf, sizeof buf, &need) == KOC_OK && ok == 1 && need == 0);
  CHECK(koc_ledger_verify(L, t, a, c, k, &ok, NULL, 0, &need) == KOC_OK && ok == 1);
  CHECK(total_of(L, KOC_TOTALS_BY_KOC, 1) == 113610);
  CHECK(total_of(L, KOC_TOTALS_BY_KOC, 2) == 310444);
  CHECK(total_of(L, KOC_TOTALS_BY_KOC, 3) == -1); /* no currency line: not in the totals */
  CHECK(total_of(L, KOC_TOTALS_BY_TASK, 10) == 1110 + 444);
  CHECK(total_of(L, KOC_TOTALS_BY_TASK, 20) == 112500);
  CHECK(koc_ledger_totals(L, KOC_TOTALS_BY_CURRENCY, &i64, &currency, &amount, &cut, &groups) == KOC_OK);
  CHECK(groups == 1 && currency[0] == 1 && i64[0] == 1 && amount[0] == 424054 && cut[0] == 0);
  CHECK(koc_ledger_totals(L, KOC_TOTALS_BY_CAMPAIGN, &i64, NULL, NULL, NULL, &groups) == KOC_OK && groups == 0);
  CHECK(koc_ledger_totals(L, (koc_totals_group)4, &i64, NULL, NULL, NULL, &groups) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_ledger_totals(L, KOC_TOTALS_BY_KOC, &i64, NULL, NULL, NULL, NULL) == KOC_ERROR_NULL_POINTER);

  CHECK(koc_ledger_int64(L, KOC_LEDGER_AMOUNT, &amount, &len) == KOC_OK && len == n);
  for (line = 0; line < len; ++line) sum += amount[line];
  CHECK(sum == 424054); /* all in CNY: the points task 40 has no completion */
  CHECK(koc_ledger_int64(L, KOC_LEDGER_KOC_ID, &i64, &len) == KOC_OK && len == n && i64[0] == 1 && i64[1] == 2);
  CHECK(koc_ledger_int64(L, KOC_LEDGER_TASK_ID, &i64, &len) == KOC_OK && i64[0] == 10 && i64[n - 1] == 40);
  CHECK(koc_ledger_int64(L, KOC_LEDGER_CAMPAIGN_ID, &i64, &len) == KOC_OK && i64[0] == -1);
  CHECK(koc_ledger_int64(L, KOC_LEDGER_COMPLETION, &i64, &len) == KOC_OK && i64[0] == 0 && i64[n - 1] == -1);
  CHECK(koc_ledger_int64(L, KOC_LEDGER_GROSS, &i64, &len) == KOC_OK && i64[0] == 888);
  CHECK(koc_ledger_int64(L, KOC_LEDGER_BASIS, &i64, &len) == KOC_OK && len == n);
  CHECK(koc_ledger_int64(L, KOC_LEDGER_AUX, &i64, &len) == KOC_OK && len == n);
  CHECK(koc_ledger_int64(L, (koc_ledger_int64_column)8, &i64, &len) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_ledger_int32(L, KOC_LEDGER_TIER_BP, &i32, &len) == KOC_OK && i32[0] == 12500 && i32[1] == 10000);
  CHECK(koc_ledger_int32(L, KOC_LEDGER_GATE_BP, &i32, &len) == KOC_OK && i32[0] == 10000 && i32[1] == 5000);
  CHECK(koc_ledger_int32(L, KOC_LEDGER_RULE, &i32, &len) == KOC_OK && i32[0] == 0 && len == n);
  CHECK(koc_ledger_int32(L, (koc_ledger_int32_column)3, &i32, &len) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_ledger_uint8(L, KOC_LEDGER_REASON, &u8, &len) == KOC_OK && u8[0] == KOC_LINE_REASON_NONE && u8[1] == KOC_LINE_REASON_LATE);
  CHECK(koc_ledger_uint8(L, KOC_LEDGER_CURRENCY, &currency, &len) == KOC_OK && currency[0] == 1 && currency[n - 1] == KOC_NO_CURRENCY);
  CHECK(koc_ledger_uint8(L, KOC_LEDGER_KIND, &u8, &len) == KOC_OK && u8[0] == KOC_LINE_FIXED && len == n);
  for (line = 0; line < n; ++line) {
    entitlements += u8[line] == KOC_LINE_ENTITLEMENT;
    no_rewards += u8[line] == KOC_LINE_NO_REWARD;
  }
  CHECK(entitlements == 1 && no_rewards == 2);
  CHECK(koc_ledger_uint8(L, (koc_ledger_uint8_column)3, &u8, &len) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_ledger_uint8(L, KOC_LEDGER_KIND, NULL, &len) == KOC_ERROR_NULL_POINTER);

  CHECK(koc_ledger_rule_count(L, &n_rules) == KOC_OK && n_rules == 6); /* 4 rules + tier:entry, tier:core */
  CHECK(koc_ledger_rule_name(L, 5, buf, sizeof buf, &need) == KOC_OK && strcmp(buf, "tier:core") == 0);
  CHECK(koc_ledger_rule_name(L, 6, buf, sizeof buf, &need) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_ledger_rule_name(L, -1, buf, sizeof buf, &need) == KOC_ERROR_OUT_OF_RANGE);

  CHECK(koc_ledger_explain(L, 0, NULL, 0, &need) == KOC_OK && need > 10);
  CHECK(koc_ledger_explain(L, 0, small, sizeof small, &need) == KOC_ERROR_BUFFER_TOO_SMALL);
  CHECK(strcmp(koc_last_error_field(), "capacity") == 0);
  CHECK(koc_ledger_explain(L, 0, buf, sizeof buf, &need) == KOC_OK);
  CHECK(strcmp(buf, "fixed reward per completion: 8.88 CNY \xC3\x97 tier 125.00% \xE2\x86\x92 +11.10 CNY") == 0);
  CHECK(koc_ledger_explain(L, n, buf, sizeof buf, &need) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_last_error_row() == (int64_t)n);
  /* Eager explanations equal the on-demand ones, and the ledger outlives its policy handle. */
  CHECK(koc_ledger_compute(p, t, a, c, k, KOC_LEDGER_EXPLAIN, &E) == KOC_OK);
  koc_reward_policy_destroy(p);
  p = NULL;
  for (line = 0; line < n; ++line) {
    CHECK(koc_ledger_explain(L, line, buf, sizeof buf, &need) == KOC_OK);
    CHECK(koc_ledger_explain(E, line, buf2, sizeof buf2, &need) == KOC_OK);
    CHECK(strcmp(buf, buf2) == 0);
  }
  koc_ledger_destroy(E);
  CHECK(koc_ledger_compute(p, t, a, c, k, 0, &E) == KOC_ERROR_NULL_POINTER);
  CHECK(E == NULL);
  CHECK(koc_reward_policy_from_json(reward_policy_json, strlen(reward_policy_json), &p) == KOC_OK);
  CHECK(koc_ledger_compute(p, t, a, c, k, 2u, &E) == KOC_ERROR_INVALID_ARGUMENT);

  /* The ladder of a tier policy gives the same ledger. */
  CHECK(koc_tier_policy_default(&ladder) == KOC_OK);
  CHECK(koc_reward_kocs_set_tiers_from_policy(k, ladder_tier, NK, ladder) == KOC_OK);
  CHECK(koc_ledger_compute(p, t, a, c, k, 0, &E) == KOC_OK);
  CHECK(total_of(E, KOC_TOTALS_BY_KOC, 1) == 113610 && total_of(E, KOC_TOTALS_BY_KOC, 2) == 310444);
  koc_ledger_destroy(E);
  E = NULL;
  CHECK(koc_reward_kocs_set_tiers_from_policy(k, ladder_tier, NK, NULL) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_kocs_set_tiers_from_policy(k, ladder_tier, NK - 1, ladder) == KOC_ERROR_LENGTH_MISMATCH);
  {
    const char* other[2] = {"entry", "vip"};
    const size_t other_lens[2] = {5, 3};
    CHECK(koc_reward_kocs_set_tiers(k, rw_tier, NK, other, other_lens, 2) == KOC_OK);
    CHECK(koc_ledger_compute(p, t, a, c, k, 0, &E) == KOC_ERROR_UNKNOWN_NAME);
    CHECK(strcmp(koc_last_error_field(), "tiers[1].name") == 0);
    CHECK(koc_reward_kocs_set_tiers(k, rw_tier, NK, NULL, other_lens, 2) == KOC_ERROR_NULL_POINTER);
  }
  CHECK(koc_reward_kocs_set_tiers(k, rw_tier, NK, names, name_lens, 2) == KOC_OK);

  /* Settlement: the same work settled against what L paid pays nothing new, from L itself or from its
   * columns as a CRM would have stored them; verify holds; a bad stored code is refused by name. */
  {
    koc_settled_lines* S = NULL;
    const int64_t *s_koc = NULL, *s_task = NULL, *s_camp = NULL, *s_amount = NULL, *s_aux = NULL;
    const int32_t* s_rule = NULL;
    const uint8_t *s_kind = NULL, *s_cur = NULL;
    uint8_t bad_kind[16];
    char rule_buf[6][32];
    const char* rule_ptr[6];
    size_t rule_len[6];
    int32_t r;
    size_t settled_lines = 0;
    CHECK(koc_settled_lines_from_ledger(L, &S) == KOC_OK);
    CHECK(koc_ledger_settle(p, t, a, c, k, S, NULL, NULL, 0, 0, &E) == KOC_OK);
    koc_settled_lines_destroy(S);
    S = NULL;
    CHECK(koc_ledger_verify(E, t, a, c, k, &ok, buf, sizeof buf, &need) == KOC_OK && ok == 1);
    CHECK(koc_ledger_int64(E, KOC_LEDGER_AMOUNT, &amount, &len) == KOC_OK);
    sum = 0;
    for (line = 0; line < len; ++line) sum += amount[line] != 0;
    CHECK(sum == 0);
    CHECK(koc_ledger_uint8(E, KOC_LEDGER_REASON, &u8, &len) == KOC_OK);
    for (line = 0; line < len; ++line) settled_lines += u8[line] == KOC_LINE_REASON_SETTLED;
    CHECK(settled_lines == NC);
    CHECK(koc_line_reason_name(KOC_LINE_REASON_SETTLED, buf, sizeof buf, &need) == KOC_OK && strcmp(buf, "settled") == 0);
    koc_ledger_destroy(E);
    E = NULL;

    CHECK(koc_ledger_size(L, &n) == KOC_OK && n <= 16);
    CHECK(koc_ledger_int64(L, KOC_LEDGER_KOC_ID, &s_koc, &len) == KOC_OK);
    CHECK(koc_ledger_int64(L, KOC_LEDGER_TASK_ID, &s_task, &len) == KOC_OK);
    CHECK(koc_ledger_int64(L, KOC_LEDGER_CAMPAIGN_ID, &s_camp, &len) == KOC_OK);
    CHECK(koc_ledger_int64(L, KOC_LEDGER_AMOUNT, &s_amount, &len) == KOC_OK);
    CHECK(koc_ledger_int64(L, KOC_LEDGER_AUX, &s_aux, &len) == KOC_OK);
    CHECK(koc_ledger_int32(L, KOC_LEDGER_RULE, &s_rule, &len) == KOC_OK);
    CHECK(koc_ledger_uint8(L, KOC_LEDGER_KIND, &s_kind, &len) == KOC_OK);
    CHECK(koc_ledger_uint8(L, KOC_LEDGER_CURRENCY, &s_cur, &len) == KOC_OK);
    CHECK(koc_ledger_rule_count(L, &n_rules) == KOC_OK && n_rules == 6);
    for (r = 0; r < n_rules; ++r) {
      CHECK(koc_ledger_rule_name(L, r, rule_buf[r], sizeof rule_buf[r], &need) == KOC_OK);
      rule_ptr[r] = rule_buf[r];
      rule_len[r] = strlen(rule_buf[r]);
    }
    CHECK(koc_settled_lines_create(s_koc, s_task, s_camp, s_rule, s_kind, s_cur, s_amount, s_aux, n, rule_ptr, rule_len,
                                   (size_t)n_rules, &S) == KOC_OK);
    CHECK(koc_ledger_settle(p, t, a, c, k, S, NULL, NULL, 0, 0, &E) == KOC_OK);
    CHECK(koc_ledger_verify(E, t, a, c, k, &ok, buf, sizeof buf, &need) == KOC_OK && ok == 1);
    CHECK(koc_ledger_int64(E, KOC_LEDGER_AMOUNT, &amount, &len) == KOC_OK);
    sum = 0;
    for (line = 0; line < len; ++line) sum += amount[line];
    CHECK(sum == 0);
    koc_ledger_destroy(E);
    E = NULL;
    koc_settled_lines_destroy(S);
    S = NULL;
    memcpy(bad_kind, s_kind, n);
    bad_kind[0] = 77;
    CHECK(koc_settled_lines_create(s_koc, s_task, s_camp, s_rule, bad_kind, s_cur, s_amount, s_aux, n, rule_ptr, rule_len,
                                   (size_t)n_rules, &S) == KOC_OK);
    CHECK(koc_ledger_settle(p, t, a, c, k, S, NULL, NULL, 0, 0, &E) == KOC_ERROR_INVALID_VALUE && E == NULL);
    CHECK(strcmp(koc_last_error_field(), "settled.kind") == 0 && koc_last_error_row() == 0);
    koc_settled_lines_destroy(S);
    CHECK(koc_ledger_settle(p, t, a, c, k, NULL, NULL, "2026-06", 7, 0, &E) == KOC_OK); /* nothing settled before */
    CHECK(koc_ledger_provenance(E, KOC_LEDGER_RUN_ID, buf, sizeof buf, &need) == KOC_OK && strcmp(buf, "2026-06") == 0);
    CHECK(koc_ledger_provenance(E, KOC_LEDGER_POLICY_SHA256, buf, sizeof buf, &need) == KOC_OK && strlen(buf) == 64);
    CHECK(koc_ledger_provenance(E, KOC_LEDGER_KOC_VERSION, buf, sizeof buf, &need) == KOC_OK && strchr(buf, '.') != NULL);
    CHECK(koc_ledger_provenance(E, (koc_ledger_text)3, buf, sizeof buf, &need) == KOC_ERROR_OUT_OF_RANGE);
    koc_ledger_destroy(E);
    E = NULL;
    {
      /* Award winners per campaign: a row naming an award no campaign task has is refused by name. */
      koc_award_winners* W = NULL;
      const int64_t camp[1] = {7}, winner[1] = {1};
      const char* award_name[1] = {"best idea"};
      const size_t award_len[1] = {9};
      CHECK(koc_award_winners_create(camp, award_name, award_len, winner, NULL, NULL, 1, &W) == KOC_OK);
      CHECK(koc_ledger_settle(p, t, a, c, k, NULL, W, NULL, 0, 0, &E) == KOC_ERROR_UNKNOWN_NAME && E == NULL);
      CHECK(strcmp(koc_last_error_field(), "awards.award") == 0 && koc_last_error_row() == 0);
      koc_award_winners_destroy(W);
      CHECK(koc_award_winners_create(camp, NULL, award_len, winner, NULL, NULL, 1, &W) == KOC_ERROR_NULL_POINTER);
      CHECK(koc_award_winners_create(NULL, NULL, NULL, NULL, NULL, NULL, 0, &W) == KOC_OK);
      CHECK(koc_ledger_settle(p, t, a, c, k, NULL, W, NULL, 0, 0, &E) == KOC_OK); /* an empty table: no winners */
      koc_ledger_destroy(E);
      E = NULL;
      koc_award_winners_destroy(W);
    }
    CHECK(koc_settled_lines_create(NULL, s_task, s_camp, s_rule, s_kind, s_cur, s_amount, s_aux, n, rule_ptr, rule_len,
                                   (size_t)n_rules, &S) == KOC_ERROR_NULL_POINTER);
  }

  /* Wrong lengths, wrong setters, NULL columns. */
  CHECK(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_BUDGET, rw_deadline, NT - 1) == KOC_ERROR_LENGTH_MISMATCH);
  CHECK(strcmp(koc_last_error_field(), "budget") == 0);
  CHECK(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_CAMPAIGN_ID, NULL, NT) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_tasks_set_column(t, (koc_reward_task_column)9, rw_deadline, NT) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_reward_tasks_set_period_days(t, rw_rule, NT + 1) == KOC_ERROR_LENGTH_MISMATCH);
  CHECK(koc_reward_tasks_set_column(NULL, KOC_REWARD_TASK_DEADLINE, rw_deadline, NT) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_completions_set_double(c, KOC_COMPLETION_QUALITY, quality, NC - 1) == KOC_ERROR_LENGTH_MISMATCH);
  CHECK(strcmp(koc_last_error_field(), "quality") == 0);
  CHECK(koc_reward_completions_set_int64(c, KOC_COMPLETION_QUALITY, rw_views, NC) == KOC_ERROR_INVALID_ARGUMENT);
  CHECK(strcmp(koc_last_error_field(), "quality") == 0);
  CHECK(koc_reward_completions_set_int32(c, KOC_COMPLETION_VIEWS, rw_days_on_site, NC) == KOC_ERROR_INVALID_ARGUMENT);
  CHECK(koc_reward_completions_set_double(c, KOC_COMPLETION_DAYS_SERVED, quality, NC) == KOC_ERROR_INVALID_ARGUMENT);
  CHECK(koc_reward_completions_set_double(c, (koc_completion_column)7, quality, NC) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_reward_completions_set_double(NULL, KOC_COMPLETION_QUALITY, quality, NC) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_completions_set_int32(c, KOC_COMPLETION_DAYS_SERVED, rw_days_on_site, NC + 1) == KOC_ERROR_LENGTH_MISMATCH);
  CHECK(koc_reward_kocs_set_tiers(k, rw_tier, NK + 1, names, name_lens, 2) == KOC_ERROR_LENGTH_MISMATCH);
  koc_reward_tasks_destroy(t);
  koc_reward_assignments_destroy(a);
  koc_reward_completions_destroy(c);
  koc_reward_kocs_destroy(k);
  CHECK(koc_reward_tasks_create(NULL, rw_rule, NT, &t) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_assignments_create(rw_a_koc, NULL, NA, &a) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_completions_create(rw_assignment, rw_delivered, NULL, NC, &c) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_reward_kocs_create(NULL, NK, &k) == KOC_ERROR_NULL_POINTER);
  CHECK(t == NULL && a == NULL && c == NULL && k == NULL); /* failed creates set *out = NULL */

  /* Errors from the computation name the row and the column. */
  CHECK(koc_reward_tasks_create(rw_task_id, rw_rule, NT, &t) == KOC_OK);
  CHECK(koc_reward_assignments_create(rw_a_koc, rw_a_task, NA, &a) == KOC_OK);
  CHECK(koc_reward_completions_create(rw_assignment, rw_delivered, rw_accepted, NC, &c) == KOC_OK);
  CHECK(koc_reward_kocs_create(rw_koc, NK, &k) == KOC_OK);
  quality[1] = NAN;
  CHECK(koc_reward_completions_set_double(c, KOC_COMPLETION_QUALITY, quality, NC) == KOC_OK);
  CHECK(koc_ledger_compute(p, t, a, c, k, 0, &E) == KOC_ERROR_INVALID_VALUE);
  CHECK(koc_last_error_row() == 1 && strcmp(koc_last_error_field(), "quality") == 0);
  quality[1] = 1.5;
  CHECK(koc_ledger_compute(p, t, a, c, k, 0, &E) == KOC_ERROR_OUT_OF_RANGE);
  quality[1] = 0.5;
  CHECK(koc_ledger_compute(p, t, a, c, k, 0, &E) == KOC_OK);
  koc_ledger_destroy(E);
  E = NULL;
  koc_reward_kocs_destroy(k);
  CHECK(koc_reward_kocs_create(rw_koc, 1, &k) == KOC_OK); /* KOC 2 is missing */
  CHECK(koc_ledger_compute(p, t, a, c, k, 0, &E) == KOC_ERROR_UNKNOWN_ID);
  CHECK(koc_last_error_row() == 1 && strcmp(koc_last_error_field(), "assignment") == 0);
  CHECK(koc_ledger_verify(L, t, a, c, k, &ok, buf, sizeof buf, &need) == KOC_OK && ok == 0 && need > 0);
  CHECK(strstr(buf, "KOC") != NULL);
  CHECK(koc_ledger_verify(NULL, t, a, c, k, &ok, buf, sizeof buf, &need) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_ledger_verify(L, t, a, c, k, NULL, buf, sizeof buf, &need) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_ledger_size(NULL, &n) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_ledger_rule_count(NULL, &n_rules) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_ledger_explain(NULL, 0, buf, sizeof buf, &need) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_ledger_int64(NULL, KOC_LEDGER_AMOUNT, &amount, &len) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_ledger_int32(NULL, KOC_LEDGER_RULE, &i32, &len) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_ledger_totals(NULL, KOC_TOTALS_BY_KOC, &i64, NULL, NULL, NULL, &groups) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_ledger_compute(p, t, a, NULL, k, 0, &E) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_ledger_compute(p, t, a, c, k, 0, NULL) == KOC_ERROR_NULL_POINTER);

  koc_ledger_destroy(L);
  koc_ledger_destroy(NULL);
  koc_reward_kocs_destroy(k);
  koc_reward_kocs_destroy(NULL);
  koc_reward_completions_destroy(c);
  koc_reward_completions_destroy(NULL);
  koc_reward_assignments_destroy(a);
  koc_reward_assignments_destroy(NULL);
  koc_reward_tasks_destroy(t);
  koc_reward_tasks_destroy(NULL);
  koc_reward_policy_destroy(p);
  koc_tier_policy_destroy(ladder);
}

/* Tier state over periods: the honour earned in period 1 survives period 2's metrics; a KOC absent in
 * period 2 is carried; a revocation takes the honour away; bad state and double history are refused. */
static const char* state_policy_json =
    "{\"schema\": \"koc.tier_policy/1\", \"metrics\": [{\"metric\": \"quality\", \"weight\": 100, \"normalisation\": \"none\","
    " \"reference\": 1}], \"tiers\": [{\"name\": \"entry\", \"promote_threshold\": 0, \"keep_threshold\": 0, \"grace_periods\": 0},"
    " {\"name\": \"active\", \"promote_threshold\": 50, \"keep_threshold\": 40, \"grace_periods\": 1},"
    " {\"name\": \"core\", \"promote_threshold\": 80, \"keep_threshold\": 70, \"grace_periods\": 2}],"
    " \"honorary\": {\"floor\": \"active\", \"lifetime\": {\"tasks_completed\": 100}}}";

static koc_roster* state_roster(const int64_t* id, const double* quality, const double* tasks, size_t n) {
  koc_roster* r = NULL;
  CHECK(koc_roster_create(id, n, &r) == KOC_OK);
  CHECK(koc_roster_set_metric(r, KOC_METRIC_QUALITY, quality, n) == KOC_OK);
  CHECK(koc_roster_set_metric(r, KOC_METRIC_TASKS_COMPLETED, tasks, n) == KOC_OK);
  return r;
}

static void test_tier_state(void) {
  static const int64_t id1[3] = {1, 2, 3}, id2[2] = {2, 1};
  static const double q1[3] = {0.85, 0.30, 0.85}, t1[3] = {10, 120, 10}, q2[2] = {0.10, 0.60}, t2[2] = {3, 10};
  static const int32_t prev[2] = {-1, -1};
  koc_tier_policy* p = NULL;
  koc_roster *r1, *r2, *r3;
  koc_tier_state *empty = NULL, *s1 = NULL, *s2 = NULL, *bad = NULL;
  koc_tier_result *c1 = NULL, *c2 = NULL, *c3 = NULL;
  const int64_t* sid = NULL;
  const int32_t* stier = NULL;
  const uint8_t* shon = NULL;
  int32_t out[3];
  size_t n = 0;
  const char* reason = "breach of the code of conduct";
  const size_t reason_len = strlen(reason);
  const size_t empty_len = 0;
  const char* no_reason = "";
  static const int64_t bad_id[1] = {2};
  static const int32_t bad_tier[1] = {7}, zero32[1] = {0};
  static const uint8_t zero8[1] = {0};

  CHECK(koc_tier_policy_from_json(state_policy_json, strlen(state_policy_json), &p) == KOC_OK);
  CHECK(koc_tier_state_create(NULL, NULL, NULL, NULL, 0, &empty) == KOC_OK);
  r1 = state_roster(id1, q1, t1, 3);
  CHECK(koc_roster_apply_tier_state(r1, p, empty, NULL, NULL, NULL, 0) == KOC_OK);
  CHECK(koc_classify(r1, p, NULL, NULL, NULL, NULL, 0, 0, &c1) == KOC_OK);
  CHECK(koc_tier_state_next(r1, c1, empty, &s1) == KOC_OK);
  CHECK(koc_tier_state_columns(s1, &sid, &stier, NULL, &shon, &n) == KOC_OK && n == 3);
  CHECK(shon[0] == 0 && shon[1] == 1 && stier[1] == 1 && stier[2] == 2);

  r2 = state_roster(id2, q2, t2, 2);
  CHECK(koc_roster_apply_tier_state(r2, p, s1, NULL, NULL, NULL, 0) == KOC_OK);
  CHECK(koc_classify(r2, p, NULL, NULL, NULL, NULL, 0, 0, &c2) == KOC_OK);
  CHECK(koc_tier_result_column(c2, KOC_TIER_HONORARY, out, 2) == KOC_OK && out[0] == 1); /* kept */
  CHECK(koc_tier_result_column(c2, KOC_TIER_FINAL, out, 2) == KOC_OK && out[0] == 1 && out[1] == 2);
  CHECK(koc_tier_result_column(c2, KOC_TIER_TRANSITION, out, 2) == KOC_OK && out[1] == KOC_TRANSITION_HELD_BY_GRACE);
  CHECK(koc_tier_state_next(r2, c2, s1, &s2) == KOC_OK);
  CHECK(koc_tier_state_columns(s2, &sid, &stier, NULL, NULL, &n) == KOC_OK && n == 3 && sid[2] == 3 && stier[2] == 2);

  /* Revoked: applied again on the same roster, with a reason. */
  CHECK(koc_roster_apply_tier_state(r2, p, s2, &id2[0], &no_reason, &empty_len, 1) == KOC_ERROR_INVALID_ARGUMENT);
  CHECK(strcmp(koc_last_error_field(), "revocations.reason") == 0);
  CHECK(koc_roster_apply_tier_state(r2, p, s2, &id2[0], &reason, &reason_len, 1) == KOC_OK);
  CHECK(koc_classify(r2, p, NULL, NULL, NULL, NULL, 0, 0, &c3) == KOC_OK);
  CHECK(koc_tier_result_column(c3, KOC_TIER_HONORARY, out, 2) == KOC_OK && out[0] == 0);

  /* A bad stored tier names the state's column; history and state are not both given. */
  CHECK(koc_tier_state_create(bad_id, bad_tier, zero32, zero8, 1, &bad) == KOC_OK);
  r3 = state_roster(id2, q2, t2, 2);
  CHECK(koc_roster_apply_tier_state(r3, p, bad, NULL, NULL, NULL, 0) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(strcmp(koc_last_error_field(), "state.tier") == 0 && koc_last_error_row() == 0);
  CHECK(koc_roster_set_history(r3, prev, NULL, 2) == KOC_OK);
  CHECK(koc_roster_apply_tier_state(r3, p, empty, NULL, NULL, NULL, 0) == KOC_ERROR_INVALID_ARGUMENT);
  koc_tier_state_destroy(bad);
  bad = NULL;
  CHECK(koc_tier_state_create(NULL, bad_tier, zero32, zero8, 1, &bad) == KOC_ERROR_NULL_POINTER && bad == NULL);

  koc_tier_result_destroy(c1);
  koc_tier_result_destroy(c2);
  koc_tier_result_destroy(c3);
  koc_roster_destroy(r1);
  koc_roster_destroy(r2);
  koc_roster_destroy(r3);
  koc_tier_state_destroy(empty);
  koc_tier_state_destroy(s1);
  koc_tier_state_destroy(s2);
  koc_tier_policy_destroy(p);
}

/* Overrides with author and expiry, carried by the state until they expire. */
static void test_tier_overrides(void) {
  static const int64_t ids3[2] = {1, 2};
  static const double q[2] = {0.10, 0.10}, t[2] = {0, 0};
  static const int64_t ov_id[2] = {1, 2};
  static const int32_t ov_tier[2] = {2, 1};
  static const int64_t expires[2] = {2000, -1};
  const char* reasons[2] = {"board decision", "ambassador contract"};
  const size_t reason_lens[2] = {14, 19};
  const char* authors[2] = {"ana", ""};
  const size_t author_lens[2] = {3, 0};
  koc_tier_policy* p = NULL;
  koc_roster *r1 = NULL, *r2 = NULL;
  koc_tier_overrides *added = NULL, *for1 = NULL, *for2 = NULL, *standing = NULL;
  koc_tier_state *empty = NULL, *s1 = NULL, *s2 = NULL;
  koc_tier_result *c1 = NULL, *c2 = NULL;
  const int32_t* expired = NULL;
  size_t n = 0, len = 0;
  int64_t id = 0, exp_at = 0;
  int32_t tier = 0, out[2];
  const char* text = NULL;

  CHECK(koc_tier_policy_from_json(state_policy_json, strlen(state_policy_json), &p) == KOC_OK);
  CHECK(koc_tier_state_create(NULL, NULL, NULL, NULL, 0, &empty) == KOC_OK);
  CHECK(koc_tier_overrides_create(ov_id, ov_tier, reasons, reason_lens, authors, author_lens, expires, 2, &added) == KOC_OK);
  r1 = state_roster(ids3, q, t, 2);
  CHECK(koc_roster_apply_tier_state(r1, p, empty, NULL, NULL, NULL, 0) == KOC_OK);
  CHECK(koc_tier_overrides_for(r1, p, empty, added, &for1) == KOC_OK);
  /* An expiry needs the period's date. */
  CHECK(koc_classify_with_overrides(r1, p, for1, -1, 0, &c1) == KOC_ERROR_INVALID_ARGUMENT && c1 == NULL);
  CHECK(strcmp(koc_last_error_field(), "expires_at") == 0);
  CHECK(koc_classify_with_overrides(r1, p, for1, 1000, 0, &c1) == KOC_OK);
  CHECK(koc_tier_result_column(c1, KOC_TIER_FINAL, out, 2) == KOC_OK && out[0] == 2 && out[1] == 1);
  CHECK(koc_tier_result_expired_overrides(c1, &expired, &n) == KOC_OK && n == 0);
  CHECK(koc_tier_state_next(r1, c1, empty, &s1) == KOC_OK);
  CHECK(koc_tier_state_overrides(s1, &standing) == KOC_OK);
  CHECK(koc_tier_overrides_size(standing, &n) == KOC_OK && n == 2);
  CHECK(koc_tier_overrides_get(standing, 0, &id, &tier, NULL, NULL, &text, &len, &exp_at) == KOC_OK);
  CHECK(id == 1 && tier == 2 && len == 3 && strncmp(text, "ana", 3) == 0 && exp_at == 2000);
  CHECK(koc_tier_overrides_get(standing, 2, &id, NULL, NULL, NULL, NULL, NULL, NULL) == KOC_ERROR_OUT_OF_RANGE);

  /* Next period, after the expiry: KOC 1's override is reported expired and not carried. */
  r2 = state_roster(ids3, q, t, 2);
  CHECK(koc_roster_apply_tier_state(r2, p, s1, NULL, NULL, NULL, 0) == KOC_OK);
  CHECK(koc_tier_overrides_for(r2, p, s1, NULL, &for2) == KOC_OK);
  CHECK(koc_classify_with_overrides(r2, p, for2, 2000, 0, &c2) == KOC_OK);
  CHECK(koc_tier_result_expired_overrides(c2, &expired, &n) == KOC_OK && n == 1 && expired[0] == 0);
  CHECK(koc_tier_state_next(r2, c2, s1, &s2) == KOC_OK);
  koc_tier_overrides_destroy(standing);
  standing = NULL;
  CHECK(koc_tier_state_overrides(s2, &standing) == KOC_OK);
  CHECK(koc_tier_overrides_size(standing, &n) == KOC_OK && n == 1);
  CHECK(koc_tier_overrides_get(standing, 0, &id, &tier, &text, &len, NULL, NULL, NULL) == KOC_OK && id == 2 && tier == 1);

  /* Stored standing overrides go back onto a stored state by KOC id. */
  koc_tier_state_destroy(empty);
  empty = NULL;
  CHECK(koc_tier_state_create(NULL, NULL, NULL, NULL, 0, &empty) == KOC_OK);
  CHECK(koc_tier_state_set_overrides(empty, standing) == KOC_ERROR_UNKNOWN_ID);
  CHECK(strcmp(koc_last_error_field(), "overrides.koc_id") == 0);
  CHECK(koc_tier_state_set_overrides(s1, standing) == KOC_OK);

  koc_tier_overrides_destroy(added);
  koc_tier_overrides_destroy(for1);
  koc_tier_overrides_destroy(for2);
  koc_tier_overrides_destroy(standing);
  koc_tier_result_destroy(c1);
  koc_tier_result_destroy(c2);
  koc_roster_destroy(r1);
  koc_roster_destroy(r2);
  koc_tier_state_destroy(empty);
  koc_tier_state_destroy(s1);
  koc_tier_state_destroy(s2);
  koc_tier_policy_destroy(p);
}

/* Every problem of a roster at once, as koc_classify would name each. */
static void test_roster_problems(void) {
  koc_roster* r = make_roster();
  koc_tier_policy* p = NULL;
  koc_problems* found = NULL;
  koc_tier_result* t = NULL;
  koc_status code = KOC_OK;
  int64_t row = 0;
  const char *field = NULL, *message = NULL;
  size_t n = 0;
  double bad_quality[N], bad_views[N];
  int i;
  CHECK(koc_tier_policy_default(&p) == KOC_OK);
  CHECK(koc_roster_problems(r, p, 10, &found) == KOC_OK);
  CHECK(koc_problems_size(found, &n) == KOC_OK && n == 0);
  koc_problems_destroy(found);
  found = NULL;
  for (i = 0; i < N; ++i) bad_quality[i] = metrics[KOC_METRIC_QUALITY][i], bad_views[i] = metrics[KOC_METRIC_VIEWS][i];
  bad_quality[1] = 1.4; /* out of [0, 1] */
  bad_views[2] = -5.0;  /* negative */
  bad_views[3] = -1.0;
  CHECK(koc_roster_set_metric(r, KOC_METRIC_QUALITY, bad_quality, N) == KOC_OK);
  CHECK(koc_roster_set_metric(r, KOC_METRIC_VIEWS, bad_views, N) == KOC_OK);
  CHECK(koc_roster_problems(r, p, 10, &found) == KOC_OK);
  CHECK(koc_problems_size(found, &n) == KOC_OK && n == 3); /* all three, not the first */
  CHECK(koc_problems_get(found, 0, &code, &row, &field, &message) == KOC_OK);
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t) == code && t == NULL); /* the same first problem */
  CHECK(koc_last_error_row() == row && strcmp(koc_last_error_field(), field) == 0);
  CHECK(koc_problems_get(found, 3, NULL, NULL, NULL, NULL) == KOC_ERROR_OUT_OF_RANGE);
  koc_problems_destroy(found);
  found = NULL;
  CHECK(koc_roster_problems(r, p, 1, &found) == KOC_OK && koc_problems_size(found, &n) == KOC_OK && n == 1);
  koc_problems_destroy(found);
  found = NULL;
  CHECK(koc_roster_problems(r, p, 0, &found) == KOC_ERROR_INVALID_ARGUMENT && found == NULL);
  koc_roster_destroy(r);
  /* An empty roster is one problem, and koc_classify refuses it the same way. */
  r = NULL;
  CHECK(koc_roster_create(NULL, 0, &r) == KOC_OK);
  CHECK(koc_roster_problems(r, p, 10, &found) == KOC_OK && koc_problems_size(found, &n) == KOC_OK && n == 1);
  CHECK(koc_problems_get(found, 0, &code, &row, &field, &message) == KOC_OK && code == KOC_ERROR_INVALID_ARGUMENT);
  CHECK(strcmp(field, "id") == 0 && strstr(message, "the roster has no KOCs") != NULL);
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_ERROR_INVALID_ARGUMENT && t == NULL);
  koc_problems_destroy(found);
  koc_roster_destroy(r);
  koc_tier_policy_destroy(p);
}

/* Every problem of the ledger's input rows at once; koc_ledger_compute refuses with the first. */
static void test_reward_input_problems(void) {
  koc_reward_policy* p = NULL;
  koc_reward_tasks* t = NULL;
  koc_reward_assignments* a = NULL;
  koc_reward_completions* c = NULL;
  koc_reward_kocs* k = NULL;
  koc_ledger* L = NULL;
  koc_problems* found = NULL;
  const double quality[NC] = {1.4, 0.5, -0.2, 1.0};
  const int64_t views[NC] = {0, -1, 0, -7};
  const char* field = NULL;
  koc_status code = KOC_OK;
  int64_t row = -1;
  size_t n = 0;
  CHECK(koc_reward_policy_from_json(reward_policy_json, strlen(reward_policy_json), &p) == KOC_OK);
  CHECK(koc_reward_tasks_create(rw_task_id, rw_rule, NT, &t) == KOC_OK);
  CHECK(koc_reward_assignments_create(rw_a_koc, rw_a_task, NA, &a) == KOC_OK);
  CHECK(koc_reward_completions_create(rw_assignment, rw_delivered, rw_accepted, NC, &c) == KOC_OK);
  CHECK(koc_reward_completions_set_double(c, KOC_COMPLETION_QUALITY, quality, NC) == KOC_OK);
  CHECK(koc_reward_completions_set_int64(c, KOC_COMPLETION_VIEWS, views, NC) == KOC_OK);
  CHECK(koc_reward_kocs_create(rw_koc, NK, &k) == KOC_OK);
  CHECK(koc_reward_input_problems(p, t, a, c, k, 10, &found) == KOC_OK && koc_problems_size(found, &n) == KOC_OK && n == 4);
  CHECK(koc_problems_get(found, 0, &code, &row, &field, NULL) == KOC_OK && row == 0 && strcmp(field, "quality") == 0);
  CHECK(koc_problems_get(found, 1, NULL, &row, &field, NULL) == KOC_OK && row == 1 && strcmp(field, "views") == 0);
  CHECK(koc_problems_get(found, 2, NULL, &row, &field, NULL) == KOC_OK && row == 2 && strcmp(field, "quality") == 0);
  CHECK(koc_problems_get(found, 3, NULL, &row, &field, NULL) == KOC_OK && row == 3 && strcmp(field, "views") == 0);
  CHECK(koc_ledger_compute(p, t, a, c, k, 0, &L) == code && L == NULL && koc_last_error_row() == 0);
  koc_problems_destroy(found);
  found = NULL;
  CHECK(koc_reward_input_problems(p, t, a, c, k, 0, &found) == KOC_ERROR_INVALID_ARGUMENT && found == NULL);
  koc_reward_kocs_destroy(k);
  koc_reward_completions_destroy(c);
  koc_reward_assignments_destroy(a);
  koc_reward_tasks_destroy(t);
  koc_reward_policy_destroy(p);
}

/* Every invalid field of a policy document at once, as the readers would name each. */
static void test_policy_problems(void) {
  static const char tier[] = "{\"schema\": \"koc.tier_policy/1\", \"bogus\": 1, \"metrics\": [{\"metric\": \"posts\", "
                             "\"weight\": -1, \"normalisation\": \"wat\"}], \"tiers\": [{\"name\": \"entry\", "
                             "\"promote_threshold\": 0, \"grace_periods\": -2}]}";
  static const char reward[] = "{\"schema\": \"koc.reward_policy/1\", \"rules\": [{\"id\": \"a\", \"kind\": \"fixed\", "
                               "\"currency\": \"CNY\", \"amount\": 1.5}, {\"id\": \"b\", \"kind\": \"fxed\"}]}";
  static const char matching[] = "{\"schema\": \"koc.matching_policy/1\", \"weights\": {\"skill\": -1}, "
                                 "\"skill_level_max\": 0}";
  koc_problems* found = NULL;
  koc_tier_policy* ladder = NULL;
  koc_tier_policy* parsed = NULL;
  koc_status code = KOC_OK;
  const char* field = NULL;
  size_t n = 0;
  CHECK(koc_tier_policy_problems(tier, strlen(tier), 10, &found) == KOC_OK && koc_problems_size(found, &n) == KOC_OK && n == 4);
  CHECK(koc_problems_get(found, 0, &code, NULL, &field, NULL) == KOC_OK && strcmp(field, "$.bogus") == 0);
  CHECK(koc_problems_get(found, 1, NULL, NULL, &field, NULL) == KOC_OK && strcmp(field, "metrics[0].normalisation") == 0);
  CHECK(koc_problems_get(found, 2, NULL, NULL, &field, NULL) == KOC_OK && strcmp(field, "metrics[0].weight") == 0);
  CHECK(koc_problems_get(found, 3, NULL, NULL, &field, NULL) == KOC_OK && strcmp(field, "tiers[0].grace_periods") == 0);
  CHECK(koc_tier_policy_from_json(tier, strlen(tier), &parsed) == code && parsed == NULL); /* the first of them */
  CHECK(strcmp(koc_last_error_field(), "$.bogus") == 0);
  koc_problems_destroy(found);
  found = NULL;
  CHECK(koc_reward_policy_problems(reward, strlen(reward), 10, &found) == KOC_OK && koc_problems_size(found, &n) == KOC_OK && n == 2);
  CHECK(koc_problems_get(found, 1, &code, NULL, &field, NULL) == KOC_OK && strcmp(field, "rules[1].kind") == 0 &&
        code == KOC_ERROR_UNKNOWN_NAME);
  koc_problems_destroy(found);
  found = NULL;
  CHECK(koc_tier_policy_default(&ladder) == KOC_OK);
  CHECK(koc_matching_policy_problems(matching, strlen(matching), ladder, 10, &found) == KOC_OK &&
        koc_problems_size(found, &n) == KOC_OK && n == 2);
  koc_problems_destroy(found);
  found = NULL;
  CHECK(koc_tier_policy_problems("{", 1, 10, &found) == KOC_OK && koc_problems_size(found, &n) == KOC_OK && n == 1);
  koc_problems_destroy(found);
  found = NULL;
  CHECK(koc_tier_policy_problems(tier, strlen(tier), 0, &found) == KOC_ERROR_INVALID_ARGUMENT && found == NULL);
  koc_tier_policy_destroy(ladder);
}

/* Points balances: expiry after 30 days, a redemption spent from the lot that expires first. */
static void test_points(void) {
  static const char json[] = "{\"schema\": \"koc.reward_policy/1\", \"points\": {\"expire_after_days\": 30},"
                             " \"rules\": [{\"id\": \"pts\", \"kind\": \"fixed\", \"currency\": \"PTS\", \"amount\": \"50\"}]}";
  const int64_t day = 86400;
  const int64_t koc[4] = {1, 1, 1, 2}, amount[4] = {100, 50, -10, 70}, at[4] = {0, 20 * day, 20 * day, 5 * day};
  const int64_t r_koc[1] = {1}, r_amount[1] = {120}, r_at[1] = {25 * day}, too_much[1] = {500};
  koc_reward_policy* p = NULL;
  koc_points_balances* b = NULL;
  const int64_t* col = NULL;
  size_t n = 0;
  CHECK(koc_reward_policy_from_json(json, strlen(json), &p) == KOC_OK);
  CHECK(koc_points_balances_compute(p, koc, amount, at, 4, r_koc, r_amount, r_at, 1, 40 * day, &b) == KOC_OK);
  CHECK(koc_points_balances_column(b, KOC_POINTS_KOC_ID, &col, &n) == KOC_OK && n == 2 && col[0] == 1 && col[1] == 2);
  CHECK(koc_points_balances_column(b, KOC_POINTS_BALANCE, &col, &n) == KOC_OK && col[0] == 20 && col[1] == 0);
  CHECK(koc_points_balances_column(b, KOC_POINTS_EXPIRED, &col, &n) == KOC_OK && col[0] == 0 && col[1] == 70);
  CHECK(koc_points_balances_column(b, KOC_POINTS_NEXT_EXPIRY_AT, &col, &n) == KOC_OK && col[0] == 50 * day && col[1] == INT64_MAX);
  CHECK(koc_points_balances_column(b, (koc_points_column)7, &col, &n) == KOC_ERROR_OUT_OF_RANGE);
  koc_points_balances_destroy(b);
  b = NULL;
  CHECK(koc_points_balances_compute(p, koc, amount, at, 4, r_koc, too_much, r_at, 1, 40 * day, &b) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(b == NULL && strcmp(koc_last_error_field(), "redemptions.amount") == 0 && koc_last_error_row() == 0);
  CHECK(koc_points_balances_compute(p, NULL, amount, at, 4, NULL, NULL, NULL, 0, 0, &b) == KOC_ERROR_NULL_POINTER);
  koc_reward_policy_destroy(p);
}

/* A policy's own metrics: declared in the JSON, set on the roster by name, named back by id. */
static void test_declared_metrics(void) {
  static const char policy_json[] =
      "{\"schema\": \"koc.tier_policy/1\","
      " \"metric_declarations\": [{\"name\": \"answers\", \"unit\": \"count\", \"integral\": true},"
      "                           {\"name\": \"sentiment\", \"min\": -1, \"max\": 1}],"
      " \"metrics\": [{\"metric\": \"answers\", \"weight\": 80, \"normalisation\": \"cap\", \"reference\": 50},"
      "             {\"metric\": \"sentiment\", \"weight\": 20, \"normalisation\": \"min_max\"}],"
      " \"tiers\": [{\"name\": \"entry\", \"promote_threshold\": 0},"
      "           {\"name\": \"expert\", \"promote_threshold\": 50, \"gates\": [{\"metric\": \"answers\", \"min\": 10}]}]}";
  const int64_t ids[3] = {1, 2, 3};
  const double answers[3] = {5, 40, 9}, sentiment[3] = {-0.5, 0.25, 1.0}, bad_sentiment[3] = {-0.5, 0.25, 4.0};
  koc_tier_policy* p = NULL;
  koc_roster* r = NULL;
  koc_tier_result* t = NULL;
  int32_t count = 0, final_tier[3];
  char name[32];
  size_t need = 0, n_terms = 0, n_gaps = 0;
  const double* contrib = NULL;
  const double* gaps = NULL;
  const int32_t* terms = NULL;
  const int32_t* gap_metrics = NULL;
  CHECK(koc_tier_policy_from_json(policy_json, sizeof policy_json - 1, &p) == KOC_OK);
  CHECK(koc_tier_policy_metric_count(p, &count) == KOC_OK && count == 13);
  CHECK(koc_tier_policy_metric_name(p, 11, name, sizeof name, &need) == KOC_OK && strcmp(name, "answers") == 0);
  CHECK(koc_tier_policy_metric_name(p, KOC_METRIC_QUALITY, name, sizeof name, &need) == KOC_OK && strcmp(name, "quality") == 0);
  CHECK(koc_tier_policy_metric_name(p, 13, name, sizeof name, &need) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_roster_create(ids, 3, &r) == KOC_OK);
  CHECK(koc_roster_set_column(r, "answers", answers, 3) == KOC_OK);
  /* A missing declared column is refused naming it. */
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_ERROR_INVALID_ARGUMENT);
  CHECK(strcmp(koc_last_error_field(), "sentiment") == 0);
  CHECK(koc_roster_set_column(r, "sentiment", bad_sentiment, 3) == KOC_OK);
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_last_error_row() == 2 && strcmp(koc_last_error_field(), "sentiment") == 0);
  CHECK(koc_roster_set_column(r, "sentiment", sentiment, 3) == KOC_OK); /* replaces the column */
  CHECK(koc_roster_set_column(r, "sentiment", sentiment, 2) == KOC_ERROR_LENGTH_MISMATCH);
  CHECK(koc_roster_set_column(r, NULL, sentiment, 3) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_roster_set_column(r, "honorary", sentiment, 3) == KOC_ERROR_INVALID_ARGUMENT); /* a flag, not a metric */
  CHECK(strcmp(koc_last_error_field(), "honorary") == 0);
  CHECK(koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t) == KOC_OK);
  CHECK(koc_tier_result_column(t, KOC_TIER_FINAL, final_tier, 3) == KOC_OK);
  CHECK(final_tier[0] == 0 && final_tier[1] == 1 && final_tier[2] == 0);
  CHECK(koc_tier_result_contributions(t, &contrib, &n_terms, &terms) == KOC_OK && n_terms == 2 && terms[0] == 11);
  CHECK(contrib[1] == 64.0); /* answers 40 / 50 * 80 */
  CHECK(koc_tier_result_growth_gaps(t, &gaps, &n_gaps, &gap_metrics) == KOC_OK && n_gaps == 2 && gap_metrics[0] == 11);
  CHECK(gaps[0] == 27.0); /* KOC 1 needs 27 more answers: 32 / 50 * 80 = 51.2 */
  koc_tier_result_destroy(t);
  koc_roster_destroy(r);
  koc_tier_policy_destroy(p);
}

int main(void) {
  test_version_and_status();
  test_policy();
  test_classify();
  test_declared_metrics();
  test_what_if();
  test_tier_state();
  test_tier_overrides();
  test_roster_problems();
  test_policy_problems();
  test_reward_input_problems();
  test_money();
  test_reward_policy();
  test_rewards();
  test_points();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

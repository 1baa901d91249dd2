/* The C ABI exercised from C: every tier entry point and its error paths.
 * Compiled as C11 with -Wall -Wextra -pedantic -Werror. Prints "N passed, N failed". */
#include <koc/koc.h>

#include <math.h>
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
  CHECK(koc_what_if_run(r, a, NULL, &w) == KOC_ERROR_NULL_POINTER);
  koc_what_if_destroy(w);
  koc_what_if_destroy(NULL);
  koc_roster_destroy(r);
  koc_tier_policy_destroy(a);
  koc_tier_policy_destroy(b);
}

int main(void) {
  test_version_and_status();
  test_policy();
  test_classify();
  test_what_if();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

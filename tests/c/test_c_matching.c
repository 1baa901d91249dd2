/* The matching part of the C ABI exercised from C (C11, -Werror -pedantic): dense assignment, task
 * tables, profiles, policies, koc_match in every mode, and the error paths. */
#include <koc/koc.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static int passed = 0, failed = 0;
#define CHECK(cond)                                                                                    \
  do {                                                                                                 \
    if (cond) {                                                                                        \
      ++passed;                                                                                        \
    } else {                                                                                           \
      ++failed;                                                                                        \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond,          \
              koc_last_error_message());                                                               \
    }                                                                                                  \
  } while (0)

static void test_dense(void) {
  const double cost[6] = {4, 1, 3, 2, 0, 5};
  int64_t r[3], c[3];
  double u[2], v[3], total = 0;
  size_t n = 0;
  int32_t optimal = 0;
  const double bad[4] = {1, NAN, 2, 3};
  const double inf_rows[4] = {INFINITY, INFINITY, 1, 2};
  CHECK(koc_linear_sum_assignment(cost, 2, 3, 0, NULL, r, c, 3, &n, &total, &optimal, u, v) == KOC_OK);
  /* [[4 1 3] [2 0 5]]: optimum 3, reached by (0,1)+(1,0) and by (0,2)+(1,1); each chosen pair is tight. */
  CHECK(optimal == 1 && n == 2 && total == 3.0 && r[0] == 0 && r[1] == 1);
  CHECK(u[0] + v[c[0]] == cost[c[0]] && u[1] + v[c[1]] == cost[3 + c[1]]);
  CHECK(koc_linear_sum_assignment(cost, 2, 3, 1, NULL, r, c, 3, &n, &total, &optimal, NULL, NULL) == KOC_OK);
  CHECK(total == 9.0);
  CHECK(koc_linear_sum_assignment(cost, 2, 3, 0, NULL, r, c, 1, &n, &total, &optimal, NULL, NULL) == KOC_ERROR_BUFFER_TOO_SMALL);
  CHECK(koc_linear_sum_assignment(bad, 2, 2, 0, NULL, r, c, 2, &n, &total, &optimal, NULL, NULL) == KOC_ERROR_INVALID_VALUE);
  CHECK(koc_last_error_row() == 0);
  CHECK(koc_linear_sum_assignment(inf_rows, 2, 2, 0, NULL, r, c, 2, &n, &total, &optimal, NULL, NULL) == KOC_OK);
  CHECK(optimal == 0 && n == 0);
  CHECK(koc_linear_sum_assignment(NULL, 2, 2, 0, NULL, r, c, 2, &n, &total, &optimal, NULL, NULL) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_linear_sum_assignment(NULL, 0, 0, 0, NULL, NULL, NULL, 0, &n, &total, &optimal, NULL, NULL) == KOC_OK && n == 0);
}

enum { N = 6, M = 3 };
static const int64_t ids[N] = {1, 2, 3, 4, 5, 6};
static double metric[11][N];
static const int32_t capacity[N] = {1, 2, 1, 0, 1, 1};
static const int32_t region[N] = {0, 0, 1, -1, 0, 1};
static const uint64_t audience[N] = {1, 3, 2, 1, 0, 1};
static const uint8_t skill[N * 2] = {3, 0, 5, 2, 1, 1, 4, 4, 0, 0, 2, 5};
static const int64_t task_ids[M] = {10, 20, 30};
static const uint8_t asset[M] = {KOC_ASSET_SOCIAL, KOC_ASSET_KNOWLEDGE, KOC_ASSET_INTELLIGENCE};
static const uint8_t horizon[M] = {KOC_HORIZON_INSTANT, KOC_HORIZON_PHASED, KOC_HORIZON_CONTINUOUS};
static const uint8_t direction[M] = {KOC_DIRECTION_EXTERNAL, KOC_DIRECTION_INTERNAL, KOC_DIRECTION_INTERNAL};
static const int32_t slots[M] = {KOC_UNLIMITED_SLOTS, 2, 1};
static const uint8_t required[M * 2] = {0, 0, 2, 0, 0, 0};
static const uint8_t confidential[M] = {0, 0, 1};

static void test_match(void) {
  koc_roster* roster = NULL;
  koc_tier_policy* ladder = NULL;
  koc_tier_result* tiers = NULL;
  koc_profiles* profiles = NULL;
  koc_task_table* tasks = NULL;
  koc_matching_policy* policy = NULL;
  koc_matching_policy* copy = NULL;
  koc_match_result* result = NULL;
  const int32_t *kr = NULL, *tr = NULL, *load = NULL, *filled = NULL;
  const uint8_t *kreason = NULL, *treason = NULL;
  const int64_t *eligible = NULL, *counts = NULL, *kp = NULL, *tp = NULL;
  const double* score = NULL;
  double total = 0, sum = 0;
  size_t n_pairs = 0, n = 0, n_rules = 0, need = 0, i;
  int64_t sp = 0;
  int32_t ok = 0;
  char json[8192];
  int mode, m;
  for (m = 0; m < 11; ++m)
    for (i = 0; i < N; ++i) metric[m][i] = (m == 6 || m == 7 || m == 9) ? 0.5 + 0.05 * (double)i : 20.0 * (double)(i + 1);

  CHECK(koc_roster_create(ids, N, &roster) == KOC_OK);
  for (m = 0; m < 11; ++m) CHECK(koc_roster_set_metric(roster, (koc_metric)m, metric[m], N) == KOC_OK);
  CHECK(koc_tier_policy_default(&ladder) == KOC_OK);
  CHECK(koc_classify(roster, ladder, NULL, NULL, NULL, NULL, 0, KOC_CLASSIFY_NO_GROWTH_GAPS, &tiers) == KOC_OK);
  CHECK(koc_profiles_create(capacity, N, &profiles) == KOC_OK);
  CHECK(koc_profiles_set_skills(profiles, skill, N, 2) == KOC_OK);
  CHECK(koc_profiles_set_audience(profiles, audience, N) == KOC_OK);
  CHECK(koc_profiles_set_column(profiles, KOC_PROFILE_REGION, region, N) == KOC_OK);
  CHECK(koc_profiles_set_column(profiles, (koc_profile_column)9, region, N) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_profiles_set_audience(profiles, audience, N - 1) == KOC_ERROR_LENGTH_MISMATCH);
  CHECK(koc_task_table_create(task_ids, asset, horizon, direction, slots, M, &tasks) == KOC_OK);
  CHECK(koc_task_table_set_required_skills(tasks, required, M, 2) == KOC_OK);
  CHECK(koc_task_table_set_confidential(tasks, confidential, M) == KOC_OK);
  CHECK(koc_task_table_set_column(tasks, KOC_TASK_LOAD, NULL, M) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_task_table_create(NULL, asset, horizon, direction, slots, M, &tasks) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_task_table_create(task_ids, asset, horizon, direction, slots, M, &tasks) == KOC_OK);
  CHECK(koc_task_table_set_required_skills(tasks, required, M, 2) == KOC_OK);
  CHECK(koc_task_table_set_confidential(tasks, confidential, M) == KOC_OK);
  CHECK(koc_matching_policy_default(&policy) == KOC_OK);
  CHECK(koc_matching_policy_to_json(policy, json, sizeof json, &need) == KOC_OK && need < sizeof json);
  CHECK(koc_matching_policy_from_json(json, need, ladder, &copy) == KOC_OK);
  koc_matching_policy_destroy(copy);
  CHECK(koc_matching_policy_from_json("{", 1, ladder, &copy) == KOC_ERROR_INVALID_POLICY && copy == NULL);

  for (mode = 0; mode < 3; ++mode) {
    CHECK(koc_match(roster, tiers, profiles, tasks, policy, ladder, NULL, NULL, 0, NULL, NULL, NULL, 0,
                    (koc_match_mode)mode, KOC_OBJECTIVE_MAX_SCORE, &result) == KOC_OK);
    CHECK(koc_match_result_pairs(result, &kr, &tr, &score, &n_pairs) == KOC_OK);
    CHECK(koc_match_result_total(result, &total) == KOC_OK);
    sum = 0;
    for (i = 0; i < n_pairs; ++i) sum += score[i];
    CHECK(fabs(sum - total) < 1e-9);
    CHECK(koc_match_result_kocs(result, &load, &kreason, &n) == KOC_OK && n == N);
    for (i = 0; i < N; ++i) CHECK(load[i] <= capacity[i]);
    CHECK(kreason[3] == KOC_REASON_NONE || kreason[3] == KOC_REASON_NOBODY_ELIGIBLE);
    CHECK(koc_match_result_tasks(result, &filled, &treason, &eligible, &n) == KOC_OK && n == M);
    CHECK(koc_match_result_exclusions(result, &counts, &n, &n_rules) == KOC_OK && n == M && n_rules > 0);
    CHECK(koc_match_result_verify(result, &ok, json, sizeof json, &need) == KOC_OK && ok == 1);
    CHECK((koc_match_result_duals(result, &kp, &tp, &sp) == KOC_OK) == (mode == 0));
    koc_match_result_destroy(result);
    result = NULL;
  }
  {
    const int64_t dk[1] = {2}, dt[1] = {99};
    CHECK(koc_match(roster, tiers, profiles, tasks, policy, ladder, dk, dt, 1, NULL, NULL, NULL, 0, KOC_MATCH_OPTIMAL,
                    KOC_OBJECTIVE_MAX_SCORE, &result) == KOC_ERROR_UNKNOWN_ID);
    CHECK(result == NULL && koc_last_error_row() == 0);
  }
  CHECK(koc_match(roster, tiers, profiles, tasks, policy, ladder, NULL, NULL, 0, NULL, NULL, NULL, 0, (koc_match_mode)7,
                  KOC_OBJECTIVE_MAX_SCORE, &result) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_match(NULL, tiers, profiles, tasks, policy, ladder, NULL, NULL, 0, NULL, NULL, NULL, 0, KOC_MATCH_OPTIMAL,
                  KOC_OBJECTIVE_MAX_SCORE, &result) == KOC_ERROR_NULL_POINTER);
  koc_match_result_destroy(NULL);
  koc_task_table_destroy(tasks);
  koc_task_table_destroy(NULL);
  koc_profiles_destroy(profiles);
  koc_profiles_destroy(NULL);
  koc_matching_policy_destroy(policy);
  koc_matching_policy_destroy(NULL);
  koc_tier_result_destroy(tiers);
  koc_tier_policy_destroy(ladder);
  koc_roster_destroy(roster);
}

int main(void) {
  test_dense();
  test_match();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

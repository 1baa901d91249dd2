/* The matching part of the C ABI exercised from C (C11, -Werror -pedantic): dense assignment (one and a
 * batch), task tables, profiles, policies, koc_match in every mode, capacitated assignment on an edge list,
 * and the error paths. */
#include <koc/koc.h>

#include <math.h>
#include <stdint.h>
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

/* Many problems in one call: each as koc_linear_sum_assignment solves it alone, for any thread count. */
static void test_dense_batch(void) {
  enum { B = 7, R = 3, C = 4, K = 3 };
  double costs[B * R * C];
  int64_t rb[B * K], cb[B * K], r1[K], c1[K];
  double totals[B], total1 = 0;
  int32_t optimal[B], optimal1 = 0;
  size_t n = 0;
  unsigned threads;
  int b, t;
  for (b = 0; b < B * R * C; ++b) costs[b] = (double)((b * 37 + 11) % 17) - 8.0;
  for (t = 0; t < C; ++t) costs[5 * R * C + t] = INFINITY; /* problem 5, row 0: nothing allowed */
  for (threads = 0; threads < 4; ++threads) {
    CHECK(koc_linear_sum_assignment_batch(costs, B, R, C, 0, threads, rb, cb, B * K, totals, optimal) == KOC_OK);
    for (b = 0; b < B; ++b) {
      CHECK(koc_linear_sum_assignment(costs + b * R * C, R, C, 0, NULL, r1, c1, K, &n, &total1, &optimal1, NULL, NULL) == KOC_OK);
      CHECK(optimal[b] == optimal1);
      CHECK(totals[b] == total1);
      for (t = 0; t < K; ++t) {
        CHECK(rb[b * K + t] == (optimal1 ? r1[t] : -1));
        CHECK(cb[b * K + t] == (optimal1 ? c1[t] : -1));
      }
    }
  }
  CHECK(optimal[5] == 0 && rb[5 * K] == -1);
  CHECK(koc_linear_sum_assignment_batch(costs, 5, R, C, 1, 2, rb, cb, B * K, NULL, optimal) == KOC_OK); /* maximise: +inf is invalid */
  CHECK(koc_linear_sum_assignment_batch(costs, B, R, C, 0, 2, rb, cb, B * K - 1, totals, optimal) == KOC_ERROR_BUFFER_TOO_SMALL);
  CHECK(koc_linear_sum_assignment_batch(costs, B, R, C, 0, 2, rb, cb, B * K, totals, NULL) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_linear_sum_assignment_batch(NULL, 0, R, C, 0, 2, NULL, NULL, 0, NULL, NULL) == KOC_OK);
  costs[2 * R * C + 1 * C + 2] = NAN; /* problem 2, row 1 */
  costs[6 * R * C] = NAN;
  CHECK(koc_linear_sum_assignment_batch(costs, B, R, C, 0, 3, rb, cb, B * K, totals, optimal) == KOC_ERROR_INVALID_VALUE);
  CHECK(strncmp(koc_last_error_message(), "problem 2: ", 11) == 0);
  CHECK(koc_last_error_row() == 1);
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
  koc_task_table_destroy(tasks); /* the failing create below clears the handle it is given */
  CHECK(koc_task_table_create(NULL, asset, horizon, direction, slots, M, &tasks) == KOC_ERROR_NULL_POINTER);
  CHECK(tasks == NULL);
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
    /* Every problem of a task table at once; koc_match refuses with the first. */
    const int32_t bad_slots[M] = {-2, 2, -5};
    const int32_t bad_load[M] = {1, 0, 1};
    koc_task_table* t3 = NULL;
    koc_problems* found = NULL;
    const char* field = NULL;
    int64_t row = -1;
    CHECK(koc_task_table_create(task_ids, asset, horizon, direction, bad_slots, M, &t3) == KOC_OK);
    CHECK(koc_task_table_set_column(t3, KOC_TASK_LOAD, bad_load, M) == KOC_OK);
    CHECK(koc_task_table_problems(t3, 4, 10, &found) == KOC_OK && koc_problems_size(found, &n) == KOC_OK && n == 3);
    CHECK(koc_problems_get(found, 0, NULL, &row, &field, NULL) == KOC_OK && row == 0 && strcmp(field, "slots") == 0);
    CHECK(koc_problems_get(found, 1, NULL, &row, &field, NULL) == KOC_OK && row == 1 && strcmp(field, "load") == 0);
    CHECK(koc_problems_get(found, 2, NULL, &row, &field, NULL) == KOC_OK && row == 2 && strcmp(field, "slots") == 0);
    CHECK(koc_match(roster, tiers, profiles, t3, policy, ladder, NULL, NULL, 0, NULL, NULL, NULL, 0, KOC_MATCH_OPTIMAL,
                    KOC_OBJECTIVE_MAX_SCORE, &result) == KOC_ERROR_INVALID_VALUE && result == NULL);
    CHECK(koc_last_error_row() == 0 && strcmp(koc_last_error_field(), "slots") == 0);
    koc_problems_destroy(found);
    koc_task_table_destroy(t3);
  }
  {
    /* A closed task (0 slots) keeps its row, with the reason no_slots. */
    const int32_t closed[M] = {0, 2, 1};
    koc_task_table* t2 = NULL;
    CHECK(koc_task_table_create(task_ids, asset, horizon, direction, closed, M, &t2) == KOC_OK);
    CHECK(koc_match(roster, tiers, profiles, t2, policy, ladder, NULL, NULL, 0, NULL, NULL, NULL, 0, KOC_MATCH_OPTIMAL,
                    KOC_OBJECTIVE_MAX_SCORE, &result) == KOC_OK);
    CHECK(koc_match_result_tasks(result, &filled, &treason, &eligible, &n) == KOC_OK && n == M);
    CHECK(filled[0] == 0 && treason[0] == KOC_REASON_NO_SLOTS && treason[1] != KOC_REASON_NO_SLOTS);
    koc_match_result_destroy(result);
    result = NULL;
    koc_task_table_destroy(t2);
  }
  {
    const int64_t dk[1] = {2}, dt[1] = {99};
    CHECK(koc_match(roster, tiers, profiles, tasks, policy, ladder, dk, dt, 1, NULL, NULL, NULL, 0, KOC_MATCH_OPTIMAL,
                    KOC_OBJECTIVE_MAX_SCORE, &result) == KOC_ERROR_UNKNOWN_ID);
    CHECK(result == NULL && koc_last_error_row() == 0);
  }
  {
    /* The options handle: the same answer as koc_match for the same inputs, in every mode and objective;
     * declines copied by the setter; bad values refused at the setter, naming the field. */
    koc_match_options* o = NULL;
    koc_match_result* plain = NULL;
    koc_solve_options* solve = NULL;
    const int32_t *kr2 = NULL, *tr2 = NULL;
    const double* score2 = NULL;
    size_t n2 = 0;
    double total2 = 0;
    int64_t dk[1] = {ids[1]}, dt[1] = {task_ids[0]};
    int objective;
    CHECK(koc_match_options_create(&o) == KOC_OK);
    CHECK(koc_match_with(roster, tiers, profiles, tasks, policy, ladder, NULL, &result) == KOC_OK); /* NULL: defaults */
    CHECK(koc_match(roster, tiers, profiles, tasks, policy, ladder, NULL, NULL, 0, NULL, NULL, NULL, 0, KOC_MATCH_OPTIMAL,
                    KOC_OBJECTIVE_MAX_SCORE, &plain) == KOC_OK);
    CHECK(koc_match_result_total(result, &total) == KOC_OK && koc_match_result_total(plain, &total2) == KOC_OK && total == total2);
    koc_match_result_destroy(result);
    koc_match_result_destroy(plain);
    CHECK(koc_match_options_set_declines(o, dk, dt, 1) == KOC_OK);
    dk[0] = -12345; /* the handle holds its own copy */
    for (mode = 0; mode < 3; ++mode)
      for (objective = 0; objective < 2; ++objective) {
        const int64_t dk1[1] = {ids[1]};
        CHECK(koc_match_options_set_mode(o, (koc_match_mode)mode) == KOC_OK);
        CHECK(koc_match_options_set_objective(o, (koc_match_objective)objective) == KOC_OK);
        CHECK(koc_match_with(roster, tiers, profiles, tasks, policy, ladder, o, &result) == KOC_OK);
        CHECK(koc_match(roster, tiers, profiles, tasks, policy, ladder, dk1, dt, 1, NULL, NULL, NULL, 0, (koc_match_mode)mode,
                        (koc_match_objective)objective, &plain) == KOC_OK);
        CHECK(koc_match_result_pairs(result, &kr, &tr, &score, &n_pairs) == KOC_OK);
        CHECK(koc_match_result_pairs(plain, &kr2, &tr2, &score2, &n2) == KOC_OK);
        CHECK(n_pairs == n2);
        for (i = 0; i < n_pairs && i < n2; ++i) CHECK(kr[i] == kr2[i] && tr[i] == tr2[i] && score[i] == score2[i]);
        for (i = 0; i < n_pairs; ++i) CHECK(!(kr[i] == 1 && tr[i] == 0)); /* the declined pair */
        CHECK(koc_match_result_verify(result, &ok, json, sizeof json, &need) == KOC_OK && ok == 1);
        koc_match_result_destroy(result);
        koc_match_result_destroy(plain);
        result = NULL;
      }
    CHECK(koc_match_options_set_mode(o, (koc_match_mode)7) == KOC_ERROR_OUT_OF_RANGE);
    CHECK(strcmp(koc_last_error_field(), "mode") == 0);
    CHECK(koc_match_options_set_objective(o, (koc_match_objective)-1) == KOC_ERROR_OUT_OF_RANGE);
    CHECK(koc_match_options_set_score_resolution(o, 0.0) == KOC_ERROR_INVALID_VALUE);
    CHECK(strcmp(koc_last_error_field(), "score_resolution") == 0);
    CHECK(koc_match_options_set_score_resolution(o, NAN) == KOC_ERROR_INVALID_VALUE);
    CHECK(koc_match_options_set_declines(o, NULL, dt, 1) == KOC_ERROR_NULL_POINTER);
    CHECK(koc_match_options_set_preferences(o, NULL, NULL, NULL, 0) == KOC_OK);
    CHECK(koc_match_options_set_mode(o, KOC_MATCH_OPTIMAL) == KOC_OK);
    CHECK(koc_match_options_set_score_resolution(o, 1e-3) == KOC_OK);
    CHECK(koc_solve_options_create(&solve) == KOC_OK);
    CHECK(koc_solve_options_set_method(solve, KOC_METHOD_SHORTEST_PATHS) == KOC_OK);
    CHECK(koc_match_options_set_solve_options(o, solve) == KOC_OK);
    koc_solve_options_destroy(solve); /* copied */
    CHECK(koc_match_with(roster, tiers, profiles, tasks, policy, ladder, o, &result) == KOC_OK);
    CHECK(koc_match_result_verify(result, &ok, json, sizeof json, &need) == KOC_OK && ok == 1);
    koc_match_result_destroy(result);
    result = NULL;
    CHECK(koc_match_options_set_solve_options(o, NULL) == KOC_OK);
    {
      const int64_t bad_k[1] = {2}, bad_t[1] = {99};
      CHECK(koc_match_options_set_declines(o, bad_k, bad_t, 1) == KOC_OK);
      CHECK(koc_match_with(roster, tiers, profiles, tasks, policy, ladder, o, &result) == KOC_ERROR_UNKNOWN_ID);
      CHECK(result == NULL && koc_last_error_row() == 0);
    }
    CHECK(koc_match_with(NULL, tiers, profiles, tasks, policy, ladder, o, &result) == KOC_ERROR_NULL_POINTER);
    CHECK(koc_match_options_create(NULL) == KOC_ERROR_NULL_POINTER);
    koc_match_options_destroy(o);
    koc_match_options_destroy(NULL);
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

/* Checks a capacitated result's invariants that hold whatever the instance: verify passes, the chosen
 * edge rows name their pairs, loads and fills add up, and the total is the sum of the chosen scores. */
static void check_capacitated(const koc_capacitated_result* r, const int32_t* kr, const int32_t* tc, const double* sc,
                              size_t n_kocs, size_t n_tasks) {
  const int64_t* edge = NULL;
  const int32_t *ck = NULL, *ct = NULL, *load = NULL, *filled = NULL;
  const uint8_t *kreason = NULL, *treason = NULL;
  size_t n = 0, nk = 0, nt = 0, need = 0, i;
  int64_t units = 0, sum_load = 0, sum_filled = 0;
  double total = -1, sum = 0;
  int32_t ok = 0;
  char msg[512];
  CHECK(koc_capacitated_result_verify(r, &ok, msg, sizeof msg, &need) == KOC_OK && ok == 1);
  CHECK(koc_capacitated_result_pairs(r, &edge, &ck, &ct, &n) == KOC_OK);
  CHECK(koc_capacitated_result_total(r, &total, &units) == KOC_OK);
  CHECK(koc_capacitated_result_kocs(r, &load, &kreason, &nk) == KOC_OK && nk == n_kocs);
  CHECK(koc_capacitated_result_tasks(r, &filled, &treason, &nt) == KOC_OK && nt == n_tasks);
  for (i = 0; i < n; ++i) {
    CHECK(ck[i] == kr[edge[i]] && ct[i] == tc[edge[i]]);
    if (i > 0) CHECK(ck[i - 1] < ck[i] || (ck[i - 1] == ck[i] && ct[i - 1] < ct[i]));
    sum += sc[edge[i]];
  }
  for (i = 0; i < nk; ++i) sum_load += load[i];
  for (i = 0; i < nt; ++i) sum_filled += filled[i];
  CHECK(sum_load == (int64_t)n && sum_filled == (int64_t)n);
  CHECK(total == sum);
}

static int cancel_now(void* user_data) {
  ++*(int*)user_data;
  return 1;
}
static void count_progress(double fraction, int64_t steps, int64_t phase, int64_t phases, double seconds, void* user_data) {
  (void)steps, (void)phase, (void)phases;
  CHECK(fraction >= 0 && fraction <= 1 && seconds >= 0);
  ++*(int*)user_data;
}

/* Solve options: each method, a time limit, cancellation and progress. */
static void test_solve_options(void) {
  const int32_t kr[6] = {1, 0, 0, 1, 2, 1}, tc[6] = {2, 0, 1, 0, 2, 1};
  const double sc[6] = {4.0, 5.0, 3.0, 6.0, 9.0, -1.0};
  const int32_t cap[3] = {1, 2, 0}, sl[3] = {1, 1, 2};
  koc_solve_options* o = NULL;
  koc_capacitated_result* r = NULL;
  int64_t units = 0, scale = 0, eps = 0;
  int cancels = 0, reports = 0;
  CHECK(koc_solve_options_create(&o) == KOC_OK && o != NULL);
  CHECK(koc_solve_options_create(NULL) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_solve_options_set_method(o, KOC_METHOD_SHORTEST_PATHS) == KOC_OK);
  CHECK(koc_capacitated_assignment_with(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, o, &r) == KOC_OK);
  check_capacitated(r, kr, tc, sc, 3, 3);
  CHECK(koc_capacitated_result_total(r, NULL, &units) == KOC_OK && units == 13000000);
  CHECK(koc_capacitated_result_certificate(r, &scale, &eps, NULL) == KOC_OK && scale == 1 && eps == 0);
  koc_capacitated_result_destroy(r);
  CHECK(koc_solve_options_set_method(o, KOC_METHOD_AUCTION) == KOC_OK);
  CHECK(koc_capacitated_assignment_with(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, o, &r) == KOC_OK);
  CHECK(koc_capacitated_result_total(r, NULL, &units) == KOC_OK && units == 13000000);
  CHECK(koc_capacitated_result_certificate(r, &scale, &eps, NULL) == KOC_OK && scale > 1 && eps == 1);
  koc_capacitated_result_destroy(r);
  r = NULL;
  CHECK(koc_solve_options_set_method(o, (koc_capacitated_method)7) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(koc_solve_options_set_time_limit(o, -1.0) == KOC_ERROR_INVALID_VALUE);
  /* Progress: reported at least once (at the start) and at the end. */
  CHECK(koc_solve_options_set_progress(o, count_progress, &reports, 0.0) == KOC_OK);
  CHECK(koc_capacitated_assignment_with(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_FILL, 1e-6, o, &r) == KOC_OK);
  CHECK(reports >= 2);
  koc_capacitated_result_destroy(r);
  r = NULL;
  /* Cancelled: no result, a clear status and message. */
  CHECK(koc_solve_options_set_cancel(o, cancel_now, &cancels) == KOC_OK);
  CHECK(koc_capacitated_assignment_with(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, o, &r) == KOC_ERROR_CANCELLED);
  CHECK(r == NULL && cancels == 1 && strstr(koc_last_error_message(), "cancelled") != NULL);
  CHECK(koc_solve_options_set_cancel(o, NULL, NULL) == KOC_OK);
  /* A time limit already past at the first check. */
  CHECK(koc_solve_options_set_time_limit(o, 1e-12) == KOC_OK);
  CHECK(koc_capacitated_assignment_with(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, o, &r) == KOC_ERROR_TIMEOUT);
  CHECK(r == NULL && strstr(koc_last_error_message(), "time limit") != NULL);
  CHECK(strcmp(koc_status_string(KOC_ERROR_TIMEOUT), "KOC_ERROR_TIMEOUT") == 0);
  CHECK(strcmp(koc_status_string(KOC_ERROR_CANCELLED), "KOC_ERROR_CANCELLED") == 0);
  /* NULL options: the defaults. */
  CHECK(koc_capacitated_assignment_with(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, NULL, &r) == KOC_OK);
  koc_capacitated_result_destroy(r);
  koc_solve_options_destroy(o);
  koc_solve_options_destroy(NULL);
}

static void test_capacitated(void) {
  /* capacity {1, 2, 0}, slots {1, 1, 2}. The optimum 13 = KOC 1 on tasks 0 and 2 (6 + 4) + KOC 0 on
   * task 1 (3); KOC 0 on task 0 (5) loses 4. KOC 2 has no capacity; the pair of score -1 is never
   * worth taking. */
  const int32_t kr[6] = {1, 0, 0, 1, 2, 1}, tc[6] = {2, 0, 1, 0, 2, 1};
  const double sc[6] = {4.0, 5.0, 3.0, 6.0, 9.0, -1.0};
  const int32_t cap[3] = {1, 2, 0}, sl[3] = {1, 1, 2};
  int32_t rkr[6], rtc[6];
  double rsc[6];
  koc_capacitated_result* r = NULL;
  koc_capacitated_result* q = NULL;
  koc_capacitated_status st = KOC_CAPACITATED_NOTHING_ASSIGNED;
  const int64_t *edge = NULL, *edge2 = NULL, *kp = NULL, *tp = NULL;
  const int32_t *ck = NULL, *ct = NULL, *ck2 = NULL, *ct2 = NULL, *load = NULL, *filled = NULL;
  const uint8_t *kreason = NULL, *treason = NULL;
  size_t n = 0, n2 = 0, need = 0, i;
  int64_t units = 0, sp = -1, scale = 0, eps = -1, bonus = -1;
  double total = 0, total2 = 0;
  int32_t ok = 0;
  char tiny[4];

  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_OK);
  check_capacitated(r, kr, tc, sc, 3, 3);
  CHECK(koc_capacitated_result_status(r, &st) == KOC_OK && st == KOC_CAPACITATED_OPTIMAL);
  CHECK(koc_capacitated_result_pairs(r, &edge, &ck, &ct, &n) == KOC_OK && n == 3);
  CHECK(edge[0] == 2 && edge[1] == 3 && edge[2] == 0);
  CHECK(ck[0] == 0 && ct[0] == 1 && ck[1] == 1 && ct[1] == 0 && ck[2] == 1 && ct[2] == 2);
  CHECK(koc_capacitated_result_total(r, &total, &units) == KOC_OK && total == 13.0 && units == 13000000);
  CHECK(koc_capacitated_result_total(r, NULL, NULL) == KOC_OK);
  CHECK(koc_capacitated_result_kocs(r, &load, &kreason, &n) == KOC_OK && n == 3);
  CHECK(load[0] == 1 && load[1] == 2 && load[2] == 0);
  CHECK(kreason[0] == KOC_REASON_NONE && kreason[1] == KOC_REASON_NONE && kreason[2] == KOC_REASON_NONE);
  CHECK(koc_capacitated_result_tasks(r, &filled, &treason, &n) == KOC_OK && n == 3);
  CHECK(filled[0] == 1 && filled[1] == 1 && filled[2] == 1);
  /* Task 2's spare slot: its other candidate, KOC 2, has no capacity. */
  CHECK(treason[0] == KOC_REASON_NONE && treason[2] == KOC_REASON_ALL_CANDIDATES_AT_CAPACITY);
  CHECK(koc_capacitated_result_duals(r, &kp, &tp, &sp) == KOC_OK && sp == 0);
  CHECK(koc_capacitated_result_certificate(r, &scale, &eps, &bonus) == KOC_OK && scale >= 1 && eps >= 0 && bonus == 0);
  CHECK(eps * (2 * 3 + 3) < scale || eps == 0);
  CHECK(koc_capacitated_result_certificate(r, NULL, NULL, NULL) == KOC_OK);
  /* Complementary slackness on the chosen pairs: pi(t) - pi(k) <= scale * units + epsilon (used arcs). */
  for (i = 0; i < 3; ++i) CHECK(tp[ct[i]] - kp[ck[i]] <= scale * (int64_t)(sc[edge[i]] * 1e6 + 0.5) + eps);
  CHECK(koc_capacitated_result_verify(r, &ok, NULL, 0, &need) == KOC_OK && ok == 1 && need > 0);
  CHECK(koc_capacitated_result_verify(r, &ok, tiny, sizeof tiny, &need) == KOC_ERROR_BUFFER_TOO_SMALL);

  /* The same edges in reverse order: same pairs and total, edge rows follow the new order. */
  for (i = 0; i < 6; ++i) rkr[i] = kr[5 - i], rtc[i] = tc[5 - i], rsc[i] = sc[5 - i];
  CHECK(koc_capacitated_assignment(rkr, rtc, rsc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &q) == KOC_OK);
  check_capacitated(q, rkr, rtc, rsc, 3, 3);
  CHECK(koc_capacitated_result_pairs(q, &edge2, &ck2, &ct2, &n2) == KOC_OK && n2 == 3);
  CHECK(koc_capacitated_result_total(q, &total2, NULL) == KOC_OK && total2 == total);
  for (i = 0; i < 3; ++i) CHECK(ck2[i] == ck[i] && ct2[i] == ct[i] && edge2[i] == 5 - edge[i]);
  koc_capacitated_result_destroy(q);
  q = NULL;
  koc_capacitated_result_destroy(r);
  r = NULL;

  {
    /* Max score takes the single 10; max fill takes both KOCs (1 + 2 = 3). */
    const int32_t k2[3] = {0, 0, 1}, t2[3] = {0, 1, 0}, c2[2] = {1, 1}, s2[2] = {1, 1};
    const double w2[3] = {10.0, 1.0, 2.0};
    CHECK(koc_capacitated_assignment(k2, t2, w2, 3, c2, 2, s2, 2, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_OK);
    check_capacitated(r, k2, t2, w2, 2, 2);
    CHECK(koc_capacitated_result_pairs(r, &edge, NULL, NULL, &n) == KOC_OK && n == 1 && edge[0] == 0);
    CHECK(koc_capacitated_result_kocs(r, NULL, &kreason, &n) == KOC_OK && kreason[1] == KOC_REASON_ALL_CANDIDATES_AT_CAPACITY);
    CHECK(koc_capacitated_result_tasks(r, NULL, &treason, &n) == KOC_OK && treason[1] == KOC_REASON_ALL_CANDIDATES_AT_CAPACITY);
    koc_capacitated_result_destroy(r);
    CHECK(koc_capacitated_assignment(k2, t2, w2, 3, c2, 2, s2, 2, KOC_OBJECTIVE_MAX_FILL, 1e-6, &r) == KOC_OK);
    check_capacitated(r, k2, t2, w2, 2, 2);
    CHECK(koc_capacitated_result_pairs(r, &edge, NULL, NULL, &n) == KOC_OK && n == 2 && edge[0] == 1 && edge[1] == 2);
    CHECK(koc_capacitated_result_total(r, &total, NULL) == KOC_OK && total == 3.0);
    /* Under max fill a pair is worth more than any exchange: a bonus per pair (the auction) or a costly
     * empty-slot arc, hence a negative source potential (shortest paths). */
    CHECK(koc_capacitated_result_duals(r, NULL, NULL, &sp) == KOC_OK);
    CHECK(koc_capacitated_result_certificate(r, NULL, NULL, &bonus) == KOC_OK && (bonus > 0 || sp < 0));
    koc_capacitated_result_destroy(r);
    r = NULL;
  }
  {
    /* Nothing worth taking, and nothing at all. */
    const int32_t k3[2] = {0, 1}, t3[2] = {0, 0}, c3[2] = {1, 1}, s3[1] = {2};
    const double w3[2] = {0.0, -2.5};
    CHECK(koc_capacitated_assignment(k3, t3, w3, 2, c3, 2, s3, 1, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_OK);
    check_capacitated(r, k3, t3, w3, 2, 1);
    CHECK(koc_capacitated_result_status(r, &st) == KOC_OK && st == KOC_CAPACITATED_NOTHING_ASSIGNED);
    CHECK(koc_capacitated_result_kocs(r, NULL, &kreason, &n) == KOC_OK && kreason[0] == KOC_REASON_BETTER_PAIRS_CHOSEN);
    koc_capacitated_result_destroy(r);
    CHECK(koc_capacitated_assignment(NULL, NULL, NULL, 0, c3, 2, s3, 1, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_OK);
    check_capacitated(r, NULL, NULL, NULL, 2, 1);
    CHECK(koc_capacitated_result_status(r, &st) == KOC_OK && st == KOC_CAPACITATED_NOTHING_ASSIGNED);
    CHECK(koc_capacitated_result_tasks(r, NULL, &treason, &n) == KOC_OK && n == 1 && treason[0] == KOC_REASON_NOBODY_ELIGIBLE);
    koc_capacitated_result_destroy(r);
    r = NULL;
  }

  /* Pricing: the solve saw only the pair (KOC 0, task 0, score 1); of three pairs of the whole graph, the
   * unseen one of score 5 breaks its certificate, the chosen one and the unseen one of score -1 do not. */
  {
    const int32_t pk[1] = {0}, pt[1] = {0}, pc[1] = {1}, ps[2] = {1, 1};
    const double pw[1] = {1.0};
    CHECK(koc_capacitated_assignment(pk, pt, pw, 1, pc, 1, ps, 2, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_OK);
    const int32_t all_k[3] = {0, 0, 0}, all_t[3] = {0, 1, 1};
    const double all_w[3] = {1.0, 5.0, -1.0};
    const uint8_t chosen[3] = {1, 0, 0};
    int64_t rows[3] = {-1, -1, -1};
    size_t n_rows = 99;
    CHECK(koc_capacitated_result_violations(r, all_k, all_t, all_w, chosen, 3, rows, &n_rows) == KOC_OK);
    CHECK(n_rows == 1 && rows[0] == 1);
    CHECK(koc_capacitated_result_violations(r, NULL, NULL, NULL, NULL, 0, NULL, &n_rows) == KOC_OK && n_rows == 0);
    const int32_t bad_k[2] = {0, 1};
    CHECK(koc_capacitated_result_violations(r, bad_k, all_t, all_w, chosen, 2, rows, &n_rows) == KOC_ERROR_UNKNOWN_ID);
    CHECK(koc_last_error_row() == 1 && strcmp(koc_last_error_field(), "koc") == 0);
    CHECK(koc_capacitated_result_violations(r, all_k, all_t, all_w, chosen, 3, NULL, &n_rows) == KOC_ERROR_NULL_POINTER);
    koc_capacitated_result_destroy(r);
    CHECK(koc_capacitated_assignment(pk, pt, pw, 1, pc, 1, ps, 2, KOC_OBJECTIVE_MAX_FILL, 1e-6, &r) == KOC_OK);
    CHECK(koc_capacitated_result_violations(r, all_k, all_t, all_w, chosen, 3, rows, &n_rows) == KOC_ERROR_INVALID_ARGUMENT);
    koc_capacitated_result_destroy(r);
    r = NULL;
  }

  /* Error paths: each names the row and field, and leaves *out NULL. */
  r = (koc_capacitated_result*)&ok; /* a non-NULL value the call must clear */
  CHECK(koc_capacitated_assignment(NULL, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_NULL_POINTER);
  CHECK(r == NULL && strcmp(koc_last_error_field(), "koc_row") == 0);
  CHECK(koc_capacitated_assignment(kr, NULL, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_capacitated_assignment(kr, tc, NULL, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_NULL_POINTER);
  CHECK(strcmp(koc_last_error_field(), "score") == 0);
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, NULL, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_NULL_POINTER);
  CHECK(strcmp(koc_last_error_field(), "capacity") == 0);
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 3, NULL, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, NULL) == KOC_ERROR_NULL_POINTER);
  /* Wrong lengths: a KOC table too short for the rows the edges use, and more rows than int32 indexes
   * (refused before the capacity array is read, so a short array is safe here). */
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 1, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_UNKNOWN_ID);
  CHECK(r == NULL && koc_last_error_row() == 0 && strcmp(koc_last_error_field(), "koc") == 0);
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 3, sl, 2, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_UNKNOWN_ID);
  CHECK(koc_last_error_row() == 0 && strcmp(koc_last_error_field(), "task") == 0);
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, (size_t)INT32_MAX + 1, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) ==
        KOC_ERROR_OVERFLOW);
  CHECK(strcmp(koc_last_error_field(), "n_kocs") == 0);
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 3, sl, (size_t)INT32_MAX + 1, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) ==
        KOC_ERROR_OVERFLOW);
  {
    int32_t bad_k[6], bad_t[6], bad_c[3], bad_s[3];
    double bad_w[6];
    memcpy(bad_k, kr, sizeof bad_k);
    memcpy(bad_t, tc, sizeof bad_t);
    memcpy(bad_w, sc, sizeof bad_w);
    memcpy(bad_c, cap, sizeof bad_c);
    memcpy(bad_s, sl, sizeof bad_s);
    bad_k[4] = -1;
    CHECK(koc_capacitated_assignment(bad_k, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_UNKNOWN_ID);
    CHECK(koc_last_error_row() == 4 && strcmp(koc_last_error_field(), "koc") == 0);
    bad_t[3] = 3;
    CHECK(koc_capacitated_assignment(kr, bad_t, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_UNKNOWN_ID);
    CHECK(koc_last_error_row() == 3 && strcmp(koc_last_error_field(), "task") == 0);
    bad_w[2] = NAN;
    CHECK(koc_capacitated_assignment(kr, tc, bad_w, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_INVALID_VALUE);
    CHECK(r == NULL && koc_last_error_row() == 2 && strcmp(koc_last_error_field(), "score") == 0);
    bad_w[2] = -INFINITY;
    CHECK(koc_capacitated_assignment(kr, tc, bad_w, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_INVALID_VALUE);
    CHECK(koc_last_error_row() == 2);
    /* Rows 4 and 5 repeat rows 0 (KOC 1, task 2) and 1 (KOC 0, task 0): the first repeat in the
     * caller's order is reported, with the row it repeats, whatever the sort did. */
    bad_k[4] = 1;
    bad_k[5] = 0;
    bad_t[3] = 0;
    bad_t[5] = 0;
    CHECK(koc_capacitated_assignment(bad_k, bad_t, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_DUPLICATE_ID);
    CHECK(r == NULL && koc_last_error_row() == 4 && strcmp(koc_last_error_field(), "task") == 0);
    CHECK(strstr(koc_last_error_message(), "already given in row 0") != NULL);
    bad_k[4] = 2;
    CHECK(koc_capacitated_assignment(bad_k, bad_t, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_DUPLICATE_ID);
    CHECK(koc_last_error_row() == 5 && strstr(koc_last_error_message(), "already given in row 1") != NULL);
    bad_c[1] = -1;
    CHECK(koc_capacitated_assignment(kr, tc, sc, 6, bad_c, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_INVALID_VALUE);
    CHECK(r == NULL && koc_last_error_row() == 1 && strcmp(koc_last_error_field(), "capacity") == 0);
    bad_s[2] = -3;
    CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 3, bad_s, 3, KOC_OBJECTIVE_MAX_FILL, 1e-6, &r) == KOC_ERROR_INVALID_VALUE);
    CHECK(koc_last_error_row() == 2 && strcmp(koc_last_error_field(), "slots") == 0);
    /* Overflow is found in sorted order but reported at the caller's row (row 0 sorts after row 1). */
    bad_w[2] = 3.0;
    bad_w[0] = 1e300;
    CHECK(koc_capacitated_assignment(kr, tc, bad_w, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 1e-6, &r) == KOC_ERROR_OVERFLOW);
    CHECK(r == NULL && koc_last_error_row() == 0 && strcmp(koc_last_error_field(), "score") == 0);
  }
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 3, sl, 3, (koc_match_objective)7, 1e-6, &r) == KOC_ERROR_OUT_OF_RANGE);
  CHECK(strcmp(koc_last_error_field(), "objective") == 0);
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, 0.0, &r) == KOC_ERROR_INVALID_ARGUMENT);
  CHECK(strcmp(koc_last_error_field(), "score_resolution") == 0);
  CHECK(koc_capacitated_assignment(kr, tc, sc, 6, cap, 3, sl, 3, KOC_OBJECTIVE_MAX_SCORE, NAN, &r) == KOC_ERROR_INVALID_ARGUMENT);
  CHECK(koc_capacitated_result_status(NULL, &st) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_capacitated_result_pairs(NULL, &edge, &ck, &ct, &n) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_capacitated_result_total(NULL, &total, &units) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_capacitated_result_kocs(NULL, &load, &kreason, &n) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_capacitated_result_tasks(NULL, &filled, &treason, &n) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_capacitated_result_duals(NULL, &kp, &tp, &sp) == KOC_ERROR_NULL_POINTER);
  CHECK(koc_capacitated_result_verify(NULL, &ok, NULL, 0, &need) == KOC_ERROR_NULL_POINTER);
  koc_capacitated_result_destroy(NULL);
}

/* Warm start from stored duals: a random programme solved cold, then changed (a few pairs dropped, some
 * capacities and slots moved) and solved again from the first solve's duals as a CRM would have stored
 * them (copied out, the first result destroyed). Every method and objective: the same optimum as a cold
 * solve of the changed programme, verified; then the error paths. */
#define WK 40
#define WT 9
#define WE (WK * 4)
static void test_capacitated_resolve(void) {
  int32_t kr[WE], tc[WE], cap[WK], sl[WT];
  double sc[WE];
  int64_t stored_tp[WT], scale = 0, bonus = 0, cold_units = 0, warm_units = 0;
  const int64_t* tp = NULL;
  size_t n = 0, e, cold_n = 0, warm_n = 0;
  uint32_t x = 2026u;
  int k, t, j, method, objective, ok = 0;
  const koc_capacitated_method methods[3] = {KOC_METHOD_AUTOMATIC, KOC_METHOD_AUCTION, KOC_METHOD_SHORTEST_PATHS};
  const koc_match_objective objectives[2] = {KOC_OBJECTIVE_MAX_SCORE, KOC_OBJECTIVE_MAX_FILL};
  koc_solve_options* o = NULL;
  koc_capacitated_result *r = NULL, *cold = NULL, *warm = NULL;

  for (k = 0; k < WK; ++k) {
    cap[k] = 1 + k % 3;
    for (j = 0; j < 4; ++j) {
      x = x * 1664525u + 1013904223u;
      kr[n] = k;
      tc[n] = (int32_t)((k * 7 + j * 2) % WT); /* distinct per KOC: steps of 2 mod 9 */
      sc[n] = (double)((x >> 8) % 1000) / 10.0 - 5.0;
      ++n;
    }
  }
  for (t = 0; t < WT; ++t) sl[t] = 2 + t % 4;
  CHECK(koc_solve_options_create(&o) == KOC_OK);
  for (method = 0; method < 3; ++method) {
    for (objective = 0; objective < 2; ++objective) {
      CHECK(koc_solve_options_set_method(o, methods[method]) == KOC_OK);
      CHECK(koc_capacitated_assignment_with(kr, tc, sc, n, cap, WK, sl, WT, objectives[objective], 1e-3, o, &r) == KOC_OK);
      CHECK(koc_capacitated_result_duals(r, NULL, &tp, NULL) == KOC_OK && tp != NULL);
      CHECK(koc_capacitated_result_certificate(r, &scale, NULL, &bonus) == KOC_OK);
      memcpy(stored_tp, tp, sizeof stored_tp);
      koc_capacitated_result_destroy(r);
      r = NULL;
      /* The next period: every fifth pair gone, capacities and slots moved. */
      e = 0;
      for (j = 0; j < (int)n; ++j)
        if (j % 5 != 0) kr[e] = kr[j], tc[e] = tc[j], sc[e] = sc[j], ++e;
      for (k = 0; k < WK; k += 3) cap[k] = 3 - cap[k] % 3;
      for (t = 0; t < WT; t += 2) sl[t] += 1;
      CHECK(koc_capacitated_assignment_with(kr, tc, sc, e, cap, WK, sl, WT, objectives[objective], 1e-3, o, &cold) == KOC_OK);
      CHECK(koc_capacitated_assignment_resolve(kr, tc, sc, e, cap, WK, sl, WT, objectives[objective], 1e-3, o, stored_tp,
                                               scale, bonus, &warm) == KOC_OK);
      CHECK(koc_capacitated_result_total(cold, NULL, &cold_units) == KOC_OK);
      CHECK(koc_capacitated_result_total(warm, NULL, &warm_units) == KOC_OK);
      CHECK(koc_capacitated_result_pairs(cold, NULL, NULL, NULL, &cold_n) == KOC_OK);
      CHECK(koc_capacitated_result_pairs(warm, NULL, NULL, NULL, &warm_n) == KOC_OK);
      CHECK(cold_units == warm_units && cold_n == warm_n && warm_n > 0);
      CHECK(koc_capacitated_result_verify(warm, &ok, NULL, 0, NULL) == KOC_OK && ok == 1);
      koc_capacitated_result_destroy(cold);
      koc_capacitated_result_destroy(warm);
      cold = warm = NULL;
      n = e; /* the next round drops more pairs from this one */
    }
  }
  /* Errors: no previous duals for the tasks, a scale below 1, and the edge checks as in a cold solve. */
  CHECK(koc_capacitated_assignment_resolve(kr, tc, sc, n, cap, WK, sl, WT, KOC_OBJECTIVE_MAX_SCORE, 1e-3, NULL, NULL,
                                           1, 0, &warm) == KOC_ERROR_NULL_POINTER && warm == NULL);
  CHECK(koc_capacitated_assignment_resolve(kr, tc, sc, n, cap, WK, sl, WT, KOC_OBJECTIVE_MAX_SCORE, 1e-3, NULL,
                                           stored_tp, 0, 0, &warm) == KOC_ERROR_INVALID_VALUE && warm == NULL);
  CHECK(strstr(koc_last_error_message(), "scale") != NULL);
  sc[1] = NAN;
  CHECK(koc_capacitated_assignment_resolve(kr, tc, sc, n, cap, WK, sl, WT, KOC_OBJECTIVE_MAX_SCORE, 1e-3, NULL,
                                           stored_tp, 1, 0, &warm) == KOC_ERROR_INVALID_VALUE && warm == NULL);
  CHECK(koc_last_error_row() == 1);
  CHECK(koc_capacitated_assignment_resolve(kr, tc, sc, n, cap, WK, sl, WT, KOC_OBJECTIVE_MAX_SCORE, 1e-3, NULL,
                                           stored_tp, 1, 0, NULL) == KOC_ERROR_NULL_POINTER);
  koc_solve_options_destroy(o);
}

int main(void) {
  test_dense();
  test_dense_batch();
  test_match();
  test_capacitated();
  test_solve_options();
  test_capacitated_resolve();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

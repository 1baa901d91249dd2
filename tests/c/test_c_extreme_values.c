/* Extreme but valid values through the C ABI, one section per stage, each call under a watchdog: a call
 * that takes more than 5 seconds ends the program naming the call (alarm + SIGALRM), so a hang is a failed
 * test rather than a stuck run. Every call returns KOC_OK with a result that passes its basic invariants
 * (and its verify) or refuses the input with a declared status and a message; never KOC_ERROR_INTERNAL.
 * Small seeded inputs. Compiled as C11 with -Wall -Wextra -pedantic -Werror. Prints "N passed, N failed". */
#define _POSIX_C_SOURCE 200809L
#include <koc/koc.h>

#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- the watchdog ---------------------------------------------------------------------------------- */

static const char* volatile watched_call = "";

static void on_watchdog(int sig) {
  static const char head[] = "\nextreme-values watchdog: a call took more than 5 s (a hang?): ";
  const char* name = watched_call;
  ssize_t ignored;
  (void)sig;
  ignored = write(2, head, sizeof head - 1);
  ignored = write(2, name, strlen(name));
  ignored = write(2, "\n", 1);
  (void)ignored;
  _exit(1);
}

static void arm(const char* name) {
  watched_call = name;
  alarm(5);
}

static koc_status disarm(koc_status s) {
  alarm(0);
  watched_call = "";
  return s;
}

/* The status of `call`, made under the watchdog. */
#define WATCHED(name, call) (arm(name), disarm(call))

/* 1 for KOC_OK; 0 for a refusal, which must be a declared error with a message. */
static int ok_or_refused(koc_status s) {
  if (s == KOC_OK) return 1;
  CHECK(s != KOC_ERROR_INTERNAL);
  CHECK(strcmp(koc_status_string(s), "KOC_UNKNOWN_STATUS") != 0);
  CHECK(strlen(koc_last_error_message()) > 0);
  return 0;
}

/* xorshift64*: the same sequence everywhere. */
static uint64_t rng_state = 88172645463325252ull;
static uint64_t next_random(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}
#define PICK(pool) (pool[next_random() % (sizeof pool / sizeof pool[0])])

#define TINY 4.9406564584124654e-324
#define P53 9007199254740992.0

/* ---- tiers ------------------------------------------------------------------------------------------- */

enum { NR = 24 };
static int64_t roster_ids[NR];
static double roster_metrics[11][NR];
static uint8_t roster_invited[NR], roster_honorary[NR], roster_clearance[NR];
static int32_t roster_previous[NR], roster_below[NR];

static koc_roster* extreme_roster(void) {
  static const double counts[] = {0.0, TINY, DBL_MIN, 0.5, 1.0, 3.0, P53 - 1, P53, P53 + 2, 1e17, 1e20, 1e300, DBL_MAX};
  static const double rates[] = {0.0, TINY, 1e-300, 0.5, 1.0 - 0x1p-53, 1.0};
  koc_roster* r = NULL;
  int m, i;
  for (i = 0; i < NR; ++i) {
    roster_ids[i] = INT64_MAX - 5 * (NR - i);
    roster_invited[i] = (uint8_t)(next_random() % 3 == 0);
    roster_honorary[i] = (uint8_t)(next_random() % 5 == 0);
    roster_clearance[i] = (uint8_t)(next_random() % 2);
    roster_previous[i] = (int32_t)(next_random() % 5) - 1;
    roster_below[i] = next_random() % 3 == 0 ? INT32_MAX : (int32_t)(next_random() % 4);
  }
  for (m = 0; m < 11; ++m)
    for (i = 0; i < NR; ++i)
      roster_metrics[m][i] = (m == KOC_METRIC_ON_TIME_RATE || m == KOC_METRIC_QUALITY) ? PICK(rates) : PICK(counts);
  CHECK(koc_roster_create(roster_ids, NR, &r) == KOC_OK);
  for (m = 0; m < 11; ++m) CHECK(koc_roster_set_metric(r, (koc_metric)m, roster_metrics[m], NR) == KOC_OK);
  CHECK(koc_roster_set_flag(r, KOC_FLAG_INVITED, roster_invited, NR) == KOC_OK);
  CHECK(koc_roster_set_flag(r, KOC_FLAG_HONORARY, roster_honorary, NR) == KOC_OK);
  CHECK(koc_roster_set_flag(r, KOC_FLAG_CLEARANCE, roster_clearance, NR) == KOC_OK);
  CHECK(koc_roster_set_history(r, roster_previous, roster_below, NR) == KOC_OK);
  return r;
}

/* A tier policy: posts and views with the given normalisations and weights, the other metrics as in the
 * default policy, gates on 2^53 + 2 posts and a top threshold `top`. */
static koc_tier_policy* tier_policy(const char* posts_norm, double posts_weight, const char* views_norm,
                                    double views_weight, double top) {
  char json[4096];
  koc_tier_policy* p = NULL;
  const int len = snprintf(
      json, sizeof json,
      "{\"schema\": \"koc.tier_policy/1\", \"metrics\": ["
      "{\"metric\": \"posts\", \"weight\": %.17g, \"normalisation\": \"%s\", \"reference\": 1.0},"
      "{\"metric\": \"interactions\", \"weight\": 15, \"normalisation\": \"log1p\", \"reference\": 1.7976931348623157e308},"
      "{\"metric\": \"views\", \"weight\": %.17g, \"normalisation\": \"%s\", \"reference\": 1.0, \"invert\": true},"
      "{\"metric\": \"followers\", \"weight\": 10, \"normalisation\": \"cap\", \"reference\": 4.9406564584124654e-324},"
      "{\"metric\": \"tasks_completed\", \"weight\": 10, \"normalisation\": \"log1p\", \"reference\": 100},"
      "{\"metric\": \"quality\", \"weight\": 10, \"normalisation\": \"none\"}],"
      "\"tiers\": [{\"name\": \"entry\", \"promote_threshold\": 0},"
      "{\"name\": \"active\", \"promote_threshold\": 30, \"keep_threshold\": 1e-300, \"grace_periods\": 2147483647,"
      " \"gates\": [{\"metric\": \"tasks_completed\", \"min\": 1}]},"
      "{\"name\": \"core\", \"promote_threshold\": 55, \"keep_threshold\": -1.7976931348623157e308,"
      " \"gates\": [{\"metric\": \"posts\", \"min\": 9007199254740994}, {\"metric\": \"quality\", \"min\": 4.9406564584124654e-324}]},"
      "{\"name\": \"ambassador\", \"promote_threshold\": %.17g, \"keep_threshold\": 68, \"gates\": [{\"flag\": \"invited\"}]}],"
      "\"hysteresis\": {\"max_demotion_steps\": 2147483647},"
      "\"honorary\": {\"floor\": \"active\", \"lifetime\": {\"tenure_days\": 1e17, \"tasks_completed\": 4.9406564584124654e-324}}}",
      posts_weight, posts_norm, views_weight, views_norm, top);
  CHECK(len > 0 && (size_t)len < sizeof json);
  CHECK(koc_tier_policy_from_json(json, (size_t)len, &p) == KOC_OK);
  return p;
}

/* Invariants of a classification: finite scores that are the sum of their contributions, tiers on the
 * ladder, growth gaps >= 0 or +inf; every explanation is built. */
static void check_tiers(const koc_tier_result* t, int32_t n_tiers) {
  const double *score = NULL, *contrib = NULL, *gaps = NULL;
  const int32_t *terms = NULL, *gap_metrics = NULL;
  int32_t tier[NR], next[NR];
  size_t n = 0, n_terms = 0, n_gaps = 0, i, k, need = 0;
  char text[2048];
  CHECK(koc_tier_result_size(t, &n) == KOC_OK && n == NR);
  CHECK(koc_tier_result_scores(t, &score, &n) == KOC_OK && n == NR);
  CHECK(koc_tier_result_contributions(t, &contrib, &n_terms, &terms) == KOC_OK);
  CHECK(koc_tier_result_growth_gaps(t, &gaps, &n_gaps, &gap_metrics) == KOC_OK);
  CHECK(koc_tier_result_column(t, KOC_TIER_FINAL, tier, NR) == KOC_OK);
  CHECK(koc_tier_result_column(t, KOC_TIER_NEXT, next, NR) == KOC_OK);
  for (i = 0; i < NR; ++i) {
    double sum = 0.0;
    CHECK(isfinite(score[i]));
    for (k = 0; k < n_terms; ++k) sum += contrib[k * NR + i];
    CHECK(sum == score[i]);
    CHECK(tier[i] >= 0 && tier[i] < n_tiers);
    CHECK(next[i] >= -1 && next[i] < n_tiers);
    for (k = 0; k < n_gaps; ++k) CHECK(!isnan(gaps[k * NR + i]) && gaps[k * NR + i] >= 0);
    CHECK(WATCHED("koc_tier_result_explain", koc_tier_result_explain(t, i, text, sizeof text, &need)) == KOC_OK);
    CHECK(need > 0 && strstr(text, "nan") == NULL);
  }
}

static void test_tiers(void) {
  static const double weights[] = {TINY, 1e-300, 1e-16, 1.0, 1e150, 1e300, DBL_MAX};
  static const char* const norms[] = {"none", "log1p", "cap", "min_max", "percentile"};
  koc_roster* r = extreme_roster();
  koc_tier_policy* def = NULL;
  size_t w, v;
  CHECK(koc_tier_policy_default(&def) == KOC_OK);
  for (w = 0; w < sizeof weights / sizeof weights[0]; ++w)
    for (v = 0; v < sizeof norms / sizeof norms[0]; ++v) {
      koc_tier_policy* p = tier_policy(norms[v], weights[w], norms[(v + 2) % 5], weights[(w + 3) % 7], w % 2 ? DBL_MAX : 75);
      koc_tier_result* t = NULL;
      koc_what_if* wi = NULL;
      const int64_t* counts = NULL;
      int32_t a = 0, b = 0, i;
      int64_t total = 0;
      if (ok_or_refused(WATCHED("koc_classify", koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t)))) {
        check_tiers(t, 4);
      } else {
        CHECK(koc_last_error_row() >= 0 && t == NULL); /* a score beyond the double range, with its row */
      }
      if (ok_or_refused(WATCHED("koc_what_if_run", koc_what_if_run(r, def, p, &wi)))) {
        CHECK(koc_what_if_counts(wi, &counts, &a, &b) == KOC_OK && a == 4 && b == 4);
        for (i = 0; i < a * b; ++i) total += counts[i];
        CHECK(total == NR);
      }
      koc_what_if_destroy(wi);
      koc_tier_result_destroy(t);
      koc_tier_policy_destroy(p);
    }
  koc_tier_policy_destroy(def);
  koc_roster_destroy(r);
}

/* The hang fixed in the growth gap's whole-number bisection, through the C ABI: the default policy with
 * posts un-normalised at a weight of 1e-16, posts of 1e17, 1e20 and 2^53 + 1, five tasks completed so
 * that the score decides. Growth gaps above 2^53 must come back. */
static void test_growth_gap_above_2p53(void) {
  static const int64_t ids[3] = {1, 2, 3};
  static double metrics[11][3];
  koc_tier_policy* p = NULL;
  koc_roster* r = NULL;
  koc_tier_result* t = NULL;
  const double* gaps = NULL;
  const int32_t* gap_metrics = NULL;
  int32_t next[3];
  char json[8192];
  char* posts;
  size_t need = 0, n_gaps = 0, k, i;
  int m, above = 0;
  CHECK(koc_tier_policy_default(&p) == KOC_OK);
  CHECK(koc_tier_policy_to_json(p, json, sizeof json, &need) == KOC_OK);
  koc_tier_policy_destroy(p);
  p = NULL;
  /* The posts entry is the first metric: weight 10, log1p, reference 200 → weight 1e-16, none, reference 1. */
  posts = strstr(json, "\"posts\"");
  CHECK(posts != NULL);
  if (posts == NULL) return;
  {
    char edited[8192];
    const char* end = strchr(posts, '}');
    const int len = snprintf(edited, sizeof edited, "%.*s\"posts\", \"weight\": 1e-16, \"normalisation\": \"none\", \"reference\": 1.0%s",
                             (int)(posts - json), json, end);
    CHECK(len > 0 && (size_t)len < sizeof edited);
    CHECK(koc_tier_policy_from_json(edited, (size_t)len, &p) == KOC_OK);
  }
  for (m = 0; m < 11; ++m)
    for (i = 0; i < 3; ++i) metrics[m][i] = 0.0;
  metrics[KOC_METRIC_POSTS][0] = 1e17;
  metrics[KOC_METRIC_POSTS][1] = 1e20;
  metrics[KOC_METRIC_POSTS][2] = 9007199254740993.0; /* 2^53 + 1 rounds to 2^53 */
  for (i = 0; i < 3; ++i) metrics[KOC_METRIC_TASKS_COMPLETED][i] = 5;
  CHECK(koc_roster_create(ids, 3, &r) == KOC_OK);
  for (m = 0; m < 11; ++m) CHECK(koc_roster_set_metric(r, (koc_metric)m, metrics[m], 3) == KOC_OK);
  CHECK(WATCHED("koc_classify (growth gaps above 2^53)", koc_classify(r, p, NULL, NULL, NULL, NULL, 0, 0, &t)) == KOC_OK);
  CHECK(koc_tier_result_growth_gaps(t, &gaps, &n_gaps, &gap_metrics) == KOC_OK);
  CHECK(koc_tier_result_column(t, KOC_TIER_NEXT, next, 3) == KOC_OK);
  for (k = 0; k < n_gaps; ++k)
    if (gap_metrics[k] == KOC_METRIC_POSTS)
      for (i = 0; i < 3; ++i) {
        const double g = gaps[k * 3 + i];
        CHECK(g >= 0 && !isnan(g));
        if (next[i] >= 0 && isfinite(g)) {
          CHECK(g == floor(g));
          above += g > P53;
        }
      }
  CHECK(above > 0);
  koc_tier_result_destroy(t);
  koc_roster_destroy(r);
  koc_tier_policy_destroy(p);
}

/* ---- matching ---------------------------------------------------------------------------------------- */

/* The largest finite cost magnitude koc_linear_sum_assignment takes (koc.h). */
static double cost_limit(size_t rows, size_t cols) {
  const double k = (double)(rows < cols ? rows : cols) + 7.0;
  return DBL_MAX / (12.0 * k * k);
}

/* The dense certificate, checked here: each row and column used once, tight chosen pairs, no allowed
 * pair below its potentials (tolerance relative to the largest cost). */
static void check_dense(const double* cost, const uint8_t* mask, size_t rows, size_t cols, int maximize,
                        const int64_t* ri, const int64_t* ci, size_t n, double total, const double* u, const double* v) {
  const double forbidden = maximize ? -INFINITY : INFINITY;
  uint8_t used[64];
  double scale = 1.0, sum = 0.0, tol;
  size_t i, j, k;
  memset(used, 0, sizeof used);
  CHECK(n == (rows < cols ? rows : cols));
  for (i = 0; i < rows * cols; ++i)
    if (cost[i] != forbidden && !(mask && mask[i]) && fabs(cost[i]) > scale) scale = fabs(cost[i]);
  tol = 1e-9 * scale;
  for (k = 0; k < n; ++k) {
    const double c = maximize ? -cost[ri[k] * cols + ci[k]] : cost[ri[k] * cols + ci[k]];
    CHECK(ri[k] >= 0 && (size_t)ri[k] < rows && ci[k] >= 0 && (size_t)ci[k] < cols);
    CHECK(k == 0 || ri[k] > ri[k - 1]);
    CHECK(!used[ci[k]]);
    used[ci[k]] = 1;
    CHECK(cost[ri[k] * cols + ci[k]] != forbidden && !(mask && mask[ri[k] * cols + ci[k]]));
    CHECK(fabs(u[ri[k]] + v[ci[k]] - c) <= tol);
    sum += cost[ri[k] * cols + ci[k]];
  }
  CHECK(!isnan(total) && fabs(sum - total) <= tol * (double)(n + 1));
  for (i = 0; i < rows; ++i) {
    CHECK(isfinite(u[i]));
    for (j = 0; j < cols; ++j)
      if (cost[i * cols + j] != forbidden && !(mask && mask[i * cols + j]))
        CHECK(u[i] + v[j] <= (maximize ? -cost[i * cols + j] : cost[i * cols + j]) + tol);
  }
  for (j = 0; j < cols; ++j) CHECK(isfinite(v[j]));
}

static void test_dense(void) {
  static const size_t shapes[][2] = {{1, 1}, {3, 3}, {4, 7}, {7, 4}, {8, 8}, {5, 12}};
  int trial;
  for (trial = 0; trial < 120; ++trial) {
    const size_t rows = shapes[trial % 6][0], cols = shapes[trial % 6][1];
    const int maximize = trial % 2;
    const double top = cost_limit(rows, cols);
    const double pool[] = {0.0, -0.0, TINY, -TINY, 1.0, -1.0, P53 + 2, 1e17, 1e150, -1e150, 1e300, -1e300, top, -top, top / 3};
    const int beyond = trial % 5 == 4;
    double cost[96], u[12], v[12], total = 0;
    uint8_t mask[96];
    int64_t ri[12], ci[12];
    size_t i, n = 0;
    int32_t optimal = 0;
    koc_status s;
    for (i = 0; i < rows * cols; ++i) {
      cost[i] = next_random() % 7 == 0 ? (maximize ? -INFINITY : INFINITY) : PICK(pool);
      mask[i] = (uint8_t)(next_random() % 9 == 0);
    }
    if (beyond) cost[next_random() % (rows * cols)] = next_random() % 2 ? DBL_MAX : -DBL_MAX;
    s = WATCHED("koc_linear_sum_assignment", koc_linear_sum_assignment(cost, rows, cols, maximize, trial % 3 ? mask : NULL, ri,
                                                                         ci, 12, &n, &total, &optimal, u, v));
    CHECK((s == KOC_OK) != beyond);
    if (!ok_or_refused(s)) {
      CHECK(s == KOC_ERROR_OUT_OF_RANGE && strcmp(koc_last_error_field(), "cost") == 0);
      continue;
    }
    if (optimal) check_dense(cost, trial % 3 ? mask : NULL, rows, cols, maximize, ri, ci, n, total, u, v);
  }
}

enum { MK = 16, MT = 10 };

static void test_match(void) {
  static const double counts[] = {0.0, TINY, 1.0, P53 + 2, 1e300, DBL_MAX};
  static const double rates[] = {0.0, TINY, 0.5, 1.0};
  static const int32_t capacities[] = {0, 1, 2, INT32_MAX};
  static const int32_t slot_pool[] = {0, 1, 3, KOC_UNLIMITED_SLOTS};
  static const int32_t regions[] = {-1, 0, INT32_MAX};
  static const uint64_t segments[] = {0, 1, UINT64_MAX};
  static const char* const weights[] = {"4.9406564584124654e-324", "1e300", "2.2471164185778946e307", "1.7976931348623157e308"};
  static int64_t ids[MK], task_ids[MT], start[MK], end[MK], wstart[MT], wend[MT];
  static double metrics[11][MK];
  static int32_t capacity[MK], region[MK], recent[MK], slots[MT], load[MT], tregion[MT], min_tier[MT], max_tier[MT];
  static uint64_t audience[MK], taudience[MT];
  static uint32_t opted[MK];
  static uint8_t skills[MK * 2], required[MT * 2], asset[MT], horizon[MT], direction[MT], confidential[MT], clearance[MK];
  static int64_t dk[MK], dt[MK], pk[MK], pt[MK];
  static int32_t pr[MK];
  koc_roster* roster = NULL;
  koc_tier_policy* ladder = NULL;
  koc_tier_result* tiers = NULL;
  koc_profiles* profiles = NULL;
  koc_task_table* tasks = NULL;
  size_t i, w;
  int m, mode, objective;
  for (i = 0; i < MK; ++i) {
    ids[i] = i % 2 ? INT64_MAX - (int64_t)i : INT64_MIN + (int64_t)i;
    capacity[i] = PICK(capacities);
    region[i] = PICK(regions);
    recent[i] = next_random() % 2 ? INT32_MAX : 0;
    audience[i] = PICK(segments);
    opted[i] = next_random() % 4 ? 0u : (uint32_t)(next_random() & 0x3FF);
    start[i] = next_random() % 2 ? INT64_MIN : INT64_MAX - 1;
    end[i] = INT64_MAX;
    skills[2 * i] = (uint8_t)(next_random() % 2 ? 255 : 0);
    skills[2 * i + 1] = (uint8_t)(next_random() % 256);
    clearance[i] = (uint8_t)(next_random() % 2);
    pk[i] = ids[i];
    pr[i] = next_random() % 2 ? INT32_MAX : 1;
  }
  for (i = 0; i < MT; ++i) {
    task_ids[i] = i % 2 ? INT64_MAX - 2 * (int64_t)i : INT64_MIN + 2 * (int64_t)i;
    asset[i] = (uint8_t)(next_random() % 4);
    horizon[i] = (uint8_t)(next_random() % 4);
    direction[i] = (uint8_t)(next_random() % 2);
    slots[i] = PICK(slot_pool);
    load[i] = next_random() % 4 ? 1 : INT32_MAX;
    tregion[i] = next_random() % 2 ? -1 : PICK(regions);
    min_tier[i] = (int32_t)(next_random() % 2);
    max_tier[i] = 3;
    taudience[i] = PICK(segments);
    wstart[i] = next_random() % 2 ? INT64_MIN : INT64_MAX - 1;
    wend[i] = INT64_MAX;
    required[2 * i] = (uint8_t)(next_random() % 2 ? 255 : 0);
    required[2 * i + 1] = (uint8_t)(next_random() % 2);
    confidential[i] = (uint8_t)(next_random() % 3 == 0);
  }
  for (i = 0; i < MK; ++i) {
    dk[i] = ids[next_random() % MK];
    dt[i] = task_ids[next_random() % MT];
    pt[i] = task_ids[next_random() % MT];
  }
  for (m = 0; m < 11; ++m)
    for (i = 0; i < MK; ++i) metrics[m][i] = (m == KOC_METRIC_ON_TIME_RATE || m == KOC_METRIC_QUALITY) ? PICK(rates) : PICK(counts);
  CHECK(koc_roster_create(ids, MK, &roster) == KOC_OK);
  for (m = 0; m < 11; ++m) CHECK(koc_roster_set_metric(roster, (koc_metric)m, metrics[m], MK) == KOC_OK);
  CHECK(koc_roster_set_flag(roster, KOC_FLAG_CLEARANCE, clearance, MK) == KOC_OK);
  CHECK(koc_tier_policy_default(&ladder) == KOC_OK);
  CHECK(WATCHED("koc_classify (for matching)", koc_classify(roster, ladder, NULL, NULL, NULL, NULL, 0, 0, &tiers)) == KOC_OK);
  CHECK(koc_profiles_create(capacity, MK, &profiles) == KOC_OK);
  CHECK(koc_profiles_set_skills(profiles, skills, MK, 2) == KOC_OK);
  CHECK(koc_profiles_set_audience(profiles, audience, MK) == KOC_OK);
  CHECK(koc_profiles_set_column(profiles, KOC_PROFILE_REGION, region, MK) == KOC_OK);
  CHECK(koc_profiles_set_column(profiles, KOC_PROFILE_RECENT_TASKS, recent, MK) == KOC_OK);
  CHECK(koc_profiles_set_availability(profiles, start, end, MK) == KOC_OK);
  CHECK(koc_profiles_set_opted_out(profiles, opted, MK) == KOC_OK);
  CHECK(koc_task_table_create(task_ids, asset, horizon, direction, slots, MT, &tasks) == KOC_OK);
  CHECK(koc_task_table_set_window(tasks, wstart, wend, MT) == KOC_OK);
  CHECK(koc_task_table_set_column(tasks, KOC_TASK_LOAD, load, MT) == KOC_OK);
  CHECK(koc_task_table_set_column(tasks, KOC_TASK_REGION, tregion, MT) == KOC_OK);
  CHECK(koc_task_table_set_column(tasks, KOC_TASK_MIN_TIER, min_tier, MT) == KOC_OK);
  CHECK(koc_task_table_set_column(tasks, KOC_TASK_MAX_TIER, max_tier, MT) == KOC_OK);
  CHECK(koc_task_table_set_audience(tasks, taudience, MT) == KOC_OK);
  CHECK(koc_task_table_set_confidential(tasks, confidential, MT) == KOC_OK);
  CHECK(koc_task_table_set_required_skills(tasks, required, MT, 2) == KOC_OK);
  for (w = 0; w < sizeof weights / sizeof weights[0] + 1; ++w) {
    koc_matching_policy* policy = NULL;
    char json[1024];
    if (w == 0) {
      CHECK(koc_matching_policy_default(&policy) == KOC_OK);
    } else {
      const char* x = weights[w - 1];
      const int len = snprintf(json, sizeof json,
                               "{\"schema\": \"koc.matching_policy/1\", \"weights\": {\"skill\": %s, \"audience\": %s, "
                               "\"tier_fit\": %s, \"quality\": %s, \"reliability\": %s, \"preference\": %s, \"rotation\": %s}, "
                               "\"skill_level_max\": %s, \"rotation_half_count\": %s}",
                               x, x, x, x, x, x, x, x, x);
      CHECK(len > 0 && (size_t)len < sizeof json);
      /* Weights whose sum leaves the double range are refused (invalid_policy, field "weights"). */
      if (!ok_or_refused(WATCHED("koc_matching_policy_from_json", koc_matching_policy_from_json(json, (size_t)len, ladder, &policy)))) {
        CHECK(strcmp(koc_last_error_field(), "weights") == 0);
        continue;
      }
    }
    for (mode = 0; mode < 3; ++mode)
      for (objective = 0; objective < 2; ++objective) {
        koc_match_result* result = NULL;
        const int32_t *kr = NULL, *tr = NULL;
        const double* score = NULL;
        double total = 0;
        size_t n = 0, need = 0;
        int32_t ok = 0;
        char msg[512];
        if (!ok_or_refused(WATCHED("koc_match", koc_match(roster, tiers, profiles, tasks, policy, ladder, dk, dt, MK, pk, pt, pr,
                                                         MK, (koc_match_mode)mode, (koc_match_objective)objective, &result)))) {
          CHECK(result == NULL);
          continue;
        }
        CHECK(koc_match_result_pairs(result, &kr, &tr, &score, &n) == KOC_OK);
        CHECK(koc_match_result_total(result, &total) == KOC_OK && !isnan(total));
        for (i = 0; i < n; ++i) CHECK(isfinite(score[i]));
        CHECK(WATCHED("koc_match_result_verify", koc_match_result_verify(result, &ok, msg, sizeof msg, &need)) == KOC_OK);
        CHECK(ok == 1);
        koc_match_result_destroy(result);
      }
    koc_matching_policy_destroy(policy);
  }
  koc_task_table_destroy(tasks);
  koc_profiles_destroy(profiles);
  koc_tier_result_destroy(tiers);
  koc_tier_policy_destroy(ladder);
  koc_roster_destroy(roster);
}

static void test_capacitated(void) {
  static const double scores[] = {0.0, TINY, -TINY, 1e-300, 1.0, -1.0, P53, 1e17, -1e17, 1e300, DBL_MAX, -DBL_MAX};
  static const double resolutions[] = {1e-6, TINY, 1.0, 1e10, 1e300, DBL_MAX};
  static const int32_t sizes[] = {0, 1, 2, INT32_MAX};
  int trial;
  for (trial = 0; trial < 200; ++trial) {
    const size_t nk = 1 + next_random() % 10, nt = 1 + next_random() % 6;
    int32_t kr[60], tc[60], capacity[10], slots[6];
    double score[60];
    size_t n = 0, k, t, need = 0;
    koc_capacitated_result* r = NULL;
    int32_t ok = 0;
    char msg[512];
    for (k = 0; k < nk; ++k)
      for (t = 0; t < nt; ++t)
        if (next_random() % 3) {
          kr[n] = (int32_t)k;
          tc[n] = (int32_t)t;
          score[n++] = PICK(scores);
        }
    for (k = 0; k < nk; ++k) capacity[k] = PICK(sizes);
    for (t = 0; t < nt; ++t) slots[t] = PICK(sizes);
    if (!ok_or_refused(WATCHED("koc_capacitated_assignment",
                               koc_capacitated_assignment(kr, tc, score, n, capacity, nk, slots, nt, (koc_match_objective)(trial % 2),
                                                          PICK(resolutions), &r)))) {
      CHECK(r == NULL);
      continue;
    }
    CHECK(WATCHED("koc_capacitated_result_verify", koc_capacitated_result_verify(r, &ok, msg, sizeof msg, &need)) == KOC_OK);
    CHECK(ok == 1);
    koc_capacitated_result_destroy(r);
  }
}

/* ---- rewards ----------------------------------------------------------------------------------------- */

static const char extreme_reward_policy[] =
    "{\"schema\": \"koc.reward_policy/1\", \"gates\": {\"rejected_bp\": 10000, \"late_bp\": 1},"
    " \"tiers\": [{\"name\": \"entry\", \"multiplier_bp\": 0}, {\"name\": \"core\", \"multiplier_bp\": 100000}],"
    " \"rules\": ["
    "  {\"id\": \"max\", \"kind\": \"fixed\", \"currency\": \"JPY\", \"amount\": \"9223372036854775807\"},"
    "  {\"id\": \"fast\", \"kind\": \"fixed\", \"currency\": \"CNY\", \"amount\": \"0.01\","
    "   \"speed_bonus\": {\"first_n\": 9223372036854775807, \"amount\": \"46116860184273879.03\"}},"
    "  {\"id\": \"window\", \"kind\": \"fixed\", \"currency\": \"KWD\", \"amount\": \"0.001\","
    "   \"speed_bonus\": {\"within_hours\": 1000000, \"amount\": \"9223372036854775.806\"}},"
    "  {\"id\": \"prize\", \"kind\": \"campaign\", \"currency\": \"JPY\","
    "   \"prize_pool\": {\"amount\": \"9223372036854775807\", \"split\": \"proportional\", \"top_n\": 1000000}},"
    "  {\"id\": \"shares\", \"kind\": \"campaign\", \"currency\": \"JPY\","
    "   \"prize_pool\": {\"amount\": \"9223372036854775807\", \"split\": \"fixed_shares\", \"shares_bp\": [1, 9998, 1]}},"
    "  {\"id\": \"retain\", \"kind\": \"retainer\", \"currency\": \"JPY\", \"fee\": \"9223372036854775807\", \"period\": \"year\"},"
    "  {\"id\": \"amp\", \"kind\": \"amplification\", \"currency\": \"JPY\", \"base\": \"4611686018427387903\", \"metric\": \"views\","
    "   \"steps\": [{\"threshold\": 1, \"bonus\": \"4611686018427387903\"}], \"cap_per_koc\": \"1\"},"
    "  {\"id\": \"show\", \"kind\": \"offline\", \"currency\": \"JPY\", \"fee_per_day\": \"4611686018427387903\","
    "   \"travel_cap\": \"9223372036854775807\"}],"
    " \"campaign_budgets\": [{\"campaign\": 9223372036854775807, \"currency\": \"JPY\", \"amount\": \"1\"}]}";

enum { RK = 5, RT = 9, RC = 3 };

static void test_rewards(void) {
  static int64_t koc_id[RK], task_id[RT], campaign[RT], window[RT], deadline[RT], budget[RT];
  static int32_t rule[RT], period[RT], tier[RK];
  static int64_t a_koc[RC], a_task[RC], assignment[RC], delivered[RC], views[RC], travel[RC];
  static uint8_t accepted[RC];
  static double quality[RC], fulfilment[RC];
  static int32_t days_served[RC], days_on_site[RC];
  static const double fractions[] = {0.0, TINY, 1e-300, 0.5, 1.0};
  static const int64_t budgets[] = {-1, 0, 1, INT64_MAX};
  const char* names[2] = {"entry", "core"};
  const size_t name_lens[2] = {5, 4};
  koc_reward_policy* p = NULL;
  int seed, computed = 0;
  size_t i;
  CHECK(WATCHED("koc_reward_policy_from_json", koc_reward_policy_from_json(extreme_reward_policy, strlen(extreme_reward_policy), &p)) ==
        KOC_OK);
  for (seed = 0; seed < 16; ++seed) {
    koc_reward_tasks* t = NULL;
    koc_reward_assignments* a = NULL;
    koc_reward_completions* c = NULL;
    koc_reward_kocs* k = NULL;
    koc_ledger* L = NULL;
    size_t n = 0, line, need = 0, groups = 0;
    int32_t ok = 0;
    int g;
    char text[1024];
    for (i = 0; i < RK; ++i) {
      koc_id[i] = INT64_MAX - (int64_t)i * (INT64_MAX / 5);
      tier[i] = (int32_t)(next_random() % 2) - 1; /* none (x1) or entry (x0): core's x10 overflows such amounts */
    }
    for (i = 0; i < RT; ++i) {
      rule[i] = (int32_t)(i % 8);
      campaign[i] = (rule[i] == 3 || rule[i] == 4) ? (next_random() % 2 ? INT64_MAX : 0) : -1;
      window[i] = next_random() % 2 ? INT64_MIN : 0;
      deadline[i] = next_random() % 2 ? INT64_MAX : INT64_MIN;
      budget[i] = PICK(budgets);
      period[i] = rule[i] == 5 ? INT32_MAX : 0;
      task_id[i] = INT64_MAX - (int64_t)i * 1000003;
    }
    /* A few completions, on different tasks: the ledger handle also totals every line per currency and
     * per KOC, and more of these amounts would overflow most totals (refused as overflow, also checked). */
    for (i = 0; i < RC; ++i) {
      a_koc[i] = koc_id[((size_t)seed + i) % RK];
      a_task[i] = task_id[((size_t)seed + 4 * i) % RT];
      assignment[i] = (int64_t)i;
      delivered[i] = next_random() % 2 ? INT64_MAX : INT64_MIN;
      accepted[i] = (uint8_t)(next_random() % 4 != 0);
      quality[i] = PICK(fractions);
      fulfilment[i] = PICK(fractions);
      views[i] = next_random() % 2 ? INT64_MAX : 1;
      days_served[i] = next_random() % 2 ? INT32_MAX : 0;
      days_on_site[i] = (int32_t)(next_random() % 3);
      travel[i] = days_on_site[i] == 0 && next_random() % 2 ? INT64_MAX : 0; /* with a day fee, the sum overflows */
    }
    CHECK(koc_reward_tasks_create(task_id, rule, RT, &t) == KOC_OK);
    CHECK(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_CAMPAIGN_ID, campaign, RT) == KOC_OK);
    CHECK(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_WINDOW_START, window, RT) == KOC_OK);
    CHECK(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_DEADLINE, deadline, RT) == KOC_OK);
    if (seed % 2) CHECK(koc_reward_tasks_set_column(t, KOC_REWARD_TASK_BUDGET, budget, RT) == KOC_OK);
    CHECK(koc_reward_tasks_set_period_days(t, period, RT) == KOC_OK);
    CHECK(koc_reward_assignments_create(a_koc, a_task, 1 + (size_t)seed % 3, &a) == KOC_OK);
    {
      const size_t nc = 1 + (size_t)seed % 3;
      CHECK(koc_reward_completions_create(assignment, delivered, accepted, nc, &c) == KOC_OK);
      CHECK(koc_reward_completions_set_double(c, KOC_COMPLETION_QUALITY, quality, nc) == KOC_OK);
      CHECK(koc_reward_completions_set_double(c, KOC_COMPLETION_DUTY_FULFILMENT, fulfilment, nc) == KOC_OK);
      CHECK(koc_reward_completions_set_int64(c, KOC_COMPLETION_VIEWS, views, nc) == KOC_OK);
      CHECK(koc_reward_completions_set_int64(c, KOC_COMPLETION_TRAVEL_CLAIMED, travel, nc) == KOC_OK);
      CHECK(koc_reward_completions_set_int32(c, KOC_COMPLETION_DAYS_SERVED, days_served, nc) == KOC_OK);
      CHECK(koc_reward_completions_set_int32(c, KOC_COMPLETION_DAYS_ON_SITE, days_on_site, nc) == KOC_OK);
    }
    CHECK(koc_reward_kocs_create(koc_id, RK, &k) == KOC_OK);
    CHECK(koc_reward_kocs_set_tiers(k, tier, RK, names, name_lens, 2) == KOC_OK);
    if (ok_or_refused(WATCHED("koc_ledger_compute", koc_ledger_compute(p, t, a, c, k, 0, &L)))) {
      ++computed;
      CHECK(WATCHED("koc_ledger_verify", koc_ledger_verify(L, t, a, c, k, &ok, text, sizeof text, &need)) == KOC_OK);
      CHECK(ok == 1);
      CHECK(koc_ledger_size(L, &n) == KOC_OK);
      for (line = 0; line < n; ++line)
        CHECK(WATCHED("koc_ledger_explain", koc_ledger_explain(L, line, text, sizeof text, &need)) == KOC_OK && need > 0);
      for (g = 0; g < 4; ++g) {
        const int64_t *id = NULL, *amount = NULL, *cut = NULL;
        const uint8_t* cur = NULL;
        const koc_status s = WATCHED("koc_ledger_totals", koc_ledger_totals(L, (koc_totals_group)g, &id, &cur, &amount, &cut, &groups));
        if (!ok_or_refused(s)) CHECK(s == KOC_ERROR_OVERFLOW); /* a total beyond int64 */
      }
    } else {
      CHECK(L == NULL);
    }
    koc_ledger_destroy(L);
    koc_reward_kocs_destroy(k);
    koc_reward_completions_destroy(c);
    koc_reward_assignments_destroy(a);
    koc_reward_tasks_destroy(t);
  }
  CHECK(computed > 0);
  koc_reward_policy_destroy(p);
}

static void test_amounts(void) {
  static const int64_t values[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1, INT64_MAX};
  int32_t n_currencies = 0, e;
  uint8_t cur;
  size_t i, need = 0;
  CHECK(koc_currency_count(&n_currencies) == KOC_OK && n_currencies > 0);
  for (cur = 0; cur < (uint8_t)n_currencies; ++cur) {
    CHECK(koc_currency_exponent(cur, &e) == KOC_OK);
    for (i = 0; i < sizeof values / sizeof values[0]; ++i) {
      char text[64], plain[64];
      size_t j, m = 0;
      int64_t back = -1;
      CHECK(WATCHED("koc_amount_format", koc_amount_format(values[i], cur, text, sizeof text, &need)) == KOC_OK);
      if (values[i] < 0) continue;
      for (j = 0; text[j] != '\0' && text[j] != ' '; ++j)
        if (text[j] != ',') plain[m++] = text[j];
      CHECK(WATCHED("koc_amount_parse", koc_amount_parse(plain, m, cur, &back)) == KOC_OK && back == values[i]);
    }
    /* One more unit than INT64_MAX minor units: refused with overflow. */
    {
      const char* over = e == 0 ? "9223372036854775808" : e == 2 ? "92233720368547758.08" : e == 3 ? "9223372036854775.808" : "1e3";
      int64_t back = 0;
      const koc_status s = WATCHED("koc_amount_parse (overflow)", koc_amount_parse(over, strlen(over), cur, &back));
      CHECK(!ok_or_refused(s));
    }
  }
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_watchdog;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, NULL);
  test_tiers();
  test_growth_gap_above_2p53();
  test_dense();
  test_match();
  test_capacitated();
  test_rewards();
  test_amounts();
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

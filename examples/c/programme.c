/* A whole programme period through the C ABI: load a roster and a task list, classify the KOCs, match
 * them to tasks, treat every assignment as completed and accepted, and print the rewards ledger.
 *
 *   cc -std=c11 programme.c $(pkg-config --cflags --libs koc) -o programme
 *   ./programme examples/data/sample_roster.csv examples/data/tasks.csv examples/data/reward_policy.json
 *
 * Stand-ins for data a real CRM would hold: every KOC can take one task, a deliverable's views are the
 * KOC's roster views, retainers are served in full. On any error the program prints the library's
 * message (which names the row and field) and exits; the OS reclaims memory. */
#include <koc/koc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY(call)                                                                                  \
  do {                                                                                             \
    koc_status s_ = (call);                                                                        \
    if (s_ != KOC_OK) {                                                                            \
      fprintf(stderr, "%s: %s: %s\n", #call, koc_status_string(s_), koc_last_error_message());     \
      exit(1);                                                                                     \
    }                                                                                              \
  } while (0)

/* A CSV file held in memory: cell[r * n_cols + c], row 0 is the header. No quoting (none is needed). */
typedef struct {
  char* text;
  char** cell;
  size_t n_rows; /* data rows, header excluded */
  size_t n_cols;
} table;

static char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  char* text;
  long n;
  if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  text = malloc((size_t)n + 1);
  *len = fread(text, 1, (size_t)n, f);
  text[*len] = '\0';
  fclose(f);
  return text;
}

static void load_csv(const char* path, table* t) {
  size_t len, lines = 0, i, n = 0, cols = 1;
  char* p;
  t->text = read_file(path, &len);
  for (i = 0; i < len; ++i) lines += t->text[i] == '\n';
  for (p = t->text; *p && *p != '\n'; ++p) cols += *p == ',';
  t->cell = malloc((lines + 1) * cols * sizeof *t->cell);
  for (p = t->text; *p;) { /* one line per iteration; empty lines are skipped */
    size_t c = 0;
    if (*p == '\n' || *p == '\r') { ++p; continue; }
    t->cell[n * cols + c++] = p;
    for (; *p && *p != '\n'; ++p) {
      if (*p == '\r') *p = '\0';
      if (*p == ',' && c < cols) *p = '\0', t->cell[n * cols + c++] = p + 1;
    }
    if (*p) *p++ = '\0';
    if (c != cols) {
      fprintf(stderr, "%s: row %zu has %zu cells, the header %zu\n", path, n ? n - 1 : 0, c, cols);
      exit(1);
    }
    ++n;
  }
  t->n_rows = n - 1;
  t->n_cols = cols;
}

/* The cell of data row `row` in column `name` ("" when the file has no such column). */
static const char* at(const table* t, size_t row, const char* name) {
  size_t c;
  for (c = 0; c < t->n_cols; ++c)
    if (strcmp(t->cell[c], name) == 0) return t->cell[(row + 1) * t->n_cols + c];
  return "";
}

/* Index of `name` in `names`, or `missing` when it is empty; an unknown name is an error. */
static int lookup(const char* name, const char* const* names, int n, int missing) {
  int i;
  if (name[0] == '\0') return missing;
  for (i = 0; i < n; ++i)
    if (strcmp(name, names[i]) == 0) return i;
  fprintf(stderr, "unknown name '%s'\n", name);
  exit(1);
}

static const char* const metric_names[11] = {"posts", "interactions", "views", "followers", "leads", "tasks_completed",
                                             "on_time_rate", "quality", "tenure_days", "loyalty", "days_since_active"};
static const char* const asset_names[4] = {"social", "knowledge", "community", "intelligence"};
static const char* const horizon_names[4] = {"instant", "phased", "continuous", "identity"};
static const char* const direction_names[2] = {"internal", "external"};

int main(int argc, char** argv) {
  table kt, tt;
  size_t n, m, i, n_pairs, n_lines, n_groups, len;
  int64_t *ids, *task_ids, *window_start, *a_koc, *a_task, *views, *delivered, *assignment;
  double* metric[11];
  uint8_t *honorary, *invited, *clearance, *asset, *horizon, *direction, *accepted;
  int32_t *previous, *below, *capacity, *final_tier, *slots, *min_tier, *max_tier, *rule, *period, *days_on_site, *served, *on_site;
  double total_fit;
  char names[8][32], buf[1024], *json;
  const char* tier_names[8];
  int32_t n_tiers = 0, t, ok = 0, per_tier[8] = {0};
  koc_tier_policy* ladder;
  koc_roster* roster;
  koc_tier_result* tiers;
  koc_task_table* tasks;
  koc_profiles* profiles;
  koc_matching_policy* matching;
  koc_match_result* match;
  koc_reward_policy* rewards;
  koc_reward_tasks* rtasks;
  koc_reward_assignments* rassign;
  koc_reward_completions* done;
  koc_reward_kocs* rkocs;
  koc_ledger* ledger;
  const int32_t *koc_row, *task_row;
  const int64_t *line_koc, *line_task, *amount, *group_id, *group_amount;
  const int32_t* line_rule;
  const uint8_t *kind, *currency, *group_currency;

  if (argc < 4) {
    fprintf(stderr, "usage: %s roster.csv tasks.csv reward_policy.json\n", argv[0]);
    return 2;
  }
  load_csv(argv[1], &kt);
  load_csv(argv[2], &tt);
  n = kt.n_rows;
  m = tt.n_rows;

  /* 1. Tiers. The CSV names the previous tier; the ladder gives its index. */
  TRY(koc_tier_policy_default(&ladder));
  TRY(koc_tier_policy_tier_count(ladder, &n_tiers));
  if (n_tiers > 8) n_tiers = 8;
  for (t = 0; t < n_tiers; ++t) {
    TRY(koc_tier_policy_tier_name(ladder, t, names[t], sizeof names[t], NULL));
    tier_names[t] = names[t];
  }
  ids = malloc(n * sizeof *ids);
  honorary = malloc(n), invited = malloc(n), clearance = malloc(n);
  previous = malloc(n * sizeof *previous), below = malloc(n * sizeof *below), capacity = malloc(n * sizeof *capacity);
  final_tier = malloc(n * sizeof *final_tier);
  for (t = 0; t < 11; ++t) metric[t] = malloc(n * sizeof(double));
  for (i = 0; i < n; ++i) {
    ids[i] = strtoll(at(&kt, i, "id"), NULL, 10);
    for (t = 0; t < 11; ++t) metric[t][i] = strtod(at(&kt, i, metric_names[t]), NULL);
    honorary[i] = (uint8_t)(at(&kt, i, "honorary")[0] == '1');
    invited[i] = (uint8_t)(at(&kt, i, "invited")[0] == '1');
    clearance[i] = (uint8_t)(at(&kt, i, "clearance")[0] == '1');
    previous[i] = lookup(at(&kt, i, "previous_tier"), tier_names, n_tiers, -1);
    below[i] = (int32_t)atoi(at(&kt, i, "periods_below"));
    capacity[i] = 1;
  }
  TRY(koc_roster_create(ids, n, &roster));
  for (t = 0; t < 11; ++t) TRY(koc_roster_set_metric(roster, (koc_metric)t, metric[t], n));
  TRY(koc_roster_set_flag(roster, KOC_FLAG_HONORARY, honorary, n));
  TRY(koc_roster_set_flag(roster, KOC_FLAG_INVITED, invited, n));
  TRY(koc_roster_set_flag(roster, KOC_FLAG_CLEARANCE, clearance, n));
  TRY(koc_roster_set_history(roster, previous, below, n));
  TRY(koc_classify(roster, ladder, NULL, NULL, NULL, NULL, 0, KOC_CLASSIFY_NO_GROWTH_GAPS, &tiers));
  TRY(koc_tier_result_column(tiers, KOC_TIER_FINAL, final_tier, n));
  for (i = 0; i < n; ++i)
    if (final_tier[i] < n_tiers) ++per_tier[final_tier[i]];
  printf("koc %s: %zu KOCs, %zu tasks\ntiers:", koc_version_string(), n, m);
  for (t = 0; t < n_tiers; ++t) printf(" %s %d", names[t], per_tier[t]);
  printf("\n");

  /* 2. Matching: maximum total fit, each task's tier range from the CSV (empty = no limit). Each task
   * also names its reward rule, looked up in the reward policy now so a typo stops the run early. */
  task_ids = malloc(m * sizeof *task_ids), window_start = malloc(m * sizeof *window_start);
  asset = malloc(m), horizon = malloc(m), direction = malloc(m);
  slots = malloc(m * sizeof *slots), min_tier = malloc(m * sizeof *min_tier), max_tier = malloc(m * sizeof *max_tier);
  rule = malloc(m * sizeof *rule), period = malloc(m * sizeof *period), days_on_site = malloc(m * sizeof *days_on_site);
  json = read_file(argv[3], &len);
  TRY(koc_reward_policy_from_json(json, len, &rewards));
  for (i = 0; i < m; ++i) {
    const char* r = at(&tt, i, "rule");
    task_ids[i] = strtoll(at(&tt, i, "task_id"), NULL, 10);
    asset[i] = (uint8_t)lookup(at(&tt, i, "asset"), asset_names, 4, 0);
    horizon[i] = (uint8_t)lookup(at(&tt, i, "horizon"), horizon_names, 4, 0);
    direction[i] = (uint8_t)lookup(at(&tt, i, "direction"), direction_names, 2, 0);
    slots[i] = (int32_t)atoi(at(&tt, i, "slots"));
    min_tier[i] = lookup(at(&tt, i, "min_tier"), tier_names, n_tiers, 0);
    max_tier[i] = lookup(at(&tt, i, "max_tier"), tier_names, n_tiers, n_tiers - 1);
    TRY(koc_reward_policy_find_rule(rewards, r, strlen(r), &rule[i]));
    window_start[i] = strtoll(at(&tt, i, "window_start"), NULL, 10);
    period[i] = (int32_t)atoi(at(&tt, i, "period_days"));
    days_on_site[i] = (int32_t)atoi(at(&tt, i, "days_on_site"));
  }
  TRY(koc_task_table_create(task_ids, asset, horizon, direction, slots, m, &tasks));
  TRY(koc_task_table_set_column(tasks, KOC_TASK_MIN_TIER, min_tier, m));
  TRY(koc_task_table_set_column(tasks, KOC_TASK_MAX_TIER, max_tier, m));
  TRY(koc_profiles_create(capacity, n, &profiles));
  TRY(koc_matching_policy_default(&matching));
  /* NULL options: optimal mode, maximum score. koc_match_options_* set the mode, objective, declines,
   * preferences and solve options (time limit, cancellation, progress). */
  TRY(koc_match_with(roster, tiers, profiles, tasks, matching, ladder, NULL, &match));
  TRY(koc_match_result_verify(match, &ok, buf, sizeof buf, NULL));
  if (!ok) {
    fprintf(stderr, "matching certificate rejected: %s\n", buf);
    return 1;
  }
  TRY(koc_match_result_pairs(match, &koc_row, &task_row, NULL, &n_pairs));
  TRY(koc_match_result_total(match, &total_fit));
  printf("assignments: %zu, total fit %.4f, certificate ok\n", n_pairs, total_fit);

  /* 3. Rewards: every assignment completed and accepted one hour into its window. */
  a_koc = malloc(n_pairs * sizeof *a_koc), a_task = malloc(n_pairs * sizeof *a_task);
  assignment = malloc(n_pairs * sizeof *assignment), delivered = malloc(n_pairs * sizeof *delivered);
  views = malloc(n_pairs * sizeof *views), accepted = malloc(n_pairs);
  served = malloc(n_pairs * sizeof *served), on_site = malloc(n_pairs * sizeof *on_site);
  for (i = 0; i < n_pairs; ++i) {
    a_koc[i] = ids[koc_row[i]];
    a_task[i] = task_ids[task_row[i]];
    assignment[i] = (int64_t)i, delivered[i] = window_start[task_row[i]] + 3600, accepted[i] = 1;
    views[i] = (int64_t)metric[KOC_METRIC_VIEWS][koc_row[i]];
    served[i] = period[task_row[i]];
    on_site[i] = days_on_site[task_row[i]];
  }
  TRY(koc_reward_tasks_create(task_ids, rule, m, &rtasks));
  TRY(koc_reward_tasks_set_column(rtasks, KOC_REWARD_TASK_WINDOW_START, window_start, m));
  TRY(koc_reward_tasks_set_period_days(rtasks, period, m));
  TRY(koc_reward_assignments_create(a_koc, a_task, n_pairs, &rassign));
  TRY(koc_reward_completions_create(assignment, delivered, accepted, n_pairs, &done));
  TRY(koc_reward_completions_set_int64(done, KOC_COMPLETION_VIEWS, views, n_pairs));
  TRY(koc_reward_completions_set_int32(done, KOC_COMPLETION_DAYS_SERVED, served, n_pairs));
  TRY(koc_reward_completions_set_int32(done, KOC_COMPLETION_DAYS_ON_SITE, on_site, n_pairs));
  TRY(koc_reward_kocs_create(ids, n, &rkocs));
  TRY(koc_reward_kocs_set_tiers_from_policy(rkocs, final_tier, n, ladder));
  TRY(koc_ledger_compute(rewards, rtasks, rassign, done, rkocs, 0, &ledger));
  TRY(koc_ledger_verify(ledger, rtasks, rassign, done, rkocs, &ok, buf, sizeof buf, NULL));
  if (!ok) {
    fprintf(stderr, "ledger check failed: %s\n", buf);
    return 1;
  }

  /* 4. The ledger: the first lines, then the totals per currency. */
  TRY(koc_ledger_size(ledger, &n_lines));
  TRY(koc_ledger_int64(ledger, KOC_LEDGER_KOC_ID, &line_koc, &len));
  TRY(koc_ledger_int64(ledger, KOC_LEDGER_TASK_ID, &line_task, &len));
  TRY(koc_ledger_int64(ledger, KOC_LEDGER_AMOUNT, &amount, &len));
  TRY(koc_ledger_int32(ledger, KOC_LEDGER_RULE, &line_rule, &len));
  TRY(koc_ledger_uint8(ledger, KOC_LEDGER_KIND, &kind, &len));
  TRY(koc_ledger_uint8(ledger, KOC_LEDGER_CURRENCY, &currency, &len));
  printf("ledger: %zu lines\n", n_lines);
  for (i = 0; i < n_lines && i < 10; ++i) {
    char kind_name[32], rule_name[64] = "-", money[64] = "";
    TRY(koc_line_kind_name((koc_line_kind)kind[i], kind_name, sizeof kind_name, NULL));
    if (line_rule[i] >= 0) TRY(koc_ledger_rule_name(ledger, line_rule[i], rule_name, sizeof rule_name, NULL));
    if (currency[i] != KOC_NO_CURRENCY) TRY(koc_amount_format(amount[i], currency[i], money, sizeof money, NULL));
    printf("  KOC %-6lld task %-4lld %-12s %-26s %s\n", (long long)line_koc[i], (long long)line_task[i], kind_name,
           rule_name, money);
  }
  TRY(koc_ledger_totals(ledger, KOC_TOTALS_BY_CURRENCY, &group_id, &group_currency, &group_amount, NULL, &n_groups));
  for (i = 0; i < n_groups; ++i) {
    char code[8], money[64];
    TRY(koc_currency_code(group_currency[i], code, sizeof code, NULL));
    TRY(koc_amount_format(group_amount[i], group_currency[i], money, sizeof money, NULL));
    printf("total %s: %s\n", code, money);
  }

  koc_ledger_destroy(ledger);
  koc_reward_kocs_destroy(rkocs);
  koc_reward_completions_destroy(done);
  koc_reward_assignments_destroy(rassign);
  koc_reward_tasks_destroy(rtasks);
  koc_reward_policy_destroy(rewards);
  koc_match_result_destroy(match);
  koc_matching_policy_destroy(matching);
  koc_profiles_destroy(profiles);
  koc_task_table_destroy(tasks);
  koc_tier_result_destroy(tiers);
  koc_roster_destroy(roster);
  koc_tier_policy_destroy(ladder);
  return 0; /* the column buffers and the CSV text are released with the process */
}

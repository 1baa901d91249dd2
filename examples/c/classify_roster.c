/* Classify a roster CSV through the C ABI and print each KOC's tier.
 *
 *   cc classify_roster.c $(pkg-config --cflags --libs koc) -o classify_roster
 *   ./classify_roster examples/data/sample_roster.csv
 *
 * The CSV header names the columns: id, the 11 metrics (posts ... days_since_active), honorary, invited,
 * clearance, previous_tier (a tier name, empty for a new KOC), periods_below. */
#include <koc/koc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 32
#define MAX_LINE 4096

static const char* metric_names[11] = {"posts", "interactions", "views", "followers", "leads", "tasks_completed",
                                       "on_time_rate", "quality", "tenure_days", "loyalty", "days_since_active"};

static int split(char* line, char** cells) {
  int n = 0;
  char* p = line;
  cells[n++] = p;
  for (; *p && n < MAX_COLS; ++p) {
    if (*p == ',') {
      *p = '\0';
      cells[n++] = p + 1;
    } else if (*p == '\n' || *p == '\r') {
      *p = '\0';
    }
  }
  return n;
}

static int fail(const char* what, koc_status s) {
  fprintf(stderr, "%s: %s: %s\n", what, koc_status_string(s), koc_last_error_message());
  return 1;
}

int main(int argc, char** argv) {
  FILE* f;
  char line[MAX_LINE];
  char* header[MAX_COLS];
  char header_line[MAX_LINE];
  int n_cols, c, m;
  size_t n = 0, cap = 1024, i;
  int64_t* ids;
  double* metrics[11];
  uint8_t *honorary, *invited;
  int32_t *previous, *below;
  char(*prev_names)[32];
  koc_tier_policy* policy = NULL;
  koc_roster* roster = NULL;
  koc_tier_result* result = NULL;
  int32_t* final_tier;
  int32_t n_tiers = 0, t;
  char names[8][32];
  int per_tier[8] = {0};
  koc_status s;

  if (argc < 2) {
    fprintf(stderr, "usage: %s roster.csv\n", argv[0]);
    return 2;
  }
  if (koc_version_number() != KOC_VERSION_NUMBER) {
    fprintf(stderr, "header and library versions differ\n");
    return 1;
  }
  f = fopen(argv[1], "r");
  if (!f || !fgets(header_line, sizeof header_line, f)) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  n_cols = split(header_line, header);
  ids = malloc(cap * sizeof *ids);
  for (m = 0; m < 11; ++m) metrics[m] = malloc(cap * sizeof(double));
  honorary = malloc(cap);
  invited = malloc(cap);
  previous = malloc(cap * sizeof *previous);
  below = malloc(cap * sizeof *below);
  prev_names = malloc(cap * sizeof *prev_names);
  while (fgets(line, sizeof line, f)) {
    char* cells[MAX_COLS];
    if (line[0] == '\n') continue;
    if (n == cap) break; /* a sample-sized example: the first 1024 KOCs */
    if (split(line, cells) != n_cols) {
      fprintf(stderr, "row %zu: expected %d cells\n", n, n_cols);
      return 1;
    }
    prev_names[n][0] = '\0';
    honorary[n] = invited[n] = 0;
    below[n] = 0;
    for (c = 0; c < n_cols; ++c) {
      if (strcmp(header[c], "id") == 0) ids[n] = strtoll(cells[c], NULL, 10);
      else if (strcmp(header[c], "honorary") == 0) honorary[n] = (uint8_t)(cells[c][0] == '1');
      else if (strcmp(header[c], "invited") == 0) invited[n] = (uint8_t)(cells[c][0] == '1');
      else if (strcmp(header[c], "periods_below") == 0) below[n] = (int32_t)atoi(cells[c]);
      else if (strcmp(header[c], "previous_tier") == 0) {
        strncpy(prev_names[n], cells[c], 31);
        prev_names[n][31] = '\0';
      } else
        for (m = 0; m < 11; ++m)
          if (strcmp(header[c], metric_names[m]) == 0) metrics[m][n] = strtod(cells[c], NULL);
    }
    ++n;
  }
  fclose(f);

  if ((s = koc_tier_policy_default(&policy)) != KOC_OK) return fail("policy", s);
  koc_tier_policy_tier_count(policy, &n_tiers);
  for (t = 0; t < n_tiers && t < 8; ++t) koc_tier_policy_tier_name(policy, t, names[t], sizeof names[t], NULL);
  for (i = 0; i < n; ++i) {
    previous[i] = -1;
    for (t = 0; t < n_tiers && t < 8; ++t)
      if (strcmp(prev_names[i], names[t]) == 0) previous[i] = t;
  }
  if ((s = koc_roster_create(ids, n, &roster)) != KOC_OK) return fail("roster", s);
  for (m = 0; m < 11; ++m)
    if ((s = koc_roster_set_metric(roster, (koc_metric)m, metrics[m], n)) != KOC_OK) return fail("metric", s);
  koc_roster_set_flag(roster, KOC_FLAG_HONORARY, honorary, n);
  koc_roster_set_flag(roster, KOC_FLAG_INVITED, invited, n);
  koc_roster_set_history(roster, previous, below, n);
  if ((s = koc_classify(roster, policy, NULL, NULL, NULL, NULL, 0, KOC_CLASSIFY_NO_GROWTH_GAPS, &result)) != KOC_OK)
    return fail("classify", s);
  final_tier = malloc(n * sizeof *final_tier);
  koc_tier_result_column(result, KOC_TIER_FINAL, final_tier, n);
  for (i = 0; i < n; ++i) ++per_tier[final_tier[i]];
  printf("classified %zu KOCs with koc %s:", n, koc_version_string());
  for (t = 0; t < n_tiers && t < 8; ++t) printf(" %s %d", names[t], per_tier[t]);
  printf("\n");

  koc_tier_result_destroy(result);
  koc_roster_destroy(roster);
  koc_tier_policy_destroy(policy);
  free(final_tier);
  free(ids);
  for (m = 0; m < 11; ++m) free(metrics[m]);
  free(honorary);
  free(invited);
  free(previous);
  free(below);
  free(prev_names);
  return 0;
}

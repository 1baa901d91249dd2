/* koc C ABI: tiers, matching and rewards for Key Opinion Consumer programmes.
 *
 * Pure C11; fixed-width types only; every call returns a koc_status; no C++ exception ever crosses
 * this boundary. Arrays are (pointer, length) columns. Strings are UTF-8 with explicit lengths.
 *
 * Errors: when a call returns anything but KOC_OK, koc_last_error_message() gives a sentence naming the
 * row and the field ("metric is NaN (row 12, field 'followers')"), koc_last_error_row() the 0-based row
 * (-1 if none) and koc_last_error_field() the field. The last error is thread-local: each thread sees
 * its own, and it stays valid until that thread's next koc call.
 */
#ifndef KOC_KOC_H
#define KOC_KOC_H

#include <stddef.h>
#include <stdint.h>

#include "koc/koc_export.h"

#define KOC_VERSION_MAJOR 0
#define KOC_VERSION_MINOR 1
#define KOC_VERSION_PATCH 0
#define KOC_VERSION_NUMBER (KOC_VERSION_MAJOR * 10000 + KOC_VERSION_MINOR * 100 + KOC_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. Values are stable forever: never renumbered, never reused. 1..99 mirror koc::errc. */
typedef enum koc_status {
  KOC_OK = 0,
  KOC_ERROR_INVALID_ARGUMENT = 1,
  KOC_ERROR_INVALID_VALUE = 2,
  KOC_ERROR_LENGTH_MISMATCH = 3,
  KOC_ERROR_DUPLICATE_ID = 4,
  KOC_ERROR_UNKNOWN_NAME = 5,
  KOC_ERROR_UNKNOWN_ID = 6,
  KOC_ERROR_INVALID_POLICY = 7,
  KOC_ERROR_OVERFLOW = 8,
  KOC_ERROR_OUT_OF_RANGE = 9,
  KOC_ERROR_INTERNAL = 10,
  KOC_ERROR_TIMEOUT = 11,           /* a solve did not finish within its time limit (koc_solve_options) */
  KOC_ERROR_CANCELLED = 12,         /* a solve was cancelled by its cancel callback (koc_solve_options) */
  KOC_ERROR_NULL_POINTER = 100,     /* a required pointer argument was NULL */
  KOC_ERROR_BUFFER_TOO_SMALL = 101, /* the caller's buffer is smaller than the required size */
  KOC_ERROR_OUT_OF_MEMORY = 102
} koc_status;

/* Version of the library actually linked (compare with KOC_VERSION_NUMBER from this header). */
KOC_EXPORT uint32_t koc_version_number(void);
KOC_EXPORT const char* koc_version_string(void);

/* A static, never-NULL English name for a status ("KOC_ERROR_INVALID_VALUE"). */
KOC_EXPORT const char* koc_status_string(koc_status status);

/* The calling thread's last error: message (NUL-terminated, never NULL, "" after success), row, field. */
KOC_EXPORT const char* koc_last_error_message(void);
KOC_EXPORT int64_t koc_last_error_row(void);
KOC_EXPORT const char* koc_last_error_field(void);


/* ============================================================================================== */
/* Tiers                                                                                           */
/* ============================================================================================== */

/* Metric columns of a roster (values match koc::metric). Units: counts, rates in [0, 1], days. These are
 * the built-in metrics; a tier policy may declare more ("metric_declarations"), numbered from 11 in
 * declaration order: koc_tier_policy_metric_name names any of them, koc_roster_set_column sets one by name. */
typedef enum koc_metric {
  KOC_METRIC_POSTS = 0,
  KOC_METRIC_INTERACTIONS = 1,
  KOC_METRIC_VIEWS = 2,
  KOC_METRIC_FOLLOWERS = 3,
  KOC_METRIC_LEADS = 4,
  KOC_METRIC_TASKS_COMPLETED = 5,
  KOC_METRIC_ON_TIME_RATE = 6,
  KOC_METRIC_QUALITY = 7,
  KOC_METRIC_TENURE_DAYS = 8,
  KOC_METRIC_LOYALTY = 9,
  KOC_METRIC_DAYS_SINCE_ACTIVE = 10
} koc_metric;

typedef enum koc_flag { KOC_FLAG_HONORARY = 0, KOC_FLAG_INVITED = 1, KOC_FLAG_CLEARANCE = 2 } koc_flag;

/* A tier policy (schema koc.tier_policy/1). Immutable after creation: one policy may be shared by any
 * number of threads at once. */
typedef struct koc_tier_policy koc_tier_policy;

KOC_EXPORT koc_status koc_tier_policy_default(koc_tier_policy** out);
/* json: UTF-8, json_len bytes (no NUL needed). Errors name the JSON path in koc_last_error_field(). */
KOC_EXPORT koc_status koc_tier_policy_from_json(const char* json, size_t json_len, koc_tier_policy** out);
/* Writes the policy as JSON into buf (capacity bytes, NUL-terminated when it fits); *required receives
 * the length without the NUL. Pass buf = NULL, capacity = 0 to query the size. */
KOC_EXPORT koc_status koc_tier_policy_to_json(const koc_tier_policy* policy, char* buf, size_t capacity,
                                              size_t* required);
KOC_EXPORT koc_status koc_tier_policy_tier_count(const koc_tier_policy* policy, int32_t* out);
KOC_EXPORT koc_status koc_tier_policy_tier_name(const koc_tier_policy* policy, int32_t tier, char* buf,
                                                size_t capacity, size_t* required);
/* Number of metrics the policy knows: the 11 built-in ones, then its declared ones (ids 11, 12, ...). */
KOC_EXPORT koc_status koc_tier_policy_metric_count(const koc_tier_policy* policy, int32_t* out);
/* Name of metric id `metric` (a koc_metric, or a declared metric's id): the roster column it reads. */
KOC_EXPORT koc_status koc_tier_policy_metric_name(const koc_tier_policy* policy, int32_t metric, char* buf,
                                                  size_t capacity, size_t* required);
KOC_EXPORT void koc_tier_policy_destroy(koc_tier_policy* policy);

/* A roster: n KOCs as columns. The handle BORROWS every array passed to it (no copy): keep them alive
 * and unchanged until koc_roster_destroy. Not thread-safe while being set up; once complete, any number
 * of threads may classify it at once. */
typedef struct koc_roster koc_roster;

KOC_EXPORT koc_status koc_roster_create(const int64_t* ids, size_t n_kocs, koc_roster** out);
KOC_EXPORT koc_status koc_roster_set_metric(koc_roster* roster, koc_metric metric, const double* values, size_t len);
/* A metric column by name (NUL-terminated UTF-8): a built-in metric's ("followers"), or one a tier policy
 * declares ("answers"). Borrowed like every column; setting a name again replaces the column. */
KOC_EXPORT koc_status koc_roster_set_column(koc_roster* roster, const char* name, const double* values, size_t len);
KOC_EXPORT koc_status koc_roster_set_flag(koc_roster* roster, koc_flag flag, const uint8_t* values, size_t len);
/* previous_tier: ladder index or -1 for a new KOC; periods_below: >= 0. Either pointer may be NULL. */
KOC_EXPORT koc_status koc_roster_set_history(koc_roster* roster, const int32_t* previous_tier,
                                             const int32_t* periods_below, size_t len);
KOC_EXPORT void koc_roster_destroy(koc_roster* roster);

/* Every problem of a roster against a tier policy, not only the first (koc::roster_problems): at most
 * `limit` (>= 1) of them, in the order koc_classify meets them, each with the status koc_classify would
 * return for it, the row (-1 for a whole column), the field and the message. None when the roster
 * classifies. Library-owned; destroy with koc_problems_destroy. */
typedef struct koc_problems koc_problems;
KOC_EXPORT koc_status koc_roster_problems(const koc_roster* roster, const koc_tier_policy* policy, size_t limit,
                                          koc_problems** out);
KOC_EXPORT koc_status koc_problems_size(const koc_problems* problems, size_t* n);
/* Problem i; the text pointers (NUL-terminated) stay valid until koc_problems_destroy. Any out pointer
 * may be NULL. */
KOC_EXPORT koc_status koc_problems_get(const koc_problems* problems, size_t i, koc_status* code, int64_t* row,
                                       const char** field, const char** message);
KOC_EXPORT void koc_problems_destroy(koc_problems* problems);
/* Every problem of a tier policy document (koc::tier_policy_problems), not only the first: at most `limit`
 * (>= 1), in the order koc_tier_policy_from_json meets them, the field being the JSON path; text that is not
 * JSON is one problem. None when the document parses. */
KOC_EXPORT koc_status koc_tier_policy_problems(const char* json, size_t json_len, size_t limit, koc_problems** out);

/* Integer columns of a tier result (values match koc::tier_result). */
typedef enum koc_tier_column {
  KOC_TIER_QUALIFIED = 0,      /* highest tier whose threshold and gates pass */
  KOC_TIER_COMPUTED = 1,       /* after hysteresis and honorary floor */
  KOC_TIER_FINAL = 2,          /* after overrides */
  KOC_TIER_BLOCKED = 3,        /* higher tier blocked by a gate, or -1 */
  KOC_TIER_BLOCKED_GATE = 4,   /* index of the failing gate in that tier, or -1 */
  KOC_TIER_NEXT = 5,           /* computed + 1, or -1 at the top */
  KOC_TIER_PERIODS_BELOW = 6,  /* updated counter for next period */
  KOC_TIER_OVERRIDE_INDEX = 7, /* index into the overrides, or -1 */
  KOC_TIER_TRANSITION = 8,     /* koc_tier_transition */
  KOC_TIER_HONORARY = 9        /* 1 if honorary */
} koc_tier_column;

typedef enum koc_tier_transition {
  KOC_TRANSITION_ENTERED = 0,
  KOC_TRANSITION_PROMOTED = 1,
  KOC_TRANSITION_DEMOTED = 2,
  KOC_TRANSITION_UNCHANGED = 3,
  KOC_TRANSITION_HELD_BY_MARGIN = 4,
  KOC_TRANSITION_HELD_BY_GRACE = 5,
  KOC_TRANSITION_HELD_BY_HONORARY_FLOOR = 6,
  KOC_TRANSITION_OVERRIDDEN = 7
} koc_tier_transition;

/* Classification output, owned by the library. Read-only: any number of threads may read it. */
typedef struct koc_tier_result koc_tier_result;

#define KOC_CLASSIFY_NO_GROWTH_GAPS 1u

/* Overrides as columns (n_overrides rows; all NULL when n_overrides == 0): KOC id, ladder index, and
 * reason strings (UTF-8, reason_lens[i] bytes each). flags: 0 or KOC_CLASSIFY_NO_GROWTH_GAPS. */
KOC_EXPORT koc_status koc_classify(const koc_roster* roster, const koc_tier_policy* policy,
                                   const int64_t* override_ids, const int32_t* override_tiers,
                                   const char* const* override_reasons, const size_t* override_reason_lens,
                                   size_t n_overrides, uint32_t flags, koc_tier_result** out);
KOC_EXPORT koc_status koc_tier_result_size(const koc_tier_result* result, size_t* n_kocs);
/* The column as int32 values, copied into out[0..n_kocs). */
KOC_EXPORT koc_status koc_tier_result_column(const koc_tier_result* result, koc_tier_column column, int32_t* out,
                                             size_t len);
/* Zero-copy: *data points into the result (valid until koc_tier_result_destroy), n_kocs doubles. */
KOC_EXPORT koc_status koc_tier_result_scores(const koc_tier_result* result, const double** data, size_t* len);
/* n_kocs x n_terms, column-major (term t of KOC i at [t * n_kocs + i]); terms[t] is a metric id (a koc_metric,
 * or 11 and up for a metric the policy declares: koc_tier_policy_metric_name names it). */
KOC_EXPORT koc_status koc_tier_result_contributions(const koc_tier_result* result, const double** data,
                                                    size_t* n_terms, const int32_t** terms);
/* n_kocs x n_gap_metrics, column-major; +inf = unreachable by that metric alone. Empty (n = 0) when
 * classified with KOC_CLASSIFY_NO_GROWTH_GAPS. */
KOC_EXPORT koc_status koc_tier_result_growth_gaps(const koc_tier_result* result, const double** data,
                                                  size_t* n_gap_metrics, const int32_t** metrics);
/* A readable explanation of one KOC (score breakdown, gates, transition, growth challenge). */
KOC_EXPORT koc_status koc_tier_result_explain(const koc_tier_result* result, size_t row, char* buf, size_t capacity,
                                              size_t* required);
KOC_EXPORT void koc_tier_result_destroy(koc_tier_result* result);

/* Tier state from one period to the next (koc/tiers/state.hpp): one row per KOC the programme has known,
 * with its final tier last period (ladder index, -1 none), its grace counter and its honorary status
 * (honours are kept for life once earned, unless revoked). Owned by the library; read-only once built. */
typedef struct koc_tier_state koc_tier_state;
/* From stored columns (copied); checked by koc_roster_apply_tier_state, which names "state.<column>". */
KOC_EXPORT koc_status koc_tier_state_create(const int64_t* koc_id, const int32_t* tier, const int32_t* periods_below,
                                            const uint8_t* honorary, size_t n, koc_tier_state** out);
/* Zero-copy views of the state's columns (valid until koc_tier_state_destroy); any pointer may be NULL. */
KOC_EXPORT koc_status koc_tier_state_columns(const koc_tier_state* state, const int64_t** koc_id, const int32_t** tier,
                                             const int32_t** periods_below, const uint8_t** honorary, size_t* n);
KOC_EXPORT void koc_tier_state_destroy(koc_tier_state* state);
/* Sets the roster's previous tier, grace counter and honorary flag from last period's state, by KOC id
 * (koc::tier_state_for): a KOC the state does not list is new; the roster's own honorary flag, if set,
 * is or-ed with the state's honour; revoked_ids[i] loses the honour (revoked_reasons[i], reason_lens[i]
 * bytes, required) before this period is classified. The roster handle owns these three columns from
 * then on. Refused when koc_roster_set_history was called: one source of last period's facts. */
KOC_EXPORT koc_status koc_roster_apply_tier_state(koc_roster* roster, const koc_tier_policy* policy,
                                                  const koc_tier_state* last, const int64_t* revoked_ids,
                                                  const char* const* revoked_reasons, const size_t* reason_lens,
                                                  size_t n_revoked);
/* The state after this period (koc::next_tier_state): the roster's KOCs with their final tier, updated
 * counter and honorary status, then the KOCs of `last` (may be NULL) absent from the roster, unchanged.
 * The override the result applied to a KOC (from the overrides it was classified with) stands in the
 * new state; an expired one does not. */
KOC_EXPORT koc_status koc_tier_state_next(const koc_roster* roster, const koc_tier_result* result,
                                          const koc_tier_state* last, koc_tier_state** out);

/* Manual tier placements with their author and expiry (koc::tier_override), owned by the library. */
typedef struct koc_tier_overrides koc_tier_overrides;
/* From columns (copied), n rows: KOC id, ladder index, reason (UTF-8, reason_lens[i] bytes, required),
 * author (authors and author_lens may be NULL: none) and expires_at (unix seconds from which the
 * override no longer applies, -1 never; NULL: never). Checked when classified. */
KOC_EXPORT koc_status koc_tier_overrides_create(const int64_t* koc_ids, const int32_t* tiers, const char* const* reasons,
                                                const size_t* reason_lens, const char* const* authors,
                                                const size_t* author_lens, const int64_t* expires_at, size_t n,
                                                koc_tier_overrides** out);
KOC_EXPORT koc_status koc_tier_overrides_size(const koc_tier_overrides* overrides, size_t* n);
/* Row i; the text pointers stay valid until koc_tier_overrides_destroy. Any out pointer may be NULL. */
KOC_EXPORT koc_status koc_tier_overrides_get(const koc_tier_overrides* overrides, size_t i, int64_t* koc_id, int32_t* tier,
                                             const char** reason, size_t* reason_len, const char** author,
                                             size_t* author_len, int64_t* expires_at);
KOC_EXPORT void koc_tier_overrides_destroy(koc_tier_overrides* overrides);
/* The overrides to classify with this period (koc::tier_overrides_for): the standing overrides of `last`
 * for the roster's KOCs, in roster order, then `added` (may be NULL); a new override replaces the
 * standing one of its KOC. */
KOC_EXPORT koc_status koc_tier_overrides_for(const koc_roster* roster, const koc_tier_policy* policy,
                                             const koc_tier_state* last, const koc_tier_overrides* added,
                                             koc_tier_overrides** out);
/* The state's standing overrides (rows that have one), in state order, as a new handle. */
KOC_EXPORT koc_status koc_tier_state_overrides(const koc_tier_state* state, koc_tier_overrides** out);
/* Gives the state its standing overrides (stored ones: each KOC id a row of the state, at most one per
 * KOC), replacing any; call before the state is used. */
KOC_EXPORT koc_status koc_tier_state_set_overrides(koc_tier_state* state, const koc_tier_overrides* standing);
/* koc_classify with an overrides handle (may be NULL) and the period's date as_of (unix seconds; -1 when
 * not known, and then an override with an expiry is refused). An override with expires_at <= as_of is
 * not applied and is listed by koc_tier_result_expired_overrides. */
KOC_EXPORT koc_status koc_classify_with_overrides(const koc_roster* roster, const koc_tier_policy* policy,
                                                  const koc_tier_overrides* overrides, int64_t as_of, uint32_t flags,
                                                  koc_tier_result** out);
/* Zero-copy: indices (ascending) of the overrides that had expired as of the classification's date. */
KOC_EXPORT koc_status koc_tier_result_expired_overrides(const koc_tier_result* result, const int32_t** indices, size_t* n);

/* Policy what-if: counts[a * n_proposed + b] KOCs move from tier a (current) to b (proposed);
 * moved rows listed ascending. Library-owned; destroy with koc_what_if_destroy. */
typedef struct koc_what_if koc_what_if;
KOC_EXPORT koc_status koc_what_if_run(const koc_roster* roster, const koc_tier_policy* current,
                                      const koc_tier_policy* proposed, koc_what_if** out);
KOC_EXPORT koc_status koc_what_if_counts(const koc_what_if* w, const int64_t** counts, int32_t* n_current,
                                         int32_t* n_proposed);
KOC_EXPORT koc_status koc_what_if_moved(const koc_what_if* w, const int64_t** rows, size_t* n_moved);
KOC_EXPORT void koc_what_if_destroy(koc_what_if* w);

/* ============================================================================================== */
/* Matching                                                                                        */
/* ============================================================================================== */

/* Dense rectangular 1:1 assignment (scipy's linear_sum_assignment). cost: rows x cols, row-major.
 * forbidden: NULL or rows x cols bytes, nonzero = forbidden (also +inf when minimising, -inf when
 * maximising). Writes min(rows, cols) pairs into row_ind/col_ind (capacity entries each) sorted by row;
 * *n_assigned receives the count. *optimal is 1, or 0 when the smaller side cannot be fully assigned
 * (then no pairs are written). row_potential (rows) and col_potential (cols) may be NULL; otherwise they
 * receive the dual certificate of the minimisation form. NaN or a wrong-signed infinity:
 * KOC_ERROR_INVALID_VALUE; a finite cost above DBL_MAX / (12 (min(rows, cols) + 7)^2) in magnitude (about
 * 1e301 at 4000 rows), whose potentials would overflow: KOC_ERROR_OUT_OF_RANGE. Thread-safe (no shared
 * state). */
KOC_EXPORT koc_status koc_linear_sum_assignment(const double* cost, size_t rows, size_t cols, int32_t maximize,
                                                const uint8_t* forbidden, int64_t* row_ind, int64_t* col_ind,
                                                size_t capacity, size_t* n_assigned, double* total,
                                                int32_t* optimal, double* row_potential, double* col_potential);

/* Many dense assignments in one call, spread over `threads` threads (0: one per core). costs: `count`
 * matrices of rows x cols, each row-major, one after another (count * rows * cols doubles). Problem b's
 * min(rows, cols) pairs go to row_ind and col_ind from index b * min(rows, cols), sorted by row; capacity
 * is the length of each of those two buffers (at least count * min(rows, cols), else
 * KOC_ERROR_BUFFER_TOO_SMALL). optimal (count entries) receives 1, or 0 for a problem whose smaller side
 * cannot be fully assigned (its pairs are then -1); totals (count entries, may be NULL) each problem's total
 * cost (0 when infeasible). Each problem is solved exactly as koc_linear_sum_assignment solves it alone, so
 * the results do not depend on the number of threads. NaN, a wrong-signed infinity or a cost above the
 * limit: the status koc_linear_sum_assignment gives, for the lowest-numbered such problem, the message
 * naming it ("problem 3: ..."), the row within it; nothing is written then. Thread-safe. */
KOC_EXPORT koc_status koc_linear_sum_assignment_batch(const double* costs, size_t count, size_t rows, size_t cols,
                                                      int32_t maximize, uint32_t threads, int64_t* row_ind,
                                                      int64_t* col_ind, size_t capacity, double* totals,
                                                      int32_t* optimal);

typedef enum koc_asset_type { KOC_ASSET_SOCIAL = 0, KOC_ASSET_KNOWLEDGE = 1, KOC_ASSET_COMMUNITY = 2, KOC_ASSET_INTELLIGENCE = 3 } koc_asset_type;
typedef enum koc_horizon { KOC_HORIZON_INSTANT = 0, KOC_HORIZON_PHASED = 1, KOC_HORIZON_CONTINUOUS = 2, KOC_HORIZON_IDENTITY = 3 } koc_horizon;
typedef enum koc_direction { KOC_DIRECTION_INTERNAL = 0, KOC_DIRECTION_EXTERNAL = 1 } koc_direction;
#define KOC_UNLIMITED_SLOTS INT32_MAX

/* A task table: m tasks as columns. BORROWS every array (keep them alive until destroy). The required
 * columns come with create; optional ones are set afterwards (defaults: see koc/matching/tasks.hpp).
 * asset/horizon/direction hold koc_asset_type/koc_horizon/koc_direction values. Not thread-safe while
 * being set up; read-only afterwards. */
typedef struct koc_task_table koc_task_table;
KOC_EXPORT koc_status koc_task_table_create(const int64_t* ids, const uint8_t* asset, const uint8_t* horizon,
                                            const uint8_t* direction, const int32_t* slots, size_t n_tasks,
                                            koc_task_table** out);
KOC_EXPORT koc_status koc_task_table_set_window(koc_task_table* tasks, const int64_t* start, const int64_t* end, size_t len);
/* Integer columns: 0 load, 1 region (-1 any), 2 min_tier, 3 max_tier. */
typedef enum koc_task_column { KOC_TASK_LOAD = 0, KOC_TASK_REGION = 1, KOC_TASK_MIN_TIER = 2, KOC_TASK_MAX_TIER = 3 } koc_task_column;
KOC_EXPORT koc_status koc_task_table_set_column(koc_task_table* tasks, koc_task_column column, const int32_t* values, size_t len);
KOC_EXPORT koc_status koc_task_table_set_audience(koc_task_table* tasks, const uint64_t* segments, size_t len);
KOC_EXPORT koc_status koc_task_table_set_confidential(koc_task_table* tasks, const uint8_t* confidential, size_t len);
/* levels: n_tasks x n_skills, row-major: minimum level per skill, 0 = not required. */
KOC_EXPORT koc_status koc_task_table_set_required_skills(koc_task_table* tasks, const uint8_t* levels, size_t n_tasks, size_t n_skills);
KOC_EXPORT void koc_task_table_destroy(koc_task_table* tasks);
/* Every problem of a task table (koc::task_problems), not only the first: at most `limit` (>= 1), in the
 * order koc_match meets them; n_tiers is the ladder size the tier bounds are checked on (-1: not checked).
 * A task with 0 slots is not a problem: it is closed (KOC_REASON_NO_SLOTS in a match result). */
KOC_EXPORT koc_status koc_task_table_problems(const koc_task_table* tasks, int32_t n_tiers, size_t limit, koc_problems** out);

/* KOC matching profiles, row for row with a roster. BORROWS every array; same rules as koc_roster. */
typedef struct koc_profiles koc_profiles;
KOC_EXPORT koc_status koc_profiles_create(const int32_t* capacity, size_t n_kocs, koc_profiles** out);
/* levels: n_kocs x n_skills, row-major. */
KOC_EXPORT koc_status koc_profiles_set_skills(koc_profiles* profiles, const uint8_t* levels, size_t n_kocs, size_t n_skills);
KOC_EXPORT koc_status koc_profiles_set_audience(koc_profiles* profiles, const uint64_t* segments, size_t len);
/* Integer columns: 0 region (-1 unknown), 1 recent_tasks. */
typedef enum koc_profile_column { KOC_PROFILE_REGION = 0, KOC_PROFILE_RECENT_TASKS = 1 } koc_profile_column;
KOC_EXPORT koc_status koc_profiles_set_column(koc_profiles* profiles, koc_profile_column column, const int32_t* values, size_t len);
KOC_EXPORT koc_status koc_profiles_set_availability(koc_profiles* profiles, const int64_t* start, const int64_t* end, size_t len);
/* Bits: asset types 0-3, horizons 4-7, directions 8-9 (koc_asset_type etc. as bit positions). */
KOC_EXPORT koc_status koc_profiles_set_opted_out(koc_profiles* profiles, const uint32_t* kinds, size_t len);
KOC_EXPORT void koc_profiles_destroy(koc_profiles* profiles);

/* A matching policy (schema koc.matching_policy/1); tier names in it are checked against the ladder.
 * Immutable: may be shared by threads. */
typedef struct koc_matching_policy koc_matching_policy;
KOC_EXPORT koc_status koc_matching_policy_default(koc_matching_policy** out);
KOC_EXPORT koc_status koc_matching_policy_from_json(const char* json, size_t json_len, const koc_tier_policy* ladder,
                                                    koc_matching_policy** out);
/* Every problem of a matching policy document (koc::matching_policy_problems), as koc_tier_policy_problems. */
KOC_EXPORT koc_status koc_matching_policy_problems(const char* json, size_t json_len, const koc_tier_policy* ladder,
                                                   size_t limit, koc_problems** out);
KOC_EXPORT koc_status koc_matching_policy_to_json(const koc_matching_policy* policy, char* buf, size_t capacity, size_t* required);
KOC_EXPORT void koc_matching_policy_destroy(koc_matching_policy* policy);

typedef enum koc_match_mode { KOC_MATCH_OPTIMAL = 0, KOC_MATCH_STABLE_KOCS_PROPOSE = 1, KOC_MATCH_STABLE_TASKS_PROPOSE = 2 } koc_match_mode;
typedef enum koc_match_objective { KOC_OBJECTIVE_MAX_SCORE = 0, KOC_OBJECTIVE_MAX_FILL = 1 } koc_match_objective;
typedef enum koc_match_reason {
  KOC_REASON_NONE = 0,
  KOC_REASON_NOBODY_ELIGIBLE = 1,
  KOC_REASON_ALL_CANDIDATES_AT_CAPACITY = 2,
  KOC_REASON_BETTER_PAIRS_CHOSEN = 3,
  KOC_REASON_OUTRANKED = 4,
  KOC_REASON_NO_SLOTS = 5 /* a task with 0 slots (closed): it takes nobody, and is neither filled nor short */
} koc_match_reason;

/* Result of koc_match, owned by the library; read-only, any number of threads may read it. */
typedef struct koc_match_result koc_match_result;

/* Eligibility → fit → assignment. roster/tiers give ids, clearance, quality, on-time rate, tier and
 * honorary status; profiles and tasks the rest. Declines (koc_id, task_id) and preferences (koc_id,
 * task_id, rank >= 1) are optional columns (NULL with length 0). */
KOC_EXPORT koc_status koc_match(const koc_roster* roster, const koc_tier_result* tiers, const koc_profiles* profiles,
                                const koc_task_table* tasks, const koc_matching_policy* policy,
                                const koc_tier_policy* ladder, const int64_t* decline_koc_id,
                                const int64_t* decline_task_id, size_t n_declines, const int64_t* pref_koc_id,
                                const int64_t* pref_task_id, const int32_t* pref_rank, size_t n_preferences,
                                koc_match_mode mode, koc_match_objective objective, koc_match_result** out);
/* Chosen pairs (zero-copy, valid until destroy): KOC row, task row, fit score; sorted by (KOC, task). */
KOC_EXPORT koc_status koc_match_result_pairs(const koc_match_result* result, const int32_t** koc_row,
                                             const int32_t** task_row, const double** score, size_t* n_pairs);
KOC_EXPORT koc_status koc_match_result_total(const koc_match_result* result, double* total);
/* Per KOC: load and koc_match_reason for any spare capacity (n_kocs entries). */
KOC_EXPORT koc_status koc_match_result_kocs(const koc_match_result* result, const int32_t** load,
                                            const uint8_t** reason, size_t* n_kocs);
/* Per task: filled slots, koc_match_reason for unfilled ones, eligible KOC count (n_tasks entries). */
KOC_EXPORT koc_status koc_match_result_tasks(const koc_match_result* result, const int32_t** filled,
                                             const uint8_t** reason, const int64_t** n_eligible, size_t* n_tasks);
/* Eligibility funnel: n_tasks x n_rules KOC counts excluded per hard rule, row-major. */
KOC_EXPORT koc_status koc_match_result_exclusions(const koc_match_result* result, const int64_t** counts,
                                                  size_t* n_tasks, size_t* n_rules);
/* Optimal mode: the flow potentials that certify optimality (see capacitated_assignment.hpp), in the
 * units koc_match_result_certificate gives (as koc_capacitated_result_certificate). */
KOC_EXPORT koc_status koc_match_result_duals(const koc_match_result* result, const int64_t** koc_potential,
                                             const int64_t** task_potential, int64_t* source_potential);
KOC_EXPORT koc_status koc_match_result_certificate(const koc_match_result* result, int64_t* scale, int64_t* epsilon,
                                                   int64_t* pair_bonus);
/* Re-checks the certificate independently: *ok = 1 when it holds, else 0 with the reason in buf. */
KOC_EXPORT koc_status koc_match_result_verify(const koc_match_result* result, int32_t* ok, char* buf,
                                              size_t capacity, size_t* required);
KOC_EXPORT void koc_match_result_destroy(koc_match_result* result);

/* Solve options for long solves: method, time limit, cancellation, progress (koc/solve_control.hpp).
 * A solve that stops early returns KOC_ERROR_TIMEOUT or KOC_ERROR_CANCELLED and no result. Callbacks
 * are called from the solving thread, every few milliseconds at most; cancel may read a flag another
 * thread sets. Not thread-safe to modify while a solve uses it; one options object may serve several
 * solves in turn. */
typedef enum koc_capacitated_method {
  KOC_METHOD_AUTOMATIC = 0,     /* the auction, unless its scaled integers would overflow (then shortest paths) */
  KOC_METHOD_AUCTION = 1,       /* epsilon-scaling auction */
  KOC_METHOD_SHORTEST_PATHS = 2 /* successive shortest paths */
} koc_capacitated_method;
/* Returns nonzero to stop the solve. */
typedef int (*koc_cancel_callback)(void* user_data);
/* fraction in [0, 1]: estimated share done; steps: bids or searches so far; phase / phases: the auction's
 * epsilon phase (1-based) and the number expected (0 for shortest paths); seconds since the start. */
typedef void (*koc_progress_callback)(double fraction, int64_t steps, int64_t phase, int64_t phases, double seconds,
                                      void* user_data);
typedef struct koc_solve_options koc_solve_options;
KOC_EXPORT koc_status koc_solve_options_create(koc_solve_options** out);
KOC_EXPORT koc_status koc_solve_options_set_method(koc_solve_options* options, koc_capacitated_method method);
/* seconds > 0: the limit; 0: none (the default). Negative or NaN: KOC_ERROR_INVALID_VALUE. */
KOC_EXPORT koc_status koc_solve_options_set_time_limit(koc_solve_options* options, double seconds);
/* callback NULL removes it. */
KOC_EXPORT koc_status koc_solve_options_set_cancel(koc_solve_options* options, koc_cancel_callback callback,
                                                   void* user_data);
/* interval_seconds between calls (0.1 if 0). callback NULL removes it. */
KOC_EXPORT koc_status koc_solve_options_set_progress(koc_solve_options* options, koc_progress_callback callback,
                                                     void* user_data, double interval_seconds);
KOC_EXPORT void koc_solve_options_destroy(koc_solve_options* options);

/* koc_match with its optional inputs in one handle instead of positional parameters, plus what
 * koc_match cannot set: the score resolution and the solve options (method, time limit, cancellation,
 * progress). A fresh handle holds koc_match's defaults: optimal mode, maximum score, resolution 1e-6,
 * the automatic method, no limit, no declines, no preferences. Setters copy what they are given, so the
 * caller's arrays may be freed after the call; a bad value fails at the setter, naming its field, and
 * leaves the handle as it was. One handle may serve any number of calls; not thread-safe to modify
 * while a call reads it. */
typedef struct koc_match_options koc_match_options;
KOC_EXPORT koc_status koc_match_options_create(koc_match_options** out);
KOC_EXPORT koc_status koc_match_options_set_mode(koc_match_options* options, koc_match_mode mode);
KOC_EXPORT koc_status koc_match_options_set_objective(koc_match_options* options, koc_match_objective objective);
/* Fit scores are solved exactly in these units (> 0 and finite; optimal mode). */
KOC_EXPORT koc_status koc_match_options_set_score_resolution(koc_match_options* options, double resolution);
/* Copied; NULL restores the defaults. The callbacks it holds are called during koc_match_with. */
KOC_EXPORT koc_status koc_match_options_set_solve_options(koc_match_options* options, const koc_solve_options* solve);
/* Pairs (koc_id[i], task_id[i]) the KOC declined; replaces any earlier declines. n = 0 clears them. */
KOC_EXPORT koc_status koc_match_options_set_declines(koc_match_options* options, const int64_t* koc_id,
                                                     const int64_t* task_id, size_t n);
/* KOC-side preferences (koc_id, task_id, rank >= 1) for the stable modes; replaces earlier ones. */
KOC_EXPORT koc_status koc_match_options_set_preferences(koc_match_options* options, const int64_t* koc_id,
                                                        const int64_t* task_id, const int32_t* rank, size_t n);
KOC_EXPORT void koc_match_options_destroy(koc_match_options* options);
/* koc_match with an options handle (NULL: the defaults). KOC_ERROR_TIMEOUT / KOC_ERROR_CANCELLED when the
 * solve options stop the solve. */
KOC_EXPORT koc_status koc_match_with(const koc_roster* roster, const koc_tier_result* tiers, const koc_profiles* profiles,
                                     const koc_task_table* tasks, const koc_matching_policy* policy,
                                     const koc_tier_policy* ladder, const koc_match_options* options,
                                     koc_match_result** out);

/* Capacitated assignment (b-matching) on the caller's own candidate graph, for programmes that do their
 * own eligibility and fit: koc::solve_capacitated_assignment (koc/matching/capacitated_assignment.hpp).
 * The graph is an edge list of n_pairs rows (koc_row[i], task_col[i], score[i]) in any order; KOC k
 * takes up to capacity[k] pairs, task t up to slots[t] (KOC_UNLIMITED_SLOTS allowed), each pair at
 * most once. objective: KOC_OBJECTIVE_MAX_SCORE (a pair is taken only if it raises the total, so a
 * score <= 0 is never taken) or KOC_OBJECTIVE_MAX_FILL (most pairs, then the highest total).
 * score_resolution: scores are solved exactly as integers llround(score / score_resolution); 1e-6 is
 * the C++ default. The arrays are COPIED: the result does not borrow them.
 * Tie-break: the edge list is sorted by (koc_row, task_col) before solving and the solver breaks ties
 * in that order, so any permutation of the same edge list gives the same chosen pairs and total.
 * Invalid input is refused, naming the 0-based edge row and field: NULL array (KOC_ERROR_NULL_POINTER),
 * row/col outside [0, n_kocs)/[0, n_tasks) (KOC_ERROR_UNKNOWN_ID, 'koc'/'task'), NaN or
 * infinite score (KOC_ERROR_INVALID_VALUE, 'score'), a (koc_row, task_col) pair given twice
 * (KOC_ERROR_DUPLICATE_ID, the first row that repeats an earlier one, 'task'), negative capacity or slots
 * (KOC_ERROR_INVALID_VALUE, KOC or task row, 'capacity'/'slots'), n_kocs or n_tasks above INT32_MAX
 * (KOC_ERROR_OVERFLOW), scores too large for the resolution (KOC_ERROR_OVERFLOW, 'score').
 * Thread-safe (no shared state). */
typedef enum koc_capacitated_status {
  KOC_CAPACITATED_OPTIMAL = 0,         /* optimal, at least one pair chosen */
  KOC_CAPACITATED_NOTHING_ASSIGNED = 1 /* optimal, and the optimum chooses no pair */
} koc_capacitated_status;
typedef struct koc_capacitated_result koc_capacitated_result;
KOC_EXPORT koc_status koc_capacitated_assignment(const int32_t* koc_row, const int32_t* task_col, const double* score,
                                                 size_t n_pairs, const int32_t* capacity, size_t n_kocs,
                                                 const int32_t* slots, size_t n_tasks, koc_match_objective objective,
                                                 double score_resolution, koc_capacitated_result** out);
/* The same with solve options (NULL: the defaults). */
KOC_EXPORT koc_status koc_capacitated_assignment_with(const int32_t* koc_row, const int32_t* task_col, const double* score,
                                                      size_t n_pairs, const int32_t* capacity, size_t n_kocs,
                                                      const int32_t* slots, size_t n_tasks,
                                                      koc_match_objective objective, double score_resolution,
                                                      const koc_solve_options* options, koc_capacitated_result** out);
/* Warm start (koc::resolve_capacitated_assignment): the same problem after some KOCs, pairs, capacities or
 * slots changed (same KOC and task indexing), solved from a previous result's duals as a CRM keeps them
 * between runs: previous_task_potential (n_tasks entries, as koc_capacitated_result_duals gives them),
 * previous_scale and previous_pair_bonus (as koc_capacitated_result_certificate gives them). Any duals give
 * the exact optimum, certified as a cold solve's is; close ones make it fast. The checks and errors are
 * koc_capacitated_assignment_with's, plus previous_task_potential NULL with n_tasks > 0
 * (KOC_ERROR_NULL_POINTER) and previous_scale < 1 (KOC_ERROR_INVALID_VALUE, 'scale'). */
KOC_EXPORT koc_status koc_capacitated_assignment_resolve(const int32_t* koc_row, const int32_t* task_col,
                                                         const double* score, size_t n_pairs, const int32_t* capacity,
                                                         size_t n_kocs, const int32_t* slots, size_t n_tasks,
                                                         koc_match_objective objective, double score_resolution,
                                                         const koc_solve_options* options,
                                                         const int64_t* previous_task_potential, int64_t previous_scale,
                                                         int64_t previous_pair_bonus, koc_capacitated_result** out);
KOC_EXPORT koc_status koc_capacitated_result_status(const koc_capacitated_result* result, koc_capacitated_status* status);
/* Chosen pairs (zero-copy, valid until destroy), sorted by (koc_row, task_col): edge = the row of the
 * caller's edge list, and its KOC row and task column. Any output pointer but n_chosen may be NULL. */
KOC_EXPORT koc_status koc_capacitated_result_pairs(const koc_capacitated_result* result, const int64_t** edge,
                                                   const int32_t** koc_row, const int32_t** task_col, size_t* n_chosen);
/* total_score: sum of the chosen raw scores (in (koc_row, task_col) order); total_score_units: the exact
 * integer optimum, sum of llround(score / score_resolution). Either pointer may be NULL. */
KOC_EXPORT koc_status koc_capacitated_result_total(const koc_capacitated_result* result, double* total_score,
                                                   int64_t* total_score_units);
/* Per KOC (n_kocs entries): pairs chosen, and a koc_match_reason for any spare capacity. */
KOC_EXPORT koc_status koc_capacitated_result_kocs(const koc_capacitated_result* result, const int32_t** load,
                                                  const uint8_t** reason, size_t* n_kocs);
/* Per task (n_tasks entries): slots filled, and a koc_match_reason for any empty slot. */
KOC_EXPORT koc_status koc_capacitated_result_tasks(const koc_capacitated_result* result, const int32_t** filled,
                                                   const uint8_t** reason, size_t* n_tasks);
/* The certificate: the flow potentials pi(k), pi(t), pi(S) of capacitated_assignment.hpp, in the units
 * koc_capacitated_result_certificate gives (scale 1, exact: an unused pair has pi(t) - pi(k) >= its
 * score units, a used one <=; scale > 1: the same within epsilon, scores times scale). */
KOC_EXPORT koc_status koc_capacitated_result_duals(const koc_capacitated_result* result, const int64_t** koc_potential,
                                                   const int64_t** task_potential, int64_t* source_potential);
/* The certificate's units (koc::capacitated_duals): the potentials above are in 1/scale score units,
 * pair p costs -scale * (units_p + pair_bonus), and every residual arc's reduced cost is >= -epsilon,
 * with epsilon * (2 min(n_kocs, n_tasks) + 3) < scale (or epsilon == 0): proof of optimality. The
 * auction method gives epsilon 1; the shortest-paths method scale 1, epsilon 0, pair_bonus 0. Any output
 * pointer may be NULL. */
KOC_EXPORT koc_status koc_capacitated_result_certificate(const koc_capacitated_result* result, int64_t* scale,
                                                         int64_t* epsilon, int64_t* pair_bonus);
/* Re-checks the result against the result's own copy of the input, without trusting the solver
 * (koc::verify: feasibility, totals, reasons, reduced costs in exact arithmetic, maximal fill) and
 * that every chosen edge row names its pair: *ok = 1 when all holds, else 0 with the reason in buf
 * (size-query convention; buf may be NULL with capacity 0). */
KOC_EXPORT koc_status koc_capacitated_result_verify(const koc_capacitated_result* result, int32_t* ok, char* buf,
                                                    size_t capacity, size_t* required);
/* Pricing, for a solve over part of a candidate graph whose other pairs are checked elsewhere (column
 * generation; koc::capacitated_violations): of n further pairs of the same problem, given by the solve's
 * KOC and task indices, raw scores and chosen[i] = 1 for the solve's own chosen pairs (else 0), writes to
 * rows (caller-owned, n entries) the indices of those that break this result's certificate, ascending, and
 * their count to *n_rows. None breaking it over the whole graph proves the result optimal for the whole
 * graph. max_score only (KOC_ERROR_INVALID_ARGUMENT under max_fill_then_score); bad values are named by row
 * and field as koc_capacitated_assignment names them (koc, task, score; chosen must be 0 or 1). Pointers
 * may be NULL when n is 0. */
KOC_EXPORT koc_status koc_capacitated_result_violations(const koc_capacitated_result* result, const int32_t* koc_row,
                                                        const int32_t* task_col, const double* score,
                                                        const uint8_t* chosen, size_t n, int64_t* rows, size_t* n_rows);
KOC_EXPORT void koc_capacitated_result_destroy(koc_capacitated_result* result);

/* ============================================================================================== */
/* Rewards                                                                                         */
/* ============================================================================================== */

/* Money is int64 minor units of a currency (fen for CNY, cents for USD, yen for JPY); a currency is
 * a uint8 index into the built-in ISO 4217 table (koc/rewards/money.hpp), 0 = "PTS" (points).
 * KOC_NO_CURRENCY marks ledger lines without an amount (entitlements, no_reward). Thread-safe. */
#define KOC_NO_CURRENCY 255
KOC_EXPORT koc_status koc_currency_count(int32_t* n_currencies);
/* code: UTF-8, code_len bytes, case-sensitive ("CNY"). Unknown → KOC_ERROR_UNKNOWN_NAME. */
KOC_EXPORT koc_status koc_currency_find(const char* code, size_t code_len, uint8_t* currency);
KOC_EXPORT koc_status koc_currency_code(uint8_t currency, char* buf, size_t capacity, size_t* required);
/* Number of minor-unit digits (CNY 2, JPY 0, KWD 3). */
KOC_EXPORT koc_status koc_currency_exponent(uint8_t currency, int32_t* exponent);
/* "300.00" → 30000 for CNY: exact; refuses signs, exponents and excess fractional digits. */
KOC_EXPORT koc_status koc_amount_parse(const char* text, size_t text_len, uint8_t currency, int64_t* minor_units);
/* 12000000 in CNY → "120,000.00 CNY". */
KOC_EXPORT koc_status koc_amount_format(int64_t minor_units, uint8_t currency, char* buf, size_t capacity,
                                        size_t* required);

/* A reward policy (schema koc.reward_policy/1, docs/reward-policy.md). Immutable after creation: one
 * policy may be shared by any number of threads at once. */
typedef struct koc_reward_policy koc_reward_policy;
/* json: UTF-8, json_len bytes (no NUL needed). Errors name the JSON path in koc_last_error_field(). */
KOC_EXPORT koc_status koc_reward_policy_from_json(const char* json, size_t json_len, koc_reward_policy** out);
/* Every problem of a reward policy document (koc::reward_policy_problems), as koc_tier_policy_problems. */
KOC_EXPORT koc_status koc_reward_policy_problems(const char* json, size_t json_len, size_t limit, koc_problems** out);
/* The policy's JSON document, canonical (compact, keys sorted); size-query convention as
 * koc_tier_policy_to_json. Reading it back gives an equal policy. */
KOC_EXPORT koc_status koc_reward_policy_to_json(const koc_reward_policy* policy, char* buf, size_t capacity,
                                                size_t* required);
KOC_EXPORT koc_status koc_reward_policy_rule_count(const koc_reward_policy* policy, int32_t* n_rules);
KOC_EXPORT koc_status koc_reward_policy_rule_id(const koc_reward_policy* policy, int32_t rule, char* buf,
                                                size_t capacity, size_t* required);
/* Index of the rule with this id (for koc_reward_tasks' rule column); unknown → KOC_ERROR_UNKNOWN_NAME. */
KOC_EXPORT koc_status koc_reward_policy_find_rule(const koc_reward_policy* policy, const char* id, size_t id_len,
                                                  int32_t* rule);
KOC_EXPORT void koc_reward_policy_destroy(koc_reward_policy* policy);

/* Rewardable tasks: n_tasks rows (koc::reward_tasks). rule: index into the policy's rules. BORROWS every
 * array (keep them alive and unchanged until destroy). Optional columns, unset = default: campaign_id -1,
 * window_start 0, window_end (the deadline) none, budget none (-1), period_days 0. Not thread-safe while being set up;
 * read-only afterwards (any number of threads may compute ledgers from it). */
typedef struct koc_reward_tasks koc_reward_tasks;
typedef enum koc_reward_task_column {
  KOC_REWARD_TASK_CAMPAIGN_ID = 0,  /* campaign id, -1 none */
  KOC_REWARD_TASK_WINDOW_START = 1, /* unix seconds */
  KOC_REWARD_TASK_WINDOW_END = 2,   /* unix seconds: the deadline, as in koc_task_table; INT64_MAX = none */
  KOC_REWARD_TASK_BUDGET = 3,       /* minor units of the rule's currency, -1 none */
  KOC_REWARD_TASK_DEADLINE = KOC_REWARD_TASK_WINDOW_END /* the same column's former name */
} koc_reward_task_column;
KOC_EXPORT koc_status koc_reward_tasks_create(const int64_t* task_id, const int32_t* rule, size_t n_tasks,
                                              koc_reward_tasks** out);
KOC_EXPORT koc_status koc_reward_tasks_set_column(koc_reward_tasks* tasks, koc_reward_task_column column,
                                                  const int64_t* values, size_t len);
KOC_EXPORT koc_status koc_reward_tasks_set_period_days(koc_reward_tasks* tasks, const int32_t* period_days, size_t len);
KOC_EXPORT void koc_reward_tasks_destroy(koc_reward_tasks* tasks);

/* Assignments: (koc_id, task_id) rows. BORROWS the arrays; same thread-safety as koc_reward_tasks. */
typedef struct koc_reward_assignments koc_reward_assignments;
KOC_EXPORT koc_status koc_reward_assignments_create(const int64_t* koc_id, const int64_t* task_id, size_t n_assignments,
                                                    koc_reward_assignments** out);
KOC_EXPORT void koc_reward_assignments_destroy(koc_reward_assignments* assignments);

/* Completions: one row per completed assignment (koc::reward_completions). assignment: row of the
 * assignments; accepted: 1 or 0. BORROWS every array; same thread-safety as koc_reward_tasks. Optional
 * columns, unset = default (metrics 0, quality and duty_fulfilment 1); each is set with the setter of its
 * type (another setter → KOC_ERROR_INVALID_ARGUMENT). */
typedef struct koc_reward_completions koc_reward_completions;
typedef enum koc_completion_column {
  KOC_COMPLETION_QUALITY = 0,         /* double in [0, 1]: campaign ranking score */
  KOC_COMPLETION_DUTY_FULFILMENT = 1, /* double in [0, 1]: retainer proration */
  KOC_COMPLETION_VIEWS = 2,           /* int64 >= 0 */
  KOC_COMPLETION_INTERACTIONS = 3,    /* int64 >= 0 */
  KOC_COMPLETION_TRAVEL_CLAIMED = 4,  /* int64 >= 0 minor units of the task's currency */
  KOC_COMPLETION_DAYS_SERVED = 5,     /* int32 in [0, period_days] */
  KOC_COMPLETION_DAYS_ON_SITE = 6     /* int32 >= 0 */
} koc_completion_column;
KOC_EXPORT koc_status koc_reward_completions_create(const int64_t* assignment, const int64_t* delivered_at,
                                                    const uint8_t* accepted, size_t n_completions,
                                                    koc_reward_completions** out);
KOC_EXPORT koc_status koc_reward_completions_set_double(koc_reward_completions* completions, koc_completion_column column,
                                                        const double* values, size_t len);
KOC_EXPORT koc_status koc_reward_completions_set_int64(koc_reward_completions* completions, koc_completion_column column,
                                                       const int64_t* values, size_t len);
KOC_EXPORT koc_status koc_reward_completions_set_int32(koc_reward_completions* completions, koc_completion_column column,
                                                       const int32_t* values, size_t len);
KOC_EXPORT void koc_reward_completions_destroy(koc_reward_completions* completions);

/* The KOCs and their tiers (koc::reward_kocs). koc_id is BORROWED; tier (index into the ladder, -1 none)
 * is BORROWED; ladder names are COPIED. The policy's tiers are matched to the ladder by name. Same
 * thread-safety as koc_reward_tasks. */
typedef struct koc_reward_kocs koc_reward_kocs;
KOC_EXPORT koc_status koc_reward_kocs_create(const int64_t* koc_id, size_t n_kocs, koc_reward_kocs** out);
/* names[i]: UTF-8, name_lens[i] bytes; n_names ladder tiers, lowest first. */
KOC_EXPORT koc_status koc_reward_kocs_set_tiers(koc_reward_kocs* kocs, const int32_t* tier, size_t len,
                                                const char* const* names, const size_t* name_lens, size_t n_names);
/* Same, with the ladder of a tier policy (e.g. tier from koc_tier_result_column(KOC_TIER_FINAL)). */
KOC_EXPORT koc_status koc_reward_kocs_set_tiers_from_policy(koc_reward_kocs* kocs, const int32_t* tier, size_t len,
                                                            const koc_tier_policy* ladder);
KOC_EXPORT void koc_reward_kocs_destroy(koc_reward_kocs* kocs);

/* Line kinds and reasons (values match koc::line_kind / koc::line_reason; stable). */
typedef enum koc_line_kind {
  KOC_LINE_FIXED = 0,
  KOC_LINE_SPEED_BONUS = 1,
  KOC_LINE_BASE = 2,
  KOC_LINE_PROCESS_AWARD = 3,
  KOC_LINE_PRIZE = 4,
  KOC_LINE_RETAINER = 5,
  KOC_LINE_CREATION_FEE = 6,
  KOC_LINE_STEP_BONUS = 7,
  KOC_LINE_DAY_FEE = 8,
  KOC_LINE_TRAVEL = 9,
  KOC_LINE_ENTITLEMENT = 10,
  KOC_LINE_CAP_CUT = 11,
  KOC_LINE_BUDGET_CUT = 12,
  KOC_LINE_NO_REWARD = 13
} koc_line_kind;
typedef enum koc_line_reason {
  KOC_LINE_REASON_NONE = 0,
  KOC_LINE_REASON_REJECTED = 1,
  KOC_LINE_REASON_LATE = 2,
  KOC_LINE_REASON_NOTHING_DUE = 3,
  KOC_LINE_REASON_NO_COMPLETION = 4,
  KOC_LINE_REASON_SETTLED = 5 /* every line of the completion was paid by an earlier run (koc_ledger_settle) */
} koc_line_reason;
KOC_EXPORT koc_status koc_line_kind_name(koc_line_kind kind, char* buf, size_t capacity, size_t* required);
KOC_EXPORT koc_status koc_line_reason_name(koc_line_reason reason, char* buf, size_t capacity, size_t* required);

/* The rewards ledger, owned by the library: one row per line (koc::reward_ledger; order and meaning in
 * koc/rewards/ledger.hpp). Read-only: any number of threads may read it. It keeps a copy of the policy,
 * so explanations work after the policy handle is destroyed; it keeps nothing of the input tables. */
typedef struct koc_ledger koc_ledger;

#define KOC_LEDGER_EXPLAIN 1u /* build every explanation eagerly (they are built on demand otherwise) */

/* Computes the ledger. kocs must list every KOC of a completed assignment. flags: 0 or
 * KOC_LEDGER_EXPLAIN. Invalid input → an error naming the row and the column. */
KOC_EXPORT koc_status koc_ledger_compute(const koc_reward_policy* policy, const koc_reward_tasks* tasks,
                                         const koc_reward_assignments* assignments,
                                         const koc_reward_completions* completions, const koc_reward_kocs* kocs,
                                         uint32_t flags, koc_ledger** out);
/* Every problem of the ledger's input rows (koc::reward_input_problems), not only the first: at most `limit`
 * (>= 1), in the order koc_ledger_compute meets them; fields of the tasks, KOCs and assignments are prefixed
 * "tasks.", "kocs.", "assignments.", the completions' are bare. None when koc_ledger_compute accepts them. */
KOC_EXPORT koc_status koc_reward_input_problems(const koc_reward_policy* policy, const koc_reward_tasks* tasks,
                                                const koc_reward_assignments* assignments,
                                                const koc_reward_completions* completions, const koc_reward_kocs* kocs,
                                                size_t limit, koc_problems** out);
KOC_EXPORT koc_status koc_ledger_size(const koc_ledger* ledger, size_t* n_lines);

/* What earlier runs settled (koc::settled_ledger): the lines of their ledgers, concatenated, n_lines rows.
 * A CRM that keeps its ledgers in its own database passes the stored columns here; each is a ledger column
 * of the same name (koc_ledger_int64 / _int32 / _uint8): koc_id, task_id, campaign_id, amount, aux int64;
 * rule int32 (index into rule_names, -1 none; names are matched to the policy's rule ids); kind
 * (koc_line_kind) and currency (currency index or KOC_NO_CURRENCY) uint8. rule_names[i]: UTF-8,
 * rule_name_lens[i] bytes, copied. BORROWS the column arrays: keep them alive and unchanged until destroy.
 * Bad columns are reported by koc_ledger_settle, naming the column as "settled.<name>". */
typedef struct koc_settled_lines koc_settled_lines;
KOC_EXPORT koc_status koc_settled_lines_create(const int64_t* koc_id, const int64_t* task_id, const int64_t* campaign_id,
                                               const int32_t* rule, const uint8_t* kind, const uint8_t* currency,
                                               const int64_t* amount, const int64_t* aux, size_t n_lines,
                                               const char* const* rule_names, const size_t* rule_name_lens, size_t n_rules,
                                               koc_settled_lines** out);
/* The lines of one computed ledger, borrowed from it (the ledger must outlive the result). */
KOC_EXPORT koc_status koc_settled_lines_from_ledger(const koc_ledger* ledger, koc_settled_lines** out);
KOC_EXPORT void koc_settled_lines_destroy(koc_settled_lines* lines);

/* Process-award winners per campaign (koc::reward_awards): n rows of (campaign, award name, KOC), plus an
 * optional rule id per row (rules may be NULL), needed only when two campaign rules of a campaign have an
 * award of the same name. Names are UTF-8 with their byte lengths; everything is copied. With a table,
 * the policy's process awards must not list winners. */
typedef struct koc_award_winners koc_award_winners;
KOC_EXPORT koc_status koc_award_winners_create(const int64_t* campaign_id, const char* const* awards, const size_t* award_lens,
                                               const int64_t* koc_id, const char* const* rules, const size_t* rule_lens,
                                               size_t n, koc_award_winners** out);
KOC_EXPORT void koc_award_winners_destroy(koc_award_winners* winners);

/* Settles a run against what earlier runs paid (koc::settle_ledger): the ledger of the given work minus
 * what `earlier` settled, so running the same work twice pays nothing new, growth past a new step pays that
 * step only, and caps and budgets hold over all runs. The settlement state after the run is `earlier`
 * followed by this ledger's lines. The result keeps a copy of `earlier`'s lines for koc_ledger_verify.
 * earlier may be NULL (nothing paid before); awards may be NULL (the policy's winners). */
KOC_EXPORT koc_status koc_ledger_settle(const koc_reward_policy* policy, const koc_reward_tasks* tasks,
                                        const koc_reward_assignments* assignments,
                                        const koc_reward_completions* completions, const koc_reward_kocs* kocs,
                                        const koc_settled_lines* earlier, const koc_award_winners* awards,
                                        const char* run_id, size_t run_id_len, uint32_t flags, koc_ledger** out);
/* What a ledger was computed from (for audit and replay), as text (size-query convention as
 * koc_tier_policy_to_json): the caller's run id (koc_ledger_settle; empty for koc_ledger_compute), koc's
 * version, and the SHA-256 (hex) of the reward policy's canonical JSON (keys sorted, compact). */
typedef enum koc_ledger_text {
  KOC_LEDGER_RUN_ID = 0,
  KOC_LEDGER_KOC_VERSION = 1,
  KOC_LEDGER_POLICY_SHA256 = 2
} koc_ledger_text;
KOC_EXPORT koc_status koc_ledger_provenance(const koc_ledger* ledger, koc_ledger_text which, char* buf, size_t capacity,
                                            size_t* required);

/* Points balances as of a time (koc::points_balances, koc/rewards/points.hpp): lots are the ledgers'
 * points lines with when their run paid them (n_lots rows: koc_id, amount, earned_at unix seconds; cuts
 * net with what they cut), redemptions what KOCs spent (n_redeemed rows: koc_id, amount > 0, at). Expiry
 * follows the policy's points section; a redemption spends the lot that expires first. Errors name the
 * row and "lots.<column>" / "redemptions.<column>". The result: one row per KOC, ascending koc_id. */
typedef struct koc_points_balances koc_points_balances;
KOC_EXPORT koc_status koc_points_balances_compute(const koc_reward_policy* policy, const int64_t* lot_koc_id,
                                                  const int64_t* lot_amount, const int64_t* lot_earned_at, size_t n_lots,
                                                  const int64_t* redeemed_koc_id, const int64_t* redeemed_amount,
                                                  const int64_t* redeemed_at, size_t n_redeemed, int64_t as_of,
                                                  koc_points_balances** out);
typedef enum koc_points_column {
  KOC_POINTS_KOC_ID = 0,
  KOC_POINTS_EARNED = 1,
  KOC_POINTS_EXPIRED = 2,
  KOC_POINTS_REDEEMED = 3,
  KOC_POINTS_BALANCE = 4,            /* earned = expired + redeemed + balance */
  KOC_POINTS_NEXT_EXPIRY_AT = 5,     /* unix seconds; INT64_MAX = nothing expires */
  KOC_POINTS_NEXT_EXPIRY_AMOUNT = 6
} koc_points_column;
/* Zero-copy: *data points into the result (valid until destroy), *len = number of KOCs. */
KOC_EXPORT koc_status koc_points_balances_column(const koc_points_balances* balances, koc_points_column column,
                                                 const int64_t** data, size_t* len);
KOC_EXPORT void koc_points_balances_destroy(koc_points_balances* balances);

typedef enum koc_ledger_int64_column {
  KOC_LEDGER_KOC_ID = 0,      /* -1 on a task's no_completion line */
  KOC_LEDGER_TASK_ID = 1,     /* -1 on tier entitlements and a KOC's no_completion line */
  KOC_LEDGER_CAMPAIGN_ID = 2, /* -1 none */
  KOC_LEDGER_COMPLETION = 3,  /* completion row, -1 when not tied to one */
  KOC_LEDGER_AMOUNT = 4,      /* minor units; negative only on cap_cut / budget_cut lines */
  KOC_LEDGER_GROSS = 5,       /* before gates, tier and rounding */
  KOC_LEDGER_BASIS = 6,       /* the quantity behind the line (views, days, rank, budget...) */
  KOC_LEDGER_AUX = 7          /* rule-specific detail (step index, entitlement index...) */
} koc_ledger_int64_column;
typedef enum koc_ledger_int32_column {
  KOC_LEDGER_RULE = 0,    /* index into the ledger's rule names, -1 none */
  KOC_LEDGER_GATE_BP = 1, /* quality gate applied, 10000 = none */
  KOC_LEDGER_TIER_BP = 2  /* tier multiplier applied, 10000 = none */
} koc_ledger_int32_column;
typedef enum koc_ledger_uint8_column {
  KOC_LEDGER_KIND = 0,     /* koc_line_kind */
  KOC_LEDGER_REASON = 1,   /* koc_line_reason */
  KOC_LEDGER_CURRENCY = 2  /* currency index, KOC_NO_CURRENCY on lines without an amount */
} koc_ledger_uint8_column;
/* Zero-copy: *data points into the ledger (valid until koc_ledger_destroy), *len = n_lines values. */
KOC_EXPORT koc_status koc_ledger_int64(const koc_ledger* ledger, koc_ledger_int64_column column, const int64_t** data,
                                       size_t* len);
KOC_EXPORT koc_status koc_ledger_int32(const koc_ledger* ledger, koc_ledger_int32_column column, const int32_t** data,
                                       size_t* len);
KOC_EXPORT koc_status koc_ledger_uint8(const koc_ledger* ledger, koc_ledger_uint8_column column, const uint8_t** data,
                                       size_t* len);
/* Rule names: the policy's rule ids (same indices) then "tier:<name>" per policy tier. */
KOC_EXPORT koc_status koc_ledger_rule_count(const koc_ledger* ledger, int32_t* n_rules);
KOC_EXPORT koc_status koc_ledger_rule_name(const koc_ledger* ledger, int32_t rule, char* buf, size_t capacity,
                                           size_t* required);
/* The readable sentence of one line ("stepped bonus: 120,000 views ≥ 100,000 step → +300.00 CNY"). */
KOC_EXPORT koc_status koc_ledger_explain(const koc_ledger* ledger, size_t line, char* buf, size_t capacity,
                                         size_t* required);

/* Totals grouped by (id, currency), sorted by id then currency index; lines without a currency are left
 * out, as are lines whose id is -1. cut = the shortfall (minus the sum of cap_cut and budget_cut
 * lines, >= 0). For KOC_TOTALS_BY_CURRENCY the id is the currency index. Zero-copy, n_groups rows. */
typedef enum koc_totals_group {
  KOC_TOTALS_BY_KOC = 0,
  KOC_TOTALS_BY_TASK = 1,
  KOC_TOTALS_BY_CAMPAIGN = 2,
  KOC_TOTALS_BY_CURRENCY = 3
} koc_totals_group;
KOC_EXPORT koc_status koc_ledger_totals(const koc_ledger* ledger, koc_totals_group group, const int64_t** id,
                                        const uint8_t** currency, const int64_t** amount, const int64_t** cut,
                                        size_t* n_groups);
/* Checks the ledger against the inputs it was computed from, without recomputing it (koc::verify,
 * with the ledger's copy of the policy, and of the earlier lines of koc_ledger_settle): *ok = 1 when every property holds, else 0 with the first
 * violation in buf (size-query convention; buf may be NULL with capacity 0). */
KOC_EXPORT koc_status koc_ledger_verify(const koc_ledger* ledger, const koc_reward_tasks* tasks,
                                        const koc_reward_assignments* assignments,
                                        const koc_reward_completions* completions, const koc_reward_kocs* kocs,
                                        int32_t* ok, char* buf, size_t capacity, size_t* required);
KOC_EXPORT void koc_ledger_destroy(koc_ledger* ledger);

#ifdef __cplusplus
}
#endif

#endif /* KOC_KOC_H */

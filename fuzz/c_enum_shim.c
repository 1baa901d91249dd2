/* The fuzzer's C caller: C lets any int travel in a koc enum parameter (a value from a newer header, a
 * corrupted field), so the C ABI must cope with it. Doing the int -> enum conversion here, in C, models
 * that caller exactly; doing it in the C++ fuzzer would itself be undefined behaviour. */
#include <koc/koc.h>

const char* koc_fuzz_status_string(int status) { return koc_status_string((koc_status)status); }

koc_status koc_fuzz_roster_set_metric(koc_roster* roster, int metric, const double* values, size_t len) {
  return koc_roster_set_metric(roster, (koc_metric)metric, values, len);
}

koc_status koc_fuzz_roster_set_flag(koc_roster* roster, int flag, const uint8_t* values, size_t len) {
  return koc_roster_set_flag(roster, (koc_flag)flag, values, len);
}

koc_status koc_fuzz_tier_result_column(const koc_tier_result* result, int column, int32_t* out, size_t len) {
  return koc_tier_result_column(result, (koc_tier_column)column, out, len);
}

koc_status koc_fuzz_task_table_set_column(koc_task_table* tasks, int column, const int32_t* values, size_t len) {
  return koc_task_table_set_column(tasks, (koc_task_column)column, values, len);
}

koc_status koc_fuzz_profiles_set_column(koc_profiles* profiles, int column, const int32_t* values, size_t len) {
  return koc_profiles_set_column(profiles, (koc_profile_column)column, values, len);
}

koc_status koc_fuzz_match(const koc_roster* roster, const koc_tier_result* tiers, const koc_profiles* profiles,
                          const koc_task_table* tasks, const koc_matching_policy* policy, const koc_tier_policy* ladder,
                          const int64_t* decline_koc_id, const int64_t* decline_task_id, size_t n_declines,
                          const int64_t* pref_koc_id, const int64_t* pref_task_id, const int32_t* pref_rank,
                          size_t n_preferences, int mode, int objective, koc_match_result** out) {
  return koc_match(roster, tiers, profiles, tasks, policy, ladder, decline_koc_id, decline_task_id, n_declines, pref_koc_id,
                   pref_task_id, pref_rank, n_preferences, (koc_match_mode)mode, (koc_match_objective)objective, out);
}

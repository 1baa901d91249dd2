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

#ifdef __cplusplus
}
#endif

#endif /* KOC_KOC_H */

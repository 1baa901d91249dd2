// Version, status names and the thread-local last error of the C ABI.
#include "guard.hpp"

#include <koc/version.hpp>

static_assert(KOC_VERSION_NUMBER == koc::version_number, "koc.h and version.hpp disagree");
static_assert(static_cast<int>(koc::errc::internal) == KOC_ERROR_INTERNAL, "koc_status must mirror koc::errc");
static_assert(static_cast<int>(koc::errc::timeout) == KOC_ERROR_TIMEOUT, "koc_status must mirror koc::errc");
static_assert(static_cast<int>(koc::errc::cancelled) == KOC_ERROR_CANCELLED, "koc_status must mirror koc::errc");

namespace koc::c_api {
last_error& thread_last_error() noexcept {
  static thread_local last_error e;
  return e;
}
}  // namespace koc::c_api

extern "C" {

uint32_t koc_version_number(void) { return KOC_VERSION_NUMBER; }

const char* koc_version_string(void) {
#define KOC_STR2(x) #x
#define KOC_STR(x) KOC_STR2(x)
  return KOC_STR(KOC_VERSION_MAJOR) "." KOC_STR(KOC_VERSION_MINOR) "." KOC_STR(KOC_VERSION_PATCH);
}

const char* koc_status_string(koc_status status) {
  switch (koc::c_api::c_enum(status)) {
    case KOC_OK: return "KOC_OK";
    case KOC_ERROR_INVALID_ARGUMENT: return "KOC_ERROR_INVALID_ARGUMENT";
    case KOC_ERROR_INVALID_VALUE: return "KOC_ERROR_INVALID_VALUE";
    case KOC_ERROR_LENGTH_MISMATCH: return "KOC_ERROR_LENGTH_MISMATCH";
    case KOC_ERROR_DUPLICATE_ID: return "KOC_ERROR_DUPLICATE_ID";
    case KOC_ERROR_UNKNOWN_NAME: return "KOC_ERROR_UNKNOWN_NAME";
    case KOC_ERROR_UNKNOWN_ID: return "KOC_ERROR_UNKNOWN_ID";
    case KOC_ERROR_INVALID_POLICY: return "KOC_ERROR_INVALID_POLICY";
    case KOC_ERROR_OVERFLOW: return "KOC_ERROR_OVERFLOW";
    case KOC_ERROR_OUT_OF_RANGE: return "KOC_ERROR_OUT_OF_RANGE";
    case KOC_ERROR_INTERNAL: return "KOC_ERROR_INTERNAL";
    case KOC_ERROR_TIMEOUT: return "KOC_ERROR_TIMEOUT";
    case KOC_ERROR_CANCELLED: return "KOC_ERROR_CANCELLED";
    case KOC_ERROR_NULL_POINTER: return "KOC_ERROR_NULL_POINTER";
    case KOC_ERROR_BUFFER_TOO_SMALL: return "KOC_ERROR_BUFFER_TOO_SMALL";
    case KOC_ERROR_OUT_OF_MEMORY: return "KOC_ERROR_OUT_OF_MEMORY";
  }
  return "KOC_UNKNOWN_STATUS";
}

const char* koc_last_error_message(void) { return koc::c_api::thread_last_error().message.c_str(); }
int64_t koc_last_error_row(void) { return koc::c_api::thread_last_error().row; }
const char* koc_last_error_field(void) { return koc::c_api::thread_last_error().field.c_str(); }

}  // extern "C"

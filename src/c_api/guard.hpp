// The one try/catch wrapper every C entry point goes through: no exception crosses extern "C".
#pragma once

#include <koc/error.hpp>
#include <koc/koc.h>

#include <cstring>

#include <cstdint>
#include <new>
#include <string>

namespace koc::c_api {

struct last_error {
  std::string message;
  std::string field;
  std::int64_t row = -1;
};

last_error& thread_last_error() noexcept;

inline koc_status fail(koc_status s, std::string message, std::int64_t row = -1, std::string field = {}) {
  auto& e = thread_last_error();
  e.message = std::move(message);
  e.row = row;
  e.field = std::move(field);
  return s;
}

/// Runs `body` (which returns void or koc_status) and maps every exception to a status + message.
template <class F>
koc_status guarded(F&& body) noexcept {
  try {
    auto& e = thread_last_error();
    e.message.clear();
    e.field.clear();
    e.row = -1;
    if constexpr (std::is_same_v<decltype(body()), void>) {
      body();
      return KOC_OK;
    } else {
      return body();
    }
  } catch (const koc::error& ex) {
    try {
      return fail(static_cast<koc_status>(ex.code()), ex.what(), ex.row(), ex.field());
    } catch (...) {
      return static_cast<koc_status>(ex.code());
    }
  } catch (const std::bad_alloc&) {
    try { return fail(KOC_ERROR_OUT_OF_MEMORY, "out of memory"); } catch (...) { return KOC_ERROR_OUT_OF_MEMORY; }
  } catch (const std::exception& ex) {
    try { return fail(KOC_ERROR_INTERNAL, std::string("internal error: ") + ex.what()); } catch (...) { return KOC_ERROR_INTERNAL; }
  } catch (...) {
    try { return fail(KOC_ERROR_INTERNAL, "internal error: unknown exception"); } catch (...) { return KOC_ERROR_INTERNAL; }
  }
}

}  // namespace koc::c_api

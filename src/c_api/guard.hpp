// The one try/catch wrapper every C entry point goes through: no exception crosses extern "C".
#pragma once

#include <koc/error.hpp>
#include <koc/koc.h>

#include <cstring>

#include <cstdint>
#include <new>
#include <string>
#include <type_traits>

namespace koc::c_api {

struct last_error {
  std::string message;
  std::string field;
  std::int64_t row = -1;
};

last_error& thread_last_error() noexcept;

/// The integer a C caller passed in an enum parameter. C lets any int travel in a C enum, but in C++
/// reading an enum object whose value lies outside the range of its enumerators is undefined behaviour
/// (UBSan's -fsanitize=enum aborts on it), so entry points read enum arguments only through this.
template <class E>
int c_enum(const E& value) noexcept {
  static_assert(std::is_enum<E>::value && sizeof(E) == sizeof(int), "C enums are int-sized");
  int v;
  std::memcpy(&v, &value, sizeof v);
  return v;
}

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

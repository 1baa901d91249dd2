// The one result of every independent re-check in koc (each `verify`): did it hold, and if not, the
// first violation found.
//
//   const koc::check_result c = koc::verify(match_result);
//   if (!c) log(c.message);                     // explicit operator bool: true only when it holds
//
// A failing check is returned, never thrown, on every front: the C ABI's *_verify functions return ok and
// the message, Python's verify() methods return koc.Check (falsy when it fails, with .message). Input that
// cannot be checked at all (columns of the wrong length) is still an error (koc::error).
#pragma once

#include <string>
#include <utility>

namespace koc {

struct check_result {
  bool ok = true;
  std::string message;  ///< the first violation found; when ok, empty or a short note of what was proved

  explicit operator bool() const noexcept { return ok; }

  static check_result pass(std::string note = {}) { return {true, std::move(note)}; }
  static check_result fail(std::string violation) { return {false, std::move(violation)}; }
};

}  // namespace koc

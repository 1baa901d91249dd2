// What the fuzz targets share: a check that aborts with a message (libFuzzer then saves the input),
// and the rule that only koc::error, with a known code, may come out of koc on bad input.
#pragma once

#include <koc/error.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace koc::fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "koc fuzz invariant violated: %s\n", what.c_str());
  std::abort();
}

inline void check(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

/// A koc::error must carry a real code (never ok, never internal) and a message.
inline void check_error(const koc::error& e) {
  check(e.code() != errc::ok && e.code() != errc::internal, std::string("bad error code for: ") + e.what());
  check(e.code() >= errc::invalid_argument && e.code() <= errc::out_of_range, std::string("unknown error code for: ") + e.what());
  check(!e.detail().empty(), "koc::error without a message");
}

}  // namespace koc::fuzz

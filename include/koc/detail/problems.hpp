// Collecting every problem of a document read in one pass (the policy readers), instead of the first.
//
// A reader takes a problem_sink and reads each independent part (a key, an entry of a list) under
// sink.attempt(): a koc::error the part throws is recorded and the reader goes on with the next part, the
// part keeping its default. Checks across parts report through sink.check(), which stays silent about a
// part that already has a problem (its value is a default, not the author's: judging it would only echo
// the first problem). When the limit is reached, the sink throws problem_sink::full past every attempt().
//
// The throwing reader is the same reader with a limit of 1 (first_problem_or): one owner for every check.
#pragma once

#include <koc/error.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace koc::detail {

class problem_sink {
 public:
  struct full {};  ///< thrown when the limit is reached

  explicit problem_sink(std::size_t limit) : limit_(limit) {
    if (limit == 0) throw error(errc::invalid_argument, "the problem limit must be at least 1", -1, "limit");
  }

  /// Runs f(); a koc::error it throws is recorded (and f's part is left as it was).
  template <class F>
  void attempt(F&& f) {
    try {
      f();
    } catch (const error& e) {
      add(e);
    }
  }

  /// Records a problem; throws full when it is the limit-th.
  void add(const error& e) {
    out_.push_back(e);
    if (out_.size() >= limit_) throw full{};
  }

  /// A check across parts: records error(code, what, -1, field) unless `field`, or the part `also` it
  /// compares with, already has a problem (at it, inside it or around it).
  void check(bool ok, errc code, const std::string& what, const std::string& field, const std::string& also = {}) {
    if (ok || touched(field) || (!also.empty() && touched(also))) return;
    add(error(code, what, -1, field));
  }

  bool touched(const std::string& path) const {
    for (const auto& e : out_)
      if (nested(e.field(), path) || nested(path, e.field())) return true;
    return false;
  }

  std::vector<error>& problems() noexcept { return out_; }

 private:
  /// `inner` is `outer` or a part of it ("tiers[1].name" is in "tiers[1]" and in "tiers"; "$" holds all).
  static bool nested(const std::string& inner, const std::string& outer) {
    if (outer == "$" || outer.empty()) return true;
    if (inner.compare(0, outer.size(), outer) != 0) return false;
    return inner.size() == outer.size() || inner[outer.size()] == '.' || inner[outer.size()] == '[';
  }

  std::size_t limit_;
  std::vector<error> out_;
};

/// Every problem read(sink) finds, at most `limit`.
template <class Read>
std::vector<error> collect_problems(std::size_t limit, Read&& read) {
  problem_sink sink(limit);
  try {
    sink.attempt([&] { read(sink); });
  } catch (const problem_sink::full&) {
  }
  return std::move(sink.problems());
}

/// read(sink) with a limit of 1: its result, or the first problem thrown.
template <class Read>
auto first_problem_or(Read&& read) -> decltype(read(std::declval<problem_sink&>())) {
  problem_sink sink(1);  // its first problem throws full
  try {
    return read(sink);
  } catch (const problem_sink::full&) {
    throw sink.problems().front();
  }
}

}  // namespace koc::detail

// Time limits, cancellation and progress for long solves (the capacitated assignment, and koc::match
// through it).
//
//   koc::capacitated_assignment_options opt;
//   opt.control.time_limit_seconds = 30;                   // then koc::error(errc::timeout)
//   opt.control.cancel = [&] { return stop_flag.load(); };  // true: koc::error(errc::cancelled)
//   opt.control.progress = [](const koc::solve_progress& p) { draw_bar(p.fraction); };
//
// A solve that stops early throws: no partial assignment is ever returned as if it were optimal. The
// checks run every few thousand steps of the solver (a few milliseconds apart at most on the benchmark
// shapes), from the solving thread; `cancel` may read state another thread sets. The callbacks must not
// throw (an exception from one propagates out of the solve, as if cancelled, with its own type).
#pragma once

#include <koc/error.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace koc {

struct solve_progress {
  double fraction = 0;      ///< estimated share of the work done, in [0, 1]; never decreases
  std::int64_t steps = 0;   ///< the method's unit of work so far (auction: bids; shortest paths: searches)
  std::int64_t phase = 0;   ///< auction: the epsilon phase under way, 1-based; shortest paths: 0
  std::int64_t phases = 0;  ///< auction: phases expected; shortest paths: 0
  double seconds = 0;       ///< since the solve started
};

struct solve_control {
  double time_limit_seconds = 0;                         ///< > 0: stop with errc::timeout past it
  std::function<bool()> cancel;                          ///< true: stop with errc::cancelled
  std::function<void(const solve_progress&)> progress;  ///< called about every progress_interval_seconds
  double progress_interval_seconds = 0.1;
};

namespace detail {

/// The solving thread's view of a solve_control: a clock, and the checks solvers call between steps.
class solve_watch {
 public:
  explicit solve_watch(const solve_control& c) : c_(c), start_(clock::now()) {
    if (!(c.time_limit_seconds >= 0) || !(c.progress_interval_seconds >= 0))
      throw error(errc::invalid_argument, "time limit and progress interval must be >= 0", -1, "time_limit");
  }

  bool active() const noexcept { return c_.time_limit_seconds > 0 || c_.cancel || c_.progress; }

  /// Throws errc::timeout / errc::cancelled when the solve must stop; reports progress when due.
  void check(const solve_progress& p) {
    if (!active()) return;
    const double s = seconds();
    if (c_.time_limit_seconds > 0 && s > c_.time_limit_seconds) {
      char limit[32];
      std::snprintf(limit, sizeof limit, "%g", c_.time_limit_seconds);
      throw error(errc::timeout, std::string("the solve did not finish within its time limit of ") + limit + " s", -1,
                  "time_limit");
    }
    if (c_.cancel && c_.cancel()) throw error(errc::cancelled, "the solve was cancelled", -1, "cancel");
    if (c_.progress && (s >= next_report_ || p.fraction >= 1)) {
      next_report_ = s + c_.progress_interval_seconds;
      solve_progress q = p;
      q.seconds = s;
      q.fraction = reported_ = std::max(reported_, std::min(1.0, std::max(0.0, p.fraction)));  // estimates wobble
      c_.progress(q);
    }
  }

  double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

 private:
  using clock = std::chrono::steady_clock;
  const solve_control& c_;
  clock::time_point start_;
  double next_report_ = 0;
  double reported_ = 0;
};

}  // namespace detail
}  // namespace koc

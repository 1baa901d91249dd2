// Fuzzes koc::solve_capacitated_assignment / resolve_capacitated_assignment
// (include/koc/matching/capacitated_assignment.hpp) with arbitrary small candidate graphs: up to 8 KOCs
// x 8 tasks, any subset of pairs, scores from a palette (ties, zero, negative, sub-resolution) or raw
// bounded doubles, capacities and slots 0..3 or unlimited, both objectives, several resolutions.
// Methods: the auction, shortest paths or the automatic choice, from the input.
// Invariants: every result passes koc::verify (exact integer certificate, per-row reasons); the other
// method reaches the same optimum; the same input gives the same result; a warm start from the duals of
// a perturbed problem (solved by either method) gives a certified result with the same optimal total;
// bad input (overflowing scores) is refused with koc::error.
#include "fuzz_check.hpp"

#include <koc/matching/capacitated_assignment.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace {

double score(FuzzedDataProvider& in) {
  static const double palette[] = {0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 1e-7, 4e-7, 5e-7, 0.999999, 100.0, 1e6, -3.5};
  const std::uint8_t mode = in.ConsumeIntegral<std::uint8_t>();
  if (mode < 128) return palette[mode % (sizeof(palette) / sizeof(palette[0]))];
  if (mode < 240) return static_cast<double>(in.ConsumeIntegralInRange<int>(-5, 20));
  return in.ConsumeFloatingPointInRange<double>(-1e9, 1e9);
}

std::int32_t amount(FuzzedDataProvider& in) {
  const int v = in.ConsumeIntegralInRange<int>(0, 4);
  return v == 4 ? std::numeric_limits<std::int32_t>::max() : v;  // unlimited slots
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using koc::fuzz::check;
  FuzzedDataProvider in(data, size);
  koc::candidate_graph g;
  g.n_kocs = in.ConsumeIntegralInRange<std::size_t>(0, 8);
  g.n_tasks = in.ConsumeIntegralInRange<std::size_t>(0, 8);
  for (std::size_t k = 0; k < g.n_kocs; ++k) {
    for (std::size_t t = 0; t < g.n_tasks; ++t)
      if (in.ConsumeBool()) {
        g.task.push_back(static_cast<std::int32_t>(t));
        g.score.push_back(score(in));
      }
    g.offsets.push_back(static_cast<std::int64_t>(g.task.size()));
  }
  std::vector<std::int32_t> capacity, slots;
  for (std::size_t k = 0; k < g.n_kocs; ++k) capacity.push_back(amount(in));
  for (std::size_t t = 0; t < g.n_tasks; ++t) slots.push_back(amount(in));
  koc::capacitated_assignment_options opt;
  opt.objective = in.ConsumeBool() ? koc::capacitated_objective::max_fill_then_score : koc::capacitated_objective::max_score;
  static const double resolutions[] = {1e-6, 1.0, 0.5, 1e-3, 1e-12};
  opt.score_resolution = resolutions[in.ConsumeIntegralInRange<std::size_t>(0, 4)];
  static const koc::capacitated_method methods[] = {koc::capacitated_method::auction, koc::capacitated_method::shortest_paths,
                                                    koc::capacitated_method::automatic};
  opt.method = methods[in.ConsumeIntegralInRange<std::size_t>(0, 2)];
  auto other = opt;
  other.method = opt.method == koc::capacitated_method::shortest_paths ? koc::capacitated_method::auction
                                                                      : koc::capacitated_method::shortest_paths;

  koc::capacitated_assignment_result r;
  try {
    r = koc::solve_capacitated_assignment(g, capacity, slots, opt);
  } catch (const koc::error& e) {
    koc::fuzz::check_error(e);
    check(e.code() == koc::errc::overflow, std::string("a well-formed graph was refused: ") + e.what());
    return 0;
  }
  const auto rep = koc::verify(g, capacity, slots, opt, r);
  check(rep.ok, "certificate rejected: " + rep.message);
  // The other method, when its integers fit (the auction's scaled scores may not), finds the same optimum.
  try {
    const auto o = koc::solve_capacitated_assignment(g, capacity, slots, other);
    check(koc::verify(g, capacity, slots, other, o).ok, "the other method's certificate rejected");
    check(o.total_score_units == r.total_score_units &&
              (opt.objective == koc::capacitated_objective::max_score || o.assigned == r.assigned),
          "the two methods disagree: " + std::to_string(o.total_score_units) + " vs " + std::to_string(r.total_score_units));
  } catch (const koc::error& e) {
    check(e.code() == koc::errc::overflow && other.method == koc::capacitated_method::auction,
          std::string("the other method refused a solved input: ") + e.what());
  }
  const auto again = koc::solve_capacitated_assignment(g, capacity, slots, opt);
  check(again.pair == r.pair && again.duals.task_potential == r.duals.task_potential &&
            again.duals.koc_potential == r.duals.koc_potential && again.koc_reason == r.koc_reason &&
            again.task_reason == r.task_reason,
        "two solves of the same input differ");

  // Warm start from a perturbed problem's prices: capacities and slots shifted by the remaining bytes.
  std::vector<std::int32_t> capacity2 = capacity, slots2 = slots;
  for (auto& c : capacity2) c = in.ConsumeBool() ? amount(in) : c;
  for (auto& s : slots2) s = in.ConsumeBool() ? amount(in) : s;
  const auto perturbed_opt = in.ConsumeBool() ? opt : other;
  koc::capacitated_assignment_result perturbed;
  try {
    perturbed = koc::solve_capacitated_assignment(g, capacity2, slots2, perturbed_opt);
  } catch (const koc::error&) {
    perturbed = koc::solve_capacitated_assignment(g, capacity2, slots2, opt);  // the auction did not fit
  }
  check(koc::verify(g, capacity2, slots2, opt, perturbed).ok, "certificate of the perturbed problem rejected");
  const auto warm = koc::resolve_capacitated_assignment(g, capacity, slots, opt, perturbed.duals);
  const auto wrep = koc::verify(g, capacity, slots, opt, warm);
  check(wrep.ok, "warm-started result rejected: " + wrep.message);
  // Under max_score several optima may differ in size; under max_fill_then_score the size is the max flow.
  const bool same_size = opt.objective == koc::capacitated_objective::max_score || warm.assigned == r.assigned;
  check(warm.total_score_units == r.total_score_units && same_size,
        "warm start found another optimum: " + std::to_string(warm.total_score_units) + " vs " +
            std::to_string(r.total_score_units));
  return 0;
}

// Two-person teams for collaborative tasks (article 002). No Boost: the solver is koc's own.
//
//   std::vector<std::int64_t> members = {101, 205, 317, 420};   // KOC ids (or rows: returned as given)
//   Eigen::MatrixXd compat = ...;                                 // members × members, symmetric
//   koc::team_pairing_result teams = koc::pair_into_teams(members, compat);
//   // or koc::pair_into_teams(members, [&](std::int64_t a, std::int64_t b) { return ...; });
//   assert(koc::verify(members, compat, teams).ok);
//
// Teams: a maximum-weight matching on the general (non-bipartite) compatibility graph, computed by
// koc's own Edmonds blossom algorithm with dual variables (koc/matching/detail/blossom.hpp; J. Edmonds,
// "Paths, trees, and flowers", Canad. J. Math. 17 (1965); Z. Galil, "Efficient algorithms for finding
// maximum matching in graphs", ACM Comput. Surv. 18 (1986)). Only pairs with compatibility > 0 are
// candidates: a pair that adds nothing is not formed. Complexity: O(V³) time, O(V²) memory for V
// members (about 40 bytes per pair of members: a dense pool of 2,000 takes ~80 MB at the peak and 1-2
// s), so this is meant for team-sized pools (hundreds to a few thousand KOCs), not a whole roster.
// BGL's maximum_weighted_matching is no longer used here (Boost 1.74's leaks its blossoms on every
// call and can miss the optimum, boostorg/graph#399); the tests keep it as an oracle.
//
// Weights: compatibilities are converted to int64 in fixed point so that the blossom algorithm's
// slacks compare exactly: integral compatibilities up to 2^40 are used as they are (exact);
// otherwise they are scaled by the power of two that brings the largest to about 2^40 and rounded,
// so the pairing is optimal for scores rounded to 2^-40 of the largest (a positive compatibility
// never rounds below 1, so every compatible pair stays a candidate). Totals are reported in the
// caller's units. Optimality: the solver returns a dual certificate (LP duality for the matching
// polytope) that detail::check_matching_certificate checks in exact integers; pair_positions checks
// it in builds without NDEBUG and the tests check it on every solve. verify() re-checks feasibility
// and the reported total from the matrix alone.
// Determinism: edges are listed in (i, j) order of member positions and the solver is deterministic
// (tie-break documented in detail/blossom.hpp: scan order of vertices and edges), so the same input
// gives the same pairs.
#pragma once

#include <koc/check.hpp>
#include <koc/error.hpp>
#include <koc/matching/detail/blossom.hpp>
#include <koc/span.hpp>

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace koc {

enum class unpaired_reason : std::uint8_t {
  no_compatible_partner = 0,  ///< nobody in the pool has compatibility > 0 with this KOC
  partners_taken = 1,         ///< its compatible partners are in pairs that add more in total
};

struct team_pairing_result {
  std::vector<std::int64_t> first, second;  ///< the pairs, as member values; first is the earlier member
  std::vector<double> compatibility;        ///< per pair
  double total = 0.0;                       ///< Σ compatibility, summed in pair order
  std::vector<std::int64_t> unpaired;       ///< members without a partner, in input order
  std::vector<std::uint8_t> unpaired_reason;
};

namespace detail {

/// The integer problem behind a pairing and its certified solution (vertex i is member position i).
struct team_matching_trace {
  std::vector<blossom_edge> edges;  ///< pairs with compatibility > 0, in (i, j) order, fixed-point weights
  weighted_matching matching;
};

/// compat(i, j) over member positions; validated symmetric and not NaN. When `trace` is given it
/// receives the integer problem and the solver's result with its certificate.
template <class Compat>
team_pairing_result pair_positions(span<const std::int64_t> members, Compat compat, team_matching_trace* trace = nullptr) {
  const std::size_t n = members.size();
  if (n > blossom_max_vertices) throw error(errc::out_of_range, "too many members to pair into teams (at most 2^20)", -1, "members");
  std::vector<blossom_edge> edges;
  std::vector<double> w;  // the compatibilities of `edges`, until they are converted
  double largest = 0.0;
  bool integral = true;
  std::vector<std::uint8_t> has_partner(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double c = compat(i, j), d = compat(j, i);
      if (std::isnan(c)) throw error(errc::invalid_value, "compatibility is NaN", static_cast<std::int64_t>(i), "compatibility[" + std::to_string(j) + "]");
      if (c == std::numeric_limits<double>::infinity())
        throw error(errc::invalid_value, "compatibility is +infinity", static_cast<std::int64_t>(i), "compatibility[" + std::to_string(j) + "]");
      if (!(c == d)) throw error(errc::invalid_value, "compatibility is not symmetric", static_cast<std::int64_t>(j), "compatibility[" + std::to_string(i) + "]");
      if (!(c > 0)) continue;
      edges.push_back({static_cast<std::int32_t>(i), static_cast<std::int32_t>(j), 0});
      w.push_back(c);
      largest = std::max(largest, c);
      integral = integral && c == std::floor(c);
      has_partner[i] = has_partner[j] = 1;
    }
  const double limit = std::ldexp(1.0, 40);
  // Scaled by 2^shift with ldexp, exact for every weight: the factor itself leaves the double range for a
  // largest compatibility below 2^-983 (2^shift = +inf) or above 2^1000.
  int shift = 0;
  if (!(integral && largest <= limit) && largest > 0) shift = 40 - std::ilogb(largest) - 1;
  for (std::size_t e = 0; e < edges.size(); ++e)
    edges[e].weight = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(std::ldexp(w[e], shift))));
  std::vector<double>().swap(w);
  weighted_matching solved = max_weight_matching(n, edges);
#ifndef NDEBUG
  const matching_check proof = check_matching_certificate(n, edges, solved);
  if (!proof.ok) throw error(errc::internal, "team pairing failed its optimality certificate: " + proof.message);
#endif
  team_pairing_result out;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t mate = solved.mate[i];
    if (mate < 0) {
      out.unpaired.push_back(members[i]);
      out.unpaired_reason.push_back(static_cast<std::uint8_t>(has_partner[i] ? unpaired_reason::partners_taken
                                                                             : unpaired_reason::no_compatible_partner));
    } else if (static_cast<std::size_t>(mate) > i) {
      const auto j = static_cast<std::size_t>(mate);
      out.first.push_back(members[i]);
      out.second.push_back(members[j]);
      out.compatibility.push_back(compat(i, j));
      out.total += out.compatibility.back();
    }
  }
  if (trace) {
    trace->edges = std::move(edges);
    trace->matching = std::move(solved);
  }
  return out;
}

}  // namespace detail

/// Pairs members into two-person teams maximising total compatibility. `compatibility` is
/// members × members and symmetric (the diagonal is not read); entries <= 0 or -inf mean "do not
/// pair"; NaN or +inf throws invalid_value naming row i and field "compatibility[j]".
inline team_pairing_result pair_into_teams(span<const std::int64_t> members, const Eigen::Ref<const Eigen::MatrixXd>& compatibility) {
  if (compatibility.rows() != static_cast<Eigen::Index>(members.size()) || compatibility.cols() != compatibility.rows())
    throw error(errc::length_mismatch, "compatibility must be members × members", -1, "compatibility");
  return detail::pair_positions(members, [&](std::size_t i, std::size_t j) {
    return compatibility(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
  });
}

/// As above with a function compat(member_a, member_b) -> double over member values; it must be
/// symmetric (checked) and is called twice per unordered pair and once more per chosen pair.
template <class Compat, class = decltype(std::declval<Compat>()(std::int64_t{}, std::int64_t{})),
          class = std::enable_if_t<!std::is_base_of<Eigen::EigenBase<Compat>, Compat>::value>>
team_pairing_result pair_into_teams(span<const std::int64_t> members, Compat compat) {
  return detail::pair_positions(members, [&](std::size_t i, std::size_t j) { return static_cast<double>(compat(members[i], members[j])); });
}

using team_report = check_result;  ///< what verify() returns (koc/check.hpp)

/// Checks a pairing against the matrix: every member at most once, each pair has compatibility > 0,
/// the reported compatibilities and total are right, unpaired lists exactly the others with the right
/// reason, and no two unpaired members could form a compatible pair (else the total is not maximal).
inline team_report verify(span<const std::int64_t> members, const Eigen::Ref<const Eigen::MatrixXd>& compatibility,
                          const team_pairing_result& r) {
  auto fail = [](std::string s) { return team_report{false, std::move(s)}; };
  const std::size_t n = members.size();
  auto pos = [&](std::int64_t v) -> std::int64_t {
    for (std::size_t i = 0; i < n; ++i)
      if (members[i] == v) return static_cast<std::int64_t>(i);
    return -1;
  };
  std::vector<int> seen(n, 0);
  double total = 0.0;
  if (r.first.size() != r.second.size() || r.compatibility.size() != r.first.size()) return fail("pair columns differ in length");
  for (std::size_t p = 0; p < r.first.size(); ++p) {
    const auto a = pos(r.first[p]), b = pos(r.second[p]);
    if (a < 0 || b < 0 || a == b) return fail("pair " + std::to_string(p) + " names an unknown or the same member");
    if (seen[static_cast<std::size_t>(a)]++ || seen[static_cast<std::size_t>(b)]++) return fail("a member is in two pairs");
    const double c = compatibility(a, b);
    if (!(c > 0)) return fail("pair " + std::to_string(p) + " is not compatible");
    if (c != r.compatibility[p]) return fail("pair " + std::to_string(p) + " reports the wrong compatibility");
    total += c;
  }
  if (total != r.total) return fail("total is not the sum of the pairs");
  if (r.unpaired.size() != r.unpaired_reason.size()) return fail("unpaired columns differ in length");
  std::size_t next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (seen[i]) continue;
    if (next >= r.unpaired.size() || r.unpaired[next] != members[i]) return fail("unpaired list is wrong at member " + std::to_string(i));
    bool any = false;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const double c = compatibility(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      any = any || c > 0;
      if (!seen[j] && c > 0) return fail("members " + std::to_string(i) + " and " + std::to_string(j) + " are both unpaired but compatible");
    }
    const auto want = any ? unpaired_reason::partners_taken : unpaired_reason::no_compatible_partner;
    if (r.unpaired_reason[next] != static_cast<std::uint8_t>(want)) return fail("unpaired reason is wrong");
    ++next;
  }
  if (next != r.unpaired.size()) return fail("unpaired lists a paired member");
  return {};
}

}  // namespace koc

// Exact maximum-weight matching on a general (non-bipartite) graph, with its optimality certificate.
// The engine behind koc::pair_into_teams (koc/matching/teams.hpp). Internal: not public API.
//
//   std::vector<koc::detail::blossom_edge> edges = {{0, 1, 5}, {1, 2, 4}, {2, 3, 4}};  // a, b, weight
//   koc::detail::weighted_matching m = koc::detail::max_weight_matching(4, edges);
//   // m.mate = {1, 0, 3, 2}, m.total = 9
//   assert(koc::detail::check_matching_certificate(4, edges, m).ok);
//
// Algorithm: Edmonds' blossom algorithm with dual variables (J. Edmonds, "Maximum matching and a
// polyhedron with 0,1-vertices", J. Res. NBS 69B (1965)) in the O(V^3) organisation that Z. Galil's
// survey ("Efficient algorithms for finding maximum matching in graphs", ACM Comput. Surv. 18 (1986))
// gives after H. N. Gabow's implementation: at most V/2 + 1 stages, each growing alternating trees
// from every single vertex over tight edges until it augments or the duals prove optimality; every
// non-S vertex keeps its least-slack edge from S, every S-blossom one per neighbouring S-blossom, so
// a stage costs O(V^2) plus the scans of the vertices it labels S. One addition (see refresh_roots):
// the single vertices share one dual value, so their rows are not scanned at every stage; each
// vertex's heaviest edge to a single vertex stands for all of them. On random dense weights that
// removes nine tenths of the work (2,000 vertices: about 1 s instead of 9 s).
// Complexity: O(V^3) time in the worst case (reached, for instance, by weights w_ab = p_a + p_b,
// under which every perfect matching is optimal and blossoms nest V/2 deep: 2,000 vertices take
// ~10 s); O(V^2) memory: the V×V weight matrix and the neighbours sorted by weight, 12 bytes per
// ordered pair (48 MB for 2,000 vertices). No recursion: nested blossoms are walked with explicit
// stacks, so a few thousand vertices with deeply nested blossoms cannot exhaust the stack.
//
// Integers. Edge weights are integers in [1, 2^40] and there are at most 2^20 vertices. Duals are
// kept doubled (2u_v, 2z_B) so that every value stays an integer and slacks compare exactly. The
// dual objective Σu + Σ z_B⌊|B|/2⌋ starts at V·W/2 and only decreases, and every term is >= 0, so
// no doubled dual exceeds V·W <= 2^60 and every slack expression fits int64.
//
// Certificate (LP duality for the matching polytope, Edmonds 1965): with u_v = twice_u[v] / 2 and
// z_B = twice_z[B] / 2 over the reported odd vertex sets B,
//   u_v >= 0, z_B >= 0, and every edge has slack u_a + u_b - w_ab + Σ_{B ∋ a, b} z_B >= 0,
// so any matching M weighs at most Σu + Σ z_B⌊|B|/2⌋. The matching reaches that bound, hence is
// maximum, when matched edges have slack 0, single vertices have u_v = 0 and every set with z_B > 0
// holds (|B| - 1) / 2 matched edges. check_matching_certificate() checks exactly that, in integers.
//
// Determinism: the result is a function of n and the edge list alone (no hashing, no addresses, no
// threads). Ties between equally heavy matchings are broken by scan order: each stage labels the
// single vertices S in increasing vertex order and first follows the tight edges from single
// vertices, vertex by vertex in increasing order, each through its heaviest edge to a single vertex
// (the lower one on equal weights); then S-vertices are scanned last-labelled first, each over its
// neighbours in increasing vertex order, and the first tight edge found is used; among equal dual
// steps the first candidate in vertex, then blossom order wins.
#pragma once

#include <koc/check.hpp>
#include <koc/error.hpp>
#include <koc/int128.hpp>
#include <koc/span.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace koc {
namespace detail {

/// An undirected edge between vertices a != b (0-based), weight in [1, blossom_max_weight].
struct blossom_edge {
  std::int32_t a = 0, b = 0;
  std::int64_t weight = 0;
};

constexpr std::int64_t blossom_max_weight = std::int64_t{1} << 40;
constexpr std::size_t blossom_max_vertices = std::size_t{1} << 20;

/// Doubled duals of the matching LP, and the odd vertex sets (blossoms) that carry a z variable.
struct matching_certificate {
  std::vector<std::int64_t> twice_u;          ///< n: 2·u_v
  std::vector<std::int64_t> twice_z;          ///< per blossom: 2·z_B
  std::vector<std::int64_t> blossom_offsets;  ///< blossoms + 1: B's vertices are
  std::vector<std::int32_t> blossom_vertices; ///<   blossom_vertices[blossom_offsets[B] .. blossom_offsets[B + 1])
};

/// How much work a solve did; the tests use it to show they reach nested blossoms and expansions.
struct blossom_stats {
  std::int64_t stages = 0;              ///< augmentations + 1
  std::int64_t blossoms_formed = 0;
  std::int64_t t_blossoms_expanded = 0;  ///< mid-stage expansions of T-blossoms whose dual reached 0
  std::int64_t max_nesting = 0;          ///< deepest blossom nesting seen (1 = a blossom of vertices)
};

struct weighted_matching {
  std::vector<std::int32_t> mate;  ///< n: the partner of v, or -1
  std::int64_t total = 0;          ///< Σ weight over matched edges
  matching_certificate certificate;
  blossom_stats stats;
};

using matching_check = check_result;  ///< the blossom certificate's check

class blossom_matcher {
 public:
  /// Validates the graph (throws koc::error naming the edge row) and builds the weight matrix.
  blossom_matcher(std::size_t n, span<const blossom_edge> edges) : n_(static_cast<std::int32_t>(n)) {
    if (n > blossom_max_vertices)
      throw error(errc::out_of_range, "too many vertices for the blossom matcher (at most 2^20)", -1, "n");
    const auto nn = static_cast<std::size_t>(n);
    weight_.assign(nn * nn, 0);
    std::int64_t largest = 0;
    for (std::size_t k = 0; k < edges.size(); ++k) {
      const blossom_edge& e = edges[k];
      const auto row = static_cast<std::int64_t>(k);
      if (e.a < 0 || e.b < 0 || static_cast<std::size_t>(e.a) >= nn || static_cast<std::size_t>(e.b) >= nn)
        throw error(errc::out_of_range, "edge endpoint is not a vertex", row, "edges");
      if (e.a == e.b) throw error(errc::invalid_argument, "edge is a loop", row, "edges");
      if (e.weight < 1 || e.weight > blossom_max_weight)
        throw error(errc::out_of_range, "edge weight outside [1, 2^40]", row, "edges");
      std::int64_t& w = weight_[at(e.a, e.b)];
      if (w != 0) throw error(errc::invalid_argument, "edge appears twice", row, "edges");
      w = weight_[at(e.b, e.a)] = e.weight;
      largest = std::max(largest, e.weight);
    }
    const auto n2 = 2 * nn;
    mate_.assign(nn, -1);
    top_.resize(nn);
    label_.assign(n2, unlabelled);
    label_arc_.assign(n2, no_arc);
    parent_.assign(n2, -1);
    base_.assign(n2, -1);
    children_.resize(n2);
    links_.resize(n2);
    best_list_.resize(n2);
    has_best_list_.assign(n2, 0);
    best_.assign(n2, weighted_arc{});
    best_to_.assign(n2, weighted_arc{});
    depth_.assign(n2, 0);
    best_slack_.assign(nn, no_edge);
    // Neighbours by weight, heaviest first; every vertex starts single, so every cursor at the front.
    is_root_.assign(nn, 1);
    heavy_root_.assign(nn, -1);
    by_weight_off_.assign(nn + 1, 0);
    for (std::int32_t v = 0; v < n_; ++v) {
      const std::int64_t* row = &weight_[at(v, 0)];
      by_weight_off_[idx(v) + 1] = by_weight_off_[idx(v)] + std::count_if(row, row + n_, [](std::int64_t x) { return x != 0; });
    }
    by_weight_.resize(static_cast<std::size_t>(by_weight_off_[nn]));
    cursor_.assign(by_weight_off_.begin(), by_weight_off_.end() - 1);
    sorted_end_ = cursor_;
    for (std::int32_t v = 0; v < n_; ++v) {
      const std::int64_t* row = &weight_[at(v, 0)];
      std::int32_t* out = by_weight_.data() + by_weight_off_[idx(v)];
      for (std::int32_t w = 0; w < n_; ++w)
        if (row[w] != 0) *out++ = w;
      advance_cursor(v);
    }
    // Every vertex starts at u = W/2 (W the largest weight): feasible, and all single vertices share
    // one dual value throughout, which is what lets a stage end by driving them to 0 together.
    dual_.assign(n2, 0);
    for (std::int32_t v = 0; v < n_; ++v) {
      top_[idx(v)] = v;
      base_[idx(v)] = v;
      dual_[idx(v)] = largest;
    }
    for (std::int32_t b = 2 * n_ - 1; b >= n_; --b) free_ids_.push_back(b);
  }

  weighted_matching solve() {
    for (std::int32_t stage = 0; stage < n_; ++stage) {
      ++stats_.stages;
      std::fill(label_.begin(), label_.end(), unlabelled);
      std::fill(best_.begin(), best_.end(), weighted_arc{});
      std::fill(best_slack_.begin(), best_slack_.end(), no_edge);
      for (std::int32_t b = n_; b < 2 * n_; ++b) {
        best_list_[idx(b)].clear();
        has_best_list_[idx(b)] = 0;
      }
      queue_.clear();
      refresh_roots();
      for (std::int32_t v = 0; v < n_; ++v) {
        if (mate_[idx(v)] >= 0 || label_[idx(top_[idx(v)])] != unlabelled) continue;
        if (!is_root_[idx(v)]) {
          assign_label(v, s_label, no_arc);  // the free base of a blossom: its vertices are scanned
          continue;
        }
        label_[idx(v)] = s_label;  // a lone root: its row is read through heavy_root_ instead
        label_arc_[idx(v)] = no_arc;
        best_slack_[idx(v)] = untracked;
        const std::int32_t r = heavy_root_[idx(v)];
        if (r >= 0) best_[idx(v)] = {v, r, weight_[at(v, r)]};
      }
      bool augmented = start_from_roots();
      // Each pass scans the queued S-vertices (a vertex is queued when it turns S, and stays S until the
      // stage ends) and then augments, ends the stage (single vertices' duals at 0) or makes one exact
      // dual step (see adjust_duals) that labels a vertex, forms a blossom or expands a T-blossom that
      // existed when the stage began: O(n) passes per stage (Galil's count).
      for (;;) {
        while (!queue_.empty() && !augmented) {
          const std::int32_t v = queue_.back();
          queue_.pop_back();
          augmented = scan(v);
        }
        if (augmented || !adjust_duals()) break;
      }
      if (!augmented) break;
      // S-blossoms whose dual is 0 are no longer needed; keeping them would only slow the next stage.
      for (std::int32_t b = n_; b < 2 * n_; ++b)
        if (parent_[idx(b)] < 0 && base_[idx(b)] >= 0 && label_[idx(b)] == s_label && dual_[idx(b)] == 0)
          expand(b, true);
    }
    return result();
  }

 private:
  // An edge seen from one end; `to` is the endpoint that matters (the partner, the labelling vertex).
  struct arc {
    std::int32_t from, to;
  };
  struct weighted_arc {
    std::int32_t from = -1, to = -1;
    std::int64_t weight = 0;
  };
  static constexpr arc no_arc{-1, -1};
  static constexpr std::uint8_t unlabelled = 0, s_label = 1, t_label = 2, breadcrumb = 4 | s_label;

  static constexpr std::int64_t no_edge = std::numeric_limits<std::int64_t>::max();
  static constexpr std::int64_t untracked = std::numeric_limits<std::int64_t>::min();

  static arc flip(arc a) noexcept { return {a.to, a.from}; }
  void push_s(std::int32_t x) {
    queue_.push_back(x);
    best_slack_[idx(x)] = untracked;
  }
  static std::size_t idx(std::int32_t i) noexcept { return static_cast<std::size_t>(i); }
  std::size_t at(std::int32_t a, std::int32_t b) const noexcept { return idx(a) * idx(n_) + idx(b); }
  std::int64_t slack(const weighted_arc& e) const noexcept {
    return dual_[idx(e.from)] + dual_[idx(e.to)] - 2 * e.weight;
  }
  static std::int32_t wrap(std::int32_t j, std::int32_t len) noexcept { return j < 0 ? j + len : j; }
  static std::int32_t position(const std::vector<std::int32_t>& v, std::int32_t x) noexcept {
    return static_cast<std::int32_t>(std::find(v.begin(), v.end(), x) - v.begin());
  }

  /// Calls f(v) for every vertex of blossom (or vertex) b, in child order. Not re-entrant.
  template <class F>
  void for_each_leaf(std::int32_t b, F&& f) {
    if (b < n_) {
      f(b);
      return;
    }
    leaf_stack_.assign(1, b);
    while (!leaf_stack_.empty()) {
      const std::int32_t x = leaf_stack_.back();
      leaf_stack_.pop_back();
      if (x < n_) {
        f(x);
        continue;
      }
      const auto& ch = children_[idx(x)];
      for (auto it = ch.rbegin(); it != ch.rend(); ++it) leaf_stack_.push_back(*it);
    }
  }

  /// Labels the top-level blossom of w; a T label also labels the base's partner S. `by` is the
  /// edge that gave the label, as (vertex inside, vertex outside), or no_arc for a root.
  void assign_label(std::int32_t w, std::uint8_t t, arc by) {
    for (;;) {  // at most twice: a T label passes an S label to the base's partner, which returns
      const std::int32_t b = top_[idx(w)];
      label_[idx(w)] = label_[idx(b)] = t;
      label_arc_[idx(w)] = label_arc_[idx(b)] = by;
      best_[idx(w)] = best_[idx(b)] = weighted_arc{};
      best_slack_[idx(w)] = untracked;
      if (t == s_label) {
        for_each_leaf(b, [&](std::int32_t x) { push_s(x); });
        return;
      }
      const std::int32_t base = base_[idx(b)];
      const std::int32_t partner = mate_[idx(base)];
      w = partner;
      t = s_label;
      by = arc{partner, base};
    }
  }

  // Lone roots. Every stage starts by labelling all single vertices S and, in the textbook
  // algorithm, scanning their rows: about n/2 rows of n per stage, nine tenths of the work on random
  // dense weights. But the single vertices share one dual value, so the least slack from any lone
  // root (single and not inside a blossom) to w is that of w's heaviest edge to a lone root,
  // heavy_root_[w]; a root's row is scanned only when a dual step makes one of its edges tight.
  // While there are many roots, each vertex finds heavy_root_ with a cursor over its neighbours
  // sorted by weight (heaviest first, lower vertex on ties; sorted lazily, in doubling chunks):
  // roots leave the set as they are matched, so cursors move forward, O(n^2 log n) in all and
  // typically a few steps each. Once few roots remain (the cursors would have to travel far), each
  // stage takes the maximum over the root list instead: O(n · roots).

  /// Brings is_root_ and heavy_root_ up to date with the current single, top-level vertices.
  void refresh_roots() {
    roots_.clear();
    for (std::int32_t v = 0; v < n_; ++v) {
      const std::uint8_t now = mate_[idx(v)] < 0 && top_[idx(v)] == v;
      if (now) roots_.push_back(v);
      if (now == is_root_[idx(v)]) continue;
      is_root_[idx(v)] = now;
      if (!now || few_roots_) continue;
      // A single vertex left a dissolved blossom (rare): move the cursors back to it where it is
      // heavier than their current root. Only the sorted prefix matters: past it, v is lighter.
      const std::int64_t* row = &weight_[at(v, 0)];
      for (std::int32_t w = 0; w < n_; ++w) {
        if (row[w] == 0) continue;
        const std::int32_t* first = by_weight_.data() + by_weight_off_[idx(w)];
        const std::int32_t* last = by_weight_.data() + sorted_end_[idx(w)];
        const std::int32_t* pos = std::lower_bound(first, last, v, heavier(w));
        if (pos != last) cursor_[idx(w)] = std::min(cursor_[idx(w)], static_cast<std::int64_t>(pos - by_weight_.data()));
      }
    }
    few_roots_ = few_roots_ || roots_.size() <= std::max<std::size_t>(16, idx(n_) / 16);
    if (!few_roots_) {
      for (std::int32_t w = 0; w < n_; ++w) advance_cursor(w);
      return;
    }
    for (std::int32_t w = 0; w < n_; ++w) {
      const std::int64_t* row = &weight_[at(w, 0)];
      std::int32_t pick = -1;
      std::int64_t heaviest = 0;
      for (std::int32_t r : roots_)
        if (row[r] > heaviest) heaviest = row[r], pick = r;
      heavy_root_[idx(w)] = pick;
    }
  }

  /// Order of w's neighbours: heavier edge first, lower vertex on ties.
  struct heavier_first {
    const std::int64_t* row;
    bool operator()(std::int32_t a, std::int32_t b) const { return row[a] > row[b] || (row[a] == row[b] && a < b); }
  };
  heavier_first heavier(std::int32_t w) const { return {&weight_[at(w, 0)]}; }

  /// Moves w's cursor to its first lone root, sorting w's neighbours lazily in doubling chunks
  /// (most cursors never go far, so most rows are never fully sorted).
  void advance_cursor(std::int32_t w) {
    std::int64_t& c = cursor_[idx(w)];
    const std::int64_t begin = by_weight_off_[idx(w)], end = by_weight_off_[idx(w) + 1];
    std::int32_t* list = by_weight_.data();
    for (;; ++c) {  // c only moves forward, to the row's end at most
      std::int64_t& sorted = sorted_end_[idx(w)];
      if (c == sorted) {
        if (c == end) break;
        const std::int64_t mid = std::min(end, sorted + std::max<std::int64_t>(8, sorted - begin));
        std::nth_element(list + sorted, list + mid - 1, list + end, heavier(w));
        std::sort(list + sorted, list + mid, heavier(w));
        sorted = mid;
      }
      if (is_root_[idx(list[c])]) break;
    }
    heavy_root_[idx(w)] = c < end ? list[c] : -1;
  }

  /// Every vertex outside the S-blossoms learns its least-slack edge from a lone root, and the
  /// tight ones are followed as a scan of the root would: two roots joined by a tight edge are an
  /// augmenting path; otherwise a tight edge labels w's blossom T (or forms a blossom, or marks w
  /// reached). Vertices in increasing order. True when it augmented.
  bool start_from_roots() {
    for (std::int32_t w = 0; w < n_; ++w) {
      const std::int32_t r = heavy_root_[idx(w)];
      if (r < 0 || label_[idx(top_[idx(w)])] != unlabelled) continue;
      best_[idx(w)] = {r, w, weight_[at(r, w)]};
      best_slack_[idx(w)] = slack(best_[idx(w)]);
    }
    for (std::int32_t r = 0; r < n_; ++r) {
      const std::int32_t q = heavy_root_[idx(r)];
      if (is_root_[idx(r)] && q >= 0 && is_root_[idx(q)] && slack({r, q, weight_[at(r, q)]}) <= 0) {
        augment(r, q);
        return true;
      }
    }
    for (std::int32_t w = 0; w < n_; ++w) {
      const std::int32_t r = heavy_root_[idx(w)];
      if (r < 0 || is_root_[idx(w)] || slack({r, w, weight_[at(r, w)]}) > 0) continue;
      const std::int32_t bw = top_[idx(w)];
      if (bw == top_[idx(r)]) continue;
      if (label_[idx(bw)] == unlabelled) {
        assign_label(w, t_label, arc{w, r});
      } else if (label_[idx(bw)] == s_label) {
        const std::int32_t base = find_common_base(r, w);
        if (base < 0) {
          augment(r, w);
          return true;
        }
        add_blossom(base, r, w);
      } else if (label_[idx(w)] == unlabelled) {
        label_[idx(w)] = t_label;
        label_arc_[idx(w)] = arc{w, r};
        best_slack_[idx(w)] = untracked;
      }
    }
    return false;
  }

  /// Scans the edges of S-vertex v; true when it augmented the matching. The hot loop of the
  /// solver: the common case (an edge that is not tight) costs no unpredictable branch.
  bool scan(std::int32_t v) {
    const std::int64_t* row = &weight_[at(v, 0)];
    const std::int64_t dv = dual_[idx(v)];
    std::int32_t bv = top_[idx(v)];
    // Least-slack edge from v to another S-blossom, merged into best_[bv] when bv changes or at the end.
    std::int64_t s_best = std::numeric_limits<std::int64_t>::max();
    std::int32_t s_to = -1;
    auto commit = [&] {
      weighted_arc& best = best_[idx(bv)];
      if (s_to >= 0 && (best.from < 0 || s_best < slack(best))) best = {v, s_to, row[s_to]};
      s_best = std::numeric_limits<std::int64_t>::max();
      s_to = -1;
    };
    for (std::int32_t w = 0; w < n_; ++w) {
      const std::int64_t wt = row[w];
      if (wt == 0) continue;
      const std::int32_t bw = top_[idx(w)];
      if (bw == bv) continue;
      const std::int64_t s = dv + dual_[idx(w)] - 2 * wt;
      if (s > 0) {
        if (s < best_slack_[idx(w)]) {  // w is not labelled and this is its least-slack edge to S so far
          best_slack_[idx(w)] = s;
          best_[idx(w)] = {v, w, wt};
        }
        const bool better = (label_[idx(bw)] == s_label) & (s < s_best);
        s_best = better ? s : s_best;
        s_to = better ? w : s_to;
        continue;
      }
      if (label_[idx(bw)] == unlabelled) {
        assign_label(w, t_label, arc{w, v});
      } else if (label_[idx(bw)] == s_label) {
        const std::int32_t base = find_common_base(v, w);
        if (base < 0) {
          augment(v, w);
          return true;
        }
        commit();
        add_blossom(base, v, w);
        bv = top_[idx(v)];
      } else if (label_[idx(w)] == unlabelled) {
        // w is inside a T-blossom and now reachable: remembered for when that blossom expands.
        label_[idx(w)] = t_label;
        label_arc_[idx(w)] = arc{w, v};
        best_slack_[idx(w)] = untracked;
      }
    }
    commit();
    return false;
  }

  /// Walks up the trees of v and w (alternately) to the first common blossom; returns its base, or
  /// -1 when the trees differ (an augmenting path).
  std::int32_t find_common_base(std::int32_t v, std::int32_t w) {
    path_.clear();
    std::int32_t base = -1;
    // Each step marks one more top-level blossom on a path to a root (or meets a mark): at most the number
    // of top-level blossoms, below 2n.
    while (v != -1 || w != -1) {
      std::int32_t b = top_[idx(v)];
      if (label_[idx(b)] & 4) {
        base = base_[idx(b)];
        break;
      }
      path_.push_back(b);
      label_[idx(b)] = breadcrumb;
      if (label_arc_[idx(b)].to < 0) {
        v = -1;  // reached the root
      } else {
        b = top_[idx(label_arc_[idx(b)].to)];  // the T-blossom above
        v = label_arc_[idx(b)].to;
      }
      if (w != -1) std::swap(v, w);
    }
    for (std::int32_t b : path_) label_[idx(b)] = s_label;
    return base;
  }

  /// The tight edge (v, w) closes an odd cycle through `base`: a new S-blossom.
  void add_blossom(std::int32_t base, std::int32_t v, std::int32_t w) {
    const std::int32_t bb = top_[idx(base)];
    std::int32_t bv = top_[idx(v)], bw = top_[idx(w)];
    const std::int32_t b = free_ids_.back();
    free_ids_.pop_back();
    ++stats_.blossoms_formed;
    base_[idx(b)] = base;
    parent_[idx(b)] = -1;
    parent_[idx(bb)] = b;
    // Children in cycle order from the base; links[i] joins child i to child i+1, `to` in child i.
    auto& ch = children_[idx(b)];
    auto& ln = links_[idx(b)];
    ch.clear();
    ln.clear();
    // Both walks go up the alternating tree to the base's blossom bb, found by find_common_base: each
    // at most the tree's depth, below 2n.
    while (bv != bb) {
      parent_[idx(bv)] = b;
      ch.push_back(bv);
      ln.push_back(label_arc_[idx(bv)]);
      bv = top_[idx(label_arc_[idx(bv)].to)];
    }
    ch.push_back(bb);
    std::reverse(ch.begin(), ch.end());
    std::reverse(ln.begin(), ln.end());
    ln.push_back(arc{w, v});
    while (bw != bb) {
      parent_[idx(bw)] = b;
      ch.push_back(bw);
      ln.push_back(flip(label_arc_[idx(bw)]));
      bw = top_[idx(label_arc_[idx(bw)].to)];
    }
    label_[idx(b)] = s_label;
    label_arc_[idx(b)] = label_arc_[idx(bb)];
    dual_[idx(b)] = 0;
    depth_[idx(b)] = 0;
    for (std::int32_t c : ch) depth_[idx(b)] = std::max(depth_[idx(b)], depth_[idx(c)] + 1);
    stats_.max_nesting = std::max(stats_.max_nesting, depth_[idx(b)]);
    for_each_leaf(b, [&](std::int32_t x) {
      if (label_[idx(top_[idx(x)])] == t_label) push_s(x);  // former T-vertices are S now
      top_[idx(x)] = b;
    });
    // Least-slack edge from b to each other S-blossom: merged from the children's lists, or from the
    // full rows of children that had none (vertices, former T-blossoms).
    touched_.clear();
    auto consider = [&](weighted_arc e) {
      if (top_[idx(e.to)] == b) std::swap(e.from, e.to);
      const std::int32_t bj = top_[idx(e.to)];
      if (bj == b || label_[idx(bj)] != s_label) return;
      weighted_arc& best = best_to_[idx(bj)];
      if (best.from < 0) touched_.push_back(bj);
      if (best.from < 0 || slack(e) < slack(best)) best = e;
    };
    for (std::int32_t c : ch) {
      if (has_best_list_[idx(c)]) {
        for (const weighted_arc& e : best_list_[idx(c)]) consider(e);
      } else {
        for_each_leaf(c, [&](std::int32_t x) {
          const std::int64_t* row = &weight_[at(x, 0)];
          for (std::int32_t y = 0; y < n_; ++y)
            if (row[y] != 0) consider(weighted_arc{x, y, row[y]});
        });
      }
      best_list_[idx(c)].clear();
      has_best_list_[idx(c)] = 0;
      best_[idx(c)] = weighted_arc{};
    }
    std::sort(touched_.begin(), touched_.end());
    auto& list = best_list_[idx(b)];
    list.clear();
    weighted_arc best{};
    for (std::int32_t bj : touched_) {
      const weighted_arc e = best_to_[idx(bj)];
      best_to_[idx(bj)] = weighted_arc{};
      list.push_back(e);
      if (best.from < 0 || slack(e) < slack(best)) best = e;
    }
    has_best_list_[idx(b)] = 1;
    best_[idx(b)] = best;
  }

  /// Dissolves blossom b into its children. Mid-stage (a T-blossom whose dual reached 0) the
  /// children on the even path from the entry to the base are relabelled T/S and the others become
  /// free or T as they were reached; at the end of a stage, zero-dual children dissolve as well.
  void expand(std::int32_t b0, bool end_of_stage) {
    expand_stack_.assign(1, b0);
    while (!expand_stack_.empty()) {  // each nested blossom once: below n
      const std::int32_t b = expand_stack_.back();
      expand_stack_.pop_back();
      for (std::int32_t s : children_[idx(b)]) {
        parent_[idx(s)] = -1;
        if (s < n_) {
          top_[idx(s)] = s;
        } else if (end_of_stage && dual_[idx(s)] == 0) {
          expand_stack_.push_back(s);
        } else {
          for_each_leaf(s, [&](std::int32_t x) { top_[idx(x)] = s; });
        }
      }
      if (!end_of_stage && label_[idx(b)] == t_label) relabel_children(b);
      label_[idx(b)] = unlabelled;
      label_arc_[idx(b)] = no_arc;
      children_[idx(b)].clear();
      links_[idx(b)].clear();
      base_[idx(b)] = -1;
      best_list_[idx(b)].clear();
      has_best_list_[idx(b)] = 0;
      best_[idx(b)] = weighted_arc{};
      free_ids_.push_back(b);
    }
  }

  void relabel_children(std::int32_t b) {
    ++stats_.t_blossoms_expanded;
    const auto& ch = children_[idx(b)];
    const auto& ln = links_[idx(b)];
    const auto len = static_cast<std::int32_t>(ch.size());
    const std::int32_t entry = top_[idx(label_arc_[idx(b)].from)];
    // Walk from the entry child to the base along the even side of the cycle.
    std::int32_t j = position(ch, entry), step = -1, back = 1;
    if (j & 1) {
      j -= len;
      step = 1;
      back = 0;
    }
    auto link = [&](std::int32_t i) { return back ? flip(ln[idx(wrap(i - back, len))]) : ln[idx(wrap(i, len))]; };
    arc p = label_arc_[idx(b)];
    while (j != 0) {  // j is even and moves by 2 towards 0: at most len / 2 steps
      label_[idx(p.from)] = unlabelled;
      label_[idx(link(j).from)] = unlabelled;
      assign_label(p.from, t_label, p);
      j += step;
      p = link(j);
      j += step;
    }
    // The base child is T (via p) without passing on to its partner: that is the expanded
    // blossom's own partner, already S.
    const std::int32_t bv = ch[idx(wrap(j, len))];
    label_[idx(p.from)] = label_[idx(bv)] = t_label;
    best_slack_[idx(p.from)] = untracked;
    label_arc_[idx(p.from)] = label_arc_[idx(bv)] = p;
    best_[idx(bv)] = weighted_arc{};
    // The odd side: a child stays free unless one of its vertices was reached by a tight edge.
    j += step;
    while (ch[idx(wrap(j, len))] != entry) {  // around the odd side of the cycle: below len steps
      const std::int32_t c = ch[idx(wrap(j, len))];
      j += step;
      if (label_[idx(c)] == s_label) continue;
      std::int32_t reached = -1;
      for_each_leaf(c, [&](std::int32_t x) {
        if (reached < 0 && label_[idx(x)] != unlabelled) reached = x;
      });
      if (reached < 0) continue;
      label_[idx(reached)] = unlabelled;
      label_[idx(mate_[idx(base_[idx(c)])])] = unlabelled;
      assign_label(reached, t_label, label_arc_[idx(reached)]);
    }
  }

  /// Flips the matching along the augmenting path through the tight edge (v, w).
  void augment(std::int32_t v, std::int32_t w) {
    for (int side = 0; side < 2; ++side) {
      std::int32_t s = side == 0 ? v : w;
      std::int32_t partner = side == 0 ? w : v;
      for (;;) {  // up the alternating tree to its root: at most its depth, below 2n
        const std::int32_t bs = top_[idx(s)];
        if (bs >= n_) rotate_blossom(bs, s);
        mate_[idx(s)] = partner;
        if (label_arc_[idx(bs)].to < 0) break;  // bs holds the root
        const std::int32_t bt = top_[idx(label_arc_[idx(bs)].to)];
        const arc up = label_arc_[idx(bt)];  // (inside bt, the S-vertex above)
        if (bt >= n_) rotate_blossom(bt, up.from);
        mate_[idx(up.from)] = up.to;
        s = up.to;
        partner = up.from;
      }
    }
  }

  /// Re-matches the inside of blossom b0 so that vertex v0 becomes its base. Each (blossom,
  /// vertex) task touches only that blossom's cycle and the mates of its links, so the tasks of the
  /// nested blossoms can run in any order: an explicit stack replaces the recursion.
  void rotate_blossom(std::int32_t b0, std::int32_t v0) {
    rotate_stack_.assign(1, {b0, v0});
    while (!rotate_stack_.empty()) {
      const auto [b, v] = rotate_stack_.back();
      rotate_stack_.pop_back();
      std::int32_t t = v;
      while (parent_[idx(t)] != b) t = parent_[idx(t)];  // up the nesting: at most its depth
      if (t >= n_) rotate_stack_.push_back({t, v});
      auto& ch = children_[idx(b)];
      auto& ln = links_[idx(b)];
      const auto len = static_cast<std::int32_t>(ch.size());
      const std::int32_t i = position(ch, t);
      std::int32_t j = i, step = -1, back = 1;
      if (i & 1) {
        j -= len;
        step = 1;
        back = 0;
      }
      while (j != 0) {  // j is even and moves by 2 towards 0: at most len / 2 steps
        j += step;
        const std::int32_t c1 = ch[idx(wrap(j, len))];
        const arc p = back ? flip(ln[idx(wrap(j - back, len))]) : ln[idx(wrap(j, len))];
        if (c1 >= n_) rotate_stack_.push_back({c1, p.to});
        j += step;
        const std::int32_t c2 = ch[idx(wrap(j, len))];
        if (c2 >= n_) rotate_stack_.push_back({c2, p.from});
        mate_[idx(p.to)] = p.from;
        mate_[idx(p.from)] = p.to;
      }
      std::rotate(ch.begin(), ch.begin() + i, ch.end());
      std::rotate(ln.begin(), ln.begin() + i, ln.end());
      base_[idx(b)] = v;
    }
  }

  /// One dual step: the largest that keeps every slack >= 0, every u_v >= 0 and every z_B >= 0.
  /// False when single vertices reached u = 0: the matching is optimal. Every step is exact, so the
  /// edge or blossom that limits delta is tight (or at 0) afterwards and solve() makes progress: in
  /// particular the slack between two S-vertices is even (all S-vertices share a parity of the doubled
  /// dual: a tight edge joins equal parities and a step moves every labelled vertex by +-delta), so
  /// half of it closes it exactly, with no step of 0 that would repeat.
  bool adjust_duals() {
    int kind = 1;
    std::int64_t delta = dual_[0];
    for (std::int32_t v = 1; v < n_; ++v) delta = std::min(delta, dual_[idx(v)]);
    weighted_arc edge{};
    std::int32_t blossom = -1;
    for (std::int32_t v = 0; v < n_; ++v)  // an S-vertex to a free vertex
      if (label_[idx(top_[idx(v)])] == unlabelled && best_[idx(v)].from >= 0) {
        const std::int64_t d = best_slack_[idx(v)];
        if (d < delta) delta = d, kind = 2, edge = best_[idx(v)];
      }
    for (std::int32_t b = 0; b < 2 * n_; ++b)  // two S-blossoms (both ends move: half the slack)
      if (parent_[idx(b)] < 0 && label_[idx(b)] == s_label && best_[idx(b)].from >= 0) {
        const std::int64_t d = slack(best_[idx(b)]) / 2;
        if (d < delta) delta = d, kind = 3, edge = best_[idx(b)];
      }
    for (std::int32_t b = n_; b < 2 * n_; ++b)  // a T-blossom's dual reaches 0
      if (base_[idx(b)] >= 0 && parent_[idx(b)] < 0 && label_[idx(b)] == t_label && dual_[idx(b)] < delta)
        delta = dual_[idx(b)], kind = 4, blossom = b;
    for (std::int32_t v = 0; v < n_; ++v) {
      const std::uint8_t l = label_[idx(top_[idx(v)])];
      if (l == s_label) {
        dual_[idx(v)] -= delta;
      } else if (l == t_label) {
        dual_[idx(v)] += delta;  // slacks from S to v are unchanged
      } else if (best_[idx(v)].from >= 0) {
        best_slack_[idx(v)] -= delta;  // v free: its edges from S lose delta
      }
    }
    for (std::int32_t b = n_; b < 2 * n_; ++b)
      if (base_[idx(b)] >= 0 && parent_[idx(b)] < 0) {
        if (label_[idx(b)] == s_label) dual_[idx(b)] += delta;
        else if (label_[idx(b)] == t_label) dual_[idx(b)] -= delta;
      }
    switch (kind) {
      case 2: queue_.push_back(label_[idx(top_[idx(edge.from)])] == s_label ? edge.from : edge.to); break;
      case 3: queue_.push_back(edge.from); break;
      case 4: expand(blossom, false); break;
      default: return false;
    }
    return true;
  }

  weighted_matching result() {
    weighted_matching out;
    out.mate = mate_;
    out.stats = stats_;
    for (std::int32_t v = 0; v < n_; ++v)
      if (mate_[idx(v)] > v) out.total += weight_[at(v, mate_[idx(v)])];
    matching_certificate& c = out.certificate;
    c.twice_u.assign(dual_.begin(), dual_.begin() + n_);
    c.blossom_offsets.push_back(0);
    for (std::int32_t b = n_; b < 2 * n_; ++b) {
      if (base_[idx(b)] < 0) continue;
      c.twice_z.push_back(2 * dual_[idx(b)]);  // internally z_B (= 2z_B / 2), see the header
      for_each_leaf(b, [&](std::int32_t x) { c.blossom_vertices.push_back(x); });
      c.blossom_offsets.push_back(static_cast<std::int64_t>(c.blossom_vertices.size()));
    }
    return out;
  }

  std::int32_t n_;
  std::vector<std::int64_t> weight_;        // n×n row-major, 0 = no edge
  // Vertices are 0..n-1, blossoms n..2n-1. dual_ holds 2u_v for vertices and z_B for blossoms: a dual
  // step of delta moves u by delta/2 and z by delta, and slack() is twice the true slack.
  std::vector<std::int64_t> dual_;
  std::vector<std::int32_t> mate_;          // n: partner or -1
  std::vector<std::int32_t> top_;           // n: the top-level blossom (or the vertex itself)
  std::vector<std::uint8_t> label_;         // 2n: top-level labels; on vertices, "reached" marks
  std::vector<arc> label_arc_;              // 2n: (inside, outside) edge that gave the label
  std::vector<std::int32_t> parent_, base_; // 2n
  std::vector<std::vector<std::int32_t>> children_;
  std::vector<std::vector<arc>> links_;
  std::vector<std::vector<weighted_arc>> best_list_;  // S-blossoms: least-slack edge per S-neighbour
  std::vector<std::uint8_t> has_best_list_;
  std::vector<weighted_arc> best_;          // 2n: least-slack edge to an S-blossom (see scan)
  // n: slack(best_[v]) while v is an unlabelled vertex (kept current by adjust_duals), no_edge before
  // it has one, untracked once v is labelled S or T: then `slack < best_slack_[v]` is never true.
  std::vector<std::int64_t> best_slack_;
  std::vector<std::uint8_t> is_root_;       // n: lone roots of this stage (see refresh_roots)
  std::vector<std::int32_t> heavy_root_;    // n: w's heaviest edge to a lone root goes to it, or -1
  std::vector<std::int64_t> by_weight_off_; // n + 1: CSR over vertices of
  std::vector<std::int32_t> by_weight_;     //   the neighbours, heaviest edge first, lower vertex on ties
  std::vector<std::int64_t> cursor_;        // n: position of heavy_root_ in by_weight_ (or the row end)
  std::vector<std::int64_t> sorted_end_;    // n: by_weight_ is in order up to here, the rest lighter
  std::vector<std::int32_t> roots_;         // this stage's lone roots, in vertex order
  bool few_roots_ = false;                  // heavy_root_ from roots_ rather than the cursors
  std::vector<std::int32_t> free_ids_, queue_;
  // Scratch, kept to avoid allocations.
  std::vector<std::int32_t> path_, leaf_stack_, expand_stack_, touched_;
  std::vector<weighted_arc> best_to_;
  std::vector<std::pair<std::int32_t, std::int32_t>> rotate_stack_;
  std::vector<std::int64_t> depth_;          // 2n: nesting depth of a blossom's tree (vertices 0)
  blossom_stats stats_;
};

/// A maximum-weight matching of the graph (n vertices, simple, weights in [1, 2^40]) with its
/// certificate. O(n^3) time, O(n^2) memory.
inline weighted_matching max_weight_matching(std::size_t n, span<const blossom_edge> edges) {
  if (n == 0) {
    if (!edges.empty()) throw error(errc::out_of_range, "edge endpoint is not a vertex", 0, "edges");
    weighted_matching empty;
    empty.certificate.blossom_offsets.push_back(0);
    return empty;
  }
  blossom_matcher m(n, edges);
  return m.solve();
}

// Exact sums of int64 duals: koc::int128 (koc/int128.hpp).
/// Checks, in exact integers and independently of the solver, that r.mate is a matching of the
/// graph weighing r.total and that r.certificate proves it maximum (see the header); the blossoms
/// with z > 0 must be laminar. O(n + m·d + Σ|B| + k log k) for k blossoms and d the number of them
/// that hold both ends of an edge.
inline matching_check check_matching_certificate(std::size_t n, span<const blossom_edge> edges,
                                                 const weighted_matching& r) {
  auto fail = [](std::string s) { return matching_check{false, std::move(s)}; };
  auto fail_at = [](const char* what, const char* where, std::size_t i) {
    return matching_check{false, std::string(what) + " at " + where + " " + std::to_string(i)};
  };
  const matching_certificate& c = r.certificate;
  if (r.mate.size() != n || c.twice_u.size() != n) return fail("mate or twice_u does not have n entries");
  const std::size_t n_blossoms = c.twice_z.size();
  if (c.blossom_offsets.size() != n_blossoms + 1 || c.blossom_offsets.front() != 0 ||
      c.blossom_offsets.back() != static_cast<std::int64_t>(c.blossom_vertices.size()))
    return fail("blossom_offsets do not delimit blossom_vertices");
  auto vertex = [&](std::int64_t v) { return v >= 0 && static_cast<std::size_t>(v) < n; };
  for (std::size_t v = 0; v < n; ++v) {
    const std::int32_t m = r.mate[v];
    if (m != -1 && (!vertex(m) || static_cast<std::size_t>(m) == v ||
                    r.mate[static_cast<std::size_t>(m)] != static_cast<std::int32_t>(v)))
      return fail_at("mate is not a matching", "vertex", v);
    if (c.twice_u[v] < 0) return fail_at("negative vertex dual", "vertex", v);
    if (m == -1 && c.twice_u[v] != 0) return fail_at("single vertex with a positive dual", "vertex", v);
  }
  // Blossoms: odd vertex sets of at least 3; those with z > 0 must be full.
  std::vector<std::int64_t> stamp(n, -1), count(n + 1, 0);
  for (std::size_t B = 0; B < n_blossoms; ++B) {
    const std::int64_t lo = c.blossom_offsets[B], hi = c.blossom_offsets[B + 1];
    if (hi < lo) return fail_at("blossom_offsets decrease", "blossom", B);
    if (hi - lo < 3 || (hi - lo) % 2 == 0) return fail_at("not an odd set of 3 or more vertices", "blossom", B);
    if (c.twice_z[B] < 0) return fail_at("negative blossom dual", "blossom", B);
    for (std::int64_t i = lo; i < hi; ++i) {
      const std::int32_t x = c.blossom_vertices[static_cast<std::size_t>(i)];
      if (!vertex(x) || stamp[static_cast<std::size_t>(x)] == static_cast<std::int64_t>(B))
        return fail_at("unknown or repeated vertex", "blossom", B);
      stamp[static_cast<std::size_t>(x)] = static_cast<std::int64_t>(B);
    }
    if (c.twice_z[B] == 0) continue;
    std::int64_t inside = 0;
    for (std::int64_t i = lo; i < hi; ++i) {
      const std::int32_t x = c.blossom_vertices[static_cast<std::size_t>(i)], m = r.mate[static_cast<std::size_t>(x)];
      if (m >= 0 && stamp[static_cast<std::size_t>(m)] == static_cast<std::int64_t>(B)) ++inside;
      ++count[static_cast<std::size_t>(x) + 1];
    }
    if (inside != hi - lo - 1) return fail_at("positive dual but not full", "blossom", B);
  }
  // The blossoms with z > 0 must be laminar (nested or disjoint, as Edmonds' are): then the ones
  // that contain both ends of an edge are the common prefix of the ends' chains, outermost first.
  // Chains are built in order of decreasing size; B is laminar with those before it iff, for all of
  // its vertices, the blossom just before B in their chain is the same one.
  std::vector<std::size_t> outer_first;
  for (std::size_t B = 0; B < n_blossoms; ++B)
    if (c.twice_z[B] > 0) outer_first.push_back(B);
  auto size_of = [&](std::size_t B) { return c.blossom_offsets[B + 1] - c.blossom_offsets[B]; };
  std::sort(outer_first.begin(), outer_first.end(),
            [&](std::size_t x, std::size_t y) { return size_of(x) > size_of(y) || (size_of(x) == size_of(y) && x < y); });
  for (std::size_t v = 0; v < n; ++v) count[v + 1] += count[v];
  std::vector<std::int64_t> fill(count.begin(), count.end() - 1);
  std::vector<std::int32_t> chain(static_cast<std::size_t>(count[n]));
  for (std::size_t B : outer_first) {
    std::int64_t enclosing = -2;
    for (std::int64_t i = c.blossom_offsets[B]; i < c.blossom_offsets[B + 1]; ++i) {
      const auto x = static_cast<std::size_t>(c.blossom_vertices[static_cast<std::size_t>(i)]);
      auto& at = fill[x];
      const std::int64_t before = at == count[x] ? -1 : chain[static_cast<std::size_t>(at - 1)];
      if (enclosing != -2 && before != enclosing) return fail_at("blossoms with positive duals cross", "blossom", B);
      enclosing = before;
      chain[static_cast<std::size_t>(at++)] = static_cast<std::int32_t>(B);
    }
  }
  // Every edge has slack >= 0; a matched pair must be joined by an edge of slack 0.
  std::vector<std::uint8_t> tight(n, 0);
  int128 total = 0;
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const blossom_edge& e = edges[k];
    if (!vertex(e.a) || !vertex(e.b) || e.a == e.b || e.weight < 1) return fail_at("invalid edge", "edge", k);
    const auto a = static_cast<std::size_t>(e.a), b = static_cast<std::size_t>(e.b);
    int128 s = int128{c.twice_u[a]} + c.twice_u[b] - 2 * int128{e.weight};
    for (std::int64_t i = count[a], j = count[b]; i < count[a + 1] && j < count[b + 1] && chain[static_cast<std::size_t>(i)] == chain[static_cast<std::size_t>(j)]; ++i, ++j)
      s += c.twice_z[static_cast<std::size_t>(chain[static_cast<std::size_t>(i)])];
    if (s < 0) return fail_at("negative slack", "edge", k);
    if (s == 0 && r.mate[a] == e.b && !tight[a]) {
      tight[a] = tight[b] = 1;
      total += e.weight;
    }
  }
  for (std::size_t v = 0; v < n; ++v)
    if (r.mate[v] >= 0 && !tight[v]) return fail_at("matched pair is not a tight edge", "vertex", v);
  if (total != r.total) return fail("total is not the weight of the matching");
  // Zero duality gap, restated directly: 2·w(M) = Σ 2u_v + Σ 2z_B·(|B| - 1)/2.
  int128 dual = 0;
  for (std::size_t v = 0; v < n; ++v) dual += c.twice_u[v];
  for (std::size_t B = 0; B < n_blossoms; ++B)
    dual += int128{c.twice_z[B]} * ((c.blossom_offsets[B + 1] - c.blossom_offsets[B] - 1) / 2);
  if (dual != 2 * total) return fail("primal and dual objectives differ");
  return {};
}

}  // namespace detail
}  // namespace koc

// The engine behind koc/matching/capacitated_assignment.hpp: successive shortest paths (Edmonds &
// Karp 1972, Tomizawa 1971) organised as Jonker & Volgenant's shortest augmenting path method
// (1987) for the transportation problem: the slots of each task are routed one search at a time,
// each search is a Dijkstra from that one task over reduced costs that stops at the first sink it
// settles, only nodes closer than the sink change potential, and every other path of the same
// length in the same tree is augmented at once.
//
// Network (the documented certificate of the public result refers to it):
//   S -> task t      capacity slots[t], saturated: every slot is routed somewhere
//   task t -> koc k  capacity 1,           cost -w_p   (one arc per eligible candidate pair p)
//   koc k -> Z       capacity capacity[k], cost 0
//   task t -> Z      unbounded,            cost dummy_cost ("slot left empty")
// dummy_cost is 0 under max_score (an empty slot scores 0) and M = 2 (n_kocs + n_tasks + 2) max|w| + 1
// under max_fill_then_score: M exceeds the cost of any simple path, so a min-cost routing leaves a
// slot empty only when no augmenting path can fill it (a maximum flow), and among maximum flows it
// maximises the score. Potentials pi (int64), pi(Z) = 0; reduced cost rc(u->v) = cost + pi(u) - pi(v)
// >= 0 on every residual arc is the invariant. Searches start at a task (few, high degree) and relax
// KOCs lazily: a KOC's out-arcs in the residual graph are its used pairs (at most its capacity).
//
// Internal: not part of the public API.
#pragma once

#include <koc/matching/detail/indexed_heap.hpp>
#include <koc/solve_control.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

namespace koc {
namespace detail {

class capacitated_ssp {
 public:
  static constexpr std::int64_t inf = std::numeric_limits<std::int64_t>::max() / 4;
  static constexpr std::uint8_t unused = 0, used = 1, inactive = 2;

  // ---- problem (set by the caller before init) ----------------------------------------------
  std::size_t n_kocs = 0, n_tasks = 0, n_pairs = 0;
  const std::int64_t* offsets = nullptr;  // CSR over KOCs, n_kocs + 1
  const std::int32_t* pair_task = nullptr;  // n_pairs
  std::vector<std::int64_t> pair_w;       // integerised score per pair
  std::vector<std::uint8_t> pair_state;   // in: unused / inactive (not an arc); out: used too
  std::vector<std::int32_t> capacity, slots;

  // ---- state, over arcs: the eligible pairs renumbered task-major (CSC), so that scanning a task,
  // the hot loop, reads contiguous memory; within a task, arcs follow KOC order ---------------------
  std::size_t n_arcs = 0;
  std::vector<std::int64_t> task_off;      // n_tasks + 1: the arcs of task t are [task_off[t], task_off[t+1])
  std::vector<std::int32_t> koc_of, task_of;  // per arc
  std::vector<std::int64_t> w;             // per arc
  std::vector<std::uint8_t> state;         // per arc: unused / used
  std::vector<std::int64_t> koc_off, koc_arcs;  // CSR over KOCs of arc ids, in pair order
  std::vector<std::int32_t> load, filled;
  std::vector<std::int64_t> used_off;    // per-KOC list of used pairs, room for min(capacity, degree)
  // Each used pair (an arc id) with its task and score beside it: the search's hot loop reads a KOC's
  // used pairs and would otherwise take two cache misses per pair in the 1M-arc task_of and w arrays
  // (one struct: one cache line per KOC's list).
  struct used_entry {
    std::int64_t arc;
    std::int64_t w;
    std::int32_t task;
  };
  std::vector<used_entry> used_pairs;
  std::vector<std::int64_t> pik, pit;    // potentials of KOCs and tasks
  std::vector<std::int32_t> empty_slots; // units a task routed over its dummy arc
  std::int64_t dummy_cost = 0;
  std::int64_t max_abs_w = 0;
  std::int64_t augmentations = 0, searches = 0, settled = 0;
  /// Tasks a search settles from their arc heaps before it scans the rest's rows (see search_from).
  /// 0: every search scans rows and no arc heaps are built (tight instances, where searches are long).
  std::int64_t row_scan_after = 8;
  /// Scans of a task's row in arc order before the row is sorted by decreasing w + pik (see search_from).
  std::int32_t sort_rows_after = 8;

  /// Checked between searches (time limit, cancellation, progress); may be null.
  solve_watch* watch = nullptr;

  /// Builds the arcs; pair_state, capacity, slots and pair_w must be set. Flow starts empty.
  void init() {
    task_off.assign(n_tasks + 1, 0);
    koc_off.assign(n_kocs + 1, 0);
    for (std::size_t k = 0; k < n_kocs; ++k) {
      koc_off[k + 1] = koc_off[k];
      for (auto p = offsets[k]; p < offsets[k + 1]; ++p)
        if (pair_state[static_cast<std::size_t>(p)] != inactive) {
          ++task_off[static_cast<std::size_t>(pair_task[p]) + 1];
          ++koc_off[k + 1];
        }
    }
    for (std::size_t t = 0; t < n_tasks; ++t) task_off[t + 1] += task_off[t];
    n_arcs = static_cast<std::size_t>(task_off[n_tasks]);
    koc_of.resize(n_arcs);
    task_of.resize(n_arcs);
    w.resize(n_arcs);
    state.assign(n_arcs, unused);
    koc_arcs.resize(n_arcs);
    {
      std::vector<std::int64_t> at(task_off.begin(), task_off.end() - 1);
      std::size_t j = 0;
      for (std::size_t k = 0; k < n_kocs; ++k)
        for (auto p = offsets[k]; p < offsets[k + 1]; ++p) {
          const auto pp = static_cast<std::size_t>(p);
          if (pair_state[pp] == inactive) continue;
          const auto t = static_cast<std::size_t>(pair_task[p]);
          const auto a = static_cast<std::size_t>(at[t]++);
          koc_of[a] = static_cast<std::int32_t>(k);
          w[a] = pair_w[pp];
          koc_arcs[j++] = static_cast<std::int64_t>(a);
        }
      // Task by task: contiguous writes instead of one more scattered stream above.
      for (std::size_t t = 0; t < n_tasks; ++t)
        std::fill(task_of.begin() + task_off[t], task_of.begin() + task_off[t + 1], static_cast<std::int32_t>(t));
    }
    used_off.assign(n_kocs + 1, 0);
    for (std::size_t k = 0; k < n_kocs; ++k)
      used_off[k + 1] = used_off[k] + std::min<std::int64_t>(capacity[k], koc_off[k + 1] - koc_off[k]);
    used_pairs.assign(static_cast<std::size_t>(used_off[n_kocs]), used_entry{-1, 0, -1});
    load.assign(n_kocs, 0);
    filled.assign(n_tasks, 0);
    dk_.assign(n_kocs, inf);
    pred_k_.assign(n_kocs, -1);
    dt_.assign(n_tasks, inf);
    pred_t_.assign(n_tasks, -1);
    done_t_.assign(n_tasks, 0);
    heap_.reset_capacity(n_tasks);
    empty_slots.assign(n_tasks, 0);
    rows_by_key_.assign(n_tasks, {});
    row_sorted_.assign(n_tasks, 0);
    row_scans_.assign(n_tasks, 0);
  }

  std::int64_t used_score_units() const {
    std::int64_t total = 0;
    for (std::size_t a = 0; a < n_arcs; ++a)
      if (state[a] == used) total += w[a];
    return total;
  }

  /// Writes the flow back to pair_state (used / unused / inactive): the active pairs, in pair order,
  /// are the arcs of koc_arcs.
  void export_pairs() {
    std::size_t j = 0;
    for (std::size_t p = 0; p < n_pairs; ++p)
      if (pair_state[p] != inactive) pair_state[p] = state[static_cast<std::size_t>(koc_arcs[j++])];
  }

  /// Cold potentials: with no flow, pi(k) = 0 and pi(t) = the best score at t (at least
  /// -dummy_cost) make every arc's reduced cost non-negative.
  void cold_potentials() {
    pik.assign(n_kocs, 0);
    pit.assign(n_tasks, -dummy_cost);
    for (std::size_t t = 0; t < n_tasks; ++t)
      for (auto i = task_off[t]; i < task_off[t + 1]; ++i)
        pit[t] = std::max(pit[t], w[static_cast<std::size_t>(i)]);
  }

  /// Warm start from previous task potentials: every KOC takes its best pairs at those prices
  /// (which satisfies every pair and KOC optimality condition, whatever the prices), then the
  /// overfull tasks are repaired by backward searches; fill() routes what is left.
  void warm_start(const std::vector<std::int64_t>& task_potential) {
    pit = task_potential;
    for (auto& x : pit) x = std::max(x, -dummy_cost);  // the dummy arcs start unused
    pik.assign(n_kocs, 0);
    for (std::size_t k = 0; k < n_kocs; ++k) best_response(k);
    bool overfull = false;
    for (std::size_t t = 0; t < n_tasks; ++t) overfull = overfull || filled[t] > slots[t];
    if (!overfull) return;
    build_repair_index();
    // Each repair moves one pair off task t, which a best response filled at most deg(t) times.
    for (std::size_t t = 0; t < n_tasks; ++t)
      while (filled[t] > slots[t]) {
        repair_overfull(static_cast<std::int32_t>(t));
        poll(t, 0.0);
      }
    release_repair_index();
  }

  /// One Jacobi step of market clearing on task prices (pit-like, before warm_start): every KOC
  /// ranks its pairs by surplus w - price and, if it took its best capacity's worth, would keep pair
  /// (k, t) while price(t) < w - (its best alternative's surplus, or 0); each task's new price is the
  /// lowest at which no more than its slots want it (the (slots+1)-th largest of those bounds). Tasks
  /// with no more candidates than slots keep their price. All tasks move at once, from the old
  /// prices. Used on sampled prices, where it removes most of the warm start's repairs (tight
  /// benchmark: 1,358 repairs and 839 long fill searches became 234 and 517). Speed only: any prices
  /// give the exact optimum.
  void clear_market(std::vector<std::int64_t>& price) {
    // Per KOC: m1 = surplus of its capacity-th best pair, m2 = of the next one (0 if none: the KOC may
    // leave capacity unused).
    std::vector<std::int64_t> m1(n_kocs, 0), m2(n_kocs, 0);
    std::vector<std::int64_t> sv;
    for (std::size_t k = 0; k < n_kocs; ++k) {
      sv.clear();
      for (auto j = koc_off[k]; j < koc_off[k + 1]; ++j) {
        const auto a = static_cast<std::size_t>(koc_arcs[static_cast<std::size_t>(j)]);
        const std::int64_t sk = w[a] - price[static_cast<std::size_t>(task_of[a])];
        if (sk > 0) sv.push_back(sk);
      }
      const auto cap = static_cast<std::size_t>(capacity[k]);
      if (cap == 0) {
        m1[k] = m2[k] = std::numeric_limits<std::int64_t>::max() / 8;  // takes nothing at any price
        continue;
      }
      if (sv.size() > cap) {
        std::nth_element(sv.begin(), sv.begin() + static_cast<std::ptrdiff_t>(cap), sv.end(), std::greater<std::int64_t>());
        m2[k] = sv[cap];
      }
      if (sv.size() >= cap) m1[k] = *std::min_element(sv.begin(), sv.begin() + static_cast<std::ptrdiff_t>(cap));
    }
    std::vector<std::int64_t> bound;
    std::vector<std::int64_t> next(price);
    for (std::size_t t = 0; t < n_tasks; ++t) {
      const auto sl = static_cast<std::size_t>(slots[t]);
      const auto len = static_cast<std::size_t>(task_off[t + 1] - task_off[t]);
      if (len <= sl) continue;
      bound.clear();
      for (auto a = static_cast<std::size_t>(task_off[t]); a < static_cast<std::size_t>(task_off[t + 1]); ++a) {
        const auto k = static_cast<std::size_t>(koc_of[a]);
        const std::int64_t sk = w[a] - price[t];
        bound.push_back(w[a] - (sk >= m1[k] ? m2[k] : m1[k]));
      }
      std::nth_element(bound.begin(), bound.begin() + static_cast<std::ptrdiff_t>(sl), bound.end(), std::greater<std::int64_t>());
      next[t] = bound[sl];
    }
    price.swap(next);
  }

  std::int64_t excess(std::size_t t) const noexcept {
    return static_cast<std::int64_t>(slots[t]) - filled[t] - empty_slots[t];
  }

  /// Tasks whose row has been sorted for the scans (tests: the sorted scans were exercised).
  std::size_t rows_sorted() const {
    return static_cast<std::size_t>(std::count_if(rows_by_key_.begin(), rows_by_key_.end(), [](auto& r) { return !r.empty(); }));
  }
  /// Scans that went past a sorted row's head and sorted the rest (tests: that path was exercised).
  std::int64_t row_tail_sorts = 0;

  /// Routes every slot not yet routed, task by task in index order.
  /// Bound: a search from t either routes all of t's remaining slots to its own empty-slot arc or adds
  /// one pair at t (intermediate tasks keep their counts), so t has at most deg(t) + 1 searches.
  void fill() {
    if (row_scan_after > 0) build_arc_heaps();  // with 0, every search scans rows: no heaps needed
    for (std::size_t t = 0; t < n_tasks; ++t)
      while (excess(t) > 0) {
        search_from(static_cast<std::int32_t>(t));
        poll(t, 0.1);
      }
    heaps_on_ = false;
    if (watch) watch->check(solve_progress{1.0, searches, 0, 0, 0});
  }

 private:
  // Every 256 searches: the watch's checks; progress is the share of tasks routed (repairs: the first 10%).
  void poll(std::size_t t, double base) {
    if (!watch || (searches & 255) != 0) return;
    const double f = base + (1.0 - base) * static_cast<double>(t) / static_cast<double>(std::max<std::size_t>(1, n_tasks));
    watch->check(solve_progress{std::min(0.99, base == 0.0 ? 0.1 * f : f), searches, 0, 0, 0});
  }

  // ---- per-KOC list of used pairs -----------------------------------------------------------------
  void set_used(std::size_t i, std::int64_t p) {
    used_pairs[i] = {p, w[static_cast<std::size_t>(p)], task_of[static_cast<std::size_t>(p)]};
  }
  void add_used(std::size_t k, std::int64_t p) {
    set_used(static_cast<std::size_t>(used_off[k] + load[k]), p);
    ++load[k];
  }
  void remove_used(std::size_t k, std::int64_t p) {
    const auto b = static_cast<std::size_t>(used_off[k]);
    const auto last = b + static_cast<std::size_t>(load[k]) - 1;
    for (auto i = b; i <= last; ++i)
      if (used_pairs[i].arc == p) {
        used_pairs[i] = used_pairs[last];
        break;
      }
    --load[k];
  }
  // Intermediate KOCs on a path trade one used pair for another: keep the list order stable.
  void swap_used(std::size_t k, std::int64_t out, std::int64_t in) {
    const auto b = static_cast<std::size_t>(used_off[k]);
    for (auto i = b; i < b + static_cast<std::size_t>(load[k]); ++i)
      if (used_pairs[i].arc == out) {
        set_used(i, in);
        return;
      }
  }

  // KOC k takes its capacity's worth of pairs with the most negative r = pi(t) - w (ties: pair
  // order); pi(k) is then the best price it declined, capped at 0 (= pi(Z)).
  void best_response(std::size_t k) {
    scratch_.clear();
    for (auto j = koc_off[k]; j < koc_off[k + 1]; ++j) {
      const auto p = koc_arcs[static_cast<std::size_t>(j)];
      const auto pp = static_cast<std::size_t>(p);
      const std::int64_t r = pit[static_cast<std::size_t>(task_of[pp])] - w[pp];
      if (r < 0) scratch_.emplace_back(r, p);
    }
    const auto cap = static_cast<std::size_t>(capacity[k]);
    const auto take = std::min(cap, scratch_.size());
    if (scratch_.size() > take)
      std::nth_element(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(take), scratch_.end());
    for (std::size_t i = 0; i < take; ++i) {
      const auto p = scratch_[i].second;
      state[static_cast<std::size_t>(p)] = used;
      ++filled[static_cast<std::size_t>(task_of[static_cast<std::size_t>(p)])];
      add_used(k, p);
    }
    pik[k] = scratch_.size() > take ? std::min<std::int64_t>(0, scratch_[take].first) : 0;
  }

  void touch_k(std::size_t k) {
    if (dk_[k] == inf) touched_k_.push_back(static_cast<std::int32_t>(k));
  }
  void touch_t(std::size_t t) {
    if (dt_[t] == inf) touched_t_.push_back(static_cast<std::int32_t>(t));
  }
  void reset_labels() {
    for (auto k : touched_k_) dk_[static_cast<std::size_t>(k)] = inf;
    for (auto t : touched_t_) {
      dt_[static_cast<std::size_t>(t)] = inf;
      done_t_[static_cast<std::size_t>(t)] = 0;
    }
    touched_k_.clear();
    touched_t_.clear();
    heap_.clear();
  }

  // One Dijkstra from task t0 to Z (through a spare KOC or a task's dummy arc).
  void search_from(std::int32_t t0) {
    ++searches;
    const auto t0u = static_cast<std::size_t>(t0);
    touch_t(t0u);
    dt_[t0u] = 0;
    pred_t_[t0u] = -1;
    heap_.push_or_decrease(t0, 0);
    std::int64_t best = inf;
    std::int32_t end_koc = -1, end_task = -1;
    std::int64_t settled_here = 0;
    // Ends: each pop settles a task for good (the indexed heap keeps no stale entries): <= tasks pops. The
    // arc loop below takes one arc of t per turn (a row scan advances next_arc; the sorted scan sorts the
    // rest of a row at most once, after which the whole row is in order; a heap pop removes the arc):
    // <= deg(t) + 1 turns per settled task.
    while (!heap_.empty() && heap_.top_key() < best) {
      const auto t = static_cast<std::size_t>(heap_.pop());
      done_t_[t] = 1;
      ++settled;
      const std::int64_t d = dt_[t], pt = pit[t];
      if (d + dummy_cost + pt < best) {
        best = d + dummy_cost + pt;
        end_task = static_cast<std::int32_t>(t);
        end_koc = -1;
      }
      // The unused arcs of t that can matter (reduced path length < best). A short search (most of
      // them when spare capacity is plentiful) takes them from the task's arc heap in increasing
      // order and stops early; a long one (tight instances: dozens of tasks settled, each relaxing a
      // good part of its row) scans the rows instead, which costs less than the heap's pops and
      // pushes once a search has settled more than row_scan_after tasks (measured on the tight
      // transportation benchmark: fill phase 0.56 -> 0.4 s; the slack one never gets there).
      const bool scan_row = ++settled_here > row_scan_after;
      // A row is sorted once it has been scanned sort_rows_after times in arc order (ski rental: a
      // sort costs about as much as that many plain scans, and most rows of a slack instance are never
      // scanned that often).
      const bool sorted_scan = scan_row && (row_scans_[t] > sort_rows_after || ++row_scans_[t] > sort_rows_after);
      std::int64_t next_arc = 0;  // position in the task's row (arc order, or rows_by_key_ order)
      const std::int64_t row_end = task_off[t + 1];
      for (;;) {
        std::int64_t p = -1, wp = 0;  // the arc, its score and its KOC
        std::int32_t kp = -1;
        if (scan_row && !sorted_scan) {
          // Arc a can matter when d - w[a] + pt - pik[k] < best, i.e. w[a] + pik[k] > lim. Pointers
          // held in locals: through the byte-typed state array the compiler would otherwise reload
          // every vector at each arc.
          const std::uint8_t* st = state.data() + task_off[t];
          const std::int64_t* wa = w.data() + task_off[t];
          const std::int32_t* ka = koc_of.data() + task_off[t];
          const std::int64_t* pk = pik.data();
          const std::int64_t lim = d + pt - best;
          const auto len = row_end - task_off[t];
          for (; next_arc < len; ++next_arc) {
            const auto i = static_cast<std::size_t>(next_arc);
            if ((st[i] == unused) & (wa[i] + pk[static_cast<std::size_t>(ka[i])] > lim)) {
              p = task_off[t] + next_arc;
              wp = wa[i];
              kp = ka[i];
              ++next_arc;
              break;
            }
          }
        } else if (scan_row) {
          // The same test with the row read in decreasing sort key, w + pik when the row was sorted: a
          // KOC's potential only decreases during fill(), so the key bounds w[a] + pik[k] from above
          // and the scan ends at the first key <= lim (on the tight benchmark, ~6% of the row).
          const sorted_arc* order = row_by_key(t);
          const std::uint8_t* st = state.data() + task_off[t];
          const std::int64_t* pk = pik.data();
          const std::int64_t lim = d + pt - best;
          const auto len = row_end - task_off[t];
          while (next_arc < len) {
            const std::int64_t upto = row_sorted_[t];
            for (; next_arc < upto; ++next_arc) {
              const sorted_arc& e = order[next_arc];
              if (e.key <= lim) {
                next_arc = len;
                break;
              }
              if ((e.w + pk[static_cast<std::size_t>(e.koc)] > lim) && st[e.offset] == unused) {
                p = task_off[t] + e.offset;
                wp = e.w;
                kp = e.koc;
                ++next_arc;
                break;
              }
            }
            if (p >= 0 || next_arc >= len) break;
            sort_row_rest(t);  // the scan went past the sorted head
          }
        } else {
          p = arc_heap_min(t, d + pt, best);
          if (p >= 0) wp = w[static_cast<std::size_t>(p)], kp = koc_of[static_cast<std::size_t>(p)];
        }
        if (p < 0) break;
        const auto k = static_cast<std::size_t>(kp);
        const std::int64_t nd = d - wp + pt - pik[k];
        if (nd >= dk_[k]) continue;
        touch_k(k);
        dk_[k] = nd;
        pred_k_[k] = p;
        if (load[k] < capacity[k] && nd + pik[k] < best) {
          best = nd + pik[k];
          end_koc = static_cast<std::int32_t>(k);
          end_task = -1;
        }
        if (nd >= best) continue;
        for (auto j = used_off[k]; j < used_off[k] + load[k]; ++j) {
          const auto jj = static_cast<std::size_t>(j);
          const used_entry& u = used_pairs[jj];
          const auto t2 = static_cast<std::size_t>(u.task);
          if (done_t_[t2]) continue;
          const std::int64_t nd2 = nd + u.w + pik[k] - pit[t2];
          if (nd2 < dt_[t2]) {
            touch_t(t2);
            dt_[t2] = nd2;
            pred_t_[t2] = u.arc;
            heap_.push_or_decrease(static_cast<std::int32_t>(t2), nd2);
          }
        }
      }
    }
    const std::int64_t D = best;  // always finite: t0's own dummy arc is a path
    // pi(v) += min(d(v), D) - D: only the nodes closer than D move (Jonker-Volgenant's trick).
    for (auto t : touched_t_) {
      const auto tt = static_cast<std::size_t>(t);
      if (done_t_[tt] && dt_[tt] < D) pit[tt] += dt_[tt] - D;
    }
    for (auto k : touched_k_) {
      const auto kk = static_cast<std::size_t>(k);
      if (dk_[kk] < D) pik[kk] += dk_[kk] - D;
    }
    if (end_koc >= 0) augment_to_koc(static_cast<std::size_t>(end_koc));
    else augment_to_dummy(static_cast<std::size_t>(end_task), t0u);
    // Every other path of the tree with zero reduced cost is a shortest path too: take it.
    for (auto k32 : touched_k_) {
      if (excess(t0u) <= 0) break;
      const auto k = static_cast<std::size_t>(k32);
      if (dk_[k] > D || load[k] >= capacity[k] || pik[k] != 0) continue;
      if (path_is_open(pred_k_[k])) augment_to_koc(k);
    }
    for (auto t32 : touched_t_) {
      if (excess(t0u) <= 0) break;
      const auto t = static_cast<std::size_t>(t32);
      if (!done_t_[t] || dt_[t] > D || dummy_cost + pit[t] != 0) continue;
      if (t == t0u || (state[static_cast<std::size_t>(pred_t_[t])] == used &&
                       path_is_open(pred_k_[static_cast<std::size_t>(koc_of[static_cast<std::size_t>(pred_t_[t])])])))
        augment_to_dummy(t, t0u);
    }
    for (auto a : popped_arcs_)
      if (state[static_cast<std::size_t>(a)] == unused) arc_heap_push(a);
    popped_arcs_.clear();
    reset_labels();
  }

  // ---- rows in decreasing w + pik, for the row scans of long searches ------------------------------
  // Built per task once its row has been scanned sort_rows_after times (only tight instances get
  // there). The keys go stale as potentials decrease but stay upper bounds; re-sorting with fresh
  // potentials read fewer arcs but cost more than it saved (tight benchmark: 4x the sorts for 4% fewer
  // reads). Equal keys keep arc order, so the scan order is deterministic.
  struct sorted_arc {
    std::int64_t key;  ///< w + pik[koc] when the row was sorted
    std::int64_t w;
    std::int32_t koc;
    std::uint32_t offset;  ///< the arc is task_off[t] + offset
  };
  static bool sorted_before(const sorted_arc& x, const sorted_arc& y) {
    return x.key > y.key || (x.key == y.key && x.offset < y.offset);
  }
  // Only the head of a row is sorted at first (a scan reads a few percent of it), the rest when a scan
  // gets there: the order is the same as a full sort's, for less work.
  const sorted_arc* row_by_key(std::size_t t) {
    auto& order = rows_by_key_[t];
    const auto base = task_off[t];
    const auto len = static_cast<std::size_t>(task_off[t + 1] - base);
    if (order.size() != len) {
      order.resize(len);
      for (std::size_t i = 0; i < len; ++i) {
        const auto a = static_cast<std::size_t>(base) + i;
        order[i] = {w[a] + pik[static_cast<std::size_t>(koc_of[a])], w[a], koc_of[a], static_cast<std::uint32_t>(i)};
      }
      const auto head = std::min(len, std::max<std::size_t>(64, len / 8));
      if (head < len) std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(head), order.end(), sorted_before);
      std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(head), sorted_before);
      row_sorted_[t] = static_cast<std::int64_t>(head);
    }
    return order.data();
  }
  void sort_row_rest(std::size_t t) {
    auto& order = rows_by_key_[t];
    std::sort(order.begin() + row_sorted_[t], order.end(), sorted_before);
    ++row_tail_sorts;
    row_sorted_[t] = static_cast<std::int64_t>(order.size());
  }

  // ---- per-task heaps of unused arcs keyed by -w - pi(k) -----------------------------------------
  // During fill() KOC potentials only decrease, so an arc's key only grows: a stored key is a lower
  // bound, refreshed when it reaches the top. A search then touches the few arcs of a task that
  // are cheaper than its current best sink instead of the task's whole row.
  std::int64_t arc_key(std::size_t a) const { return -w[a] - pik[static_cast<std::size_t>(koc_of[a])]; }
  bool arc_less(std::size_t i, std::size_t j) const {
    return hkey_[i] < hkey_[j] || (hkey_[i] == hkey_[j] && harc_[i] < harc_[j]);
  }
  void arc_sift_down(std::size_t base, std::size_t n, std::size_t i) {
    for (;;) {
      std::size_t c = 2 * i + 1;
      if (c >= n) return;
      if (c + 1 < n && arc_less(base + c + 1, base + c)) ++c;
      if (!arc_less(base + c, base + i)) return;
      std::swap(hkey_[base + c], hkey_[base + i]);
      std::swap(harc_[base + c], harc_[base + i]);
      i = c;
    }
  }
  void arc_heap_push(std::int64_t a) {
    const auto aa = static_cast<std::size_t>(a);
    if (!heaps_on_ || in_heap_[aa]) return;
    in_heap_[aa] = 1;
    const auto t = static_cast<std::size_t>(task_of[aa]);
    const auto base = static_cast<std::size_t>(task_off[t]);
    std::size_t i = static_cast<std::size_t>(hsize_[t]++);
    hkey_[base + i] = arc_key(aa);
    harc_[base + i] = a;
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!arc_less(base + i, base + parent)) break;
      std::swap(hkey_[base + i], hkey_[base + parent]);
      std::swap(harc_[base + i], harc_[base + parent]);
      i = parent;
    }
  }
  void arc_heap_pop(std::size_t t) {
    const auto base = static_cast<std::size_t>(task_off[t]);
    const auto n = static_cast<std::size_t>(--hsize_[t]);
    in_heap_[static_cast<std::size_t>(harc_[base])] = 0;
    hkey_[base] = hkey_[base + n];
    harc_[base] = harc_[base + n];
    arc_sift_down(base, n, 0);
  }
  // Pops and returns the unused arc of t with the least key if offset + key < bound, else -1.
  std::int64_t arc_heap_min(std::size_t t, std::int64_t offset, std::int64_t bound) {
    const auto base = static_cast<std::size_t>(task_off[t]);
    // Ends: each turn pops an arc or refreshes the top's stored key to its current one; potentials do not
    // change during a call, so an arc is refreshed at most once: <= 2 x the heap's size turns.
    while (hsize_[t] > 0) {
      const auto a = static_cast<std::size_t>(harc_[base]);
      if (state[a] != unused) {
        arc_heap_pop(t);
        continue;
      }
      const std::int64_t key = arc_key(a);
      if (key != hkey_[base]) {
        hkey_[base] = key;
        arc_sift_down(base, static_cast<std::size_t>(hsize_[t]), 0);
        continue;
      }
      if (offset + key >= bound) return -1;
      arc_heap_pop(t);
      popped_arcs_.push_back(static_cast<std::int64_t>(a));
      return static_cast<std::int64_t>(a);
    }
    return -1;
  }
  void build_arc_heaps() {
    hkey_.resize(n_arcs);
    harc_.resize(n_arcs);
    in_heap_.assign(n_arcs, 0);
    hsize_.assign(n_tasks, 0);
    heaps_on_ = true;
    for (std::size_t a = 0; a < n_arcs; ++a)
      if (state[a] == unused) arc_heap_push(static_cast<std::int64_t>(a));
  }

  // Is the tree path ending with forward arc p (task -> KOC) still residual back to the root?
  bool path_is_open(std::int64_t p) const {
    for (;;) {  // up the search's shortest-path tree to its root: <= settled tasks steps
      if (state[static_cast<std::size_t>(p)] != unused) return false;
      const auto t = static_cast<std::size_t>(task_of[static_cast<std::size_t>(p)]);
      const auto q = pred_t_[t];
      if (q < 0) return true;
      if (state[static_cast<std::size_t>(q)] != used) return false;
      p = pred_k_[static_cast<std::size_t>(koc_of[static_cast<std::size_t>(q)])];
    }
  }

  // Flips the tree path from the root to the forward arc p: every forward arc becomes used, every
  // backward arc unused; intermediate KOCs and tasks keep their counts.
  void flip_path(std::int64_t p) {
    for (;;) {  // up the shortest-path tree to its root: <= settled tasks steps
      state[static_cast<std::size_t>(p)] = used;
      const auto t = static_cast<std::size_t>(task_of[static_cast<std::size_t>(p)]);
      if (pred_t_[t] < 0) {  // the root, t0
        ++filled[t];
        return;
      }
      const auto q = pred_t_[t];
      state[static_cast<std::size_t>(q)] = unused;
      arc_heap_push(q);
      const auto k2 = static_cast<std::size_t>(koc_of[static_cast<std::size_t>(q)]);
      p = pred_k_[k2];
      swap_used(k2, q, p);
    }
  }

  void augment_to_koc(std::size_t k) {
    ++augmentations;
    add_used(k, pred_k_[k]);
    flip_path(pred_k_[k]);
  }

  // The slot ends empty at task t: t0 itself (all its remaining slots at once: the dummy arc is
  // unbounded), or t gives its pair on the path up and leaves that slot empty instead.
  void augment_to_dummy(std::size_t t, std::size_t t0) {
    ++augmentations;
    if (t == t0) {
      empty_slots[t] += static_cast<std::int32_t>(excess(t));
      return;
    }
    ++empty_slots[t];
    const auto q = pred_t_[t];
    state[static_cast<std::size_t>(q)] = unused;
    arc_heap_push(q);
    --filled[t];
    const auto k = static_cast<std::size_t>(koc_of[static_cast<std::size_t>(q)]);
    const auto p = pred_k_[k];
    swap_used(k, q, p);
    flip_path(p);
  }

  // ---- what the backward searches of the repairs read ------------------------------------------
  // A repair search walks used arcs task -> KOC and unused arcs KOC -> task. A task's used arcs are a
  // few percent of its row, so each task keeps a list of them (lazily: an arc that became unused is
  // dropped at the next scan; repair_listed_ keeps an arc from being listed twice). A KOC's arcs lie
  // in as many task rows, so their tasks and scores are copied into KOC order (repair_task_,
  // repair_w_, beside koc_arcs): the scan then reads contiguous memory, and the arc's state only when
  // the arc improves a label. Built for the repairs only and released after them (memory at
  // programme scale).
  void build_repair_index() {
    repair_used_.assign(n_tasks, {});
    repair_listed_.assign(n_arcs, 0);
    for (std::size_t t = 0; t < n_tasks; ++t) {
      auto& list = repair_used_[t];
      list.reserve(static_cast<std::size_t>(filled[t]));
      for (auto a = task_off[t]; a < task_off[t + 1]; ++a)
        if (state[static_cast<std::size_t>(a)] == used) list.push_back(a), repair_listed_[static_cast<std::size_t>(a)] = 1;
    }
    repair_task_.resize(n_arcs);
    repair_w_.resize(n_arcs);
    for (std::size_t j = 0; j < n_arcs; ++j) {
      const auto a = static_cast<std::size_t>(koc_arcs[j]);
      repair_task_[j] = task_of[a];
      repair_w_[j] = w[a];
    }
  }
  void release_repair_index() {
    std::vector<std::vector<std::int64_t>>().swap(repair_used_);
    std::vector<std::uint8_t>().swap(repair_listed_);
    std::vector<std::int32_t>().swap(repair_task_);
    std::vector<std::int64_t>().swap(repair_w_);
  }
  void repair_mark_used(std::int64_t a) {
    const auto aa = static_cast<std::size_t>(a);
    state[aa] = used;
    if (!repair_listed_[aa]) {
      repair_listed_[aa] = 1;
      repair_used_[static_cast<std::size_t>(task_of[aa])].push_back(a);
    }
  }

  // Backward Dijkstra from an overfull task t0 to a task with a slot still to route (which takes the
  // pair over) or to Z (through a loaded KOC, which then gives a pair up); pi(Z) does not move.
  // Ties: tasks pop by (label, index); a task's used arcs are read in list order (arc order as the
  // repairs began, then in the order arcs became used), a KOC's arcs in pair order.
  void repair_overfull(std::int32_t t0) {
    ++searches;
    const auto t0u = static_cast<std::size_t>(t0);
    touch_t(t0u);
    dt_[t0u] = 0;
    pred_t_[t0u] = -1;
    heap_.push_or_decrease(t0, 0);
    std::int64_t best = inf;
    std::int32_t end_task = -1, end_koc = -1;
    // Ends as search_from: each pop settles a task for good, and each settled task reads its used list once.
    while (!heap_.empty() && heap_.top_key() < best) {
      const auto t = static_cast<std::size_t>(heap_.pop());
      done_t_[t] = 1;
      const std::int64_t e = dt_[t], pt = pit[t];
      auto& list = repair_used_[t];
      std::size_t kept = 0;
      for (std::size_t i = 0; i < list.size(); ++i) {
        const auto p = list[i];
        const auto pp = static_cast<std::size_t>(p);
        if (state[pp] != used) {
          repair_listed_[pp] = 0;
          continue;
        }
        list[kept++] = p;
        const auto k = static_cast<std::size_t>(koc_of[pp]);
        const std::int64_t ne = e + w[pp] + pik[k] - pt;
        if (ne >= dk_[k]) continue;
        touch_k(k);
        dk_[k] = ne;
        pred_k_[k] = p;  // successor arc k -> t
        if (ne - pik[k] < best) {  // Z -> k is residual: k is loaded
          best = ne - pik[k];
          end_koc = static_cast<std::int32_t>(k);
          end_task = -1;
        }
        if (ne >= best) continue;
        const std::int64_t base = ne - pik[k];
        for (auto j = koc_off[k]; j < koc_off[k + 1]; ++j) {
          const auto jj = static_cast<std::size_t>(j);
          const auto t2 = static_cast<std::size_t>(repair_task_[jj]);
          if (done_t_[t2]) continue;
          const std::int64_t ne2 = base - repair_w_[jj] + pit[t2];
          if (ne2 >= dt_[t2]) continue;
          const auto q = koc_arcs[jj];
          if (state[static_cast<std::size_t>(q)] != unused) continue;
          touch_t(t2);
          dt_[t2] = ne2;
          pred_t_[t2] = q;  // successor arc t2 -> k
          heap_.push_or_decrease(static_cast<std::int32_t>(t2), ne2);
          if (excess(t2) > 0 && ne2 < best) {
            best = ne2;
            end_task = static_cast<std::int32_t>(t2);
            end_koc = -1;
          }
        }
      }
      list.resize(kept);
    }
    // pi(v) -= min(e(v), D) - D
    for (auto t : touched_t_) {
      const auto tt = static_cast<std::size_t>(t);
      if (done_t_[tt] && dt_[tt] < best) pit[tt] += best - dt_[tt];
    }
    for (auto k : touched_k_) {
      const auto kk = static_cast<std::size_t>(k);
      if (dk_[kk] < best) pik[kk] += best - dk_[kk];
    }
    ++augmentations;
    std::size_t t;
    if (end_task >= 0) {
      t = static_cast<std::size_t>(end_task);
      ++filled[t];
    } else {
      const auto k = static_cast<std::size_t>(end_koc);
      const auto q = pred_k_[k];
      state[static_cast<std::size_t>(q)] = unused;
      remove_used(k, q);
      t = static_cast<std::size_t>(task_of[static_cast<std::size_t>(q)]);
    }
    while (t != t0u) {  // down the shortest-path tree to t0: <= settled tasks steps
      const auto p = pred_t_[t];
      repair_mark_used(p);
      const auto k = static_cast<std::size_t>(koc_of[static_cast<std::size_t>(p)]);
      const auto q = pred_k_[k];
      state[static_cast<std::size_t>(q)] = unused;
      swap_used(k, q, p);
      t = static_cast<std::size_t>(task_of[static_cast<std::size_t>(q)]);
    }
    --filled[t0u];
    reset_labels();
  }

  std::vector<std::int64_t> dk_, pred_k_, dt_, pred_t_;
  std::vector<std::uint8_t> done_t_;
  std::vector<std::int32_t> touched_k_, touched_t_;
  std::vector<std::int64_t> hkey_, harc_, hsize_, popped_arcs_;
  std::vector<std::vector<sorted_arc>> rows_by_key_;
  std::vector<std::int64_t> row_sorted_;  // per task: rows_by_key_[t][0, row_sorted_[t]) is in order
  std::vector<std::int32_t> row_scans_;
  std::vector<std::uint8_t> in_heap_;
  std::vector<std::vector<std::int64_t>> repair_used_;
  std::vector<std::uint8_t> repair_listed_;
  std::vector<std::int32_t> repair_task_;
  std::vector<std::int64_t> repair_w_;
  bool heaps_on_ = false;
  std::vector<std::pair<std::int64_t, std::int64_t>> scratch_;
  indexed_heap heap_;
};

}  // namespace detail
}  // namespace koc

// The engine behind koc/matching/capacitated_assignment.hpp: successive shortest paths on the
// task-side of the bipartite flow network, with Dijkstra over reduced costs (Edmonds & Karp 1972,
// Tomizawa 1971), searches stopped at the first reachable free KOC (as in Jonker & Volgenant 1987),
// and every other shortest path of the same length augmented from the same tree.
//
// Network (the documented certificate of the public result refers to it):
//   S -> task t     capacity slots[t],    cost 0
//   task t -> koc k capacity 1,           cost -w_p   (one arc per eligible candidate pair p)
//   koc k -> Z      capacity capacity[k], cost 0
// Potentials pi (int64); reduced cost rc(u->v) = cost + pi(u) - pi(v) >= 0 on every residual arc is
// the invariant. pi(Z) is kept at 0. Searches start at the tasks (few, high degree) and relax the
// KOCs lazily: a KOC's out-arcs in the residual graph are its used pairs (at most its capacity), so a
// KOC costs O(load) to relax while a task costs O(degree).
//
// Internal: not part of the public API.
#pragma once

#include <koc/matching/detail/indexed_heap.hpp>

#include <algorithm>
#include <cstdint>
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
  const std::int32_t* task_of = nullptr;  // n_pairs
  std::vector<std::int64_t> w;            // integerised score per pair
  std::vector<std::uint8_t> state;        // unused / used / inactive (not an arc of the network)
  std::vector<std::int32_t> capacity, slots;
  bool free_flow_value = false;  // max_score: stop when the next path does not raise the score

  // ---- state ----------------------------------------------------------------------------------
  std::vector<std::int32_t> koc_of;      // n_pairs
  std::vector<std::int64_t> task_off;    // CSC over tasks (active pairs only), n_tasks + 1
  std::vector<std::int64_t> task_pairs;  // pair ids, KOC order within a task
  std::vector<std::int32_t> load, filled;
  std::vector<std::int64_t> used_off;    // per-KOC list of used pairs, room for min(capacity, degree)
  std::vector<std::int64_t> used_pairs;
  std::vector<std::int64_t> pik, pit;    // potentials of KOCs and tasks
  std::int64_t sigma = 0;                // potential of S (pi(Z) == 0)
  std::int64_t augmentations = 0, searches = 0;

  /// Builds the adjacency; state, capacity, slots and w must be set. Flow starts empty.
  void init() {
    koc_of.resize(n_pairs);
    std::vector<std::int64_t> active_degree(n_kocs, 0);
    task_off.assign(n_tasks + 1, 0);
    for (std::size_t k = 0; k < n_kocs; ++k)
      for (auto p = offsets[k]; p < offsets[k + 1]; ++p) {
        koc_of[static_cast<std::size_t>(p)] = static_cast<std::int32_t>(k);
        if (state[static_cast<std::size_t>(p)] != inactive) {
          ++task_off[static_cast<std::size_t>(task_of[p]) + 1];
          ++active_degree[k];
        }
      }
    for (std::size_t t = 0; t < n_tasks; ++t) task_off[t + 1] += task_off[t];
    task_pairs.resize(static_cast<std::size_t>(task_off[n_tasks]));
    {
      std::vector<std::int64_t> fill(task_off.begin(), task_off.end() - 1);
      for (std::size_t p = 0; p < n_pairs; ++p)
        if (state[p] != inactive) task_pairs[static_cast<std::size_t>(fill[static_cast<std::size_t>(task_of[p])]++)] = static_cast<std::int64_t>(p);
    }
    used_off.assign(n_kocs + 1, 0);
    for (std::size_t k = 0; k < n_kocs; ++k)
      used_off[k + 1] = used_off[k] + std::min<std::int64_t>(capacity[k], active_degree[k]);
    used_pairs.assign(static_cast<std::size_t>(used_off[n_kocs]), -1);
    load.assign(n_kocs, 0);
    filled.assign(n_tasks, 0);
    for (auto& s : state)
      if (s == used) s = unused;
    dk_.assign(n_kocs, inf);
    pred_k_.assign(n_kocs, -1);
    dt_.assign(n_tasks, inf);
    pred_t_.assign(n_tasks, -1);
    done_t_.assign(n_tasks, 0);
    heap_.reset_capacity(n_tasks);
    sources_.reset_capacity(n_tasks);
  }

  /// Cold potentials: with no flow, pi(k) = 0 and pi(t) = the best score at t make every arc's
  /// reduced cost non-negative.
  void cold_potentials() {
    pik.assign(n_kocs, 0);
    pit.assign(n_tasks, 0);
    bool any = false;
    std::int64_t top = 0;
    for (std::size_t t = 0; t < n_tasks; ++t) {
      const auto b = task_off[t], e = task_off[t + 1];
      if (b == e) continue;
      std::int64_t best = w[static_cast<std::size_t>(task_pairs[static_cast<std::size_t>(b)])];
      for (auto i = b + 1; i < e; ++i) best = std::max(best, w[static_cast<std::size_t>(task_pairs[static_cast<std::size_t>(i)])]);
      pit[t] = best;
      top = any ? std::max(top, best) : best;
      any = true;
    }
    sigma = free_flow_value ? std::max<std::int64_t>(top, 0) : top;
    for (std::size_t t = 0; t < n_tasks; ++t)
      if (task_off[t] == task_off[t + 1]) pit[t] = sigma;
  }

  /// Warm start from previous task potentials (and sigma): every KOC takes its best pairs at those
  /// prices (which satisfies every pair and KOC optimality condition), tasks whose price contradicts
  /// their fill are reset to sigma, and the overfull tasks are repaired by backward searches.
  void warm_start(const std::vector<std::int64_t>& task_potential, std::int64_t source_potential) {
    pit = task_potential;
    sigma = free_flow_value ? 0 : source_potential;
    pik.assign(n_kocs, 0);
    for (std::size_t k = 0; k < n_kocs; ++k) best_response(k);
    std::vector<std::uint8_t> dirty(n_kocs, 0);
    for (;;) {
      bool changed = false;
      for (std::size_t t = 0; t < n_tasks; ++t) {
        const bool bad = (filled[t] < slots[t] && pit[t] > sigma) || (filled[t] > 0 && pit[t] < sigma);
        if (!bad) continue;
        pit[t] = sigma;  // at sigma a task is consistent with any fill, so it is reset at most once
        changed = true;
        for (auto i = task_off[t]; i < task_off[t + 1]; ++i)
          dirty[static_cast<std::size_t>(koc_of[static_cast<std::size_t>(task_pairs[static_cast<std::size_t>(i)])])] = 1;
      }
      if (!changed) break;
      for (std::size_t k = 0; k < n_kocs; ++k)
        if (dirty[k]) {
          dirty[k] = 0;
          release(k);
          best_response(k);
        }
    }
    for (std::size_t t = 0; t < n_tasks; ++t)
      while (filled[t] > slots[t]) repair_overfull(static_cast<std::int32_t>(t));
  }

  /// Augments until no S->Z path is left (or, for a free flow value, until the next path would not
  /// raise the score).
  void fill() {
    sources_.clear();
    for (std::size_t t = 0; t < n_tasks; ++t)
      if (filled[t] < slots[t] && task_off[t] < task_off[t + 1]) sources_.push_or_decrease(static_cast<std::int32_t>(t), -pit[t]);
    while (forward_search()) {
    }
    // A task without arcs is never searched, so its S arc only needs pi(t) <= sigma, which moved.
    for (std::size_t t = 0; t < n_tasks; ++t)
      if (task_off[t] == task_off[t + 1]) pit[t] = sigma;
  }

 private:
  // ---- per-KOC list of used pairs -----------------------------------------------------------------
  void add_used(std::size_t k, std::int64_t p) {
    used_pairs[static_cast<std::size_t>(used_off[k] + load[k])] = p;
    ++load[k];
  }
  void remove_used(std::size_t k, std::int64_t p) {
    const auto b = static_cast<std::size_t>(used_off[k]);
    const auto last = b + static_cast<std::size_t>(load[k]) - 1;
    for (auto i = b; i <= last; ++i)
      if (used_pairs[i] == p) {
        used_pairs[i] = used_pairs[last];
        break;
      }
    --load[k];
  }
  // Intermediate KOCs on a path trade one used pair for another: keep the list order stable.
  void swap_used(std::size_t k, std::int64_t out, std::int64_t in) {
    const auto b = static_cast<std::size_t>(used_off[k]);
    for (auto i = b; i < b + static_cast<std::size_t>(load[k]); ++i)
      if (used_pairs[i] == out) {
        used_pairs[i] = in;
        return;
      }
  }

  void release(std::size_t k) {
    for (auto i = used_off[k]; i < used_off[k] + load[k]; ++i) {
      const auto p = static_cast<std::size_t>(used_pairs[static_cast<std::size_t>(i)]);
      state[p] = unused;
      --filled[static_cast<std::size_t>(task_of[p])];
    }
    load[k] = 0;
  }

  // KOC k takes its capacity's worth of pairs with the most negative r = pi(t) - w (ties: pair
  // order); pi(k) is then the best price it declined, capped at 0 (= pi(Z)).
  void best_response(std::size_t k) {
    scratch_.clear();
    for (auto p = offsets[k]; p < offsets[k + 1]; ++p) {
      const auto pp = static_cast<std::size_t>(p);
      if (state[pp] == inactive) continue;
      const std::int64_t r = pit[static_cast<std::size_t>(task_of[p])] - w[pp];
      if (r < 0) scratch_.emplace_back(r, p);
    }
    const auto cap = static_cast<std::size_t>(capacity[k]);
    const auto take = std::min(cap, scratch_.size());
    if (scratch_.size() > take)
      std::nth_element(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(take), scratch_.end());
    for (std::size_t i = 0; i < take; ++i) {
      const auto p = scratch_[i].second;
      state[static_cast<std::size_t>(p)] = used;
      ++filled[static_cast<std::size_t>(task_of[p])];
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

  // One Dijkstra from S over the residual graph; returns false when nothing (worth) augmenting.
  bool forward_search() {
    ++searches;
    const std::int64_t bound = free_flow_value ? sigma : inf;  // a path of length >= sigma has cost >= 0
    std::int64_t best = bound;
    std::int32_t terminal = -1;
    popped_sources_.clear();
    for (;;) {
      const std::int64_t from_heap = heap_.empty() ? inf : heap_.top_key();
      const std::int64_t from_source = sources_.empty() ? inf : sigma + sources_.top_key();
      if (std::min(from_heap, from_source) >= best) break;
      if (from_source <= from_heap) {
        const std::int32_t t = sources_.pop();
        popped_sources_.push_back(t);
        const auto tt = static_cast<std::size_t>(t);
        if (!done_t_[tt] && from_source < dt_[tt]) {
          touch_t(tt);
          dt_[tt] = from_source;
          pred_t_[tt] = -1;
          heap_.push_or_decrease(t, from_source);
        }
        continue;
      }
      const auto t = static_cast<std::size_t>(heap_.pop());
      done_t_[t] = 1;
      const std::int64_t d = dt_[t], pt = pit[t];
      for (auto i = task_off[t]; i < task_off[t + 1]; ++i) {
        const auto p = task_pairs[static_cast<std::size_t>(i)];
        const auto pp = static_cast<std::size_t>(p);
        if (state[pp] != unused) continue;
        const auto k = static_cast<std::size_t>(koc_of[pp]);
        const std::int64_t nd = d - w[pp] + pt - pik[k];
        if (nd >= dk_[k]) continue;
        touch_k(k);
        dk_[k] = nd;
        pred_k_[k] = p;
        if (load[k] < capacity[k] && nd + pik[k] < best) {
          best = nd + pik[k];
          terminal = static_cast<std::int32_t>(k);
        }
        if (nd >= best) continue;
        for (auto j = used_off[k]; j < used_off[k] + load[k]; ++j) {
          const auto q = used_pairs[static_cast<std::size_t>(j)];
          const auto t2 = static_cast<std::size_t>(task_of[q]);
          if (done_t_[t2]) continue;
          const std::int64_t nd2 = nd + w[static_cast<std::size_t>(q)] + pik[k] - pit[t2];
          if (nd2 < dt_[t2]) {
            touch_t(t2);
            dt_[t2] = nd2;
            pred_t_[t2] = q;
            heap_.push_or_decrease(static_cast<std::int32_t>(t2), nd2);
          }
        }
      }
    }
    const bool found = terminal >= 0;
    const std::int64_t D = found ? best : bound;
    // Not found under a free flow value: D = sigma, which brings sigma to pi(Z) = 0 for the return arc.
    if (D < inf && D > 0) update_forward(D);
    if (found) {
      augment_forward(static_cast<std::size_t>(terminal));
      // Every other shortest path in the same tree is admissible now: take them too.
      for (auto k32 : touched_k_) {
        const auto k = static_cast<std::size_t>(k32);
        if (k32 == terminal || dk_[k] > D || load[k] >= capacity[k] || pik[k] != 0) continue;
        if (path_is_open(k)) augment_forward(k);
      }
    }
    for (auto t : popped_sources_) {
      const auto tt = static_cast<std::size_t>(t);
      if (filled[tt] < slots[tt]) sources_.push_or_decrease(t, -pit[tt]);
    }
    for (auto t : touched_t_) {
      const auto tt = static_cast<std::size_t>(t);
      if (!sources_.contains(t)) continue;
      if (filled[tt] >= slots[tt]) sources_.erase(t);
      else sources_.set_key(t, -pit[tt]);
    }
    reset_labels();
    return found;
  }

  // pi(v) += min(d(v), D) - D: only the nodes closer than D move (Jonker-Volgenant's trick), S by -D.
  void update_forward(std::int64_t D) {
    for (auto t : touched_t_) {
      const auto tt = static_cast<std::size_t>(t);
      if (done_t_[tt] && dt_[tt] < D) pit[tt] += dt_[tt] - D;
    }
    for (auto k : touched_k_) {
      const auto kk = static_cast<std::size_t>(k);
      if (dk_[kk] < D) pik[kk] += dk_[kk] - D;
    }
    sigma -= D;
  }

  bool path_is_open(std::size_t k) const {
    for (;;) {
      const auto p = pred_k_[k];
      if (state[static_cast<std::size_t>(p)] != unused) return false;
      const auto t = static_cast<std::size_t>(task_of[p]);
      if (!done_t_[t]) return false;
      const auto q = pred_t_[t];
      if (q < 0) return filled[t] < slots[t];
      if (state[static_cast<std::size_t>(q)] != used) return false;
      k = static_cast<std::size_t>(koc_of[static_cast<std::size_t>(q)]);
    }
  }

  void augment_forward(std::size_t k) {
    ++augmentations;
    std::int64_t p = pred_k_[k];
    add_used(k, p);
    for (;;) {
      state[static_cast<std::size_t>(p)] = used;
      const auto t = static_cast<std::size_t>(task_of[p]);
      const auto q = pred_t_[t];
      if (q < 0) {
        ++filled[t];
        return;
      }
      state[static_cast<std::size_t>(q)] = unused;
      const auto k2 = static_cast<std::size_t>(koc_of[static_cast<std::size_t>(q)]);
      p = pred_k_[k2];
      swap_used(k2, q, p);
    }
  }

  // Backward Dijkstra from an overfull task t0 to S (through a task with a free slot) or to Z
  // (through a loaded KOC, which then gives a pair up); sigma and pi(Z) do not move.
  void repair_overfull(std::int32_t t0) {
    ++searches;
    const auto t0u = static_cast<std::size_t>(t0);
    touch_t(t0u);
    dt_[t0u] = 0;
    pred_t_[t0u] = -1;
    heap_.push_or_decrease(t0, 0);
    std::int64_t best = inf;
    std::int32_t end_task = -1, end_koc = -1;
    while (!heap_.empty() && heap_.top_key() < best) {
      const auto t = static_cast<std::size_t>(heap_.pop());
      done_t_[t] = 1;
      const std::int64_t e = dt_[t], pt = pit[t];
      for (auto i = task_off[t]; i < task_off[t + 1]; ++i) {
        const auto p = task_pairs[static_cast<std::size_t>(i)];
        const auto pp = static_cast<std::size_t>(p);
        if (state[pp] != used) continue;
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
        for (auto q = offsets[k]; q < offsets[k + 1]; ++q) {
          const auto qq = static_cast<std::size_t>(q);
          if (state[qq] != unused) continue;
          const auto t2 = static_cast<std::size_t>(task_of[q]);
          if (done_t_[t2]) continue;
          const std::int64_t ne2 = ne - w[qq] + pit[t2] - pik[k];
          if (ne2 >= dt_[t2]) continue;
          touch_t(t2);
          dt_[t2] = ne2;
          pred_t_[t2] = q;  // successor arc t2 -> k
          heap_.push_or_decrease(static_cast<std::int32_t>(t2), ne2);
          if (filled[t2] < slots[t2] && ne2 + sigma - pit[t2] < best) {
            best = ne2 + sigma - pit[t2];
            end_task = static_cast<std::int32_t>(t2);
            end_koc = -1;
          }
        }
      }
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
      t = static_cast<std::size_t>(task_of[q]);
    }
    while (t != t0u) {
      const auto p = pred_t_[t];
      state[static_cast<std::size_t>(p)] = used;
      const auto k = static_cast<std::size_t>(koc_of[static_cast<std::size_t>(p)]);
      const auto q = pred_k_[k];
      state[static_cast<std::size_t>(q)] = unused;
      swap_used(k, q, p);
      t = static_cast<std::size_t>(task_of[q]);
    }
    --filled[t0u];
    reset_labels();
  }

  std::vector<std::int64_t> dk_, pred_k_, dt_, pred_t_;
  std::vector<std::uint8_t> done_t_;
  std::vector<std::int32_t> touched_k_, touched_t_, popped_sources_;
  std::vector<std::pair<std::int64_t, std::int64_t>> scratch_;
  indexed_heap heap_, sources_;
};

}  // namespace detail
}  // namespace koc

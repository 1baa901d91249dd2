// The default engine behind koc/matching/capacitated_assignment.hpp: an epsilon-scaling auction for the
// transportation problem (Bertsekas, "The auction algorithm for assignment and other network flow
// problems: a tutorial", Interfaces 20(4), 1990; Bertsekas & Castanon, "The auction algorithm for the
// transportation problem", Annals of OR 20, 1989; the reverse step for unfilled objects: Bertsekas &
// Castanon, "A forward/reverse auction algorithm for asymmetric assignment problems", Comput. Optim.
// Appl. 1, 1992).
//
// Market: each KOC k is a bidder with c_k = min(capacity, positive pairs) units, each task t an object
// with s_t = min(slots, candidates) identical copies; a unit of k may hold at most one copy of each
// task. Values are integers: value(p) = scale * (w_p + bonus), where w_p is the integerised score,
// bonus = 0 under max_score and, under max_fill_then_score, a bonus per pair large enough that one more
// pair always beats any exchange of scores (auction_units_with in capacitated_assignment.hpp), and
// scale = 2 min(K, T) + 4 makes the final epsilon of 1 small enough to be exact (below). A task with a
// copy for every candidate can never be full: its copies cost 0 and it keeps no heap (unlimited slots,
// broadcast tasks).
//
// Each copy has a price; a task's price is that of its cheapest copy (an empty copy, or the lowest bid
// held). A free unit of k scans k's row, takes the best copy it does not hold yet (value - price) if
// that beats holding nothing (value 0), and bids value - (second best value, or 0) + epsilon for it: it
// stays within epsilon of the best for k however prices rise later, and the copy's previous holder is
// evicted and bids again. Units of a KOC bid together from one scan of its row (the top r values of its
// r free units, each priced against the (r+1)-th). Bidders are served first in, first out.
//
// Phases: the first epsilon is half the largest value (prices climb in a few steps to where demand meets
// the slots), the second an eighth of the range the scores span, then each is divided by
// `epsilon_factor` down to 1. At a phase start every copy of a task is repriced to the task's price (so a
// holder's unit is worth what the task costs today, not what it once bid) and the units no longer within
// the new epsilon of their KOC's best alternative are released, their copies empty at that price (no
// task gets cheaper, no other bidder is disturbed); they bid again.
//
// A forward auction only raises prices, so a copy left empty (released and not wanted again at its old
// price) can keep a price above epsilon, which would overprice an unfilled task. At the end of every
// phase a reverse step repairs it: such a task lowers the price of its empty copies to the point where
// the KOCs that gain most from it (value - their least valuable held unit, or - 0 with spare capacity)
// take them, each giving up its least valuable unit if full (which may empty a copy elsewhere: a
// worklist of tasks). Every KOC taking a copy gains at least epsilon, so it ends; it frees no unit, so no
// forward bidding follows. Doing it every phase, at that phase's epsilon, keeps prices from descending in
// steps of 1 at the end. The reverse step reads a task-major copy of the pairs whose columns have their
// highest values sorted first, and stops a scan once no later KOC can beat the ones found.
//
// Certificate (epsilon-complementary slackness): v_t = the task's price, u_k = max(best value among the
// KOC's pairs not held - epsilon, -epsilon). The auction keeps every held unit within 2 epsilon of the
// KOC's best pair not held and a KOC with spare capacity within 2 epsilon of 0, so every pair satisfies
// u_k + v_t >= value - epsilon, every held pair u_k + v_t <= value + epsilon, a task with empty slots
// has v_t <= epsilon, and u, v >= -epsilon: the potentials of the flow network of
// capacitated_assignment.hpp with every residual arc's reduced cost >= -epsilon. A cycle of that network
// visits at most 2 min(K, T) + 3 nodes, so a negative cycle would cost at most -scale (all values are
// multiples of scale) yet at least -epsilon (2 min(K, T) + 3) > -scale: there is none, and the
// assignment is optimal for the integer weights (Goldberg & Tarjan's epsilon-optimality).
//
// Complexity: per phase O(m) for the release scan plus the bids (each raises a price by >= epsilon, so
// at most units x price range / epsilon in theory; with scaling, a few bids per unit per phase in
// practice) plus the reverse steps' column scans. Phases: 2 + log(scores' spread x scale) /
// log(epsilon_factor). Memory: 13 bytes per pair (value, held flag, heap position), 16 more per pair for
// the task-major copy once a reverse step needs it, 56 bytes per held copy (its heap entry and the KOC's unit).
//
// Determinism: bidders are served in FIFO order starting from KOC 0; a KOC's ties go to the first pair in
// its row; a task's cheapest copy: an empty one on a tie, else the heap's top (the heap orders by price;
// its order among equal prices follows the deterministic sequence of operations); the reverse step ranks
// KOCs by gain, ties to the earlier entry of the task's column (value, then pair order in its sorted
// head). Same input, same output.
//
// Internal: not part of the public API.
#pragma once

#include <koc/error.hpp>
#include <koc/int128.hpp>
#include <koc/solve_control.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace koc {
namespace detail {

class capacitated_auction {
 public:
  using i64 = std::int64_t;
  using i128 = koc::int128;

  // ---- problem (set by the caller, then prepare()) -------------------------------------------------
  std::size_t n_kocs = 0, n_tasks = 0;
  const std::int64_t* offsets = nullptr;  // CSR over KOCs (the caller's candidate graph)
  const std::int32_t* pair_task = nullptr;
  std::vector<i64> value;               // per pair: scale * (w + bonus); <= 0 never bid for
  std::vector<std::int32_t> capacity;   // per KOC, clamped to its positive pairs by prepare()
  std::vector<std::int32_t> slots;      // per task, clamped to its positive pairs by prepare()
  i64 scale = 1;
  i64 epsilon_factor = 8;
  i64 second_epsilon = 0;  ///< if > 0: the second phase's epsilon (after a first phase that sets the price level)

  // ---- result --------------------------------------------------------------------------------------
  std::vector<std::uint8_t> held;     // per pair
  std::vector<std::int32_t> load;     // per KOC: units held
  std::vector<std::int32_t> filled;   // per task: copies held
  std::int64_t bids = 0, phases = 0, reverse_steps = 0, released = 0, reverse_scanned = 0, coarsenings = 0;

  /// Clamps capacities and slots to the positive pairs and sizes the state. value, capacity and slots
  /// must be set.
  void prepare() {
    std::vector<std::int32_t> deg_t(n_tasks, 0);
    for (std::size_t k = 0; k < n_kocs; ++k) {
      std::int32_t deg = 0;
      for (auto p = offsets[k]; p < offsets[k + 1]; ++p)
        if (value[static_cast<std::size_t>(p)] > 0) ++deg, ++deg_t[static_cast<std::size_t>(pair_task[p])];
      capacity[k] = std::min(capacity[k], deg);
    }
    never_full_.assign(n_tasks, 0);
    heap_off_.assign(n_tasks + 1, 0);
    for (std::size_t t = 0; t < n_tasks; ++t) {
      // A task with a copy for every candidate never runs out: its price stays 0 and it keeps no heap.
      if (slots[t] >= deg_t[t]) never_full_[t] = 1;
      slots[t] = std::min(slots[t], deg_t[t]);
      heap_off_[t + 1] = heap_off_[t] + (never_full_[t] ? 0 : slots[t]);
    }
    held_off_.assign(n_kocs + 1, 0);
    for (std::size_t k = 0; k < n_kocs; ++k) held_off_[k + 1] = held_off_[k] + capacity[k];
    top_value_ = 0;
    for (const auto v : value) top_value_ = std::max(top_value_, v);
    eps_cap_ = std::max<i64>(1, top_value_ / 2);
    units_ = held_off_[n_kocs];
    const auto n_pairs = static_cast<std::size_t>(offsets[n_kocs]);
    held.assign(n_pairs, 0);
    heap_pos_.assign(n_pairs, -1);
    load.assign(n_kocs, 0);
    filled.assign(n_tasks, 0);
    heap_.assign(static_cast<std::size_t>(heap_off_[n_tasks]), copy{});
    held_list_.assign(static_cast<std::size_t>(held_off_[n_kocs]), unit{});
    empty_price_.assign(n_tasks, 0);
    price_.assign(n_tasks, 0);
    // A task with no slot sells nothing: priced above every value, nobody bids for it.
    for (std::size_t t = 0; t < n_tasks; ++t)
      if (slots[t] == 0 && !never_full_[t]) price_[t] = top_value_ + 1;
    in_queue_.assign(n_kocs, 0);
    floor_.assign(n_kocs, 0);
    for (std::size_t k = 0; k < n_kocs; ++k) refresh_floor(k);
  }

  /// Starting prices (a warm start), in value units; negative entries count as 0. Call after prepare().
  void set_prices(const std::vector<i64>& p) {
    for (std::size_t t = 0; t < n_tasks; ++t) empty_price_[t] = never_full_[t] ? 0 : std::max<i64>(0, p[t]);
    for (std::size_t t = 0; t < n_tasks; ++t) price_[t] = slots[t] == 0 && !never_full_[t] ? top_value_ + 1 : empty_price_[t];
  }

  /// Runs the phases from epsilon0 down to 1, each ending with the reverse step. `watch` is checked every
  /// few thousand bids and at every phase; it throws to stop the solve (koc::error timeout / cancelled).
  void run(i64 epsilon0, solve_watch& watch) {
    watch_ = &watch;
    i64 eps = std::max<i64>(1, epsilon0);
    phases_expected_ = expected_phases(eps);
    // Ends: each phase divides eps by epsilon_factor (>= 2) down to 1, and a coarsening (at most
    // kMaxCoarsenings in a solve) multiplies it back once: at most expected_phases + kMaxCoarsenings phases.
    for (;;) {
      ++phases;
      check_watch();
      start_phase(eps);
      bid_until_settled(eps);
      // Empty copies left overpriced are repriced at this phase's granularity: doing it only at the end,
      // with epsilon 1, would let two tasks take a KOC back and forth, each a step of 1 cheaper.
      reverse(eps);
      if (eps == 1) break;
      eps = next_epsilon(phases, eps);
    }
    watch_->check(solve_progress{1.0, bids, phases, phases, 0});
  }

  /// v_t: the price of the task's cheapest copy (above every value for a task with no copy to sell).
  i64 task_price(std::size_t t) const { return price_[t]; }

  /// u_k for the certificate: max(best value among the KOC's pairs it does not hold - eps, -eps). The
  /// auction keeps every held unit within 2 eps of the best pair not held (within eps when bid, and the
  /// reverse step offers a KOC no more than eps over what its least unit was worth when it had spare
  /// capacity, when that unit was worth at least -eps), and a KOC with spare capacity within 2 eps of 0;
  /// this u_k then puts every reduced cost at >= -eps (see verify()).
  i64 koc_profit(std::size_t k, i64 eps) const {
    i64 best = std::numeric_limits<i64>::min();
    for (auto p = offsets[k]; p < offsets[k + 1]; ++p)
      if (!held[static_cast<std::size_t>(p)])
        best = std::max(best, value[static_cast<std::size_t>(p)] - task_price(static_cast<std::size_t>(pair_task[p])));
    return best == std::numeric_limits<i64>::min() ? -eps : std::max(best - eps, -eps);
  }

 private:
  // Epsilon after phase `phase` (1-based) ran with `eps`.
  i64 next_epsilon(std::int64_t phase, i64 eps) const {
    if (phase == 1 && second_epsilon > 0 && second_epsilon < eps) return second_epsilon;
    return std::max<i64>(1, eps / epsilon_factor);
  }
  std::int64_t expected_phases(i64 eps0) const {
    std::int64_t n = 1;
    for (i64 e = eps0; e > 1; ++n) e = next_epsilon(n, e);
    return n;
  }
  // Progress: phases done plus the share of this phase's bidders served (a phase's work is uneven, so this
  // is an estimate).
  void check_watch() {
    const double within = queue_.empty() ? 0.0 : static_cast<double>(head_) / static_cast<double>(queue_.size());
    const double f = (static_cast<double>(phases - 1) + std::min(within, 0.99)) / static_cast<double>(std::max<std::int64_t>(1, phases_expected_));
    watch_->check(solve_progress{std::min(f, 0.99), bids, phases, phases_expected_, 0});
  }

  struct copy {  // a held copy of a task, in the task's min-heap by (price, pair)
    i64 price = 0;
    i64 pair = -1;
    std::int32_t koc = -1;
  };
  struct column_entry {
    i64 value;
    std::uint32_t pair;  // the auction takes fewer than 2^32 pairs (capacitated_assignment.hpp checks)
    std::int32_t koc;
  };
  struct unit {  // a KOC's held unit: the pair, the price it bid, and the pair's value and task (kept here
                 // so that the reverse step and the floors read one contiguous list, not two pair-indexed arrays)
    i64 pair = -1;
    i64 price = 0;
    i64 value = 0;
    std::int32_t task = -1;
  };

  // ---- a task's copies: held ones in a min-heap of (price, pair), empty ones all at empty_price_ -------
  // Price alone: equal prices keep the heap's own (deterministic) order, so that repricing every copy of a
  // task to one price at a phase start leaves a valid heap.
  static bool copy_less(const copy& a, const copy& b) { return a.price < b.price; }
  void heap_set(std::size_t base, std::size_t i, const copy& c) {
    heap_[base + i] = c;
    heap_pos_[static_cast<std::size_t>(c.pair)] = static_cast<std::int32_t>(i);
  }
  void sift_up(std::size_t base, std::size_t i) {
    const copy c = heap_[base + i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!copy_less(c, heap_[base + parent])) break;
      heap_set(base, i, heap_[base + parent]);
      i = parent;
    }
    heap_set(base, i, c);
  }
  void sift_down(std::size_t base, std::size_t n, std::size_t i) {
    const copy c = heap_[base + i];
    for (;;) {
      std::size_t ch = 2 * i + 1;
      if (ch >= n) break;
      if (ch + 1 < n && copy_less(heap_[base + ch + 1], heap_[base + ch])) ++ch;
      if (!copy_less(heap_[base + ch], c)) break;
      heap_set(base, i, heap_[base + ch]);
      i = ch;
    }
    heap_set(base, i, c);
  }
  // The price a bidder pays at least for task t: its cheapest copy (empty copies win ties).
  void refresh_price(std::size_t t) {
    if (never_full_[t] || slots[t] == 0) return;  // always an empty copy at 0; nothing to sell
    const auto base = static_cast<std::size_t>(heap_off_[t]);
    const bool empty = filled[t] < slots[t];
    if (filled[t] == 0) price_[t] = empty_price_[t];
    else price_[t] = empty ? std::min(empty_price_[t], heap_[base].price) : heap_[base].price;
  }
  void remove_from_heap(std::size_t t, i64 pair) {
    const auto base = static_cast<std::size_t>(heap_off_[t]);
    const auto i = static_cast<std::size_t>(heap_pos_[static_cast<std::size_t>(pair)]);
    const auto n = static_cast<std::size_t>(filled[t]) - 1;  // filled[t] still counts the copy
    heap_pos_[static_cast<std::size_t>(pair)] = -1;
    if (i != n) {
      heap_set(base, i, heap_[base + n]);
      if (i > 0 && copy_less(heap_[base + i], heap_[base + (i - 1) / 2])) sift_up(base, i);
      else sift_down(base, n, i);
    }
  }

  // ---- a KOC's held units ---------------------------------------------------------------------------
  void add_unit(std::size_t k, i64 pair, i64 price) {
    held_list_[static_cast<std::size_t>(held_off_[k] + load[k])] = {pair, price, value[static_cast<std::size_t>(pair)], pair_task[pair]};
    ++load[k];
    held[static_cast<std::size_t>(pair)] = 1;
    refresh_floor(k);
  }
  // floor_[k] bounds from below what the KOC's least valuable unit is worth at today's prices (0 with
  // spare capacity): a unit's own bid is never below its task's price. The reverse step uses it to skip
  // KOCs without walking their units.
  void refresh_floor(std::size_t k) {
    if (load[k] < capacity[k]) {
      floor_[k] = 0;
      return;
    }
    i64 f = std::numeric_limits<i64>::max();
    for (auto i = held_off_[k]; i < held_off_[k] + load[k]; ++i) {
      const unit& u = held_list_[static_cast<std::size_t>(i)];
      f = std::min(f, u.value - u.price);
    }
    floor_[k] = load[k] == 0 ? std::numeric_limits<i64>::max() / 4 : f;  // no capacity: takes nothing
  }
  void drop_unit(std::size_t k, i64 pair) {
    const auto b = static_cast<std::size_t>(held_off_[k]);
    const auto last = b + static_cast<std::size_t>(load[k]) - 1;
    for (auto i = b; i <= last; ++i)
      if (held_list_[i].pair == pair) {
        held_list_[i] = held_list_[last];
        break;
      }
    --load[k];
    held[static_cast<std::size_t>(pair)] = 0;
    refresh_floor(k);
  }
  void enqueue(std::size_t k) {
    if (!in_queue_[k]) in_queue_[k] = 1, queue_.push_back(static_cast<std::int32_t>(k));
  }

  // A copy of task t leaves its holder's hands (released, dropped, or evicted by the caller): empty copies
  // take the lowest price among them, which never lowers the task's price below what it was.
  void vacate(std::size_t t, i64 pair, i64 price) {
    if (never_full_[t]) {
      --filled[t];
      return;
    }
    const bool was_full = filled[t] == slots[t];
    remove_from_heap(t, pair);
    --filled[t];
    empty_price_[t] = was_full ? price : std::min(empty_price_[t], price);
    refresh_price(t);
  }

  // Unit of KOC k takes a copy of task t (pair p) at `bid`: the cheapest copy, evicting its holder when it
  // is a held one.
  void place(std::size_t k, i64 p, i64 bid) {
    const auto t = static_cast<std::size_t>(pair_task[p]);
    if (never_full_[t]) {  // an uncontested copy: it costs nothing
      add_unit(k, p, 0);
      ++filled[t];
      return;
    }
    add_unit(k, p, bid);
    const auto base = static_cast<std::size_t>(heap_off_[t]);
    const bool empty = filled[t] < slots[t];
    if (empty && (filled[t] == 0 || empty_price_[t] <= heap_[base].price)) {
      ++filled[t];
      heap_set(base, static_cast<std::size_t>(filled[t]) - 1, copy{bid, p, static_cast<std::int32_t>(k)});
      sift_up(base, static_cast<std::size_t>(filled[t]) - 1);
    } else {
      const copy out = heap_[base];
      heap_pos_[static_cast<std::size_t>(out.pair)] = -1;
      heap_set(base, 0, copy{bid, p, static_cast<std::int32_t>(k)});
      sift_down(base, static_cast<std::size_t>(filled[t]), 0);
      const auto k2 = static_cast<std::size_t>(out.koc);
      drop_unit(k2, out.pair);
      enqueue(k2);
    }
    refresh_price(t);
  }

  // ---- phases --------------------------------------------------------------------------------------
  // At a phase start every copy of a task is priced at the task's price (the price of its cheapest copy,
  // which therefore does not change): a holder's unit is then worth what the task costs today, not what
  // it once bid. Units no longer within eps of their KOC's best alternative are released (their copies
  // stay at the task's price), and every KOC with a free unit and something worth bidding for is queued.
  void start_phase(i64 eps) {
    queue_.clear();
    head_ = 0;
    for (std::size_t t = 0; t < n_tasks; ++t) {
      if (never_full_[t] || slots[t] == 0) continue;
      const i64 v = price_[t];
      const auto base = static_cast<std::size_t>(heap_off_[t]);
      const auto n = static_cast<std::size_t>(filled[t]);
      for (std::size_t i = 0; i < n; ++i) heap_[base + i].price = v;  // still a heap: all equal
      empty_price_[t] = v;
    }
    for (std::size_t k = 0; k < n_kocs; ++k) {
      const auto b = offsets[k], e = offsets[k + 1];
      if (capacity[k] == 0) continue;
      i64 best = 0;  // holding nothing is worth 0
      for (auto p = b; p < e; ++p) {
        const auto pp = static_cast<std::size_t>(p);
        if (held[pp]) continue;
        const i64 v = value[pp] - price_[static_cast<std::size_t>(pair_task[pp])];
        best = v > best ? v : best;
      }
      bool released_any = false;
      for (auto i = held_off_[k]; i < held_off_[k] + load[k];) {
        unit& u = held_list_[static_cast<std::size_t>(i)];
        const auto t = static_cast<std::size_t>(u.task);
        u.price = never_full_[t] ? 0 : price_[t];
        if (u.value - u.price < best - eps) {
          ++released;
          released_any = true;
          const unit out = u;
          drop_unit(k, out.pair);  // moves the last unit into slot i: do not advance
          vacate(t, out.pair, out.price);
        } else {
          ++i;
        }
      }
      refresh_floor(k);
      if (load[k] < capacity[k] && (best > 0 || released_any)) enqueue(k);
    }
  }

  // Gauss-Seidel bidding until no KOC has a free unit with a positive-value pair left. False if stopped.
  //
  // Price wars: when many bidders value a copy alike, each bid lifts its price by little more than eps, so
  // prices far from their level (a warm start's, or a phase whose eps is too fine for them) climb in
  // steps of eps. A phase that has spent its budget of bids, a few per unit, therefore coarsens eps by
  // epsilon_factor (up to the cold start's first eps, half the largest value, where a copy is bid at
  // most a few times before its price passes every value): units already held stay within the larger
  // eps, so the phase simply goes on with it and the schedule resumes from there. This bounds every
  // phase's bids by its budget times the number of coarsenings (at most log(largest value) /
  // log(epsilon_factor)) plus the bids of one phase at the cap; kMaxCoarsenings bounds them over the whole
  // solve (past it the plain auction runs on, which ends too, if slower).
  void bid_until_settled(i64& eps) {
    std::vector<std::pair<i64, i64>>& cand = scratch_;
    const std::int64_t budget = 8 * (units_ + 1) + 1024;
    std::int64_t phase_bids = bids;
    // Ends: a KOC is queued at the phase start or when it loses a copy. A bid takes an empty copy or evicts
    // the cheapest holder at a price at least eps above that holder's bid (bid = price + (best - second
    // best) + eps), and no bid exceeds the largest value + eps (the second best is >= 0), so a copy changes
    // hands at most (largest value / eps + 2) times: bids per phase <= copies x (largest value / eps + 2)
    // + units. The budget below coarsens eps long before that (at most kMaxCoarsenings times per solve).
    while (head_ < queue_.size()) {
      if (bids - phase_bids > budget && eps < eps_cap_ && coarsenings < kMaxCoarsenings) {
        eps = std::min(eps_cap_, eps * epsilon_factor);
        phase_bids = bids;
        ++coarsenings;
      }
      const auto k = static_cast<std::size_t>(queue_[head_++]);
      in_queue_[k] = 0;
      if (head_ > 4096 && head_ * 2 > queue_.size()) {  // keep the queue short without reallocating
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
      const std::int32_t free_units = capacity[k] - load[k];
      if (free_units <= 0) continue;
      if ((++polls_ & 1023) == 0) check_watch();
      const auto b = offsets[k], e = offsets[k + 1];
      if (free_units == 1) {
        // The common case: best and second best in one pass.
        i64 v1 = 0, v2 = 0, p1 = -1;
        for (auto p = b; p < e; ++p) {
          const auto pp = static_cast<std::size_t>(p);
          const i64 v = value[pp] - price_[static_cast<std::size_t>(pair_task[pp])];
          if (v > v2 && !held[pp]) {
            if (v > v1) v2 = v1, v1 = v, p1 = p;
            else v2 = v;
          }
        }
        if (p1 < 0) continue;  // nothing beats holding nothing: the unit idles
        ++bids;
        place(k, p1, value[static_cast<std::size_t>(p1)] - v2 + eps);
        continue;
      }
      // Several free units: the top r values, each priced against the (r+1)-th (or 0).
      const auto r = static_cast<std::size_t>(free_units);
      if (r + 1 <= kSmallTop) {
        // A sorted buffer of the r + 1 best (ties keep row order): no allocation, one pass.
        i64 tv[kSmallTop], tp[kSmallTop];
        std::size_t n = 0;
        const std::size_t cap = r + 1;
        for (auto p = b; p < e; ++p) {
          const auto pp = static_cast<std::size_t>(p);
          const i64 v = value[pp] - price_[static_cast<std::size_t>(pair_task[pp])];
          if (v <= 0 || (n == cap && v <= tv[n - 1]) || held[pp]) continue;
          std::size_t i = n < cap ? n++ : cap - 1;
          for (; i > 0 && tv[i - 1] < v; --i) tv[i] = tv[i - 1], tp[i] = tp[i - 1];
          tv[i] = v, tp[i] = p;
        }
        const std::size_t take = std::min(r, n);
        const i64 next = n > take ? tv[take] : 0;
        for (std::size_t i = 0; i < take; ++i) {
          ++bids;
          place(k, tp[i], value[static_cast<std::size_t>(tp[i])] - next + eps);
        }
        continue;
      }
      cand.clear();
      for (auto p = b; p < e; ++p) {
        const auto pp = static_cast<std::size_t>(p);
        const i64 v = value[pp] - price_[static_cast<std::size_t>(pair_task[pp])];
        if (v > 0 && !held[pp]) cand.emplace_back(-v, p);  // ascending = best first, then row order
      }
      if (cand.empty()) continue;
      const std::size_t take = std::min(r, cand.size());
      if (cand.size() > take) std::nth_element(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(take), cand.end());
      const i64 next = cand.size() > take ? -cand[take].first : 0;
      std::sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(take));
      for (std::size_t i = 0; i < take; ++i) {
        ++bids;
        place(k, cand[i].second, value[static_cast<std::size_t>(cand[i].second)] - next + eps);
      }
    }
  }

  // ---- the reverse step ----------------------------------------------------------------------------
  // Tasks with empty copies priced above eps lower them until the KOCs that gain most take them (see the
  // top of this file). The rows of the tasks involved are gathered by one scan of the pairs per round.
  // The reverse step's own price war (two tasks taking one KOC back and forth, each a little cheaper) is
  // bounded the same way: past a budget of steps its eps coarsens.
  void reverse(i64& eps) {
    std::vector<std::int32_t> work;
    std::vector<std::uint8_t> listed(n_tasks, 0);
    for (std::size_t t = 0; t < n_tasks; ++t)
      if (!never_full_[t] && filled[t] < slots[t] && empty_price_[t] > eps) work.push_back(static_cast<std::int32_t>(t)), listed[t] = 1;
    if (work.empty()) return;
    if (col_off_.empty()) build_columns();
    std::vector<std::pair<i64, i64>> gain;  // (-(value - u_k), position in the column: pair order)
    const std::int64_t budget = 4 * (units_ + static_cast<std::int64_t>(n_tasks)) + 1024;
    std::int64_t stage_steps = reverse_steps;
    // Ends: a step that places copies gives each KOC taking one a gain of at least eps over the unit it
    // gives up or its spare capacity (new price = second best gain - eps, or 0 when the gains found all
    // beat the bar >= eps), and no KOC's units lose value (prices only come down), so the KOCs' total value
    // at today's prices, which lies within units x (largest value + eps) of 0 either way, rises by eps
    // per such step; a step that places nothing leaves its task at price 0, and a task is listed again
    // only when a step vacates one of its copies. Steps <= 2 units x (largest value / eps + 1) + tasks;
    // the budget coarsens eps long before that.
    for (std::size_t head = 0; head < work.size(); ++head) {
      if ((head & 255) == 0) check_watch();
      if (reverse_steps - stage_steps > budget && eps < eps_cap_ && coarsenings < kMaxCoarsenings) {
        eps = std::min(eps_cap_, eps * epsilon_factor);
        stage_steps = reverse_steps;
        ++coarsenings;
      }
      const auto t = static_cast<std::size_t>(work[head]);
      listed[t] = 0;
      const auto empty = static_cast<std::size_t>(slots[t] - filled[t]);
      if (empty == 0 || empty_price_[t] <= eps) continue;  // refilled or repriced since it was listed
      ++reverse_steps;
      gain.clear();
      // The column is sorted by decreasing value, and beta = value - u_k <= value + eps (a held unit is
      // worth at least -eps): once value + eps cannot beat the (empty + 1)-th best beta found, stop.
      const std::size_t want = empty + 1;
      i64 bar = eps;  // beta must exceed this to count, and the want-th best so far once there are want
      const i64 sorted_end = col_off_[t] + col_sorted_[t];
      for (auto j = col_off_[t]; j < col_off_[t + 1]; ++j) {
        const column_entry& c = col_[static_cast<std::size_t>(j)];
        const i64 vp = c.value;
        if (vp + eps <= bar) {
          if (j < sorted_end) break;  // in the sorted head: every later entry is worth no more
          continue;                   // past it: entries in no order
        }
        ++reverse_scanned;
        const auto k = static_cast<std::size_t>(c.koc);
        if (vp - floor_[k] <= bar || held[c.pair]) continue;
        const i64 beta = vp - least_unit_value(k);
        if (beta <= bar) continue;
        gain.emplace_back(-beta, j);
        if (gain.size() >= 2 * want + 16) {
          // Keep the want best (want is the number of empty copies + 1); the want-th of them raises the
          // bar. Done once per want + 16 entries, so O(1) amortised per entry: a task with 10^5 empty
          // copies and a column of 2 x 10^5 KOCs took quadratic time when the bar was refreshed per entry.
          // Entries are unique (position j), so the kept set is the same whenever this runs.
          std::nth_element(gain.begin(), gain.begin() + static_cast<std::ptrdiff_t>(want - 1), gain.end());
          gain.resize(want);
          bar = std::max(bar, -gain[want - 1].first);
        }
      }
      const std::size_t take = std::min(empty, gain.size());
      if (gain.size() > take) std::nth_element(gain.begin(), gain.begin() + static_cast<std::ptrdiff_t>(take), gain.end());
      const i64 new_price = gain.size() > take ? std::max<i64>(0, -gain[take].first - eps) : 0;
      std::sort(gain.begin(), gain.begin() + static_cast<std::ptrdiff_t>(take));
      for (std::size_t g = 0; g < take; ++g) {
        const auto j = static_cast<std::size_t>(gain[g].second);
        const auto p = static_cast<i64>(col_[j].pair);
        const auto k = static_cast<std::size_t>(col_[j].koc);
        if (load[k] == capacity[k]) {
          // Give up the least valuable unit; its copy is now empty at that task's price.
          const unit worst = least_unit(k);
          const auto t2 = static_cast<std::size_t>(worst.task);
          drop_unit(k, worst.pair);
          vacate(t2, worst.pair, price_[t2]);
          if (!never_full_[t2] && empty_price_[t2] > eps && !listed[t2]) work.push_back(static_cast<std::int32_t>(t2)), listed[t2] = 1;
        }
        add_unit(k, p, new_price);
        ++filled[t];
        const auto base = static_cast<std::size_t>(heap_off_[t]);
        heap_set(base, static_cast<std::size_t>(filled[t]) - 1, copy{new_price, p, static_cast<std::int32_t>(k)});
        sift_up(base, static_cast<std::size_t>(filled[t]) - 1);
      }
      empty_price_[t] = new_price;  // what is left empty (if anything) sells at the new price (0 if nobody wanted it)
      refresh_price(t);
    }
  }

  // Task-major copy of the pairs (value, pair id and KOC), each column by decreasing value, ties in pair
  // order: the reverse step's scans stop early, and the order is its tie rule.
  void build_columns() {
    col_off_.assign(n_tasks + 1, 0);
    for (std::size_t k = 0; k < n_kocs; ++k)
      for (auto p = offsets[k]; p < offsets[k + 1]; ++p) ++col_off_[static_cast<std::size_t>(pair_task[p]) + 1];
    for (std::size_t t = 0; t < n_tasks; ++t) col_off_[t + 1] += col_off_[t];
    col_.resize(static_cast<std::size_t>(col_off_[n_tasks]));
    std::vector<i64> at(col_off_.begin(), col_off_.end() - 1);
    for (std::size_t k = 0; k < n_kocs; ++k)
      for (auto p = offsets[k]; p < offsets[k + 1]; ++p)
        col_[static_cast<std::size_t>(at[static_cast<std::size_t>(pair_task[p])]++)] =
            column_entry{value[static_cast<std::size_t>(p)], static_cast<std::uint32_t>(p), static_cast<std::int32_t>(k)};
    // Only each column's head is sorted (most scans end inside it); a scan that passes the head reads the
    // rest as it is, without the early stop. Head entries come before every other in sorted order.
    col_sorted_.assign(n_tasks, 0);
    const auto before = [](const column_entry& a, const column_entry& b) {
      return a.value > b.value || (a.value == b.value && a.pair < b.pair);
    };
    for (std::size_t t = 0; t < n_tasks; ++t) {
      const auto b = col_.begin() + col_off_[t], e = col_.begin() + col_off_[t + 1];
      const auto len = static_cast<std::size_t>(e - b);
      const auto head = std::min(len, std::max<std::size_t>(32, len / 16));
      if (head < len) std::nth_element(b, b + static_cast<std::ptrdiff_t>(head), e, before);
      std::sort(b, b + static_cast<std::ptrdiff_t>(head), before);
      col_sorted_[t] = static_cast<i64>(head);
    }
  }

  // The held unit of k with the least value at today's task prices (the reverse step lowers prices, so a
  // unit's own bid overstates what it costs now); ties: the lowest pair.
  unit least_unit(std::size_t k) const {
    unit best{};
    i64 bv = std::numeric_limits<i64>::max();
    for (auto i = held_off_[k]; i < held_off_[k] + load[k]; ++i) {
      const unit& u = held_list_[static_cast<std::size_t>(i)];
      const i64 v = u.value - price_[static_cast<std::size_t>(u.task)];
      if (v < bv || (v == bv && u.pair < best.pair)) bv = v, best = u;
    }
    return best;
  }
  i64 least_unit_value(std::size_t k) const {
    if (capacity[k] == 0) return top_value_ + 1;  // takes nothing at any price
    if (load[k] < capacity[k]) return 0;
    if (capacity[k] == 1) {  // the common case: the only unit
      const unit& u = held_list_[static_cast<std::size_t>(held_off_[k])];
      return u.value - price_[static_cast<std::size_t>(u.task)];
    }
    const unit u = least_unit(k);
    return u.value - price_[static_cast<std::size_t>(u.task)];
  }

  static constexpr std::size_t kSmallTop = 8;
  static constexpr std::int64_t kMaxCoarsenings = 64;
  i64 top_value_ = 0;
  i64 eps_cap_ = 1;        // the coarsest epsilon a price war may push a phase to
  std::int64_t units_ = 0;  // sum of the clamped capacities
  std::vector<i64> col_off_;
  std::vector<column_entry> col_;
  std::vector<i64> col_sorted_;  // per task: col_[col_off_[t], + col_sorted_[t]) is sorted and first
  std::vector<i64> floor_;
  std::vector<std::uint8_t> never_full_;
  std::vector<i64> heap_off_, held_off_;
  std::vector<std::int32_t> heap_pos_;
  std::vector<copy> heap_;
  std::vector<unit> held_list_;
  std::vector<i64> empty_price_, price_;
  std::vector<std::int32_t> queue_;
  std::vector<std::uint8_t> in_queue_;
  std::size_t head_ = 0;
  std::vector<std::pair<i64, i64>> scratch_;
  solve_watch* watch_ = nullptr;
  std::int64_t phases_expected_ = 1;
  std::uint64_t polls_ = 0;
};

}  // namespace detail
}  // namespace koc

// The candidate-list form of the dense Jonker-Volgenant solver (solve_lap in dense_lap.hpp): the same
// steps in the same order with the same arithmetic, hence bit for bit the same assignment and potentials,
// but a row is read in full about once in a whole solve instead of at every step that looks at it.
// Internal: koc::solve_dense_assignment chooses it above a few megabytes; tests hold it to solve_lap.
//
// The lists. Each row keeps some columns ("members", 16 at first) with a lower bound h0 of each member's
// reduced cost c_ij - v_j, sorted by h0, and a bound on every column it leaves out: (theta_i, theta_col_i),
// after which each left-out (c_ij - v_j, j) comes in (value, column) order (theta +inf when every column
// left out is forbidden). The bounds hold for the rest of the solve because column potentials only
// decrease (column reduction, reduction transfer, ARR and the shortest-path updates all lower v) and
// rounding is monotone. Rectangular problems take each row's first columns by cost (v = 0 then, so this
// is the reduced cost). Square ones take them in the column-reduction pass by the reduced cost against
// the minima of the rows read so far, which the final minima do not exceed. (Rounding can let a
// shortest-path update raise a potential when costs of wildly different magnitudes meet, around 1e150 next
// to 1: every list is then taken again with the current potentials, see renew_lists.)
//
// Why the answer is the same.
//   - ARR takes a row's first two columns in (reduced cost, column) order, and the tie rule its first free
//     column of least reduced cost: the members decide whenever what they give comes before the row's
//     bound; otherwise the row is re-read (with more members) or scanned in full, as solve_lap does.
//   - A Dijkstra step scanning row i at base b relaxes its members a chunk at a time in h0 order; no other
//     distance b + (c_ij - v_j) from that row can be below b + h0 of the next member, or b + theta_i past
//     the last (solve_lap rounds the reduced cost first for that reason), so the row waits on the queue
//     at that key. Queue entries are ordered by (distance, kind, column) and a row's key comes before
//     columns at the same distance: every row whose unread entries could tie or beat the next column is
//     read further first. Past its last member the row is re-read with about twice as many (up to
//     candidate_sizes::cap members, then in full). Among columns at equal distance the queue prefers a free one,
//     then the lowest index, and a column's predecessor is the first scanned row reaching its distance:
//     the dense scan's choices, so the same column is scanned at every step.
//
// Reading the caller's matrix: in place, row-major with leading dimension ld, negated when maximising
// (exact). A tall matrix (rows > cols) is solved as its transpose without copying it: the internal rows
// are the caller's columns, the first pass streams the caller's rows and feeds every column's list at
// once, and a full read of an internal row is a strided walk down a caller's column (rare: only where
// the lists do not decide). Entries are validated as the first pass reads them, caller row by caller
// row, so the first bad row is the one reported.
//
// Cost: one pass over the matrix, then per ARR step and per Dijkstra chunk O(members) instead of O(m),
// plus a 4-ary heap, and a full read of a row only where its bound is reached. Memory: 20 bytes per member.
#pragma once

#include <koc/matching/detail/dense_lap.hpp>
#include <koc/matching/detail/dense_lap_kernels.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>
#if defined(__GNUC__) || defined(__clang__)
#define KOC_LAP_INLINE __attribute__((always_inline)) inline
#else
#define KOC_LAP_INLINE inline
#endif

namespace koc {
namespace detail {

/// How many members the lists keep. The defaults suit the benchmark families: few uniform, logarithmic or
/// integer rows outgrow their first 16 members; spatial rows grow to a few hundred. Tests set them tiny so
/// that every fallback (re-reads, full reads, ties between rows) is taken often.
struct candidate_sizes {
  std::uint32_t first = 16;    ///< members per row at first (at least 1)
  std::uint32_t cap = 1024;    ///< the most a row keeps; past it, the row is read in full where needed
  std::uint32_t chunk = 16;    ///< members a Dijkstra step relaxes before the row waits on the queue again
  /// Hand the free rows left after ARR to the full scan's searches where they are faster (see
  /// full_scan_takes_over). Tests that hold the lists' own searches to the full scan turn it off.
  bool hand_over = true;
};

/// Whether the shortest-path phase is faster reading whole rows than through the lists, decided after ARR
/// from the shape and the rows still free (both readings have the same state there, so either finishes
/// with the same answer, bit for bit). Geometric costs (spatial, euclidean) leave 12-16% of the rows free
/// after ARR, and each of their searches grows many lists; while the matrix fits in the last-level cache
/// (up to about 10 MB, 1.2M entries) a whole row costs little to read, and the full scan's searches took
/// 0.4-0.65 of the lists' time at 600-1000 square. Uniform, logarithmic and integer costs leave 1-6% free,
/// where the lists are as fast or faster (integer at 1000 x 1000, 6% free: 6.3 ms against 8.6 ms), hence
/// a tenth. Larger matrices keep the lists (their searches then beat the full scan's on these families).
inline bool full_scan_takes_over(std::size_t n, std::size_t m, std::size_t free_rows) noexcept {
  return n * m <= 1200000 && free_rows * 10 >= n;
}

/// Whether the candidate lists can hold n x m (n <= m): column indices are stored in 32 bits.
/// The internal problem over the caller's buffer: n rows (the smaller side) x m columns, minimisation,
/// forbidden = +inf. Entry (i, j) is sign * a[i * ld + j], or sign * a[j * ld + i] when Transposed.
template <bool Transposed>
struct lap_view {
  const double* a;
  std::size_t n, m, ld;
  double sign;  ///< -1 when maximising: negation is exact
  double at(std::size_t i, std::size_t j) const noexcept { return sign * (Transposed ? a[j * ld + i] : a[i * ld + j]); }
};

/// Solves like solve_lap, reading the caller's matrix through the candidate lists (header comment).
template <bool Transposed>
class candidate_lap {
 public:
  /// `validate`: check every caller row (NaN, wrong-signed infinity, cost_limit) as the first pass reads
  /// it, `maximize` saying which infinity forbids.
  candidate_lap(const lap_view<Transposed>& c, lap_state& s, bool validate, bool maximize, candidate_sizes sizes = {})
      : c_(c),
        s_(s),
        n_(c.n),
        m_(c.m),
        validate_(validate),
        maximize_(maximize),
        limit_(cost_limit(c.n)),
        first_(std::max<std::uint32_t>(1, sizes.first)),
        cap_(std::max(first_, sizes.cap)),
        chunk_(std::max<std::uint32_t>(1, sizes.chunk)),
        hand_over_(sizes.hand_over) {}

  /// Returns false (and fills s.blocking) when some row cannot be assigned; s is then as solve_lap leaves it.
  bool solve() {
    s_.u.assign(n_, 0.0);
    s_.v.assign(m_, 0.0);
    s_.x.assign(n_, -1);
    s_.y.assign(m_, -1);
    s_.blocking.clear();
    if (n_ == 0) return true;
    begin_.assign(n_, 0);
    len_.assign(n_, 0);
    theta_.assign(n_, kInf);
    theta_col_.assign(n_, 0);
    pool_col_.clear();
    pool_cost_.clear();
    pool_h0_.clear();
    pool_col_.reserve(n_ * first_);
    pool_cost_.reserve(n_ * first_);
    pool_h0_.reserve(n_ * first_);

    std::vector<std::int64_t> free_rows;
    free_rows.reserve(n_);
    if (n_ == m_) {
      reduce_columns(free_rows);
    } else {
      first_lists();
      for (std::size_t i = 0; i < n_; ++i) free_rows.push_back(static_cast<std::int64_t>(i));
    }
    augmenting_row_reduction(free_rows);
    for (std::size_t i = 0; i < n_; ++i)
      if (s_.x[i] >= 0) s_.u[i] = c_.at(i, static_cast<std::size_t>(s_.x[i])) - s_.v[static_cast<std::size_t>(s_.x[i])];
    // Rows of the internal matrix are the caller's rows unless transposed: only then can whole rows be read.
    if (!Transposed && hand_over_ && full_scan_takes_over(n_, m_, free_rows.size()))
      return c_.sign < 0 ? full_scan_paths<true>(c_.a, n_, m_, c_.ld, s_, free_rows)
                         : full_scan_paths<false>(c_.a, n_, m_, c_.ld, s_, free_rows);
    return shortest_paths(free_rows);
  }

 private:
  // ---- candidate lists ---------------------------------------------------------------------------
  // Row i's members are pool_*[begin_[i], begin_[i] + len_[i]): column, cost (sign applied) and h0, a lower
  // bound of the member's reduced cost c_ij - v_j for the rest of the solve (its value when selected, v
  // only decreasing since), the members sorted by (h0, column). (theta_[i], theta_col_[i]) bounds every
  // column left out: its (c_ij - v_j, j) comes after it; theta +inf when every column left out is forbidden.

  using first_two = row_first_two;

  static bool before(double h1, std::int64_t j1, double h2, std::int64_t j2) noexcept {
    return h1 < h2 || (h1 == h2 && j1 < j2);
  }

  /// Whether (h, j) comes before every column row i leaves out.
  bool before_left_out(std::size_t i, double h, std::int64_t j) const noexcept {
    return !(theta_[i] < kInf) || h < theta_[i] || (h == theta_[i] && j >= 0 && j < theta_col_[i]);
  }

  /// A row the screen could not pass (it may hold an invalid entry, or holds +inf): checked exactly, which
  /// throws naming the first bad column, or returns (forbidden entries are valid).
  void check_caller_row(std::size_t r) const {
    if (validate_) check_row(c_.a + r * c_.ld, r, Transposed ? n_ : m_, maximize_, limit_);
  }

  first_columns& start_sink(std::uint32_t keep, double bound = kInf) {
    sink_buf_.resize(first_columns::capacity(keep));
    sink_.start(sink_buf_.data(), keep, bound);
    return sink_;
  }

  /// Row i's list from a finished sink of (h, column) pairs. `costs_are_values`: h is the cost itself
  /// (selected with v = 0), else costs are read back from the matrix.
  void store(std::size_t i, first_columns& sink, bool costs_are_values) {
    sink.finish();
    std::uint32_t members = sink.size();
    const first_columns::pair* p = sink.data();
    if (members == sink.keep()) {  // the last kept pair is the first column left out
      --members;
      theta_[i] = p[members].h;
      theta_col_[i] = p[members].j;
    } else {
      theta_[i] = kInf;
      theta_col_[i] = static_cast<std::int32_t>(m_);
    }
    order_.assign(p, p + members);
    std::sort(order_.begin(), order_.end(), first_columns::before);
    begin_[i] = pool_col_.size();
    len_[i] = members;
    for (const auto& e : order_) {
      pool_col_.push_back(e.j);
      pool_cost_.push_back(costs_are_values ? e.h : c_.at(i, static_cast<std::size_t>(e.j)));
      pool_h0_.push_back(e.h);
    }
  }

  /// Replaces row i's list by its first k columns in (c_ij - v_j, j) order, and theta by the next one.
  void select(std::size_t i, std::uint32_t k) {
    first_columns& sink = start_sink(k + 1);
    if constexpr (!Transposed) {
      filter_row<false>(c_.a + i * c_.ld, m_, c_.sign, s_.v.data(), limit_, sink);
    } else {
      const double* col = c_.a + i;
      const double* v = s_.v.data();
      double thr = sink.threshold();
      for (std::size_t j = 0; j < m_; ++j) {
        const double h = c_.sign * col[j * c_.ld] - v[j];
        if (h < thr) {
          sink.offer(h, static_cast<std::int32_t>(j));
          thr = sink.threshold();
        }
      }
    }
    store(i, sink, /*costs_are_values=*/false);
  }

  /// Replaces row i's list by its columns with c_ij - v_j < tau, and theta by the first of the others;
  /// false (list unchanged) when more than cap_ would be kept.
  bool select_below(std::size_t i, double tau) {
    grown_.clear();
    const double* v = s_.v.data();
    auto keep = [&](std::size_t j, double cost) { grown_.push_back({cost - v[j], cost, static_cast<std::int32_t>(j)}); };
    std::pair<double, std::size_t> next;
    if constexpr (!Transposed) {
      next = split_row(c_.a + i * c_.ld, m_, c_.sign, v, tau, keep);
    } else {
      const double* col = c_.a + i;
      next = {kInf, m_};
      for (std::size_t j = 0; j < m_; ++j) {
        const double x = c_.sign * col[j * c_.ld], h = x - v[j];
        if (h < tau) {
          keep(j, x);
        } else if (h < next.first) {
          next = {h, j};
        }
      }
      if (!(next.first < kInf)) next.second = m_;
    }
    if (grown_.size() > cap_) return false;
    std::sort(grown_.begin(), grown_.end(),
              [](const member& a, const member& b) { return a.h0 < b.h0 || (a.h0 == b.h0 && a.col < b.col); });
    begin_[i] = pool_col_.size();
    len_[i] = static_cast<std::uint32_t>(grown_.size());
    for (const member& e : grown_) {
      pool_col_.push_back(e.col);
      pool_cost_.push_back(e.cost);
      pool_h0_.push_back(e.h0);
    }
    theta_[i] = next.first;
    theta_col_[i] = static_cast<std::int32_t>(next.second);
    return true;
  }

  /// Re-reads row i for about twice the members (current v): those below a threshold that doubles the span
  /// of the list's reduced costs, or, when they are all equal, twice as many in (value, column) order.
  /// False when the row is at the cap already or nothing is left out.
  bool grow(std::size_t i) {
    if (len_[i] >= cap_ || !(theta_[i] < kInf)) return false;
    const double* v = s_.v.data();
    double lo = kInf, hi = theta_[i];
    for (std::uint32_t t = 0; t < len_[i]; ++t) {
      const double h = pool_cost_[begin_[i] + t] - v[pool_col_[begin_[i] + t]];
      lo = h < lo ? h : lo;
      hi = h > hi ? h : hi;
    }
    const double tau = hi + (hi - lo);
    if (lo < hi && tau > hi && tau < kInf && select_below(i, tau)) return true;
    select(i, static_cast<std::uint32_t>(std::min<std::size_t>({m_, cap_, 2 * std::max<std::size_t>(len_[i], first_)})));
    return true;
  }

  std::uint32_t first_k() const noexcept { return std::min<std::uint32_t>(first_, static_cast<std::uint32_t>(m_)); }

  /// A bound for the next row's first pass, from row i's list (costs, v = 0): twice its span of values,
  /// so that most rows of a family keep enough below it and few entries are offered.
  double next_bound(std::size_t i) const {
    if (!(theta_[i] < kInf) || len_[i] == 0) return kInf;
    const double lo = pool_h0_[begin_[i]];
    const double b = theta_[i] + (theta_[i] - lo);
    return b < kInf ? std::nextafter(b, kInf) : kInf;  // above b: values tied at theta (0/1 costs) count
  }

  // ---- first pass ---------------------------------------------------------------------------------

  /// Rectangular problems (v = 0): validate and build every row's list in one pass over the caller's rows.
  void first_lists() {
    const std::uint32_t keep = first_k() + 1;
    if constexpr (!Transposed) {
      double bound = kInf;
      for (std::size_t i = 0; i < n_; ++i) {
        const double* row = c_.a + i * c_.ld;
        first_columns* sink = &start_sink(keep, bound);
        if (!filter_row<true>(row, m_, c_.sign, nullptr, limit_, *sink)) check_caller_row(i);
        sink->finish();
        if (sink->size() < keep && bound < kInf) {  // the guess was too low: offer the (cached) row again
          sink = &start_sink(keep);
          filter_row<false>(row, m_, c_.sign, nullptr, limit_, *sink);
        }
        store(i, *sink, true);
        bound = next_bound(i);
      }
    } else {
      // Every internal row (caller column) keeps its own sink; caller row r offers column r to each.
      const std::size_t cap = first_columns::capacity(keep);
      std::vector<first_columns::pair> buf(n_ * cap);
      std::vector<first_columns> sinks(n_);
      std::vector<double> thr(n_, kInf);
      for (std::size_t i = 0; i < n_; ++i) sinks[i].start(buf.data() + i * cap, keep);
      for (std::size_t r = 0; r < m_; ++r) {
        const auto j = static_cast<std::int32_t>(r);
        const bool clean = feed_columns(c_.a + r * c_.ld, n_, c_.sign, limit_, thr.data(), [&](std::size_t i, double x) {
          sinks[i].offer(x, j);
          thr[i] = sinks[i].threshold();
        });
        if (!clean) check_caller_row(r);
      }
      for (std::size_t i = 0; i < n_; ++i) store(i, sinks[i], true);
    }
  }

  /// Square problems: solve_lap's column reduction and reduction transfer, in one pass over the rows that
  /// also validates them and takes each row's first columns by its reduced cost against the column minima
  /// of the rows read so far (square_row): the final minima are no larger, so those are lower bounds, with
  /// the column order, for the rest of the solve.
  void reduce_columns(std::vector<std::int64_t>& free_rows) {
    double* v = s_.v.data();
    std::int64_t* x = s_.x.data();
    std::int64_t* y = s_.y.data();
    std::vector<std::int64_t> arg(m_, 0);
    std::fill(s_.v.begin(), s_.v.end(), kInf);
    const std::uint32_t keep = first_k() + 1;
    double bound = kInf;
    for (std::size_t i = 0; i < n_; ++i) {
      const double* row = c_.a + i * c_.ld;
      first_columns* sink = &start_sink(keep, bound);
      if (!square_row(row, m_, c_.sign, limit_, v, arg.data(), static_cast<std::int64_t>(i), *sink)) check_caller_row(i);
      sink->finish();
      if (sink->size() < keep && bound < kInf) {  // the guess was too low: offer the (cached) row again
        sink = &start_sink(keep);
        filter_row<false>(row, m_, c_.sign, v, limit_, *sink);
      }
      store(i, *sink, false);
      bound = next_bound(i);
    }
    std::vector<std::int64_t> matches(n_, 0);
    for (std::size_t j = 0; j < m_; ++j) {
      if (!(v[j] < kInf)) {  // a column no row may take: keep it free with a finite potential
        v[j] = 0.0;          // (its entries are all +inf: no bound taken against the old +inf changes)
        continue;
      }
      const std::int64_t i = arg[j];
      if (++matches[static_cast<std::size_t>(i)] == 1) {
        x[i] = static_cast<std::int64_t>(j);
        y[j] = i;
      }
    }
    for (std::size_t i = 0; i < n_; ++i) {
      if (matches[i] == 0) {
        free_rows.push_back(static_cast<std::int64_t>(i));
      } else if (matches[i] == 1) {
        // solve_lap's gap: the least c_ij - v_j over j != j1 (v as left by the rows before i).
        const auto j1 = static_cast<std::size_t>(x[i]);
        double gap = kInf;
        for (std::size_t t = begin_[i], e = begin_[i] + len_[i]; t < e && pool_h0_[t] < gap; ++t) {
          const auto j = static_cast<std::size_t>(pool_col_[t]);
          const double h = j == j1 ? kInf : pool_cost_[t] - v[j];
          gap = h < gap ? h : gap;
        }
        if (theta_[i] < kInf && !(gap < theta_[i])) {  // a left-out column may be as cheap: read the row
          gap = kInf;
          for (std::size_t j = 0; j < m_; ++j) {
            const double h = j == j1 ? kInf : c_.at(i, j) - v[j];
            gap = h < gap ? h : gap;
          }
        }
        if (gap < kInf) v[j1] -= gap;
      }
    }
  }

  // ---- augmenting row reduction (solve_lap's, from the lists) ---------------------------------------

  /// The first two columns of row i in (c_ij - v_j, j) order, as solve_lap's scan finds them.
  first_two arr_scan(std::size_t i) {
    for (int attempt = 0;; ++attempt) {
      first_two f;
      const double* v = s_.v.data();
      for (std::size_t t = begin_[i], e = begin_[i] + len_[i]; t < e && !(pool_h0_[t] > f.u2); ++t) {
        const std::int64_t j = pool_col_[t];
        const double h = pool_cost_[t] - v[j];
        if (before(h, j, f.u2, f.j2) && h < kInf) {
          if (before(h, j, f.u1, f.j1)) {
            f.u2 = f.u1;
            f.j2 = f.j1;
            f.u1 = h;
            f.j1 = j;
          } else {
            f.u2 = h;
            f.j2 = j;
          }
        }
      }
      if (before_left_out(i, f.u2, f.j2)) return f;
      if (attempt > 0 || !grow(i)) return arr_scan_full(i);
    }
  }

  first_two arr_scan_full(std::size_t i) {
    first_two f;
    const double* v = s_.v.data();
    for (std::size_t j = 0; j < m_; ++j) {
      const double h = c_.at(i, j) - v[j];
      if (h < f.u2) {
        if (h < f.u1) {
          f.u2 = f.u1;
          f.j2 = f.j1;
          f.u1 = h;
          f.j1 = static_cast<std::int64_t>(j);
        } else {
          f.u2 = h;
          f.j2 = static_cast<std::int64_t>(j);
        }
      }
    }
    return f;
  }

  /// The lowest free column of row i with c_ij - v_j == u1, or -1 (solve_lap's tie rule).
  std::int64_t first_free_at(std::size_t i, double u1) const {
    const double* v = s_.v.data();
    const std::int64_t* y = s_.y.data();
    std::int64_t found = -1;
    for (std::size_t t = begin_[i], e = begin_[i] + len_[i]; t < e && !(pool_h0_[t] > u1); ++t) {
      const std::int32_t j = pool_col_[t];
      if (y[j] < 0 && (found < 0 || j < found) && pool_cost_[t] - v[j] == u1) found = j;
    }
    if (found >= 0 ? before_left_out(i, u1, found) : before_left_out(i, u1, -1)) return found;
    for (std::size_t w = 0; w < free_bits_.size(); ++w)  // free columns in increasing order
      for (std::uint64_t b = free_bits_[w]; b != 0; b &= b - 1) {
        const std::size_t j = w * 64 + static_cast<std::size_t>(lowest_bit(b));
        if (c_.at(i, j) - v[j] == u1) return static_cast<std::int64_t>(j);
      }
    return -1;
  }

  static int lowest_bit(std::uint64_t b) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(b);
#else
    int k = 0;
    while (!(b & 1u)) b >>= 1, ++k;
    return k;
#endif
  }

  /// The list scan as augmenting_row_reduction's strategy (dense_lap.hpp): the step is solve_lap's.
  struct list_scan {
    candidate_lap& c;
    row_first_two first_two(std::size_t i, bool) { return c.arr_scan(i); }
    std::int64_t first_free_at(std::size_t i, double u1) const { return c.first_free_at(i, u1); }
    void took(std::int64_t j) noexcept {
      c.free_bits_[static_cast<std::size_t>(j) / 64] &= ~(std::uint64_t{1} << (static_cast<std::size_t>(j) % 64));
    }
  };

  void augmenting_row_reduction(std::vector<std::int64_t>& free_rows) {
    // ARR only ever takes columns (an evicted row goes free, its column moves to the new row).
    free_bits_.assign((m_ + 63) / 64, 0);
    for (std::size_t j = 0; j < m_; ++j)
      if (s_.y[j] < 0) free_bits_[j / 64] |= std::uint64_t{1} << (j % 64);
    list_scan scan{*this};
    detail::augmenting_row_reduction(scan, s_, n_, m_, free_rows);
  }

  // ---- shortest augmenting paths (solve_lap's Dijkstra, lazily) ------------------------------------
  // A scanned row relaxes its members a chunk at a time, in h0 order: the rest cannot come closer than
  // base + h0 of the next one, so the row waits on the queue at that key; past its last member it waits at
  // base + theta, and is then re-read with more members (or in full at the cap).

  struct entry {
    std::uint64_t key;  // the distance's order-preserving bits (ordered_bits)
    std::uint64_t tag;  // kind << 62 | index: 0 a row to read further, 1 a free column, 2 an assigned column
    bool operator<(const entry& o) const noexcept { return key < o.key || (key == o.key && tag < o.tag); }
  };
  static constexpr std::uint64_t kRowEntry = 0, kFreeColumn = std::uint64_t{1} << 62,
                                 kBusyColumn = std::uint64_t{2} << 62, kIndexMask = (std::uint64_t{1} << 62) - 1;

  /// Integer bits ordered like the (non-NaN) doubles, equal for equal doubles (-0 is taken as +0): heap
  /// comparisons on integers.
  static std::uint64_t ordered_bits(double d) noexcept {
    if (d == 0.0) d = 0.0;
    std::uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return (b >> 63) != 0 ? ~b : b | (std::uint64_t{1} << 63);
  }
  static double from_ordered_bits(std::uint64_t b) noexcept {
    b = (b >> 63) != 0 ? b & ~(std::uint64_t{1} << 63) : ~b;
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
  }

  // A 4-ary min-heap of entries (queue_): shallower than binary, so fewer cache lines per operation.
  void push(double key, std::uint64_t tag) {
    const entry e{ordered_bits(key), tag};
    std::size_t at = queue_.size();
    queue_.push_back(e);
    entry* q = queue_.data();
    while (at > 0) {
      const std::size_t parent = (at - 1) / 4;
      if (!(e < q[parent])) break;
      q[at] = q[parent];
      at = parent;
    }
    q[at] = e;
  }
  entry pop() {
    entry* q = queue_.data();
    const entry top = q[0];
    const entry last = q[queue_.size() - 1];
    queue_.pop_back();
    const std::size_t size = queue_.size();
    if (size == 0) return top;
    std::size_t at = 0;
    for (;;) {
      const std::size_t first = 4 * at + 1;
      if (first >= size) break;
      std::size_t best = first;
      const std::size_t end = std::min(size, first + 4);
      for (std::size_t c = first + 1; c < end; ++c)
        if (q[c] < q[best]) best = c;
      if (!(q[best] < last)) break;
      q[at] = q[best];
      at = best;
    }
    q[at] = last;
    return top;
  }

  /// d_j = min(d_j, val) from row r; ties keep the row scanned first (the dense scan's predecessor). A
  /// scanned column has d_j = -inf, so it is never relaxed again.
  KOC_LAP_INLINE void relax(std::size_t r, std::size_t j, double val, double* dist, std::int64_t* pred) {
    const double dj = dist[j];
    if (val < dj) {
      if (!(dj < kInf)) touched_.push_back(j);
      dist[j] = val;
      pred[j] = static_cast<std::int64_t>(r);
      if (s_.y[j] < 0) {
        push(val, kFreeColumn | j);
        nearest_free_ = val < nearest_free_ ? val : nearest_free_;
      } else if (val < nearest_free_) {  // else popped after the search has ended at a free column
        push(val, kBusyColumn | j);
      }
    } else if (val == dj && val < kInf && row_pos_[r] < row_pos_[static_cast<std::size_t>(pred[j])]) {
      pred[j] = static_cast<std::int64_t>(r);
    }
  }

  /// Relaxes row r's next chunk of members and puts the row back on the queue at the bound of the rest.
  void advance(std::size_t r) {
    const double base = row_base_[r];
    const double* v = s_.v.data();
    double* dist = dist_.data();
    std::int64_t* pred = pred_.data();
    const std::size_t b = begin_[r], e = b + len_[r];
    std::size_t t = b + row_next_[r];
    for (const std::size_t stop = std::min(e, t + chunk_); t < stop; ++t) {
      const auto j = static_cast<std::size_t>(pool_col_[t]);
      relax(r, j, base + (pool_cost_[t] - v[j]), dist, pred);
    }
    row_next_[r] = static_cast<std::uint32_t>(t - b);
    const double bound = t < e ? pool_h0_[t] : theta_[r];
    row_key_[r] = bound < kInf ? base + bound : kInf;
    // A key above the nearest free column's distance comes after the search has ended there; at that
    // distance the row's unread entries could still hold a free column of lower index, so it is read.
    if (!(row_key_[r] > nearest_free_)) push(row_key_[r], kRowEntry | r);
  }

  /// The search reached row r's key past its last member: its left-out columns may matter now.
  void expand(std::size_t r) {
    const double old_theta = theta_[r];
    if (grow(r)) {
      // Members below the old theta were members before, relaxed already.
      const double* h0 = pool_h0_.data() + begin_[r];
      row_next_[r] = static_cast<std::uint32_t>(std::lower_bound(h0, h0 + len_[r], old_theta) - h0);
      advance(r);
      return;
    }
    const double base = row_base_[r];
    const double* v = s_.v.data();
    row_key_[r] = kInf;
    for (std::size_t j = 0; j < m_; ++j) relax(r, j, base + (c_.at(r, j) - v[j]), dist_.data(), pred_.data());
  }

  bool shortest_paths(const std::vector<std::int64_t>& free_rows) {
    double* u = s_.u.data();
    double* v = s_.v.data();
    std::int64_t* x = s_.x.data();
    std::int64_t* y = s_.y.data();
    dist_.assign(m_, kInf);
    pred_.assign(m_, -1);
    final_dist_.assign(m_, 0.0);
    row_pos_.assign(n_, 0);
    row_next_.assign(n_, 0);
    row_base_.assign(n_, 0.0);
    row_key_.assign(n_, kInf);
    touched_.reserve(m_);
    std::vector<std::int64_t> scanned_rows, scanned_cols;
    for (const std::int64_t f : free_rows) {
      scanned_rows.clear();
      scanned_cols.clear();
      queue_.clear();
      touched_.clear();
      nearest_free_ = kInf;
      double min_val = 0.0;
      std::int64_t i = f, sink = -1;
      u[f] = 0.0;
      for (;;) {
        const auto ri = static_cast<std::size_t>(i);
        row_pos_[ri] = scanned_rows.size();
        scanned_rows.push_back(i);
        row_base_[ri] = min_val - u[ri];
        row_next_[ri] = 0;
        advance(ri);
        std::int64_t best = -1;
        while (!queue_.empty()) {
          const entry e = pop();
          const auto idx = static_cast<std::size_t>(e.tag & kIndexMask);
          const double key = from_ordered_bits(e.key);
          if ((e.tag & ~kIndexMask) == kRowEntry) {
            if (row_key_[idx] != key) continue;  // stale: the row moved on since
            if (row_next_[idx] < len_[idx])
              advance(idx);
            else
              expand(idx);
            continue;
          }
          if (dist_[idx] != key) continue;  // scanned (-inf), or a stale entry
          best = static_cast<std::int64_t>(idx);
          break;
        }
        if (best < 0) {  // nothing reachable: the scanned rows form a Hall violator
          s_.blocking = scanned_rows;
          std::sort(s_.blocking.begin(), s_.blocking.end());
          return false;
        }
        const auto b = static_cast<std::size_t>(best);
        const double lowest = dist_[b];
        min_val = lowest;
        final_dist_[b] = lowest;
        scanned_cols.push_back(best);
        dist_[b] = -kInf;
        if (y[best] < 0) {
          sink = best;
          break;
        }
        i = y[best];
      }
      bool rose = false;
      for (const std::int64_t j : scanned_cols) {
        const double before = v[j];
        v[j] = before - (min_val - final_dist_[static_cast<std::size_t>(j)]);
        rose |= v[j] > before;
      }
      u[f] += min_val;
      for (std::size_t k = 1; k < scanned_rows.size(); ++k) {
        const std::int64_t r = scanned_rows[k];
        u[r] += min_val - final_dist_[static_cast<std::size_t>(x[r])];
      }
      for (std::int64_t j = sink;;) {
        const std::int64_t r = pred_[static_cast<std::size_t>(j)];
        y[j] = r;
        std::swap(x[r], j);
        if (r == f) break;
      }
      for (const std::size_t j : touched_) dist_[j] = kInf;
      for (const std::int64_t r : scanned_rows) row_key_[static_cast<std::size_t>(r)] = kInf;
      if (rose) renew_lists();
    }
    return true;
  }

  /// A column potential rose: possible only when rounding has left a reduced cost below zero (costs of
  /// wildly different magnitudes, around 1e150 next to 1), so that the search met a column nearer than
  /// one it had already scanned. Every bound assumed falling potentials: take each row's list again with
  /// the current ones (a pass over the matrix), after which the bounds hold again.
  void renew_lists() {
    for (std::size_t i = 0; i < n_; ++i)
      select(i, static_cast<std::uint32_t>(std::min<std::size_t>({m_, cap_, std::max<std::size_t>(len_[i], first_)})));
  }

  const lap_view<Transposed> c_;
  lap_state& s_;
  const std::size_t n_, m_;
  const bool validate_, maximize_;
  const double limit_;
  const std::uint32_t first_, cap_, chunk_;
  const bool hand_over_;

  std::vector<std::size_t> begin_;
  std::vector<std::uint32_t> len_;
  std::vector<std::int32_t> pool_col_, theta_col_;
  std::vector<double> pool_cost_, pool_h0_, theta_;
  first_columns sink_;
  std::vector<first_columns::pair> sink_buf_, order_;
  struct member {
    double h0, cost;
    std::int32_t col;
  };
  std::vector<member> grown_;
  std::vector<std::uint64_t> free_bits_;  // ARR: columns with y < 0

  // One search's state (rows: indexed by row, meaningful for the rows it scanned).
  std::vector<entry> queue_;
  std::vector<double> dist_, final_dist_, row_base_, row_key_;
  std::vector<std::int64_t> pred_;
  std::vector<std::size_t> row_pos_, touched_;
  std::vector<std::uint32_t> row_next_;
  double nearest_free_ = kInf;  // the least distance of a free column reached in this search
};

}  // namespace detail
}  // namespace koc

// A binary min-heap over a fixed set of node ids with decrease-key, keyed by (int64 label, id).
// Internal to koc's solvers. The id is the tie-break, so pop order is a function of the input alone.
#pragma once

#include <cstdint>
#include <vector>

namespace koc {
namespace detail {

class indexed_heap {
 public:
  explicit indexed_heap(std::size_t n = 0) { reset_capacity(n); }

  void reset_capacity(std::size_t n) {
    pos_.assign(n, -1);
    heap_.clear();
    key_.assign(n, 0);
  }
  bool empty() const noexcept { return heap_.empty(); }
  bool contains(std::int32_t id) const noexcept { return pos_[static_cast<std::size_t>(id)] >= 0; }
  std::int32_t top() const noexcept { return heap_.front(); }
  std::int64_t top_key() const noexcept { return key_[static_cast<std::size_t>(heap_.front())]; }

  /// Inserts `id` or lowers its key; a higher key is ignored.
  void push_or_decrease(std::int32_t id, std::int64_t key) {
    const auto i = static_cast<std::size_t>(id);
    if (pos_[i] < 0) {
      key_[i] = key;
      pos_[i] = static_cast<std::int32_t>(heap_.size());
      heap_.push_back(id);
      sift_up(heap_.size() - 1);
    } else if (key < key_[i]) {
      key_[i] = key;
      sift_up(static_cast<std::size_t>(pos_[i]));
    }
  }

  /// Sets the key of an id already in the heap, up or down.
  void set_key(std::int32_t id, std::int64_t key) {
    const auto i = static_cast<std::size_t>(id);
    const std::int64_t old = key_[i];
    key_[i] = key;
    if (key < old)
      sift_up(static_cast<std::size_t>(pos_[i]));
    else
      sift_down(static_cast<std::size_t>(pos_[i]));
  }

  /// Removes an id if present.
  void erase(std::int32_t id) {
    const auto i = static_cast<std::size_t>(id);
    if (pos_[i] < 0) return;
    const auto at = static_cast<std::size_t>(pos_[i]);
    pos_[i] = -1;
    const std::int32_t last = heap_.back();
    heap_.pop_back();
    if (at < heap_.size()) {
      place(at, last);
      sift_up(at);
      sift_down(static_cast<std::size_t>(pos_[static_cast<std::size_t>(last)]));
    }
  }

  std::int32_t pop() {
    const std::int32_t id = heap_.front();
    pos_[static_cast<std::size_t>(id)] = -1;
    const std::int32_t last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) {
      heap_[0] = last;
      pos_[static_cast<std::size_t>(last)] = 0;
      sift_down(0);
    }
    return id;
  }

  void clear() {
    for (auto id : heap_) pos_[static_cast<std::size_t>(id)] = -1;
    heap_.clear();
  }

 private:
  bool less(std::int32_t a, std::int32_t b) const noexcept {
    const auto ka = key_[static_cast<std::size_t>(a)], kb = key_[static_cast<std::size_t>(b)];
    return ka < kb || (ka == kb && a < b);
  }
  void place(std::size_t i, std::int32_t id) {
    heap_[i] = id;
    pos_[static_cast<std::size_t>(id)] = static_cast<std::int32_t>(i);
  }
  void sift_up(std::size_t i) {
    const std::int32_t id = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!less(id, heap_[parent])) break;
      place(i, heap_[parent]);
      i = parent;
    }
    place(i, id);
  }
  void sift_down(std::size_t i) {
    const std::int32_t id = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && less(heap_[child + 1], heap_[child])) ++child;
      if (!less(heap_[child], id)) break;
      place(i, heap_[child]);
      i = child;
    }
    place(i, id);
  }

  std::vector<std::int32_t> heap_;
  std::vector<std::int32_t> pos_;
  std::vector<std::int64_t> key_;
};

}  // namespace detail
}  // namespace koc

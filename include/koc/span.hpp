// koc::span: a non-owning view of a contiguous column (C++17 has no std::span).
//
// Every table koc reads (roster, tasks, candidate pairs, completions) is a set of such columns, so a
// numpy array, a std::vector, an Eigen vector or a C pointer + length is passed without a copy.
#pragma once

#include <cstddef>
#include <type_traits>
#include <vector>

namespace koc {

/// A column's place in its table, as each table's for_each_column lists it: the key column (the ids)
/// gives the row count; a required column has exactly that many rows; an optional one has that many or
/// none (then the documented default applies).
enum class column_role : unsigned char { key, required, optional };

template <class T>
class span {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;

  constexpr span() noexcept = default;
  constexpr span(T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  template <class A, class U = T, class = std::enable_if_t<std::is_const<U>::value>>
  span(const std::vector<value_type, A>& v) noexcept : data_(v.data()), size_(v.size()) {}  // NOLINT
  template <class A>
  span(std::vector<value_type, A>& v) noexcept : data_(v.data()), size_(v.size()) {}  // NOLINT
  /// span<T> converts to span<const T>.
  template <class U, class = std::enable_if_t<std::is_convertible<U (*)[], T (*)[]>::value>>
  constexpr span(const span<U>& other) noexcept : data_(other.data()), size_(other.size()) {}  // NOLINT

  constexpr T* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T& operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr T* begin() const noexcept { return data_; }
  constexpr T* end() const noexcept { return data_ + size_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace koc

// Shared helpers of the pybind11 module: zero-copy column views in, owner-backed arrays out.
#pragma once

#include <koc/error.hpp>
#include <koc/matching/capacitated_assignment.hpp>
#include <koc/solve_control.hpp>
#include <koc/span.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace koc::py {

namespace py = pybind11;

/// Input column: c-contiguous array of T; no copy when the dtype already matches (forcecast otherwise).
template <class T>
using in_array = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T>
span<const T> view(const in_array<T>& a, const char* field) {
  if (a.ndim() != 1) throw error(errc::invalid_argument, "expected a 1-D column", -1, field);
  return {a.data(), static_cast<std::size_t>(a.shape(0))};
}

/// Reads optional typed columns from a dict of arrays (an absent or None column reads as empty), keeping the
/// converted arrays alive in `keep` for as long as the views are used.
struct column_reader {
  const py::dict& d;
  std::vector<py::object>& keep;

  template <class T>
  span<const T> get(const char* name) {
    if (!d.contains(name) || d[name].is_none()) return {};
    auto arr = in_array<T>::ensure(d[name]);
    if (!arr) throw error(errc::invalid_value, "column cannot be converted to the expected type", -1, name);
    keep.push_back(arr);
    return view<T>(arr, name);
  }
  /// Every column of a core table, by the names its for_each_column gives (the one list of its columns);
  /// a column the dict does not hold stays empty. A key that is none of them (nor in `also`, the names the
  /// caller reads itself) is the Python layer's mistake, refused rather than ignored.
  template <class Table>
  void read(Table& t, std::initializer_list<const char*> also = {}) {
    std::vector<std::string> names(also.begin(), also.end());
    Table::for_each_column(t, [&](const char* name, auto& col, column_role) {
      col = get<typename std::decay_t<decltype(col)>::value_type>(name);
      names.emplace_back(name);
    });
    for (const auto& item : d) {
      const auto key = py::str(item.first).cast<std::string>();
      if (std::find(names.begin(), names.end(), key) == names.end())
        throw error(errc::internal, "'" + key + "' is not a column of this table", -1, key);
    }
  }
  /// A 2-D n × k uint8 matrix (row-major); returns the data and k.
  std::pair<span<const std::uint8_t>, std::size_t> matrix(const char* name, std::size_t rows) {
    if (!d.contains(name) || d[name].is_none()) return {{}, 0};
    auto arr = in_array<std::uint8_t>::ensure(d[name]);
    if (!arr || arr.ndim() != 2 || static_cast<std::size_t>(arr.shape(0)) != rows)
      throw error(errc::length_mismatch, "expected a rows × n_skills matrix", -1, name);
    keep.push_back(arr);
    return {{arr.data(), static_cast<std::size_t>(arr.size())}, static_cast<std::size_t>(arr.shape(1))};
  }
};

// Results go to Python one way: owner-backed arrays, never copied. A result the binding does not keep is
// moved into the array's own owner (to_numpy); a column of a result that a Python object keeps (the
// state behind verify() and explain()) is a read-only view whose base is that object (view_of).

/// Moves a vector into a heap owner and returns a numpy array over it (no copy); the array's base
/// keeps the owner alive.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
  auto* owner = new std::vector<T>(std::move(v));
  py::capsule base(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(owner->size())}, {static_cast<py::ssize_t>(sizeof(T))}, owner->data(), base);
}

/// n_rows × n_cols view over a column-major vector (column j contiguous), no copy.
template <class T>
py::array_t<T> to_numpy_2d_colmajor(std::vector<T>&& v, std::size_t n_rows, std::size_t n_cols) {
  auto* owner = new std::vector<T>(std::move(v));
  py::capsule base(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(n_rows), static_cast<py::ssize_t>(n_cols)},
                        {static_cast<py::ssize_t>(sizeof(T)), static_cast<py::ssize_t>(sizeof(T) * n_rows)},
                        owner->data(), base);
}

/// Read-only numpy view over `n` values at `data`, owned by `base` (the Python object keeping the result).
template <class T>
py::array view_of(const T* data, std::size_t n, const py::object& base) {
  py::array_t<T> a({static_cast<py::ssize_t>(n)}, {static_cast<py::ssize_t>(sizeof(T))}, data, base);
  a.attr("setflags")(py::arg("write") = false);
  return std::move(a);
}
template <class T>
py::array view_of(const std::vector<T>& v, const py::object& base) { return view_of(v.data(), v.size(), base); }
/// One-byte enum columns (reasons, kinds) as uint8 views.
template <class E>
py::array codes_of(const std::vector<E>& v, const py::object& base) {
  static_assert(sizeof(E) == 1, "code columns are one byte");
  return view_of(reinterpret_cast<const std::uint8_t*>(v.data()), v.size(), base);
}

/// A solve_control whose callbacks are Python callables, called with the GIL held. An exception raised by
/// a callback stops the solve and is kept in `raised`; the caller re-raises it once the solve has
/// unwound and the GIL is back (rethrow_callback_error).
struct python_control {
  solve_control control;
  std::shared_ptr<py::object> raised = std::make_shared<py::object>();  // the exception, or a null handle
  std::vector<std::shared_ptr<py::object>> keep;                         // the callables
};
python_control make_control(const py::object& time_limit, const py::object& cancel, const py::object& progress);
/// After a solve stopped with errc::cancelled: re-raises a callback's own exception if one was kept.
void rethrow_callback_error(const python_control& c);
/// "auto" | "auction" | "shortest_paths".
capacitated_method parse_method(const std::string& method);

/// A list of problems (koc::*_problems) as Python's (code, row, field, detail) tuples: one conversion for
/// every problem list the module returns.
inline py::list problem_tuples(const std::vector<error>& found) {
  py::list out;
  for (const auto& e : found) out.append(py::make_tuple(errc_name(e.code()), e.row(), e.field(), e.detail()));
  return out;
}

void bind_tiers(py::module_& m);
void bind_dense(py::module_& m);
void bind_matching(py::module_& m);
void bind_capacitated(py::module_& m);
void bind_rewards(py::module_& m);

}  // namespace koc::py

// Dense 1:1 assignment bindings (scipy.optimize.linear_sum_assignment's equal, plus its certificate), one
// matrix or a batch.
#include "common.hpp"

#include <koc/matching/dense_assignment.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace koc::py {

namespace {

using cost_array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using mask_array = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

struct matrix_arg {
  const double* data;
  std::size_t rows, cols;
  const std::uint8_t* mask = nullptr;
};

matrix_arg read_matrix(const cost_array& cost, const py::object& forbidden) {
  if (cost.ndim() != 2) throw error(errc::invalid_argument, "expected a 2-D cost matrix", -1, "cost");
  matrix_arg a{cost.data(), static_cast<std::size_t>(cost.shape(0)), static_cast<std::size_t>(cost.shape(1))};
  if (!forbidden.is_none()) {
    auto m = py::reinterpret_borrow<mask_array>(forbidden);
    if (m.ndim() != 2 || static_cast<std::size_t>(m.shape(0)) != a.rows || static_cast<std::size_t>(m.shape(1)) != a.cols)
      throw error(errc::length_mismatch, "forbidden mask must have the cost matrix's shape", -1, "forbidden");
    a.mask = m.data();
  }
  return a;
}

}  // namespace

void bind_dense(py::module_& m) {
  m.def("solve_dense_assignment",
        [](const cost_array& cost, bool maximize, const py::object& forbidden) {
          // Keep the converted mask alive for the whole call (the solver reads it without the GIL).
          const py::object keep_mask = forbidden.is_none() ? py::object(py::none()) : py::object(forbidden.cast<mask_array>());
          const matrix_arg a = read_matrix(cost, keep_mask);
          dense_assignment_result r;
          {
            py::gil_scoped_release release;
            dense_assignment_options opt;
            opt.maximize = maximize;
            opt.forbidden = a.mask;
            r = solve_dense_assignment(a.data, a.rows, a.cols, opt);
          }
          py::dict d;
          d["status"] = r.status == assignment_status::optimal ? "optimal" : "infeasible";
          d["total"] = r.total_cost;
          d["row_ind"] = to_numpy(std::move(r.row_ind));
          d["col_ind"] = to_numpy(std::move(r.col_ind));
          d["row_potential"] = to_numpy(std::move(r.row_potential));
          d["col_potential"] = to_numpy(std::move(r.col_potential));
          d["blocking_rows"] = to_numpy(std::move(r.blocking_rows));
          d["blocking_cols"] = to_numpy(std::move(r.blocking_cols));
          return d;
        },
        py::arg("cost"), py::arg("maximize") = false, py::arg("forbidden") = py::none(),
        "Solves the dense rectangular assignment; returns a dict of numpy arrays and the certificate.");

  m.def("solve_dense_assignment_stack",
        [](const cost_array& costs, bool maximize, unsigned threads) {
          if (costs.ndim() != 3) throw error(errc::invalid_argument, "expected a 3-D array of cost matrices", -1, "cost");
          const auto count = static_cast<std::size_t>(costs.shape(0)), rows = static_cast<std::size_t>(costs.shape(1)),
                     cols = static_cast<std::size_t>(costs.shape(2)), k = std::min(rows, cols);
          dense_batch_arrays r;
          {
            py::gil_scoped_release release;
            dense_batch_options opt;
            opt.maximize = maximize;
            opt.threads = threads;
            r = solve_dense_assignment_stack(costs.data(), count, rows, cols, opt);
          }
          auto shape2 = [&](std::vector<std::int64_t>&& v) {
            return to_numpy(std::move(v)).reshape({static_cast<py::ssize_t>(count), static_cast<py::ssize_t>(k)});
          };
          return py::make_tuple(to_numpy(std::move(r.optimal)), shape2(std::move(r.row_ind)), shape2(std::move(r.col_ind)),
                                to_numpy(std::move(r.total_cost)));
        },
        py::arg("costs"), py::arg("maximize") = false, py::arg("threads") = 0u,
        "Solves every (rows, cols) matrix of a (count, rows, cols) array on `threads` threads (0: one per core); "
        "returns (optimal flags, row_ind (count, k), col_ind (count, k), totals).");

  m.def("solve_dense_assignment_list",
        [](const std::vector<cost_array>& costs, bool maximize, unsigned threads) {
          std::vector<dense_problem> problems(costs.size());
          for (std::size_t b = 0; b < costs.size(); ++b) {
            if (costs[b].ndim() != 2)
              throw error(errc::invalid_argument, "problem " + std::to_string(b) + ": expected a 2-D cost matrix", -1, "cost");
            problems[b] = {costs[b].data(), static_cast<std::size_t>(costs[b].shape(0)),
                           static_cast<std::size_t>(costs[b].shape(1)), static_cast<std::size_t>(costs[b].shape(1))};
          }
          std::vector<dense_assignment_result> rs;
          {
            py::gil_scoped_release release;
            dense_batch_options opt;
            opt.maximize = maximize;
            opt.threads = threads;
            rs = solve_dense_assignment_batch(problems.data(), problems.size(), opt);
          }
          std::vector<std::uint8_t> optimal(rs.size());
          std::vector<double> total(rs.size());
          py::list row_ind, col_ind;
          for (std::size_t b = 0; b < rs.size(); ++b) {
            optimal[b] = rs[b].status == assignment_status::optimal;
            total[b] = rs[b].total_cost;
            row_ind.append(to_numpy(std::move(rs[b].row_ind)));
            col_ind.append(to_numpy(std::move(rs[b].col_ind)));
          }
          return py::make_tuple(to_numpy(std::move(optimal)), row_ind, col_ind, to_numpy(std::move(total)));
        },
        py::arg("costs"), py::arg("maximize") = false, py::arg("threads") = 0u,
        "Solves every matrix of a list (shapes may differ) on `threads` threads (0: one per core); returns "
        "(optimal flags, [row_ind], [col_ind], totals).");

  m.def("verify_dense_assignment",
        [](const cost_array& cost, bool maximize, const py::object& forbidden, const std::string& status,
           const in_array<std::int64_t>& row_ind, const in_array<std::int64_t>& col_ind,
           const in_array<double>& row_potential, const in_array<double>& col_potential,
           const in_array<std::int64_t>& blocking_rows, const in_array<std::int64_t>& blocking_cols, double tolerance) {
          // Keep the converted mask alive for the whole call (the solver reads it without the GIL).
          const py::object keep_mask = forbidden.is_none() ? py::object(py::none()) : py::object(forbidden.cast<mask_array>());
          const matrix_arg a = read_matrix(cost, keep_mask);
          dense_assignment_result r;
          r.status = status == "optimal" ? assignment_status::optimal : assignment_status::infeasible;
          r.maximize = maximize;
          auto copy = [](auto col) { return std::vector<typename decltype(col)::value_type>(col.begin(), col.end()); };
          r.row_ind = copy(view<std::int64_t>(row_ind, "row_ind"));
          r.col_ind = copy(view<std::int64_t>(col_ind, "col_ind"));
          r.row_potential = copy(view<double>(row_potential, "row_potential"));
          r.col_potential = copy(view<double>(col_potential, "col_potential"));
          r.blocking_rows = copy(view<std::int64_t>(blocking_rows, "blocking_rows"));
          r.blocking_cols = copy(view<std::int64_t>(blocking_cols, "blocking_cols"));
          double total = 0;
          for (std::size_t k = 0; k < r.row_ind.size(); ++k) {
            const auto i = r.row_ind[k], j = r.col_ind[k];
            if (i >= 0 && j >= 0 && static_cast<std::size_t>(i) < a.rows && static_cast<std::size_t>(j) < a.cols)
              total += a.data[static_cast<std::size_t>(i) * a.cols + static_cast<std::size_t>(j)];
          }
          r.total_cost = total;
          assignment_check c;
          {
            py::gil_scoped_release release;
            c = verify(a.data, a.rows, a.cols, r, tolerance, a.mask);
          }
          return py::make_tuple(c.ok, c.message);
        },
        py::arg("cost"), py::arg("maximize"), py::arg("forbidden"), py::arg("status"), py::arg("row_ind"),
        py::arg("col_ind"), py::arg("row_potential"), py::arg("col_potential"), py::arg("blocking_rows"),
        py::arg("blocking_cols"), py::arg("tolerance") = 1e-9,
        "Independently checks an assignment and its certificate; returns (ok, message).");
}

}  // namespace koc::py

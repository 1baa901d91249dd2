// Capacitated (b-matching) assignment on a user's edge list, with its certificate.
#include "common.hpp"

#include <koc/matching/capacitated_assignment.hpp>
#include <koc/matching/candidates.hpp>

#include <memory>

namespace koc::py {

namespace {

/// Everything verify() needs, kept alive behind the Python result.
struct capacitated_state {
  edge_list_graph edges;  // the graph, and each pair's edge row
  std::vector<std::int32_t> capacity, slots;
  capacitated_assignment_options options;
  capacitated_assignment_result result;
};

}  // namespace

capacitated_method parse_method(const std::string& method) {
  if (method == "auto") return capacitated_method::automatic;
  if (method == "auction") return capacitated_method::auction;
  if (method == "shortest_paths") return capacitated_method::shortest_paths;
  throw error(errc::invalid_argument, "unknown method '" + method + "' (auto, auction, shortest_paths)", -1, "method");
}

void bind_capacitated(py::module_& m) {
  py::class_<capacitated_state, std::shared_ptr<capacitated_state>>(m, "CapacitatedState",
                                                                    "A capacitated solve kept for verification (opaque).")
      .def("verify", [](const capacitated_state& s) {
        capacitated_verify_report rep;
        {
          py::gil_scoped_release release;
          rep = verify(s.edges.graph, s.capacity, s.slots, s.options, s.result);
        }
        return py::make_tuple(rep.ok, rep.message);
      });

  m.def("solve_capacitated",
        [](std::size_t n_kocs, std::size_t n_tasks, const in_array<std::int32_t>& koc, const in_array<std::int32_t>& task,
           const in_array<double>& score, const in_array<std::int32_t>& capacity, const in_array<std::int32_t>& slots,
           const std::string& objective, double score_resolution, const std::string& method, const py::object& time_limit,
           const py::object& cancel, const py::object& progress, const py::object& warm_task_potential,
           std::int64_t warm_scale, std::int64_t warm_pair_bonus) {
          auto s = std::make_shared<capacitated_state>();
          const auto cap = view<std::int32_t>(capacity, "capacity");
          const auto sl = view<std::int32_t>(slots, "slots");
          s->capacity.assign(cap.begin(), cap.end());
          s->slots.assign(sl.begin(), sl.end());
          if (objective == "max_score") s->options.objective = capacitated_objective::max_score;
          else if (objective == "max_fill") s->options.objective = capacitated_objective::max_fill_then_score;
          else throw error(errc::invalid_argument, "unknown objective '" + objective + "' (max_score, max_fill)", -1, "objective");
          s->options.score_resolution = score_resolution;
          s->options.method = parse_method(method);
          const auto control = make_control(time_limit, cancel, progress);
          s->options.control = control.control;
          const auto k = view<std::int32_t>(koc, "koc"), t = view<std::int32_t>(task, "task");
          const auto sc = view<double>(score, "score");
          // Warm start (resolve_capacitated_assignment): a previous solve's task prices, same tasks.
          const bool warm = !warm_task_potential.is_none();
          capacitated_duals previous;
          if (warm) {
            const auto wt = in_array<std::int64_t>::ensure(warm_task_potential);
            if (!wt) throw error(errc::invalid_argument, "warm_task_potential must be an int64 array", -1, "warm_start");
            const auto pt = view<std::int64_t>(wt, "warm_start.task_potential");
            previous.task_potential.assign(pt.begin(), pt.end());
            previous.scale = warm_scale;
            previous.pair_bonus = warm_pair_bonus;
          }
          try {
            py::gil_scoped_release release;
            // The builder of the C ABI and the C++ API: errors name the same edge row on every front.
            s->edges = candidate_graph_from_edges(n_kocs, n_tasks, k, t, sc);
            try {
              s->result = warm ? resolve_capacitated_assignment(s->edges.graph, s->capacity, s->slots, s->options, previous)
                               : solve_capacitated_assignment(s->edges.graph, s->capacity, s->slots, s->options);
            } catch (const error& e) {
              throw s->edges.at_edge_row(e);
            }
          } catch (const error& e) {
            s->options.control = {};
            if (e.code() == errc::cancelled) rethrow_callback_error(control);
            throw;
          }
          s->options.control = {};  // verify() needs no callbacks
          const auto& r = s->result;
          const py::object base = py::cast(s);  // the state keeps the result: its columns are views
          py::dict d;
          d["pair"] = view_of(r.pair, base);
          std::vector<std::int64_t> edge(r.pair.size());
          for (std::size_t i = 0; i < edge.size(); ++i) edge[i] = s->edges.edge_of_pair[static_cast<std::size_t>(r.pair[i])];
          d["edge"] = to_numpy(std::move(edge));
          d["koc"] = view_of(r.koc, base);
          d["task"] = view_of(r.task, base);
          d["koc_load"] = view_of(r.koc_load, base);
          d["task_filled"] = view_of(r.task_filled, base);
          std::vector<std::uint8_t> kr(r.koc_reason.size()), tr(r.task_reason.size());
          for (std::size_t i = 0; i < kr.size(); ++i) kr[i] = static_cast<std::uint8_t>(r.koc_reason[i]);
          for (std::size_t i = 0; i < tr.size(); ++i) tr[i] = static_cast<std::uint8_t>(r.task_reason[i]);
          d["koc_reason"] = to_numpy(std::move(kr));
          d["task_reason"] = to_numpy(std::move(tr));
          d["reasons"] = std::vector<std::string>{"none", "nobody_eligible", "all_candidates_at_capacity", "better_pairs_chosen"};
          d["total_score"] = r.total_score;
          d["total_score_units"] = r.total_score_units;
          d["koc_potential"] = view_of(r.duals.koc_potential, base);
          d["task_potential"] = view_of(r.duals.task_potential, base);
          d["source_potential"] = r.duals.source_potential;
          d["scale"] = r.duals.scale;
          d["epsilon"] = r.duals.epsilon;
          d["pair_bonus"] = r.duals.pair_bonus;
          d["state"] = s;
          return d;
        },
        py::arg("n_kocs"), py::arg("n_tasks"), py::arg("koc"), py::arg("task"), py::arg("score"), py::arg("capacity"),
        py::arg("slots"), py::arg("objective") = "max_score", py::arg("score_resolution") = 1e-6,
        py::arg("method") = "auto", py::arg("time_limit") = py::none(), py::arg("cancel") = py::none(),
        py::arg("progress") = py::none(), py::arg("warm_task_potential") = py::none(), py::arg("warm_scale") = 1,
        py::arg("warm_pair_bonus") = 0,
        "Exact b-matching on an edge list; returns a dict of arrays plus the opaque state for verify().");

  m.def("score_units",
        [](const in_array<double>& score, double score_resolution) {
          if (!(score_resolution > 0) || !std::isfinite(score_resolution))
            throw error(errc::invalid_argument, "score_resolution must be positive and finite", -1, "score_resolution");
          const auto sc = view<double>(score, "score");
          std::vector<std::int64_t> w(sc.size());
          for (std::size_t i = 0; i < sc.size(); ++i) w[i] = detail::score_units(sc[i], score_resolution, static_cast<std::int64_t>(i));
          return to_numpy(std::move(w));
        },
        py::arg("score"), py::arg("score_resolution"),
        "The solver's integerised scores, llround(score / score_resolution) half away from zero.");

  m.def("capacitated_violations",
        [](const in_array<std::int32_t>& koc, const in_array<std::int32_t>& task, const in_array<double>& score,
           const in_array<std::uint8_t>& chosen, const in_array<std::int64_t>& koc_potential,
           const in_array<std::int64_t>& task_potential, std::int64_t scale, std::int64_t epsilon, std::int64_t pair_bonus,
           const std::string& objective, double score_resolution) {
          capacitated_assignment_options opt;
          if (objective == "max_score") opt.objective = capacitated_objective::max_score;
          else if (objective == "max_fill") opt.objective = capacitated_objective::max_fill_then_score;
          else throw error(errc::invalid_argument, "unknown objective '" + objective + "' (max_score, max_fill)", -1, "objective");
          opt.score_resolution = score_resolution;
          capacitated_assignment_result r;
          r.objective = opt.objective;
          const auto pk = view<std::int64_t>(koc_potential, "koc_potential");
          const auto pt = view<std::int64_t>(task_potential, "task_potential");
          r.duals.koc_potential.assign(pk.begin(), pk.end());
          r.duals.task_potential.assign(pt.begin(), pt.end());
          r.duals.scale = scale;
          r.duals.epsilon = epsilon;
          r.duals.pair_bonus = pair_bonus;
          std::vector<std::int64_t> rows;
          {
            py::gil_scoped_release release;
            rows = capacitated_violations(view<std::int32_t>(koc, "koc"), view<std::int32_t>(task, "task"),
                                          view<double>(score, "score"), view<std::uint8_t>(chosen, "chosen"), r, opt);
          }
          return to_numpy(std::move(rows));
        },
        py::arg("koc"), py::arg("task"), py::arg("score"), py::arg("chosen"), py::arg("koc_potential"),
        py::arg("task_potential"), py::arg("scale"), py::arg("epsilon"), py::arg("pair_bonus"),
        py::arg("objective") = "max_score", py::arg("score_resolution") = 1e-6,
        "Rows of the given pairs that break a capacitated solve's certificate (pricing; see capacitated_violations).");
}

}  // namespace koc::py

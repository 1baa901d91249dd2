// Matching pipeline bindings: task and KOC-profile columns in, pairs + reasons + certificate out.
#include "common.hpp"

#include <koc/matching/match.hpp>
#include <koc/matching/policy_json.hpp>
#include <koc/tiers/policy.hpp>

#include <memory>

namespace koc::py {

namespace {

task_table_view read_tasks(column_reader& tr) {
  task_table_view t;
  tr.read(t, {"required_skill"});
  std::tie(t.required_skill, t.n_skills) = tr.matrix("required_skill", t.id.size());
  return t;
}

koc_profile_view read_kocs(column_reader& kr) {
  koc_profile_view k;
  kr.read(k, {"skill"});
  std::tie(k.skill, k.n_skills) = kr.matrix("skill", k.id.size());
  return k;
}

}  // namespace

void bind_matching(py::module_& m) {
  py::class_<match_result, std::shared_ptr<match_result>>(m, "MatchState",
                                                           "The full match result kept for verification (opaque).")
      .def("verify", [](const match_result& r) {
        match_verify_report rep;
        {
          py::gil_scoped_release release;
          rep = verify(r);
        }
        return py::make_tuple(rep.ok, rep.message);
      });

  // A matching policy parsed once against a tier ladder (its tier names are resolved to that ladder's
  // indices); koc.MatchingPolicy keeps one per tier policy it is used with.
  py::class_<matching_policy>(m, "ParsedMatchingPolicy", "A validated koc::matching_policy, bound to a tier ladder.")
      .def(py::init([](const std::string& text, const tier_policy& ladder) { return matching_policy_from_json(text, ladder); }),
           py::arg("policy_json"), py::arg("tier_policy"))
      .def("to_json", [](const matching_policy& p) { return matching_policy_to_json(p); });

  m.def("default_matching_policy_json", [] { return matching_policy_to_json(default_matching_policy()); });
  m.def("matching_policy_problems",
        [](const std::string& text, const tier_policy& ladder, std::size_t limit) {
          std::vector<error> found;
          {
            py::gil_scoped_release release;
            found = matching_policy_problems(text, ladder, limit);
          }
          return problem_tuples(found);
        },
        py::arg("text"), py::arg("tier_policy"), py::arg("limit"),
        "Every problem of a matching policy document (koc::matching_policy_problems, at most limit): (code, row, field, detail) tuples.");

  m.def("matching_policy_normalise",
        [](const std::string& text, const tier_policy& ladder) {
          return matching_policy_to_json(matching_policy_from_json(text, ladder));
        },
        py::arg("policy_json"), py::arg("tier_policy"));

  m.def("task_problems",
        [](const py::dict& task_cols, std::int32_t n_tiers, std::size_t limit) {
          std::vector<py::object> keep;
          column_reader tr{task_cols, keep};
          const task_table_view t = read_tasks(tr);
          std::vector<error> found;
          {
            py::gil_scoped_release release;
            found = task_problems(t, n_tiers, limit);
          }
          return problem_tuples(found);
        },
        py::arg("task_cols"), py::arg("n_tiers"), py::arg("limit"),
        "Every problem of the task table (koc::task_problems, at most limit): (code, row, field, detail) tuples.");

  m.def("match",
        [](const py::dict& task_cols, const py::dict& koc_cols, const matching_policy& policy, const tier_policy& ladder,
           const py::dict& two_way, const std::string& mode, const std::string& objective, double score_resolution,
           const std::string& method, const py::object& time_limit, const py::object& cancel, const py::object& progress) {
          std::vector<py::object> keep;
          column_reader tr{task_cols, keep}, kr{koc_cols, keep}, wr{two_way, keep};
          task_table_view t = read_tasks(tr);
          koc_profile_view k = read_kocs(kr);
          declines_view dv{wr.get<std::int64_t>("decline_koc_id"), wr.get<std::int64_t>("decline_task_id")};
          koc_preferences_view pv{wr.get<std::int64_t>("pref_koc_id"), wr.get<std::int64_t>("pref_task_id"),
                                  wr.get<std::int32_t>("pref_rank")};
          match_options opt;
          if (mode == "optimal") opt.mode = match_mode::optimal;
          else if (mode == "stable_kocs_propose") opt.mode = match_mode::stable_kocs_propose;
          else if (mode == "stable_tasks_propose") opt.mode = match_mode::stable_tasks_propose;
          else throw error(errc::invalid_argument, "unknown mode '" + mode + "'", -1, "mode");
          if (objective == "max_score") opt.objective = capacitated_objective::max_score;
          else if (objective == "max_fill") opt.objective = capacitated_objective::max_fill_then_score;
          else throw error(errc::invalid_argument, "unknown objective '" + objective + "' (max_score, max_fill)", -1, "objective");
          opt.score_resolution = score_resolution;
          opt.method = parse_method(method);
          const auto control = make_control(time_limit, cancel, progress);
          opt.control = control.control;

          auto r = std::make_shared<match_result>();
          try {
            py::gil_scoped_release release;
            *r = match(t, k, policy, ladder, dv, pv, opt);
          } catch (const error& e) {
            opt.control = {};
            if (e.code() == errc::cancelled) rethrow_callback_error(control);
            throw;
          }
          opt.control = {};
          const py::object base = py::cast(r);  // the state keeps the result: its columns are views
          py::dict d;
          d["koc"] = view_of(r->koc, base);
          d["task"] = view_of(r->task, base);
          d["score"] = view_of(r->score, base);
          d["total"] = r->total;
          d["koc_load"] = view_of(r->koc_load, base);
          d["task_filled"] = view_of(r->task_filled, base);
          d["koc_reason"] = view_of(r->koc_reason, base);
          d["task_reason"] = view_of(r->task_reason, base);
          d["n_eligible"] = view_of(r->candidates.n_eligible, base);
          auto excl = view_of(r->candidates.excluded, base);
          d["excluded"] = excl.reshape({static_cast<py::ssize_t>(t.id.size()), static_cast<py::ssize_t>(n_exclusion_rules)});
          d["exclusion_rules"] = std::vector<std::string>(exclusion_rule_names.begin(), exclusion_rule_names.end());
          d["reasons"] = std::vector<std::string>(match_reason_names.begin(), match_reason_names.end());
          d["n_pairs"] = r->candidates.graph.task.size();
          if (opt.mode == match_mode::optimal) {
            d["koc_potential"] = view_of(r->optimal.duals.koc_potential, base);
            d["task_potential"] = view_of(r->optimal.duals.task_potential, base);
            d["source_potential"] = r->optimal.duals.source_potential;
            d["scale"] = r->optimal.duals.scale;
            d["epsilon"] = r->optimal.duals.epsilon;
            d["pair_bonus"] = r->optimal.duals.pair_bonus;
            d["total_score_units"] = r->optimal.total_score_units;
          }
          d["state"] = r;
          return d;
        },
        py::arg("task_cols"), py::arg("koc_cols"), py::arg("policy"), py::arg("tier_policy"),
        py::arg("two_way"), py::arg("mode") = "optimal", py::arg("objective") = "max_score",
        py::arg("score_resolution") = 1e-6, py::arg("method") = "auto", py::arg("time_limit") = py::none(),
        py::arg("cancel") = py::none(), py::arg("progress") = py::none(),
        "Eligibility, fit and assignment; returns a dict of numpy arrays plus the opaque state for verify().");

  m.def("candidates",
        [](const py::dict& task_cols, const py::dict& koc_cols, const matching_policy& policy, const tier_policy& ladder,
           const py::dict& two_way) {
          std::vector<py::object> keep;
          column_reader tr{task_cols, keep}, kr{koc_cols, keep}, wr{two_way, keep};
          const task_table_view t = read_tasks(tr);
          const koc_profile_view k = read_kocs(kr);
          declines_view dv{wr.get<std::int64_t>("decline_koc_id"), wr.get<std::int64_t>("decline_task_id")};
          koc_preferences_view pv{wr.get<std::int64_t>("pref_koc_id"), wr.get<std::int64_t>("pref_task_id"),
                                  wr.get<std::int32_t>("pref_rank")};
          eligibility_result e;
          std::vector<std::int32_t> koc_row;
          {
            py::gil_scoped_release release;
            e = build_candidates(t, k, policy, ladder, dv, pv);
            const auto& g = e.graph;
            koc_row.resize(g.task.size());
            for (std::size_t r = 0; r + 1 < g.offsets.size(); ++r)
              for (auto p = g.offsets[r]; p < g.offsets[r + 1]; ++p) koc_row[static_cast<std::size_t>(p)] = static_cast<std::int32_t>(r);
          }
          py::dict d;
          d["koc"] = to_numpy(std::move(koc_row));
          d["task"] = to_numpy(std::move(e.graph.task));
          d["score"] = to_numpy(std::move(e.graph.score));
          d["n_eligible"] = to_numpy(std::move(e.n_eligible));
          auto excl = to_numpy(std::move(e.excluded));
          d["excluded"] = excl.reshape({static_cast<py::ssize_t>(t.id.size()), static_cast<py::ssize_t>(n_exclusion_rules)});
          d["exclusion_rules"] = std::vector<std::string>(exclusion_rule_names.begin(), exclusion_rule_names.end());
          return d;
        },
        py::arg("task_cols"), py::arg("koc_cols"), py::arg("policy"), py::arg("tier_policy"), py::arg("two_way"),
        "Eligibility and fit only (stages 1-2 of match): candidate edges (koc row, task row, score) sorted by (koc, task).");
}

}  // namespace koc::py

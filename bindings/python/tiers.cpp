// Tier classification bindings: columns (numpy) in, columns out, GIL released while classifying.
#include "common.hpp"

#include <koc/tiers.hpp>
#include <koc/tiers/policy_json.hpp>

namespace koc::py {

namespace {

/// Keeps the converted input arrays alive while the roster view points into them.
struct roster_input {
  std::vector<py::object> keep;
  roster_view view;
};

roster_input read_roster(const py::dict& cols) {
  roster_input in;
  auto get = [&](const char* name) -> py::object {
    if (!cols.contains(name)) return py::none();
    return cols[name];
  };
  auto col = [&](auto tag, const char* name, auto& target) {
    using T = decltype(tag);
    py::object o = get(name);
    if (o.is_none()) return;
    auto arr = in_array<T>::ensure(o);
    if (!arr) throw error(errc::invalid_value, "column cannot be converted to the expected type", -1, name);
    in.keep.push_back(arr);
    target = view<T>(arr, name);
  };
  col(std::int64_t{}, "id", in.view.id);
  if (in.view.id.empty() && get("id").is_none()) throw error(errc::invalid_argument, "the roster needs an id column", -1, "id");
  for (int m = 0; m < n_builtin_metrics; ++m)
    col(double{}, metric_names[static_cast<std::size_t>(m)], in.view.metrics[static_cast<std::size_t>(m)]);
  col(std::uint8_t{}, "honorary", in.view.honorary);
  col(std::uint8_t{}, "invited", in.view.invited);
  col(std::uint8_t{}, "clearance", in.view.clearance);
  col(std::int32_t{}, "previous_tier", in.view.previous_tier);
  col(std::int32_t{}, "periods_below", in.view.periods_below);
  // Every other column is a metric by name (a policy's declared one); the Python layer passes only the
  // ones the policy reads.
  for (auto item : cols) {
    const auto name = item.first.cast<std::string>();
    if (is_roster_key_column(name) || builtin_metric_index(name) >= 0) continue;
    in.view.named.push_back({name, {}});
    col(double{}, name.c_str(), in.view.named.back().values);
  }
  return in;
}

std::vector<tier_override> read_overrides(const in_array<std::int64_t>& ids, const in_array<std::int32_t>& tiers,
                                          const std::vector<std::string>& reasons, const std::vector<std::string>& authors,
                                          const in_array<std::int64_t>& expires_at) {
  const auto id = view<std::int64_t>(ids, "koc_id");
  const auto tr = view<std::int32_t>(tiers, "tier");
  const auto ex = view<std::int64_t>(expires_at, "expires_at");
  if (tr.size() != id.size()) throw error(errc::length_mismatch, "override columns differ in length", -1, "tier");
  if (reasons.size() != id.size()) throw error(errc::length_mismatch, "override columns differ in length", -1, "reason");
  if (!authors.empty() && authors.size() != id.size()) throw error(errc::length_mismatch, "override columns differ in length", -1, "author");
  if (!ex.empty() && ex.size() != id.size()) throw error(errc::length_mismatch, "override columns differ in length", -1, "expires_at");
  std::vector<tier_override> ov(id.size());
  for (std::size_t k = 0; k < id.size(); ++k)
    ov[k] = {id[k], tr[k], reasons[k], authors.empty() ? std::string() : authors[k], ex.empty() ? -1 : ex[k]};
  return ov;
}

py::dict overrides_dict(const std::vector<tier_override>& ov) {
  std::vector<std::int64_t> id, ex;
  std::vector<std::int32_t> tier;
  std::vector<std::string> reason, author;
  for (const auto& o : ov) id.push_back(o.koc_id), tier.push_back(o.tier), reason.push_back(o.reason), author.push_back(o.author), ex.push_back(o.expires_at);
  py::dict d;
  d["koc_id"] = to_numpy(std::move(id));
  d["tier"] = to_numpy(std::move(tier));
  d["reason"] = reason;
  d["author"] = author;
  d["expires_at"] = to_numpy(std::move(ex));
  return d;
}

/// tier_reference from {"n": int, "row_offset": int, "metrics": {name: {"values", "below", "min1", "min2",
/// "max1", "max2", "argmin", "argmax"}}} (koc.tiers.roster_reference builds it).
tier_reference read_reference(const py::dict& d, const tier_policy& policy) {
  tier_reference ref;
  auto need = [&](const py::dict& x, const char* key, const std::string& field) -> py::object {
    if (!x.contains(key)) throw error(errc::invalid_argument, std::string("the reference needs '") + key + "'", -1, field);
    return x[key];
  };
  ref.n = need(d, "n", "reference.n").cast<std::uint64_t>();
  ref.row_offset = d.contains("row_offset") ? d["row_offset"].cast<std::uint64_t>() : 0;
  if (d.contains("metrics")) {
    for (auto item : d["metrics"].cast<py::dict>()) {
      const auto name = item.first.cast<std::string>();
      const std::string field = "reference." + name;
      tier_reference::metric_ref m;
      m.which = policy.find_metric(name, field);
      const auto md = item.second.cast<py::dict>();
      if (md.contains("values")) {
        m.values = need(md, "values", field).cast<std::vector<double>>();
        m.below = need(md, "below", field).cast<std::vector<std::uint64_t>>();
      }
      if (md.contains("min1")) {
        m.min1 = md["min1"].cast<double>(); m.min2 = need(md, "min2", field).cast<double>();
        m.max1 = need(md, "max1", field).cast<double>(); m.max2 = need(md, "max2", field).cast<double>();
        m.argmin = need(md, "argmin", field).cast<std::uint64_t>(); m.argmax = need(md, "argmax", field).cast<std::uint64_t>();
      }
      ref.metrics.push_back(std::move(m));
    }
  }
  return ref;
}

py::dict result_dict(tier_result&& t, const tier_policy& policy) {
  py::dict d;
  const std::size_t n = t.n_kocs;
  py::list terms, gaps;
  for (auto m : t.terms) terms.append(policy.name_of(m));
  for (auto m : t.gap_metrics) gaps.append(policy.name_of(m));
  d["terms"] = terms;
  d["gap_metrics"] = gaps;
  const std::size_t n_terms = t.terms.size(), n_gaps = t.gap_metrics.size();
  const bool have_gaps = !t.growth_gap.empty();
  d["qualified_tier"] = to_numpy(std::move(t.qualified_tier));
  d["computed_tier"] = to_numpy(std::move(t.computed_tier));
  d["final_tier"] = to_numpy(std::move(t.final_tier));
  d["score"] = to_numpy(std::move(t.score));
  d["contributions"] = to_numpy_2d_colmajor(std::move(t.contributions), n, n_terms);
  d["blocked_tier"] = to_numpy(std::move(t.blocked_tier));
  d["blocked_gate"] = to_numpy(std::move(t.blocked_gate));
  d["next_tier"] = to_numpy(std::move(t.next_tier));
  d["growth_gap"] = have_gaps ? py::object(to_numpy_2d_colmajor(std::move(t.growth_gap), n, n_gaps)) : py::object(py::none());
  d["transition"] = to_numpy(std::move(t.transition));
  d["periods_below"] = to_numpy(std::move(t.periods_below));
  d["honorary"] = to_numpy(std::move(t.honorary));
  d["override_index"] = to_numpy(std::move(t.override_index));
  d["expired_overrides"] = to_numpy(std::move(t.expired_overrides));
  return d;
}

}  // namespace

void bind_tiers(py::module_& m) {
  // A tier policy parsed and validated once (koc.TierPolicy holds one); every function below takes it. A
  // JSON text is also accepted where one is expected, and parsed for that call.
  py::class_<tier_policy>(m, "ParsedTierPolicy", "A validated koc::tier_policy (koc.TierPolicy keeps one).")
      .def(py::init([](const std::string& text) { return tier_policy_from_json(text); }), py::arg("policy_json"))
      .def("to_json", [](const tier_policy& p) { return tier_policy_to_json(p); })
      .def_property_readonly("ladder", [](const tier_policy& p) {
        std::vector<std::string> names;
        for (auto& t : p.tiers) names.push_back(t.name);
        return names;
      })
      .def_property_readonly("metrics_used", [](const tier_policy& p) {
        // tier_policy::uses: the one rule of which roster columns a policy needs (a metric listed with
        // weight 0 included).
        std::vector<std::string> names;
        for (int i = 0; i < p.n_metrics(); ++i)
          if (p.uses(static_cast<metric>(i))) names.push_back(p.name_of(static_cast<metric>(i)));
        return names;
      })
      .def_property_readonly("gate_descriptions", [](const tier_policy& p) {
        std::vector<std::vector<std::string>> out;
        for (auto& t : p.tiers) {
          out.emplace_back();
          for (auto& g : t.gates) out.back().push_back(describe(g, p));
        }
        return out;
      });
  py::implicitly_convertible<py::str, tier_policy>();

  m.def("default_tier_policy_json", [] { return tier_policy_to_json(default_tier_policy()); },
        "The default tier policy as koc.tier_policy/1 JSON.");
  m.def("tier_policy_problems",
        [](const std::string& text, std::size_t limit) {
          std::vector<error> found;
          {
            py::gil_scoped_release release;
            found = tier_policy_problems(text, limit);
          }
          return problem_tuples(found);
        },
        py::arg("text"), py::arg("limit"),
        "Every problem of a tier policy document (koc::tier_policy_problems, at most limit): (code, row, field, detail) tuples.");

  m.def("metric_names", [] { return std::vector<std::string>(metric_names.begin(), metric_names.end()); });
  m.def(
      "builtin_metric_declarations",
      [] {
        py::list out;
        for (const auto& d : builtin_metric_declarations())
          out.append(py::make_tuple(d.name, d.unit, d.integral, d.min, d.max, d.lower_is_better));
        return out;
      },
      "The built-in metrics' declarations (koc::builtin_metric_declarations): (name, unit, integral, min, max, "
      "lower_is_better) tuples, in metric order.");
  m.def("tier_transition_names", [] { return std::vector<std::string>(tier_transition_names.begin(), tier_transition_names.end()); });

  m.def("classify",
        [](const py::dict& columns, const tier_policy& policy, const in_array<std::int64_t>& override_ids,
           const in_array<std::int32_t>& override_tiers, const std::vector<std::string>& override_reasons,
           bool growth_gaps, const py::object& reference, const std::vector<std::string>& override_authors,
           const in_array<std::int64_t>& override_expires_at, std::int64_t as_of) {
          const roster_input in = read_roster(columns);
          const auto ov = read_overrides(override_ids, override_tiers, override_reasons, override_authors, override_expires_at);
          tier_reference ref;
          classify_options opt;
          opt.growth_gaps = growth_gaps;
          opt.as_of = as_of;
          if (!reference.is_none()) {
            ref = read_reference(reference.cast<py::dict>(), policy);
            opt.reference = &ref;
          }
          tier_result t;
          {
            py::gil_scoped_release release;
            t = classify(in.view, policy, ov, opt);
          }
          return result_dict(std::move(t), policy);
        },
        py::arg("columns"), py::arg("policy"), py::arg("override_ids"), py::arg("override_tiers"),
        py::arg("override_reasons"), py::arg("growth_gaps") = true, py::arg("reference") = py::none(),
        py::arg("override_authors") = std::vector<std::string>{}, py::arg_v("override_expires_at", in_array<std::int64_t>(), "empty"),
        py::arg("as_of") = -1,
        "Classifies a roster given as a dict of 1-D numpy columns; returns a dict of numpy columns. reference: "
        "roster-wide statistics when the columns are one partition of a larger roster (koc.tiers.roster_reference).");

  m.def("tier_state_for",
        [](const in_array<std::int64_t>& roster_id, const py::object& roster_honorary, std::int32_t n_tiers,
           const in_array<std::int64_t>& koc_id, const in_array<std::int32_t>& tier, const in_array<std::int32_t>& periods_below,
           const in_array<std::uint8_t>& honorary, const in_array<std::int64_t>& revoked_ids,
           const std::vector<std::string>& revoked_reasons) {
          roster_view r;
          r.id = view<std::int64_t>(roster_id, "id");
          in_array<std::uint8_t> flags;
          if (!roster_honorary.is_none()) {
            flags = in_array<std::uint8_t>::ensure(roster_honorary);
            r.honorary = view<std::uint8_t>(flags, "honorary");
          }
          const tier_state_view last{view<std::int64_t>(koc_id, "state.koc_id"), view<std::int32_t>(tier, "state.tier"),
                                     view<std::int32_t>(periods_below, "state.periods_below"),
                                     view<std::uint8_t>(honorary, "state.honorary")};
          if (revoked_reasons.size() != static_cast<std::size_t>(revoked_ids.size()))
            throw error(errc::length_mismatch, "revocations: one reason per KOC id", -1, "revocations.reason");
          std::vector<honour_revocation> revoked;
          for (std::size_t k = 0; k < revoked_reasons.size(); ++k) revoked.push_back({revoked_ids.at(static_cast<py::ssize_t>(k)), revoked_reasons[k]});
          tier_state_columns c = tier_state_for(r, n_tiers, last, revoked);
          py::dict d;
          d["previous_tier"] = to_numpy(std::move(c.previous_tier));
          d["periods_below"] = to_numpy(std::move(c.periods_below));
          d["honorary"] = to_numpy(std::move(c.honorary));
          return d;
        },
        py::arg("roster_id"), py::arg("roster_honorary"), py::arg("n_tiers"), py::arg("koc_id"), py::arg("tier"),
        py::arg("periods_below"), py::arg("honorary"), py::arg("revoked_ids"), py::arg("revoked_reasons"),
        "Last period's tier state aligned to the roster's rows (koc::tier_state_for): previous_tier, periods_below, honorary.");
  m.def("tier_overrides_for",
        [](const in_array<std::int64_t>& roster_id, std::int32_t n_tiers, const in_array<std::int64_t>& koc_id,
           const in_array<std::int32_t>& tier, const in_array<std::int32_t>& periods_below, const in_array<std::uint8_t>& honorary,
           const in_array<std::int32_t>& override_tier, const std::vector<std::string>& override_reason,
           const std::vector<std::string>& override_author, const in_array<std::int64_t>& override_expires_at,
           const in_array<std::int64_t>& added_ids, const in_array<std::int32_t>& added_tiers, const std::vector<std::string>& added_reasons,
           const std::vector<std::string>& added_authors, const in_array<std::int64_t>& added_expires_at) {
          roster_view r;
          r.id = view<std::int64_t>(roster_id, "id");
          const tier_state_view last{view<std::int64_t>(koc_id, "state.koc_id"), view<std::int32_t>(tier, "state.tier"),
                                     view<std::int32_t>(periods_below, "state.periods_below"), view<std::uint8_t>(honorary, "state.honorary"),
                                     view<std::int32_t>(override_tier, "state.override_tier"), override_reason, override_author,
                                     view<std::int64_t>(override_expires_at, "state.override_expires_at")};
          const auto added = read_overrides(added_ids, added_tiers, added_reasons, added_authors, added_expires_at);
          return overrides_dict(tier_overrides_for(r, n_tiers, last, added));
        },
        py::arg("roster_id"), py::arg("n_tiers"), py::arg("koc_id"), py::arg("tier"), py::arg("periods_below"),
        py::arg("honorary"), py::arg("override_tier"), py::arg("override_reason"), py::arg("override_author"),
        py::arg("override_expires_at"), py::arg("added_ids"), py::arg("added_tiers"), py::arg("added_reasons"),
        py::arg("added_authors"), py::arg("added_expires_at"),
        "The overrides to classify with (koc::tier_overrides_for): the state's standing ones for the roster's KOCs, then the new ones.");
  m.def("next_tier_state",
        [](const in_array<std::int64_t>& roster_id, const in_array<std::int32_t>& final_tier, const in_array<std::int32_t>& periods_below,
           const in_array<std::uint8_t>& honorary, const in_array<std::int64_t>& koc_id, const in_array<std::int32_t>& tier,
           const in_array<std::int32_t>& last_below, const in_array<std::uint8_t>& last_honorary,
           const in_array<std::int32_t>& row_override_tier, const std::vector<std::string>& row_override_reason,
           const std::vector<std::string>& row_override_author, const in_array<std::int64_t>& row_override_expires_at,
           const in_array<std::int32_t>& last_override_tier, const std::vector<std::string>& last_override_reason,
           const std::vector<std::string>& last_override_author, const in_array<std::int64_t>& last_override_expires_at) {
          roster_view r;
          r.id = view<std::int64_t>(roster_id, "id");
          tier_result t;
          t.final_tier.assign(final_tier.data(), final_tier.data() + final_tier.size());
          t.periods_below.assign(periods_below.data(), periods_below.data() + periods_below.size());
          t.honorary.assign(honorary.data(), honorary.data() + honorary.size());
          // The overrides classify applied, one per row (override tier -1: none), as the list and index
          // next_tier_state reads.
          std::vector<tier_override> applied;
          const auto ot = view<std::int32_t>(row_override_tier, "override_tier");
          const auto oe = view<std::int64_t>(row_override_expires_at, "override_expires_at");
          if (!ot.empty()) {
            if (ot.size() != r.size() || row_override_reason.size() != r.size() || row_override_author.size() != r.size() || oe.size() != r.size())
              throw error(errc::length_mismatch, "override columns differ in length from the tiers", -1, "override_tier");
            t.override_index.assign(r.size(), -1);
            for (std::size_t i = 0; i < r.size(); ++i)
              if (ot[i] >= 0) {
                t.override_index[i] = static_cast<std::int32_t>(applied.size());
                applied.push_back({r.id[i], ot[i], row_override_reason[i], row_override_author[i], oe[i]});
              }
          }
          const tier_state_view last{view<std::int64_t>(koc_id, "state.koc_id"), view<std::int32_t>(tier, "state.tier"),
                                     view<std::int32_t>(last_below, "state.periods_below"), view<std::uint8_t>(last_honorary, "state.honorary"),
                                     view<std::int32_t>(last_override_tier, "state.override_tier"), last_override_reason,
                                     last_override_author, view<std::int64_t>(last_override_expires_at, "state.override_expires_at")};
          if (!applied.empty() || last.has_overrides()) t.override_index.resize(r.size(), -1);
          tier_state next = next_tier_state(r, t, last, applied);
          py::dict d;
          d["koc_id"] = to_numpy(std::move(next.koc_id));
          d["tier"] = to_numpy(std::move(next.tier));
          d["periods_below"] = to_numpy(std::move(next.periods_below));
          d["honorary"] = to_numpy(std::move(next.honorary));
          if (!next.override_tier.empty()) {
            d["override_tier"] = to_numpy(std::move(next.override_tier));
            d["override_reason"] = next.override_reason;
            d["override_author"] = next.override_author;
            d["override_expires_at"] = to_numpy(std::move(next.override_expires_at));
          }
          return d;
        },
        py::arg("roster_id"), py::arg("final_tier"), py::arg("periods_below"), py::arg("honorary"), py::arg("koc_id"),
        py::arg("tier"), py::arg("last_periods_below"), py::arg("last_honorary"),
        py::arg_v("row_override_tier", in_array<std::int32_t>(), "empty"), py::arg("row_override_reason") = std::vector<std::string>{},
        py::arg("row_override_author") = std::vector<std::string>{}, py::arg_v("row_override_expires_at", in_array<std::int64_t>(), "empty"),
        py::arg_v("last_override_tier", in_array<std::int32_t>(), "empty"), py::arg("last_override_reason") = std::vector<std::string>{},
        py::arg("last_override_author") = std::vector<std::string>{}, py::arg_v("last_override_expires_at", in_array<std::int64_t>(), "empty"),
        "The tier state after a period (koc::next_tier_state): the roster's KOCs, then last period's absent ones.");

  m.def("roster_problems",
        [](const py::dict& columns, const tier_policy& policy, std::size_t limit) {
          const roster_input in = read_roster(columns);
          std::vector<error> found;
          {
            py::gil_scoped_release release;
            found = roster_problems(in.view, policy, limit);
          }
          return problem_tuples(found);
        },
        py::arg("columns"), py::arg("policy"), py::arg("limit"),
        "Every problem of the roster against the policy (at most limit): (code, row, field, detail) tuples.");

  m.def("explain",
        [](const py::dict& columns, const tier_policy& policy, const std::vector<std::int64_t>& rows) {
          const roster_input in = read_roster(columns);
          std::vector<std::string> out;
          {
            py::gil_scoped_release release;
            const auto t = classify(in.view, policy);
            for (auto r : rows) {
              if (r < 0 || static_cast<std::size_t>(r) >= in.view.size())
                throw error(errc::out_of_range, "row " + std::to_string(r) + " is not in the roster", r, "row");
              out.push_back(explain(in.view, policy, t, static_cast<std::size_t>(r)));
            }
          }
          return out;
        },
        py::arg("columns"), py::arg("policy"), py::arg("rows"));

  m.def("explain_classified",
        [](const in_array<std::int64_t>& ids, const in_array<std::int32_t>& previous_tier, const tier_policy& policy,
           const py::dict& result, const std::vector<std::string>& override_reasons) {
          // A classification already made (rows of koc.classify's table), rebuilt as the tier_result that
          // explain() reads, for these rows only: nothing is classified again.
          roster_view r;
          r.id = view<std::int64_t>(ids, "koc_id");
          r.previous_tier = view<std::int32_t>(previous_tier, "previous_tier");
          const std::size_t n = r.id.size();
          std::vector<py::object> keep;
          column_reader cr{result, keep};
          auto column = [&](auto tag, const char* name, std::size_t len) {
            const auto c = cr.get<decltype(tag)>(name);
            if (c.size() != len) throw error(errc::length_mismatch, "the tiers table lacks this column or it differs in length", -1, name);
            return std::vector<decltype(tag)>(c.begin(), c.end());
          };
          auto ints = [&](const char* name) { return column(std::int32_t{}, name, n); };
          auto doubles = [&](const char* name, std::size_t cols) { return column(double{}, name, n * cols); };
          tier_result t;
          t.n_kocs = n;
          for (const auto& w : policy.metrics) t.terms.push_back(w.which);
          for (int m = 0; m < policy.n_metrics(); ++m)
            if (policy.uses(static_cast<metric>(m))) t.gap_metrics.push_back(static_cast<metric>(m));
          t.qualified_tier = ints("qualified_tier");
          t.computed_tier = ints("computed_tier");
          t.final_tier = ints("final_tier");
          t.blocked_tier = ints("blocked_tier");
          t.blocked_gate = ints("blocked_gate");
          t.next_tier = ints("next_tier");
          t.periods_below = ints("periods_below");
          t.override_index = ints("override_index");
          t.score = doubles("score", 1);
          t.contributions = doubles("contributions", t.terms.size());
          if (result.contains("growth_gap")) t.growth_gap = doubles("growth_gap", t.gap_metrics.size());
          const auto tr = ints("transition");
          t.transition.assign(tr.begin(), tr.end());
          const auto L = static_cast<std::int32_t>(policy.tiers.size());
          std::vector<tier_override> overrides;
          for (const auto& reason : override_reasons) overrides.push_back({-1, 0, reason, {}, -1});
          std::vector<std::string> out;
          for (std::size_t i = 0; i < n; ++i) {
            // The codes come from a table a caller may have edited: each must be one explain() can read.
            const bool ok = t.final_tier[i] >= 0 && t.final_tier[i] < L && t.qualified_tier[i] >= 0 && t.qualified_tier[i] < L &&
                            t.computed_tier[i] >= 0 && t.computed_tier[i] < L && t.next_tier[i] >= -1 && t.next_tier[i] < L &&
                            t.blocked_tier[i] >= -1 && t.blocked_tier[i] < L && tr[i] >= 0 &&
                            tr[i] < static_cast<std::int32_t>(tier_transition_names.size()) &&
                            (t.blocked_tier[i] < 0 || (t.blocked_gate[i] >= 0 &&
                                                       static_cast<std::size_t>(t.blocked_gate[i]) <
                                                           policy.tiers[static_cast<std::size_t>(t.blocked_tier[i])].gates.size())) &&
                            (r.previous_tier[i] >= -1 && r.previous_tier[i] < L);
            if (!ok) throw error(errc::invalid_value, "this row of the tiers table is not one the tier policy gives", static_cast<std::int64_t>(i), "tier");
            out.push_back(explain(r, policy, t, i, overrides));
          }
          return out;
        },
        py::arg("ids"), py::arg("previous_tier"), py::arg("policy"), py::arg("result"), py::arg("override_reasons"),
        "Explanations of rows of a classification already made (koc::explain on the rebuilt tier_result).");

  m.def("what_if",
        [](const py::dict& columns, const tier_policy& a, const tier_policy& b) {
          const roster_input in = read_roster(columns);
          what_if_result w;
          {
            py::gil_scoped_release release;
            w = what_if(in.view, a, b);
          }
          py::dict d;
          d["current_tiers"] = w.current_tiers;
          d["proposed_tiers"] = w.proposed_tiers;
          const std::size_t rows = w.current_tiers.size(), cols = w.proposed_tiers.size();
          auto counts = to_numpy(std::move(w.counts));
          d["counts"] = counts.reshape({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
          d["moved_rows"] = to_numpy(std::move(w.moved_rows));
          d["current_tier"] = to_numpy(std::move(w.current_tier));
          d["proposed_tier"] = to_numpy(std::move(w.proposed_tier));
          return d;
        },
        py::arg("columns"), py::arg("current_policy"), py::arg("proposed_policy"));
}

}  // namespace koc::py

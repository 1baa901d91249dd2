// Rewards bindings: reward policies, money helpers and the ledger. Input columns come in without a copy;
// the ledger's columns go out as read-only numpy views whose base is the ledger state, which also keeps
// the policy and the inputs so explain() and verify() work later. GIL released while computing.
#include "common.hpp"

#include <koc/rewards/ledger.hpp>
#include <koc/rewards/points.hpp>
#include <koc/rewards/policy_json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace koc::py {

namespace {

/// A computed ledger with everything explain_line and verify need, kept alive behind the Python result.
struct ledger_state {
  reward_policy policy;
  std::vector<py::object> keep;  // the converted input arrays the views point into
  std::vector<std::string> ladder;
  reward_tasks tasks;
  reward_assignments asg;
  reward_completions done;
  reward_kocs kocs;
  std::vector<std::string> settled_names;  // rule names of the settled lines (the view points into them)
  settled_ledger settled;                  // what earlier runs paid (empty: nothing)
  std::vector<std::string> award_names, award_rules;
  reward_awards awards;                    // process-award winners per campaign (empty: the policy's)
  reward_ledger ledger;
  ledger_totals totals;
};

py::dict totals_dict(const ledger_group_totals& g, const py::object& base) {
  py::dict d;
  d["id"] = view_of(g.id, base);
  d["currency"] = view_of(g.currency, base);
  d["amount"] = view_of(g.amount, base);
  d["cut"] = view_of(g.cut, base);
  return d;
}

}  // namespace

void bind_rewards(py::module_& m) {
  py::class_<ledger_state, std::shared_ptr<ledger_state>>(m, "LedgerState",
                                                          "A computed ledger kept for explanations and verification (opaque).")
      .def("explain",
           [](const ledger_state& s, std::int64_t line) {
             if (line < 0 || static_cast<std::size_t>(line) >= s.ledger.size())
               throw error(errc::out_of_range, "line " + std::to_string(line) + " is not in the ledger (" +
                                                   std::to_string(s.ledger.size()) + " lines)", line, "line");
             const auto i = static_cast<std::size_t>(line);
             return s.ledger.explanation.empty() ? explain_line(s.policy, s.ledger, i) : s.ledger.explanation[i];
           },
           py::arg("line"))
      .def("verify", [](const ledger_state& s) {
        ledger_check ck;
        {
          py::gil_scoped_release release;
          ck = verify(s.policy, s.tasks, s.asg, s.done, s.kocs, s.settled, s.ledger);
        }
        return py::make_tuple(ck.ok, ck.message);
      });

  // A reward policy parsed and validated once (koc.RewardPolicy keeps one); a JSON text is also accepted.
  py::class_<reward_policy>(m, "ParsedRewardPolicy", "A validated koc::reward_policy (koc.RewardPolicy keeps one).")
      .def(py::init([](const std::string& text) { return parse_reward_policy(text); }), py::arg("policy_json"));
  py::implicitly_convertible<py::str, reward_policy>();

  m.def("reward_policy_problems",
        [](const std::string& text, std::size_t limit) {
          std::vector<error> found;
          {
            py::gil_scoped_release release;
            found = reward_policy_problems(text, limit);
          }
          return problem_tuples(found);
        },
        py::arg("text"), py::arg("limit"),
        "Every problem of a reward policy document (koc::reward_policy_problems, at most limit): (code, row, field, detail) tuples.");

  m.def("reward_policy_normalise",
        [](const std::string& text) {
          parse_reward_policy(text);  // validates; throws naming the JSON path
          return nlohmann::json::parse(text).dump();
        },
        py::arg("policy_json"),
        "Validates a reward policy and returns it as canonical JSON (compact, keys sorted); raises koc.Error naming the path.");
  m.def("reward_policy_summary",
        [](const reward_policy& p) {
          py::list rules, tiers;
          for (const auto& r : p.rules) rules.append(py::make_tuple(r.id, rule_kind_name(r.kind), currency_code(r.currency)));
          for (const auto& t : p.tiers) tiers.append(py::make_tuple(t.name, t.multiplier_bp));
          py::dict d;
          d["rules"] = rules;
          d["tiers"] = tiers;
          d["n_campaign_budgets"] = p.campaign_budgets.size();
          return d;
        },
        py::arg("policy"), "Rules (id, kind, currency code) and tiers (name, multiplier_bp) of a reward policy.");
  m.def("currencies",
        [] {
          std::vector<std::pair<std::string, int>> out;
          for (const auto& c : koc::currencies()) out.emplace_back(c.code, c.exponent);
          return out;
        },
        "The built-in currency table: (code, minor-unit exponent), indexed by currency id.");
  m.def("parse_amount",
        [](const std::string& text, const std::string& currency) {
          return koc::parse_amount(text, find_currency(currency), -1, "amount");
        },
        py::arg("text"), py::arg("currency"), "Exact decimal text ('300.00') to int minor units of the currency.");
  m.def("format_amount",
        [](std::int64_t minor_units, const std::string& currency) {
          return koc::format_amount(minor_units, find_currency(currency));
        },
        py::arg("minor_units"), py::arg("currency"), "Int minor units to text ('120,000.00 CNY').");

  m.def("reward_input_problems",
        [](const reward_policy& policy, const py::dict& task_cols, const py::dict& assignment_cols,
           const py::dict& completion_cols, const py::dict& koc_cols, const std::vector<std::string>& ladder, std::size_t limit) {
          std::vector<py::object> keep;
          column_reader tr{task_cols, keep}, ar{assignment_cols, keep}, cr{completion_cols, keep}, kr{koc_cols, keep};
          reward_tasks tasks;
          reward_assignments asg;
          reward_completions done;
          reward_kocs kocs;
          tr.read(tasks);
          ar.read(asg);
          cr.read(done);
          kr.read(kocs);
          kocs.ladder = span<const std::string>(ladder);
          std::vector<error> found;
          {
            py::gil_scoped_release release;
            found = reward_input_problems(policy, tasks, asg, done, kocs, limit);
          }
          return problem_tuples(found);
        },
        py::arg("policy"), py::arg("task_cols"), py::arg("assignment_cols"), py::arg("completion_cols"), py::arg("koc_cols"),
        py::arg("ladder"), py::arg("limit"),
        "Every problem of the rewards engine's input rows (koc::reward_input_problems, at most limit): (code, row, field, detail).");

  m.def("compute_ledger",
        [](const reward_policy& policy, const py::dict& task_cols, const py::dict& assignment_cols,
           const py::dict& completion_cols, const py::dict& koc_cols, const std::vector<std::string>& ladder,
           bool explain, const py::dict& settled_cols, const std::vector<std::string>& settled_rule_names,
           const py::object& award_cols, const std::string& run_id) {
          auto s = std::make_shared<ledger_state>();
          s->policy = policy;  // the ledger's state keeps its own copy (verify and explain read it)
          column_reader tr{task_cols, s->keep}, ar{assignment_cols, s->keep}, cr{completion_cols, s->keep},
              kr{koc_cols, s->keep};
          tr.read(s->tasks);
          ar.read(s->asg);
          cr.read(s->done);
          kr.read(s->kocs);
          s->ladder = ladder;
          s->kocs.ladder = span<const std::string>(s->ladder);
          if (!settled_cols.empty()) {
            column_reader sr{settled_cols, s->keep};
            s->settled_names = settled_rule_names;
            s->settled.koc_id = sr.get<std::int64_t>("koc_id");
            s->settled.task_id = sr.get<std::int64_t>("task_id");
            s->settled.campaign_id = sr.get<std::int64_t>("campaign_id");
            s->settled.rule = sr.get<std::int32_t>("rule");
            s->settled.rule_names = span<const std::string>(s->settled_names);
            const span<const std::uint8_t> kind = sr.get<std::uint8_t>("kind");  // codes; settle_ledger refuses unknown ones
            s->settled.kind = span<const line_kind>(reinterpret_cast<const line_kind*>(kind.data()), kind.size());
            s->settled.currency = sr.get<std::uint8_t>("currency");
            s->settled.amount = sr.get<std::int64_t>("amount");
            s->settled.aux = sr.get<std::int64_t>("aux");
          }
          if (!award_cols.is_none()) {
            const py::dict ad = award_cols.cast<py::dict>();
            column_reader ar2{ad, s->keep};
            s->awards.campaign_id = ar2.get<std::int64_t>("campaign_id");
            s->awards.koc_id = ar2.get<std::int64_t>("koc_id");
            s->award_names = ad["award"].cast<std::vector<std::string>>();
            s->awards.award = span<const std::string>(s->award_names);
            if (ad.contains("rule") && !ad["rule"].is_none()) {
              s->award_rules = ad["rule"].cast<std::vector<std::string>>();
              s->awards.rule = span<const std::string>(s->award_rules);
            }
          }
          {
            py::gil_scoped_release release;
            ledger_options options;
            options.explain = explain;
            options.run_id = run_id;
            s->ledger = koc::settle_ledger(s->policy, s->tasks, s->asg, s->done, s->kocs, s->settled, s->awards, options);
            s->totals = koc::totals(s->ledger);
          }
          const reward_ledger& L = s->ledger;
          py::object base = py::cast(s);
          py::dict d;
          d["rule_names"] = L.rule_names;
          d["koc_id"] = view_of(L.koc_id, base);
          d["task_id"] = view_of(L.task_id, base);
          d["campaign_id"] = view_of(L.campaign_id, base);
          d["completion"] = view_of(L.completion, base);
          d["rule"] = view_of(L.rule, base);
          d["kind"] = codes_of(L.kind, base);
          d["reason"] = codes_of(L.reason, base);
          d["currency"] = view_of(L.currency, base);
          d["amount"] = view_of(L.amount, base);
          d["gross"] = view_of(L.gross, base);
          d["gate_bp"] = view_of(L.gate_bp, base);
          d["basis"] = view_of(L.basis, base);
          d["run"] = view_of(L.run, base);
          d["run_ids"] = L.run_ids;
          d["koc_version"] = L.koc_version;
          d["policy_digest"] = L.policy_digest;
          d["aux"] = view_of(L.aux, base);
          d["tier_bp"] = view_of(L.tier_bp, base);
          d["explanation"] = explain ? py::object(py::cast(L.explanation)) : py::object(py::none());
          d["kinds"] = [] {
            std::vector<std::string> k;
            for (int i = 0; i <= static_cast<int>(line_kind::no_reward); ++i) k.emplace_back(line_kind_name(static_cast<line_kind>(i)));
            return k;
          }();
          d["reasons"] = [] {
            std::vector<std::string> r;
            for (int i = 0; i <= static_cast<int>(line_reason::settled); ++i) r.emplace_back(line_reason_name(static_cast<line_reason>(i)));
            return r;
          }();
          d["per_koc"] = totals_dict(s->totals.per_koc, base);
          d["per_task"] = totals_dict(s->totals.per_task, base);
          d["per_campaign"] = totals_dict(s->totals.per_campaign, base);
          d["per_currency"] = totals_dict(s->totals.per_currency, base);
          d["state"] = base;
          return d;
        },
        py::arg("policy"), py::arg("task_cols"), py::arg("assignment_cols"), py::arg("completion_cols"),
        py::arg("koc_cols"), py::arg("ladder"), py::arg("explain") = false, py::arg("settled_cols") = py::dict(),
        py::arg("settled_rule_names") = std::vector<std::string>(), py::arg("award_cols") = py::none(), py::arg("run_id") = std::string(),
        "Computes the rewards ledger from dicts of 1-D numpy columns, settled against the lines earlier runs paid "
        "(settled_cols: koc_id, task_id, campaign_id, rule, kind, currency, amount, aux; empty = nothing settled); "
        "returns read-only numpy views, totals and the state.");
  m.def("points_balances",
        [](const reward_policy& policy, const in_array<std::int64_t>& koc_id, const in_array<std::int64_t>& amount,
           const in_array<std::int64_t>& earned_at, const in_array<std::int64_t>& r_koc, const in_array<std::int64_t>& r_amount,
           const in_array<std::int64_t>& r_at, std::int64_t as_of) {
          const points_lots lots{view<std::int64_t>(koc_id, "lots.koc_id"), view<std::int64_t>(amount, "lots.amount"),
                                 view<std::int64_t>(earned_at, "lots.earned_at")};
          const points_redemptions spent{view<std::int64_t>(r_koc, "redemptions.koc_id"), view<std::int64_t>(r_amount, "redemptions.amount"),
                                         view<std::int64_t>(r_at, "redemptions.at")};
          points_balance_table b;
          {
            py::gil_scoped_release release;
            b = points_balances(policy, lots, spent, as_of);
          }
          py::dict d;
          d["koc_id"] = to_numpy(std::move(b.koc_id));
          d["earned"] = to_numpy(std::move(b.earned));
          d["expired"] = to_numpy(std::move(b.expired));
          d["redeemed"] = to_numpy(std::move(b.redeemed));
          d["balance"] = to_numpy(std::move(b.balance));
          d["next_expiry_at"] = to_numpy(std::move(b.next_expiry_at));
          d["next_expiry_amount"] = to_numpy(std::move(b.next_expiry_amount));
          return d;
        },
        py::arg("policy"), py::arg("koc_id"), py::arg("amount"), py::arg("earned_at"), py::arg("redeemed_koc_id"),
        py::arg("redeemed_amount"), py::arg("redeemed_at"), py::arg("as_of"),
        "Points balances (koc::points_balances): earned, expired, redeemed, balance, next expiry per KOC.");
  m.def("line_kinds", [] {
    std::vector<std::string> k;
    for (int i = 0; i <= static_cast<int>(line_kind::no_reward); ++i) k.emplace_back(line_kind_name(static_cast<line_kind>(i)));
    return k;
  }, "The ledger's line kinds, by code.");
}

}  // namespace koc::py

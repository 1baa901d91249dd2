// koc._core: exceptions and module assembly. The public API is pure Python in python/koc/.
#include "common.hpp"

#include <koc/matching/profiles.hpp>
#include <koc/matching/tasks.hpp>
#include <koc/rewards/ledger_tables.hpp>
#include <koc/version.hpp>

namespace koc::py {

namespace {

struct error_class {
  errc code;
  const char* name;
};
// One Python class per koc::errc, all deriving from koc.Error (itself a ValueError).
constexpr error_class error_classes[] = {
    {errc::invalid_argument, "InvalidArgumentError"}, {errc::invalid_value, "InvalidValueError"},
    {errc::length_mismatch, "LengthMismatchError"},   {errc::duplicate_id, "DuplicateIdError"},
    {errc::unknown_name, "UnknownNameError"},         {errc::unknown_id, "UnknownIdError"},
    {errc::invalid_policy, "InvalidPolicyError"},     {errc::overflow, "OverflowError"},
    {errc::out_of_range, "OutOfRangeError"},          {errc::internal, "InternalError"},
    {errc::timeout, "TimeoutError"},                  {errc::cancelled, "CancelledError"},
};

/// A core table's columns as its for_each_column lists them: (name, "key" | "required" | "optional").
template <class Table>
py::list column_list() {
  py::list out;
  Table t{};
  Table::for_each_column(t, [&](const char* name, const auto&, column_role role) {
    out.append(py::make_tuple(name, role == column_role::key        ? "key"
                                    : role == column_role::required ? "required"
                                                                    : "optional"));
  });
  return out;
}

}  // namespace

python_control make_control(const py::object& time_limit, const py::object& cancel, const py::object& progress) {
  python_control c;
  if (!time_limit.is_none()) {
    const double s = time_limit.cast<double>();
    if (!(s >= 0)) throw error(errc::invalid_value, "time_limit must be >= 0 seconds", -1, "time_limit");
    c.control.time_limit_seconds = s;
  }
  // The callables are held through shared_ptr: copies of the control (the solver's options may be copied
  // while the GIL is released) then never touch a Python reference count. The last owner is `c`,
  // destroyed by the binding with the GIL held.
  auto raised = c.raised;
  std::shared_ptr<py::object> poll, report;
  if (!cancel.is_none()) {
    // A threading.Event (or anything with is_set) is polled as is; otherwise cancel() is called.
    poll = std::make_shared<py::object>(py::hasattr(cancel, "is_set") ? cancel.attr("is_set") : cancel);
    if (!PyCallable_Check(poll->ptr())) throw error(errc::invalid_argument, "cancel must be callable or an Event", -1, "cancel");
  }
  if (!progress.is_none()) {
    if (!PyCallable_Check(progress.ptr())) throw error(errc::invalid_argument, "progress must be callable", -1, "progress");
    report = std::make_shared<py::object>(progress);
  }
  c.keep = {poll, report};
  if (poll || report)
    c.control.cancel = [poll, raised] {
      py::gil_scoped_acquire gil;
      if (*raised) return true;  // a callback raised: stop, the binding re-raises it
      if (!poll) return false;
      try {
        return static_cast<bool>(py::bool_((*poll)()));
      } catch (py::error_already_set& e) {
        *raised = e.value();
        return true;
      }
    };
  if (report)
    c.control.progress = [report, raised](const solve_progress& p) {
      py::gil_scoped_acquire gil;
      if (*raised) return;
      try {
        (*report)(py::cast(p, py::return_value_policy::copy));  // a copy: p lives on the solver's stack
      } catch (py::error_already_set& e) {
        *raised = e.value();  // stops the solve at the next cancel check
      }
    };
  return c;
}

void rethrow_callback_error(const python_control& c) {
  if (c.raised && *c.raised) {
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(c.raised->ptr())), c.raised->ptr());
    throw py::error_already_set();
  }
}

}  // namespace koc::py

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  using namespace koc::py;
  m.doc() = "koc's compiled core (private: use the koc package)";
  m.attr("__version__") = KOC_PY_VERSION;
  m.attr("version_number") = koc::version_number;
  m.def(
      "core_columns",
      [](const std::string& table) {
        if (table == "match_tasks") return column_list<koc::task_table_view>();
        if (table == "profiles") return column_list<koc::koc_profile_view>();
        if (table == "reward_tasks") return column_list<koc::reward_tasks>();
        if (table == "reward_assignments") return column_list<koc::reward_assignments>();
        if (table == "reward_completions") return column_list<koc::reward_completions>();
        if (table == "reward_kocs") return column_list<koc::reward_kocs>();
        throw koc::error(koc::errc::unknown_name, "no core table '" + table + "'", -1, "table");
      },
      py::arg("table"),
      "The columns of a core table, as the library lists them (its for_each_column): (name, role) pairs. "
      "Tables: match_tasks, profiles, reward_tasks, reward_assignments, reward_completions, reward_kocs.");

  // Exception classes live for the whole process: keep them in leaked handles (never decref'd at exit).
  static py::object* base = nullptr;
  base = new py::object(py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
      "koc.Error", "Base of every koc error; a ValueError with .code, .row and .field.", PyExc_ValueError, nullptr)));
  m.attr("Error") = *base;
  // Class-level defaults, so that an error raised from Python code without them still has .code, .row
  // and .field (the translator below sets them on every instance it makes).
  base->attr("row") = py::none();
  base->attr("field") = py::none();
  static std::vector<std::pair<koc::errc, py::object*>> classes;
  for (const auto& ec : error_classes) {
    const std::string qual = std::string("koc.") + ec.name;
    auto* cls = new py::object(py::reinterpret_steal<py::object>(PyErr_NewException(qual.c_str(), base->ptr(), nullptr)));
    cls->attr("code") = koc::errc_name(ec.code);
    m.attr(ec.name) = *cls;
    classes.emplace_back(ec.code, cls);
  }
  py::class_<koc::solve_progress>(m, "SolveProgress", "Progress of a long solve (koc.capacitated_assignment, koc.match).")
      .def_readonly("fraction", &koc::solve_progress::fraction, "estimated share of the work done, 0..1")
      .def_readonly("steps", &koc::solve_progress::steps, "the method's unit of work so far (bids or searches)")
      .def_readonly("phase", &koc::solve_progress::phase, "auction: the epsilon phase under way (1-based); 0 otherwise")
      .def_readonly("phases", &koc::solve_progress::phases, "auction: phases expected; 0 otherwise")
      .def_readonly("seconds", &koc::solve_progress::seconds, "since the solve started")
      .def("__repr__", [](const koc::solve_progress& p) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "SolveProgress(fraction=%.3f, steps=%lld, phase=%lld/%lld, seconds=%.3f)", p.fraction,
                      static_cast<long long>(p.steps), static_cast<long long>(p.phase), static_cast<long long>(p.phases),
                      p.seconds);
        return std::string(buf);
      });
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const koc::error& e) {
      py::object cls = *base;
      for (auto& c : classes)
        if (c.first == e.code()) cls = *c.second;
      py::object inst = cls(py::str(e.what()));
      inst.attr("code") = koc::errc_name(e.code());
      inst.attr("row") = e.row() >= 0 ? py::object(py::int_(e.row())) : py::object(py::none());
      inst.attr("field") = e.field().empty() ? py::object(py::none()) : py::object(py::str(e.field()));
      PyErr_SetObject(cls.ptr(), inst.ptr());
    }
  });

  bind_tiers(m);
  bind_dense(m);
  bind_matching(m);
  bind_capacitated(m);
  bind_rewards(m);
}

// koc._core: exceptions and module assembly. The public API is pure Python in python/koc/.
#include "common.hpp"

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
};

}  // namespace

}  // namespace koc::py

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  using namespace koc::py;
  m.doc() = "koc's compiled core (private: use the koc package)";
  m.attr("__version__") = KOC_PY_VERSION;
  m.attr("version_number") = koc::version_number;

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

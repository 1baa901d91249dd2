// The one exception family of koc.
//
// Misuse and invalid input throw koc::error, which carries a stable code (the same integer as the C
// ABI's koc_status), the 0-based row the problem was found in (-1 when it is not about a row) and the
// field (column or JSON path; empty when not about a field). Expected outcomes (infeasible, nobody
// eligible) are never thrown: they come back in results with a status and per-row reasons.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace koc {

/// Error codes. The values are part of the C ABI (koc_status): never renumber, never reuse.
enum class errc : int {
  ok = 0,
  invalid_argument = 1,  ///< misuse: a parameter that makes no sense (e.g. an empty ladder)
  invalid_value = 2,     ///< NaN, infinity, or a negative value where none is allowed
  length_mismatch = 3,   ///< columns that must have the same length do not
  duplicate_id = 4,      ///< an id appears twice in a column that must be unique
  unknown_name = 5,      ///< a tier, metric, rule, currency... name that is not defined
  unknown_id = 6,        ///< a reference to an id that is not in the referenced table
  invalid_policy = 7,    ///< a policy (JSON) that does not parse or does not follow the schema
  overflow = 8,          ///< a result does not fit its type (money, slot totals, a score beyond the double range)
  out_of_range = 9,      ///< a value outside its documented range (a rate above 1, a multiplier...)
  internal = 10,         ///< a bug in koc: please report it
  timeout = 11,          ///< a solve did not finish within its time limit (solve_control)
  cancelled = 12,        ///< a solve was cancelled by its caller (solve_control)
};

/// Short, stable name of a code ("invalid_value").
inline const char* errc_name(errc c) noexcept {
  switch (c) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid_argument";
    case errc::invalid_value: return "invalid_value";
    case errc::length_mismatch: return "length_mismatch";
    case errc::duplicate_id: return "duplicate_id";
    case errc::unknown_name: return "unknown_name";
    case errc::unknown_id: return "unknown_id";
    case errc::invalid_policy: return "invalid_policy";
    case errc::overflow: return "overflow";
    case errc::out_of_range: return "out_of_range";
    case errc::internal: return "internal";
    case errc::timeout: return "timeout";
    case errc::cancelled: return "cancelled";
  }
  return "unknown";
}

class error : public std::runtime_error {
 public:
  /// `detail` is the human sentence; what() appends the row and field so a log line is self-contained:
  /// "metric is NaN (row 12, field 'followers')".
  error(errc code, const std::string& detail, std::int64_t row = -1, std::string field = {})
      : std::runtime_error(compose(detail, row, field)),
        code_(code),
        row_(row),
        field_(std::move(field)),
        detail_(detail) {}

  errc code() const noexcept { return code_; }
  /// 0-based row in the input table, or -1.
  std::int64_t row() const noexcept { return row_; }
  /// Column name or JSON path ("tiers[2].promote_threshold"), or empty.
  const std::string& field() const noexcept { return field_; }
  /// The sentence without the row/field suffix.
  const std::string& detail() const noexcept { return detail_; }

 private:
  static std::string compose(const std::string& detail, std::int64_t row, const std::string& field) {
    std::string s = detail;
    if (row >= 0 || !field.empty()) {
      s += " (";
      if (row >= 0) s += "row " + std::to_string(row);
      if (row >= 0 && !field.empty()) s += ", ";
      if (!field.empty()) s += "field '" + field + "'";
      s += ")";
    }
    return s;
  }

  errc code_;
  std::int64_t row_;
  std::string field_;
  std::string detail_;
};

}  // namespace koc

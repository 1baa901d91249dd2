#include <catch2/catch.hpp>
#include <koc/error.hpp>
#include <koc/span.hpp>

#include <vector>

TEST_CASE("koc::error carries code, row and field and says them", "[core][error]") {
  const koc::error e(koc::errc::invalid_value, "metric is NaN", 12, "followers");
  CHECK(e.code() == koc::errc::invalid_value);
  CHECK(e.row() == 12);
  CHECK(e.field() == "followers");
  CHECK(e.detail() == "metric is NaN");
  CHECK(std::string(e.what()) == "metric is NaN (row 12, field 'followers')");
  CHECK(std::string(koc::error(koc::errc::invalid_policy, "bad", -1, "tiers[0]").what()) ==
        "bad (field 'tiers[0]')");
  CHECK(std::string(koc::error(koc::errc::overflow, "too big").what()) == "too big");
  CHECK(std::string(koc::errc_name(koc::errc::duplicate_id)) == "duplicate_id");
}

TEST_CASE("koc::span views vectors without copying", "[core][span]") {
  std::vector<double> v{1.0, 2.0, 3.0};
  koc::span<const double> s = v;
  CHECK(s.data() == v.data());
  CHECK(s.size() == 3);
  double sum = 0;
  for (double x : s) sum += x;
  CHECK(sum == 6.0);
  koc::span<double> m = v;
  koc::span<const double> c = m;
  CHECK(c.data() == v.data());
}

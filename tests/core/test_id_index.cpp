// detail::id_index, the one lookup by id: every layout (consecutive, direct, increasing, hashed) against std::map,
// and the same errors whatever the layout.
#include <koc/detail/id_index.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

using koc::detail::id_index;

namespace {

void check_against_map(const std::vector<std::int64_t>& ids, std::mt19937_64& rng) {
  const id_index idx(ids, koc::detail::roster_id_column());
  std::map<std::int64_t, std::int32_t> oracle;
  for (std::size_t i = 0; i < ids.size(); ++i) oracle[ids[i]] = static_cast<std::int32_t>(i);
  for (std::size_t i = 0; i < ids.size(); ++i) REQUIRE(idx.find(ids[i]) == static_cast<std::int32_t>(i));
  std::uniform_int_distribution<std::int64_t> any(-1000000, 1000000);
  for (int k = 0; k < 2000; ++k) {
    const std::int64_t probe = any(rng);
    const auto it = oracle.find(probe);
    REQUIRE(idx.find(probe) == (it == oracle.end() ? -1 : it->second));
  }
  for (const std::int64_t edge : {INT64_MIN, INT64_MIN + 1, std::int64_t{-1}, std::int64_t{0}, INT64_MAX})
    REQUIRE(idx.find(edge) == (oracle.count(edge) ? oracle[edge] : -1));
}

}  // namespace

TEST_CASE("id_index finds every id and nothing else, in each layout", "[id_index]") {
  std::mt19937_64 rng(2026);
  for (int trial = 0; trial < 30; ++trial) {
    const std::size_t n = 1 + rng() % 3000;
    std::vector<std::int64_t> increasing(n), dense(n), sparse(n);
    for (std::size_t i = 0; i < n; ++i) increasing[i] = static_cast<std::int64_t>(3 * i) - 50;
    dense = increasing;
    std::shuffle(dense.begin(), dense.end(), rng);  // range 3n: the direct table
    std::uniform_int_distribution<std::int64_t> wide(-1000000, 1000000);
    std::map<std::int64_t, int> seen;
    for (std::size_t i = 0; i < n; ++i) {
      std::int64_t v;
      do v = wide(rng) * 997; while (seen.count(v));  // range far above 4n: hashed
      seen[v] = 1;
      sparse[i] = v;
    }
    sparse.push_back(INT64_MIN);
    sparse.push_back(INT64_MAX);
    check_against_map(increasing, rng);
    check_against_map(dense, rng);
    check_against_map(sparse, rng);
  }
  const id_index empty(std::vector<std::int64_t>{}, koc::detail::roster_id_column());
  CHECK(empty.find(0) == -1);
}

TEST_CASE("id_index picks the fastest layout the ids allow", "[id_index]") {
  std::mt19937_64 rng(7);
  auto layout_of = [](const std::vector<std::int64_t>& ids) {
    return std::string(id_index(ids, koc::detail::roster_id_column()).layout_name());
  };
  const std::size_t n = 100000;
  std::vector<std::int64_t> consecutive(n), sorted_dense(n), sorted_sparse(n), small_sparse(1000);
  for (std::size_t i = 0; i < n; ++i) {
    consecutive[i] = static_cast<std::int64_t>(i) + 1;       // 1..n, as a generated roster
    sorted_dense[i] = static_cast<std::int64_t>(2 * i) - 9;  // increasing, range 2n: a table
    sorted_sparse[i] = static_cast<std::int64_t>(i) * 1000003;  // increasing, far apart, many: hashed
  }
  for (std::size_t i = 0; i < small_sparse.size(); ++i) small_sparse[i] = static_cast<std::int64_t>(i) * 1000003;
  CHECK(layout_of(consecutive) == "consecutive");
  CHECK(layout_of(sorted_dense) == "direct");
  CHECK(layout_of(sorted_sparse) == "hashed");      // a binary search over 100,000 rows misses cache
  CHECK(layout_of(small_sparse) == "increasing");   // few: searched in place, no table
  for (const auto* ids : {&consecutive, &sorted_dense, &sorted_sparse, &small_sparse}) check_against_map(*ids, rng);
  std::vector<std::int64_t> reversed(consecutive.rbegin(), consecutive.rend());
  CHECK(layout_of(reversed) == "direct");  // consecutive values, not in row order
  check_against_map(reversed, rng);
}

TEST_CASE("id_index names the repeating row, the first row and the caller's field in every layout", "[id_index]") {
  const std::vector<std::vector<std::int64_t>> cases = {
      {5, 7, 9, 7},                  // direct
      {5, 70000000, 9, 70000000},    // hashed
  };
  for (const auto& ids : cases) {
    try {
      id_index(ids, koc::detail::task_id_column("task_id"));
      FAIL("a duplicate was accepted");
    } catch (const koc::error& e) {
      CHECK(e.code() == koc::errc::duplicate_id);
      CHECK(e.row() == 3);
      CHECK(e.field() == "task_id");
      CHECK(std::string(e.detail()).find("duplicate task id") != std::string::npos);
      CHECK(std::string(e.detail()).find("(first at row 1)") != std::string::npos);
    }
  }
  const std::vector<std::int64_t> negative = {3, -4};
  CHECK_NOTHROW(id_index(negative, koc::detail::roster_id_column()));
  try {
    id_index(negative, id_index::column{"koc_id", "KOC id"});
    FAIL("a negative id was accepted");
  } catch (const koc::error& e) {
    CHECK(e.code() == koc::errc::invalid_value);
    CHECK(e.row() == 1);
    CHECK(e.field() == "koc_id");
  }
}

#!/usr/bin/env bash
# Installs koc from a build tree into a temporary prefix, then builds the programs of examples/c against
# the installed package twice — with pkg-config and with find_package(koc) in a separate CMake project —
# runs both builds of each, and checks that they agree and print what the sample data must give.
# usage: consumer_test.sh <build-dir> <source-dir>
set -euo pipefail
build="$1"; src="$2"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
data="$src/examples/data"
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir="$(dirname "$(find "$prefix" -name 'libkoc.so' | head -1)")"
# No LD_LIBRARY_PATH: pkg-config's flags carry an rpath, CMake consumers get the imported target's.
unset LD_LIBRARY_PATH

fail() { echo "FAIL: $*"; exit 1; }

# 1. pkg-config
export PKG_CONFIG_PATH="$libdir/pkgconfig"
mkdir -p "$work/pkgconfig"
for example in classify_roster programme; do
  cc -std=c11 -Wall -Wextra -pedantic -Werror "$src/examples/c/$example.c" $(pkg-config --cflags --libs koc) \
     -o "$work/pkgconfig/$example"
done

# 2. find_package(koc) in a separate CMake project
cmake -S "$src/examples/c" -B "$work/cmake-consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake-consumer" >/dev/null

# 3. The C++ targets: koc::koc brings neither nlohmann_json nor Boost (only koc::json and
# koc::boost_graph do), and a program on each builds and runs against the installed headers.
mkdir -p "$work/cpp"
cat > "$work/cpp/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.21)
project(koc_cpp_consumer LANGUAGES CXX)
find_package(koc 0.1 REQUIRED)
get_target_property(core_deps koc::koc INTERFACE_LINK_LIBRARIES)
if(core_deps MATCHES "nlohmann|Boost")
  message(FATAL_ERROR "koc::koc links ${core_deps}: the core headers need neither nlohmann_json nor Boost")
endif()
add_executable(core core.cpp)
target_link_libraries(core PRIVATE koc::koc)
add_executable(with_json with_json.cpp)
target_link_libraries(with_json PRIVATE koc::json)
CMAKE
cat > "$work/cpp/core.cpp" <<'CPP'
#include <koc/tiers.hpp>
#include <iostream>
int main() {
  koc::roster r;
  r.id = {1, 2};
  for (int m = 0; m < koc::n_builtin_metrics; ++m) r.column(static_cast<koc::metric>(m)) = {0.5, 0.9};
  const koc::tier_result t = koc::classify(r, koc::default_tier_policy());
  std::cout << "classified " << r.size() << " KOCs\n";
  return t.final_tier.size() == 2 ? 0 : 1;
}
CPP
cat > "$work/cpp/with_json.cpp" <<'CPP'
#include <koc/tiers/policy_json.hpp>
#include <iostream>
int main() {
  const std::string text = koc::tier_policy_to_json(koc::default_tier_policy());
  std::cout << (koc::tier_policy_from_json(text).tiers.size() > 0 ? "policy read back\n" : "empty\n");
}
CPP
cmake -S "$work/cpp" -B "$work/cpp/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cpp/build" >/dev/null
[ "$("$work/cpp/build/core")" = "classified 2 KOCs" ] || fail "C++ consumer of koc::koc"
[ "$("$work/cpp/build/with_json")" = "policy read back" ] || fail "C++ consumer of koc::json"

for consumer in pkgconfig cmake-consumer; do
  "$work/$consumer/classify_roster" "$data/sample_roster.csv" > "$work/$consumer.classify.out"
  "$work/$consumer/programme" "$data/sample_roster.csv" "$data/tasks.csv" "$data/reward_policy.json" \
    > "$work/$consumer.programme.out"
done
echo "--- classify_roster (pkg-config)"; cat "$work/pkgconfig.classify.out"
echo "--- programme (pkg-config)"; cat "$work/pkgconfig.programme.out"

cmp -s "$work/pkgconfig.classify.out" "$work/cmake-consumer.classify.out" || fail "classify_roster: the two consumers disagree"
cmp -s "$work/pkgconfig.programme.out" "$work/cmake-consumer.programme.out" || fail "programme: the two consumers disagree"
grep -q "^classified 200 KOCs" "$work/pkgconfig.classify.out" || fail "classify_roster: no 'classified 200 KOCs' line"
out="$work/pkgconfig.programme.out"
grep -q "^koc [0-9.]*: 200 KOCs, 10 tasks$" "$out" || fail "programme: no header line"
# Both programs classify the same roster with the same default policy: the tier counts must agree.
counts="$(sed -n 's/^classified 200 KOCs with koc [0-9.]*://p' "$work/pkgconfig.classify.out")"
grep -qx "tiers:$counts" "$out" || fail "programme: tier counts differ from classify_roster's ($counts)"
grep -Eq "^assignments: [1-9][0-9]*, total fit [0-9]+\.[0-9]{4}, certificate ok$" "$out" || fail "programme: no assignments line"
grep -Eq "^ledger: [1-9][0-9]* lines$" "$out" || fail "programme: no ledger line"
[ "$(grep -c '^  KOC ' "$out")" -eq 10 ] || fail "programme: expected 10 ledger lines printed"
grep -Eq "^total CNY: [0-9,]+\.[0-9]{2} CNY$" "$out" || fail "programme: no CNY total"
grep -Eq "^total PTS: [0-9,]+ PTS$" "$out" || fail "programme: no points total"
echo "consumers agree"

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

for consumer in pkgconfig cmake-consumer; do
  "$work/$consumer/classify_roster" "$data/sample_roster.csv" > "$work/$consumer.classify.out"
  "$work/$consumer/programme" "$data/sample_roster.csv" "$data/tasks.csv" "$data/reward_policy.json" \
    > "$work/$consumer.programme.out"
done
echo "--- classify_roster (pkg-config)"; cat "$work/pkgconfig.classify.out"
echo "--- programme (pkg-config)"; cat "$work/pkgconfig.programme.out"

fail() { echo "FAIL: $*"; exit 1; }
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

#!/usr/bin/env bash
# koc reliability checks, run by `./setup.sh test` and by hand:
#   scripts/reliability.sh          all three phases below, in order
#   scripts/reliability.sh asan     C++ and C tests (ctest) under AddressSanitizer + UndefinedBehaviorSanitizer
#                                   (build dir build-asan; any report fails the test that made it)
#   scripts/reliability.sh tsan     the [concurrency] test under ThreadSanitizer (build dir build-tsan)
#   scripts/reliability.sh fuzz     libFuzzer targets (clang; build dir build-fuzz): replay the committed
#                                   corpus and regressions, then fuzz each target for KOC_FUZZ_SECONDS
# Environment: KOC_FUZZ_SECONDS (default 20) per target; KOC_FUZZ_TARGETS (default: all) to pick some;
# KOC_JOBS (default 2) build parallelism. Long runs: KOC_FUZZ_SECONDS=3600 KOC_FUZZ_RUNS=10000000 \
#   KOC_FUZZ_MERGE=1 scripts/reliability.sh fuzz   (each target stops at whichever limit comes first;
#   KOC_FUZZ_MERGE=1 merges the inputs that add coverage back into fuzz/corpus/<target>)
# keeps what it finds in build-fuzz/fuzz-work/<target> (reused by the next run) and any crash in
# build-fuzz/fuzz-artifacts/; docs/reliability.md says how to turn a crash into a regression input.
# Exits non-zero on the first failing phase.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

JOBS="${KOC_JOBS:-2}"
FUZZ_SECONDS="${KOC_FUZZ_SECONDS:-20}"
FUZZ_RUNS="${KOC_FUZZ_RUNS:--1}"
FUZZ_MERGE="${KOC_FUZZ_MERGE:-0}"
FUZZ_TARGETS="${KOC_FUZZ_TARGETS:-fuzz_tier_policy fuzz_reward_policy fuzz_dense_assignment fuzz_capacitated_assignment fuzz_c_api}"

# Sanitizer builds use clang when present (it compiles this code base in half gcc's time), else gcc.
# UBSan's vptr and function checks are left out: they need the C++ part of the UBSan runtime in every
# executable, and the C test programs are linked by the C driver (koc has no polymorphic hierarchy for
# vptr to check, and calls no function through a pointer of the wrong type). Boost.Graph, used as a test
# oracle, is not instrumented (scripts/sanitizer-ignorelist.txt says why).
if command -v clang++ >/dev/null; then SAN_CC=clang SAN_CXX=clang++ SAN_DEBUG=-gline-tables-only SAN_UB="-fno-sanitize=vptr,function -fsanitize-ignorelist=$PWD/scripts/sanitizer-ignorelist.txt"
else SAN_CC=gcc SAN_CXX=g++ SAN_DEBUG=-g1 SAN_UB=""; fi

log() { printf '[koc reliability] %s\n' "$*" >&2; }
now() { date +%s; }
# Sanitizer runtime options: stop at the first report, with a stack; leaks are errors.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

asan() {
  local t0; t0=$(now)
  log "ASan+UBSan: configure and build build-asan (${SAN_CXX})"
  # -O1 with line tables only: full speed for the stack traces, a third of gcc -O1 -g's compile time.
  # Warnings are the plain build's job (-Werror there); sanitizer builds raise false -Wmaybe-uninitialized.
  CC="$SAN_CC" CXX="$SAN_CXX" cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_C_FLAGS_DEBUG="-O1 $SAN_DEBUG" -DCMAKE_CXX_FLAGS_DEBUG="-O1 $SAN_DEBUG" \
        -DCMAKE_C_FLAGS="-fsanitize=address,undefined $SAN_UB -fno-sanitize-recover=all -fno-omit-frame-pointer" \
        -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined $SAN_UB -fno-sanitize-recover=all -fno-omit-frame-pointer" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined $SAN_UB" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined $SAN_UB" \
        -DKOC_WARNINGS_AS_ERRORS=OFF -DKOC_BUILD_BENCHMARKS=OFF -DKOC_BUILD_EXAMPLES=OFF -DKOC_BUILD_PYTHON=OFF \
        -DKOC_INSTALL=OFF >/dev/null
  cmake --build build-asan -j "$JOBS"
  log "ASan+UBSan: ctest"
  ctest --test-dir build-asan --output-on-failure -j "$JOBS"
  log "ASan+UBSan: done in $(( $(now) - t0 )) s"
}

tsan() {
  local t0; t0=$(now)
  log "TSan: configure build-tsan (${SAN_CXX}), build test_concurrency"
  CC="$SAN_CC" CXX="$SAN_CXX" cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_CXX_FLAGS_DEBUG="-O1 $SAN_DEBUG" -DCMAKE_CXX_FLAGS="-fsanitize=thread" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DKOC_WARNINGS_AS_ERRORS=OFF -DKOC_BUILD_C=OFF \
        -DKOC_BUILD_BENCHMARKS=OFF -DKOC_BUILD_EXAMPLES=OFF -DKOC_BUILD_PYTHON=OFF -DKOC_INSTALL=OFF >/dev/null
  cmake --build build-tsan -j "$JOBS" --target test_concurrency
  log "TSan: test_concurrency [concurrency]"
  build-tsan/tests/test_concurrency "[concurrency]"
  log "TSan: done in $(( $(now) - t0 )) s"
}

fuzz() {
  local t0; t0=$(now)
  command -v clang++ >/dev/null || { log "fuzz: clang++ not found (apt: clang libclang-rt-14-dev)"; return 1; }
  log "fuzz: configure build-fuzz (clang), build ${FUZZ_TARGETS}"
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug \
        -DCMAKE_C_FLAGS_DEBUG="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" \
        -DKOC_BUILD_FUZZERS=ON -DKOC_WARNINGS_AS_ERRORS=ON -DKOC_BUILD_TESTS=OFF -DKOC_BUILD_C=ON \
        -DKOC_BUILD_BENCHMARKS=OFF -DKOC_BUILD_EXAMPLES=OFF -DKOC_BUILD_PYTHON=OFF -DKOC_INSTALL=OFF >/dev/null
  # shellcheck disable=SC2086
  cmake --build build-fuzz -j "$JOBS" --target $FUZZ_TARGETS
  local t_fuzz; t_fuzz=$(now)
  mkdir -p build-fuzz/fuzz-artifacts
  for t in $FUZZ_TARGETS; do
    local corpus="fuzz/corpus/$t" work="build-fuzz/fuzz-work/$t" extra=()
    mkdir -p "$work"
    case "$t" in fuzz_tier_policy|fuzz_reward_policy) extra+=(-dict=fuzz/policy.dict) ;; esac
    # Past crashes first: each must now pass.
    if [ -d "fuzz/regressions/$t" ]; then
      log "fuzz: $t replays fuzz/regressions/$t"
      "build-fuzz/fuzz/$t" -runs=0 "fuzz/regressions/$t"/* >/dev/null 2>build-fuzz/fuzz-artifacts/$t.replay.log \
        || { cat build-fuzz/fuzz-artifacts/$t.replay.log >&2; log "fuzz: $t FAILS on a regression input"; return 1; }
    fi
    log "fuzz: $t for ${FUZZ_SECONDS} s"
    # The first directory is the writable working corpus; the committed seeds are only read.
    if ! "build-fuzz/fuzz/$t" -max_total_time="$FUZZ_SECONDS" -runs="$FUZZ_RUNS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
           -artifact_prefix="build-fuzz/fuzz-artifacts/$t-" "${extra[@]}" "$work" "$corpus" \
           >"build-fuzz/fuzz-artifacts/$t.log" 2>&1; then
      grep -v '^#\|^INFO' "build-fuzz/fuzz-artifacts/$t.log" | tail -40 >&2
      log "fuzz: $t found a failure; input saved as build-fuzz/fuzz-artifacts/$t-* (see docs/reliability.md)"
      return 1
    fi
    grep -a -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "build-fuzz/fuzz-artifacts/$t.log" | tr '\n' ' ' >&2; echo >&2
    if [ "$FUZZ_MERGE" = 1 ]; then
      # Only inputs that add coverage join the committed corpus (-merge=1 keeps it minimal).
      "build-fuzz/fuzz/$t" -merge=1 -timeout=10 -rss_limit_mb=2048 "${extra[@]}" "$corpus" "$work" \
        >"build-fuzz/fuzz-artifacts/$t.merge.log" 2>&1 || { tail -20 "build-fuzz/fuzz-artifacts/$t.merge.log" >&2; return 1; }
      log "fuzz: $t corpus now $(find "$corpus" -type f | wc -l) inputs"
    fi
  done
  log "fuzz: done in $(( $(now) - t0 )) s (build $(( t_fuzz - t0 )) s, fuzzing $(( $(now) - t_fuzz )) s)"
}

start=$(now)
case "${1:-all}" in
  asan) asan ;;
  tsan) tsan ;;
  fuzz) fuzz ;;
  all) asan; tsan; fuzz ;;
  *) echo "usage: scripts/reliability.sh [all|asan|tsan|fuzz]" >&2; exit 2 ;;
esac
log "all requested phases passed in $(( $(now) - start )) s"

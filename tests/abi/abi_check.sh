#!/usr/bin/env bash
# Fails when libkoc.so breaks the stored ABI baseline (bindings/c/abi/libkoc.abi).
# Additions are compatible; removals or changed signatures/types are not.
# To accept a deliberate, compatible change:   tests/abi/abi_check.sh <libkoc.so> <source-dir> --update
set -euo pipefail
lib="$1"; src="$2"
baseline="$src/bindings/c/abi/libkoc.abi"
headers="$src/bindings/c/include/koc"
if ! command -v abidiff >/dev/null; then echo "abidiff missing (apt-get install abigail-tools)"; exit 1; fi
if [ "${3:-}" = "--update" ] || [ ! -f "$baseline" ]; then
  # No corpus path, compilation directory or source locations: the baseline is the same wherever it is
  # generated.
  abidw --headers-dir "$headers" --drop-private-types --exported-interfaces-only --drop-undefined-syms --no-corpus-path \
        --no-comp-dir-path --no-show-locs --out-file "$baseline" "$lib"
  # Translation units are named by the compiler's absolute path: keep only the part inside the project.
  src_abs="$(cd "$src" && pwd)"
  sed -i "s|path='$src_abs/|path='|g" "$baseline"
  echo "baseline written: $baseline"
  exit 0
fi
set +e
out="$(mktemp)"; trap 'rm -f "$out"' EXIT
abidiff --headers-dir2 "$headers" "$baseline" "$lib" > "$out" 2>&1
rc=$?
set -e
cat "$out"
# abidiff's exit code is a bit field: 1 error, 2 usage error, 4 ABI change, 8 incompatible ABI change.
if (( rc & 3 )); then echo "abidiff failed (exit $rc)"; exit 1; fi
if (( rc & 8 )); then echo "INCOMPATIBLE ABI change against $baseline"; exit 1; fi
# Stricter than abidiff's defaults: any change to an existing function or variable, even one abidiff
# files under "filtered out" (e.g. a parameter narrowed from size_t to uint32_t), breaks callers. The one
# exception: new enumerators (a new koc_status value, never reusing one), which abidiff reports on every
# function returning the enum.
if grep -E "changes summary: [1-9][0-9]* Removed|changes summary: [0-9]+ Removed(, [0-9]+ Removed)*, [1-9][0-9]* Changed" "$out" >/dev/null; then
  echo "ABI change to existing declarations against $baseline"; exit 1
fi
if grep -E "\([1-9][0-9]* filtered out\)" "$out" >/dev/null; then
  harmless="$(mktemp)"; trap 'rm -f "$out" "$harmless"' EXIT
  abidiff --harmless --headers-dir2 "$headers" "$baseline" "$lib" > "$harmless" 2>&1 || true
  # Every line of the detailed report must be a summary, an addition, or part of an enumerator insertion.
  other=$(grep -vE "^\s*$|changes summary|Added functions?:|Added variables?:|^\s*\[A\] |functions? with some indirect sub-type change|^\s*\[C\] 'function .*' (at .* )?has some indirect sub-type changes:|^\s*return type changed:|^\s*parameter [0-9]+ of type .* has sub-type changes:|^\s*underlying type 'enum koc_[a-z_]+'( at [^ ]+)? changed|^\s*type size hasn't changed|^\s*[0-9]+ enumerator insertions?:|^\s*'koc_[a-z_]+::KOC_[A-Z0-9_]+' value '[0-9]+'|as reported earlier" "$harmless" || true)
  if [ -n "$other" ]; then
    echo "$other" | head -20
    echo "ABI change to existing declarations against $baseline (beyond new enumerators)"; exit 1
  fi
fi
echo "ABI compatible with the baseline (abidiff exit $rc; additions only)"

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
  abidw --headers-dir "$headers" --drop-private-types --exported-interfaces-only --drop-undefined-syms --no-corpus-path --out-file "$baseline" "$lib"
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
# files under "filtered out" (e.g. a parameter narrowed from size_t to uint32_t), breaks callers.
if grep -E "changes summary: [1-9][0-9]* Removed|changes summary: [0-9]+ Removed(, [0-9]+ Removed)*, [1-9][0-9]* Changed|\([1-9][0-9]* filtered out\)" "$out" >/dev/null; then
  echo "ABI change to existing declarations against $baseline"; exit 1
fi
echo "ABI compatible with the baseline (abidiff exit $rc; additions only)"

#!/usr/bin/env bash
# Installs koc from a build tree into a temporary prefix, then builds examples/c against the installed
# package twice — with pkg-config and with find_package(koc) in a separate CMake project — and runs both.
# usage: consumer_test.sh <build-dir> <source-dir>
set -euo pipefail
build="$1"; src="$2"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir="$(dirname "$(find "$prefix" -name 'libkoc.so' | head -1)")"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# 1. pkg-config
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc -std=c11 -Wall -Wextra -pedantic -Werror "$src/examples/c/classify_roster.c" $(pkg-config --cflags --libs koc) -o "$work/by_pkgconfig"
out1="$("$work/by_pkgconfig" "$src/examples/data/sample_roster.csv")"
echo "pkg-config:   $out1"

# 2. find_package(koc) in a separate CMake project
cmake -S "$src/examples/c" -B "$work/cmake-consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake-consumer" >/dev/null
out2="$("$work/cmake-consumer/classify_roster" "$src/examples/data/sample_roster.csv")"
echo "find_package: $out2"

[ "$out1" = "$out2" ] || { echo "the two consumers disagree"; exit 1; }
case "$out1" in "classified 200 KOCs"*) ;; *) echo "unexpected output"; exit 1 ;; esac

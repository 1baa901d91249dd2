#!/usr/bin/env bash
# koc developer entry point. Two verbs a newcomer needs, both idempotent on a fresh Debian machine:
#   ./setup.sh demo   install what is needed, build, run the main job on the bundled sample programme
#   ./setup.sh test   install what is needed, build, run every test (C++, C, Python)
# Other verbs: deps (install only), build, bench (opt-in benchmarks and their peers: scripts/requirements-bench.txt).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost-graph-dev libeigen3-dev catch2 pybind11-dev nlohmann-json3-dev
  libbenchmark-dev liblemon-dev abigail-tools valgrind
  clang libclang-rt-14-dev
  chromium
  default-jre-headless
  postgresql
)
VENV="$here/.venv"
BUILD="$here/build"
JOBS="${KOC_JOBS:-$(nproc)}"

log() { printf '[koc] %s\n' "$*" >&2; }

deps_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

deps_python() {
  local stamp="$VENV/.koc-requirements"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtual environment $VENV"
    python3 -m venv "$VENV"
  fi
  if ! cmp -s "$here/scripts/requirements-dev.txt" "$stamp"; then
    log "installing Python packages into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -r "$here/scripts/requirements-dev.txt"
    cp "$here/scripts/requirements-dev.txt" "$stamp"
  fi
}

deps() { deps_apt; deps_python; }

build() {
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKOC_WARNINGS_AS_ERRORS=ON \
        -DPython_EXECUTABLE="$VENV/bin/python" >/dev/null
  cmake --build "$BUILD" -j "$JOBS"
}

python_install() {
  # The Python package is built by scikit-build-core exactly as a user's `pip install .` does.
  log "pip install . (scikit-build-core)"
  "$VENV/bin/python" -m pip install -q --no-build-isolation "$here" \
     -Ccmake.build-type=Release -Cbuild-dir="$here/build-python"
}

run_tests() {
  log "C++ and C tests (ctest)"
  ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS"
  if [ -f "$here/pyproject.toml" ]; then
    python_install
    log "Python tests (pytest)"
    "$VENV/bin/python" -m pytest -q "$here/python/tests"
  fi
  # ASan+UBSan build of the C++ and C tests, TSan concurrency test, short libFuzzer runs (issue 8).
  log "reliability: sanitizers and fuzzing (scripts/reliability.sh)"
  bash "$here/scripts/reliability.sh"
}

demo() {
  # The main job: the whole pipeline (tiers → matching → rewards) on the bundled sample programme,
  # through the `koc` command the Python package installs.
  python_install
  "$VENV/bin/koc" demo "$@"
}

case "${1:-}" in
  deps)  deps ;;
  build) deps; build ;;
  test)  deps; build; run_tests ;;
  demo)  shift; deps; demo "$@" ;;
  bench) deps; "$VENV/bin/python" -m pip install -q -r "$here/scripts/requirements-bench.txt"
         cmake -S . -B "$here/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKOC_BUILD_BENCHMARKS=ON >/dev/null
         cmake --build "$here/build-bench" -j "$JOBS" ;;
  docs)  deps; python_install
         # The documentation site (Sphinx + MyST): README, guides, Python API, C API, C++ headers.
         "$VENV/bin/python" -m sphinx -W --keep-going -q -b html "$here/docs" "$here/build-docs/html"
         log "documentation site: $here/build-docs/html/index.html" ;;
  *) echo "usage: ./setup.sh {demo|test|deps|build|bench|docs}" >&2; exit 2 ;;
esac

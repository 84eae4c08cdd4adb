#!/usr/bin/env bash
# Configures and builds the whole tree into a build directory.
#   [BUILD_TARGETS="t1 t2"] ci/build.sh [BUILD_DIR] [extra cmake args...]
# BUILD_DIR defaults to build/. Warnings are errors in our code. Release (-O2, no
# debug info): debug info made the build 40% slower on CI's two cores and no test
# reads it; pass -DCMAKE_BUILD_TYPE=RelWithDebInfo for a binary to debug.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# ccache (installed by install-deps.sh) makes a rebuild of an unchanged file free, also
# from another clone: paths below the repository are hashed relative to it.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" "$@" >/dev/null
# BUILD_TARGETS="a b": only those targets (and what they need), as ci/demo.sh does.
targets=()
[ -n "${BUILD_TARGETS:-}" ] && targets=(--target ${BUILD_TARGETS})
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"

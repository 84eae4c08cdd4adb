#!/usr/bin/env bash
# Builds the libFuzzer targets in relay/fuzz/ with clang (ASan + UBSan + libFuzzer) and runs
# each for a bounded time from its seed corpus in fixtures/fuzz/<target>/. Any crash,
# sanitizer report or leak fails the script; the input that caused it is left in the
# build directory (crash-*).
#   ci/fuzz.sh [SECONDS_PER_TARGET]     default 20
# Called once by ci/test.sh (not again in its sanitizer pass: the fuzz build is
# sanitized already).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
build_dir=build-fuzz
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not installed (ci/install-deps.sh installs it)" >&2
  exit 1
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S relay/fuzz -B "$build_dir" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
for target in fuzz_mesh_v2 fuzz_mesh_v1 fuzz_frame; do
  corpus="$build_dir/corpus/$target"   # grows while fuzzing; the seeds stay untouched
  mkdir -p "$corpus"
  echo "=== fuzz $target for ${seconds}s"
  log="$build_dir/$target.log"
  if ! (cd "$build_dir" && "./$target" -max_total_time="$seconds" -max_len=4096 \
        -print_final_stats=1 "corpus/$target" "../fixtures/fuzz/$target") >"$log" 2>&1; then
    cat "$log"
    echo "fuzz: $target found a problem (reproducer: $build_dir/crash-* or leak-*)" >&2
    exit 1
  fi
  grep -E "^(Done|stat::number_of_executed_units|stat::new_units_added)" "$log" || true
done
echo "=== fuzz: no findings"

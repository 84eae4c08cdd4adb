#!/usr/bin/env bash
# Mesh format v2's cost, printed as figures: CPU per frame to sign and verify (budget:
# <= 1 us per frame for authentication), next to v1's encode in the same run, and the
# datagrams a burst needs with and without batching. Release build; no network.
#   ci/bench-mesh-v2.sh [BUILD_DIR] [FRAMES_PER_BURST]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
[ -f "$build_dir/CMakeCache.txt" ] || bash ci/build.sh "$build_dir" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target snowsignal_mesh_v2_bench >/dev/null
"$build_dir/bin/snowsignal_mesh_v2_bench" "${2:-1000}"

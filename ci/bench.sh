#!/usr/bin/env bash
# The benchmark (README "Performance"): snowsignal side by side with the kernel's own
# forwarding on netsim's two-segment topology. Prints a table (and --json a summary).
#
#   ci/bench.sh [--short] [--json] [--repeat N] [--relay PATH] [--relay-arg ARG]...
#
# Needs a build (ci/build.sh) with netsim, snowsignal, udp-send and udp-recv in
# $BUILD_DIR/bin (default build/), Python 3, and user namespaces (or root), like netsim.
# Speed is printed, never asserted; --short (a few seconds) is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
for tool in netsim snowsignal udp-send udp-recv; do
  if [ ! -x "$build_dir/bin/$tool" ]; then
    echo "bench: $build_dir/bin/$tool is missing: run ci/build.sh first" >&2
    exit 2
  fi
done
python3 ci/bench.py --bin-dir "$(cd "$build_dir/bin" && pwd)" "$@"

# Mesh v2's own cost in the same run (no network): CPU per frame to sign and verify next
# to v1's encode, and the datagrams a burst needs with and without batching. The relay
# under v2 end to end: add --relay-arg=--mesh-key-file=FILE to the table run above.
case " $* " in *" --json "*) exit 0 ;; esac
if [ -x "$build_dir/bin/snowsignal_mesh_v2_bench" ]; then
  echo
  frames=1000
  case " $* " in *" --short "*) frames=200 ;; esac
  "$build_dir/bin/snowsignal_mesh_v2_bench" "$frames"
fi

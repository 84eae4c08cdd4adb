#!/usr/bin/env bash
# Topology-only benchmark (issue 14): set-up and teardown time of generated topologies
# (N segments, a router on all, a host on each, no programs) with the ip engine (one
# `ip` process per step) and the netlink engine side by side, in one run, plus the
# processes each made. Prints figures; asserts nothing.
#   ci/bench-topology.sh [BUILD_DIR] [netsim bench-topology options...]
# e.g. ci/bench-topology.sh build --segments 48 --engines ip,netlink
# Works as root and as an unprivileged user (netsim makes its own namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
netsim="$build_dir/bin/netsim"
[ -x "$netsim" ] || { echo "bench-topology: build first: ci/build.sh $build_dir" >&2; exit 1; }
echo "bench-topology: $(uname -r), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$netsim" bench-topology "$@"

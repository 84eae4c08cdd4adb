#!/usr/bin/env bash
# The README's main job: installs what the demo needs, builds only the programs the
# scenario runs, then runs the two-segment netsim scenario in which a fake PVAccess
# client on one segment discovers a server on another through two snowsignal relays,
# and prints the report. Works as root or as a normal user (netsim enters user
# namespaces by itself); only the package install needs root.
#   ci/demo.sh [SCENARIO] [netsim run options...]
# The test suite's extra packages and programs are ci/test.sh's business, so a first
# run here installs about a third of the packages and builds a handful of targets.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-fixtures/scenarios/two-segments.yaml}
shift || true
if [ ! -f "$scenario" ]; then
  echo "demo: no scenario file $scenario (the shipped ones are in fixtures/scenarios/)" >&2
  exit 2
fi

# netsim itself, and pva-client, which its discover and monitor expectations run; then
# whichever of our programs the scenario names.
targets=(netsim pva-client)
for program in snowsignal pva-server udp-send udp-recv mesh-inject; do
  grep -qw -- "$program" "$scenario" && targets+=("$program")
done

t0=$(date +%s)
bash ci/install-deps.sh demo
t1=$(date +%s)
echo "demo: building ${targets[*]} into build/ (log: build/demo-build.log)" >&2
mkdir -p build
BUILD_TARGETS="${targets[*]}" bash ci/build.sh build > build/demo-build.log 2>&1 || {
  echo "demo: the build failed; the end of build/demo-build.log:" >&2
  tail -n 30 build/demo-build.log >&2
  exit 1
}
t2=$(date +%s)
echo "demo: packages $((t1 - t0)) s, configure and build $((t2 - t1)) s; running $scenario" >&2
exec build/bin/netsim run "$scenario" "$@"

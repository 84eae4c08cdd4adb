#!/usr/bin/env bash
# The README's main job: installs, builds, then runs the two-segment netsim scenario in
# which a fake PVAccess client on one segment discovers a server on another through two
# snowsignal relays, and prints the report. Works as root or as a normal user (netsim
# enters user namespaces by itself); only the package install needs root.
#   ci/demo.sh [SCENARIO] [netsim run options...]
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-fixtures/scenarios/two-segments.yaml}
shift || true
bash ci/install-deps.sh
echo "demo: building into build/ (a few minutes the first time; log: build/demo-build.log)" >&2
mkdir -p build
bash ci/build.sh build > build/demo-build.log 2>&1 || {
  echo "demo: the build failed; the end of build/demo-build.log:" >&2
  tail -n 30 build/demo-build.log >&2
  exit 1
}
echo "demo: running $scenario" >&2
exec build/bin/netsim run "$scenario" "$@"

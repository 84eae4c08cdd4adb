#!/usr/bin/env bash
# Installs what an entry point needs, from Debian packages only.
#   ci/install-deps.sh          everything: the build, every test and check (ci/test.sh)
#   ci/install-deps.sh demo     only what configuring, building and running the demo
#                               needs (ci/demo.sh): no clang, prometheus, lintian, ...
# Idempotent: a second run installs nothing. Needs root (CI runs as root); as a normal
# user it re-runs itself through sudo when that is available.
set -euo pipefail

set_name=${1:-all}

# Configure and build the tree (CMake finds every one of these at configure time, so
# the demo needs them all, GoogleTest included), and run netsim.
DEMO_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libtins-dev libpcap-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev googletest
  libyaml-cpp-dev nlohmann-json3-dev
  libssl-dev          # HMAC-SHA-256 for mesh format v2
  libmnl-dev          # netsim's netlink topology engine (rtnetlink requests and ACKs)
  libmicrohttpd-dev   # the relay's /metrics and /healthz
  iproute2 nftables util-linux procps   # netsim at run time (ip engine, faults, unshare)
  dnsmasq-base        # netsim's stand-in for Docker's embedded DNS (Swarm scenarios)
)
# What only the tests and checks need.
TEST_PACKAGES=(
  clang libclang-rt-14-dev   # libFuzzer for ci/fuzz.sh
  python3   # the UDP peers of the relay smoke test and the netsim topology test
  prometheus          # promtool, and the Prometheus that scrapes a relay in netsim
  lintian dpkg-dev    # the packaging tests: the .deb's verdict, dpkg-shlibdeps for CPack
  python3-yaml        # the deployment files test parses the stack and the manifests
  libcap2-bin         # setcap: the relay with a permitted-only file capability
)
case $set_name in
  demo) PACKAGES=("${DEMO_PACKAGES[@]}") ;;
  all) PACKAGES=("${DEMO_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  *) echo "usage: ci/install-deps.sh [demo|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages for '$set_name' present"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs everything the build, the tests and netsim need, from Debian packages only.
# Idempotent: a second run installs nothing. Needs root (CI runs as root); as a normal
# user it re-runs itself through sudo when that is available.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libtins-dev libpcap-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev googletest
  libyaml-cpp-dev nlohmann-json3-dev
  libssl-dev   # HMAC-SHA-256 for mesh format v2
  clang libclang-rt-14-dev   # libFuzzer for ci/fuzz.sh
  libmnl-dev   # netsim's netlink topology engine (rtnetlink requests and ACKs)
  iproute2 nftables util-linux procps
  python3   # the UDP peers of the relay smoke test and the netsim topology test
  libmicrohttpd-dev   # the relay's /metrics and /healthz
  prometheus          # promtool, and the Prometheus that scrapes a relay in netsim
  lintian dpkg-dev    # the packaging tests: the .deb's verdict, dpkg-shlibdeps for CPack
  python3-yaml        # the deployment files test parses the stack and the manifests
  dnsmasq-base        # DNS peer discovery tests (several A records, SERVICENAME)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
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

#!/usr/bin/env bash
# The container image: built with podman from the committed tree (git archive HEAD: a
# clean clone, nothing from the work tree or build/), on a bookworm base made here by
# debootstrap; its metadata (user, healthcheck, ports, capability) checked; then its
# file system exported and its relays run (chroot) inside netsim, where a client on one
# segment must discover a server on the other through them.
# Slow (minutes: debootstrap, apt-get inside the build). Exit 77 (CTest: skipped) with
# the reason when podman or debootstrap is missing or we are not root.
#   image_test.sh SOURCE_DIR NETSIM VERSION
set -euo pipefail
src=$1
netsim=$2
version=$3
base=localhost/debian:bookworm-slim
image=localhost/snowsignal:$version
for tool in podman debootstrap git getcap; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (see ci/install-deps.sh)"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: podman build and export need root here"; exit 77; }
work=$(mktemp -d)
ctr=
cleanup() {
  [ -z "$ctr" ] || podman rm -f "$ctr" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*"; }

# The base: Docker Hub's debian:bookworm-slim is out of reach here, so make the same
# Debian 12 minimal file system (cached in podman's store after the first run).
if ! podman image exists $base; then
  mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  mirror=${mirror:-http://deb.debian.org/debian}
  debootstrap --variant=minbase bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  rm -rf "$work/base/var/cache/apt/archives/"*.deb "$work/base/var/lib/apt/lists/"*
  tar -C "$work/base" -c . | podman import - $base >/dev/null
  rm -rf "$work/base"
  stamp "base image $base made by debootstrap"
else
  stamp "base image $base already present"
fi

mkdir "$work/clone"
git -C "$src" archive --format=tar HEAD | tar -x -C "$work/clone"
podman build --isolation=chroot --network=host --format docker --build-arg BASE=$base \
  -f relay/Dockerfile -t $image "$work/clone" >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log"; fail "podman build"; }
stamp "image $image built ($(podman image inspect -f '{{.Size}}' $image) bytes)"

[ "$(podman image inspect -f '{{.Config.User}}' $image)" = "10001:10001" ] || fail "image user is not 10001"
podman image inspect -f '{{json .Config.Healthcheck}}' $image | grep -q -- '--health-check' ||
  fail "no HEALTHCHECK with --health-check"
ports=$(podman image inspect -f '{{json .Config.ExposedPorts}}' $image)
grep -q '7124/udp' <<<"$ports" && grep -q '9124/tcp' <<<"$ports" || fail "exposed ports: $ports"

ctr=$(podman create $image)
fs=$work/fs
mkdir "$fs"
podman export "$ctr" | tar -x --xattrs --xattrs-include='security.capability' -C "$fs"
getcap "$fs/usr/bin/snowsignal" | grep -q cap_net_raw || fail "the image's binary lacks cap_net_raw"
got=$(chroot "$fs" /usr/bin/snowsignal --version)
[ "$got" = "snowsignal $version" ] || fail "the image's snowsignal --version says '$got'"
stamp "exported: $got, $(getcap "$fs/usr/bin/snowsignal")"

relay() {  # a relay process running the image's binary in the image's file system
  printf '      - command: [chroot, "%s", /usr/bin/snowsignal, -t, eth0, --other-relays, "%s"]\n        ready: "relay ready:"\n' "$fs" "$1"
}
cat >"$work/image.yaml" <<YAML
name: image-relays
duration: 30
segments:
  - {name: a, subnet: 198.18.1.0/24}
  - {name: b, subnet: 198.18.2.0/24}
routers:
  - {name: router, segments: [a, b]}
hosts:
  - name: relay-a
    segments: [{segment: a, address: 198.18.1.2}]
    processes:
$(relay 198.18.2.2)
  - name: relay-b
    segments: [{segment: b, address: 198.18.2.2}]
    processes:
$(relay 198.18.1.2)
  - name: server
    segments: [b]
    processes:
      - command: [pva-server, --beacon-interval, "0", --pv, "IMAGE:PV"]
        ready: "pva-server ready:"
  - {name: client, segments: [{segment: a, address: 198.18.1.30}]}
expect:
  - {discover: IMAGE:PV, from: server, client: client, within: 5}
YAML
"$netsim" run "$work/image.yaml" --logs "$work/logs" || {
  tail -5 "$work"/logs/relay-*.log; fail "the image's relays did not carry the search"; }
stamp "PASS: the image's relays carried a search between two netsim segments"

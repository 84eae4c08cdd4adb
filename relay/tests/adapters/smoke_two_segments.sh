#!/bin/bash
# Smoke test: two real snowsignal relays on two routed segments, inside private
# namespaces. A client on segment A broadcasts PVA-sized datagrams to its subnet
# broadcast address; the server on segment B must get each one with the client's IP
# source kept, and its unicast reply must reach the client.
#
#   segment A 198.18.1.0/24          router (this namespace)        segment B 198.18.2.0/24
#   client .10, relay .2  ── brA ── 198.18.1.1 / 198.18.2.1 ── brB ──  relay .2, server .10
#
# Runs rootless: everything lives in a new user, network, mount and PID namespace whose
# init is this script, so every process and interface vanishes when it exits.
# Exit 77 (CTest skip) when namespaces or python3 are not available.
set -euo pipefail

if [[ "${1:-}" != "--inside" ]]; then
  command -v python3 > /dev/null || { echo "SKIP: python3 not found"; exit 77; }
  unshare --user --map-root-user --net --pid --fork --mount-proc true 2> /dev/null ||
    { echo "SKIP: cannot create user/net/pid namespaces here"; exit 77; }
  exec unshare --user --map-root-user --net --pid --fork --mount-proc "$0" --inside "$@"
fi
BIN=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; for f in "$WORK"/*.log; do echo "== $f"; cat "$f"; done; exit 1; }

ip link set lo up
ip link add brA type bridge && ip link add brB type bridge
ip addr add 198.18.1.1/24 dev brA && ip addr add 198.18.2.1/24 dev brB
ip link set brA up && ip link set brB up
echo 1 > /proc/sys/net/ipv4/ip_forward

declare -A HOLDER
node() {  # name bridge address/prefix gateway mac
  unshare --net sleep 120 &
  HOLDER[$1]=$!
  sleep 0.1
  ip link add "v-$1" type veth peer name eth0 netns "/proc/${HOLDER[$1]}/ns/net"
  ip link set "v-$1" master "$2" up
  at "$1" ip link set lo up
  at "$1" ip link set eth0 address "$5"
  at "$1" ip addr add "$3" brd + dev eth0
  at "$1" ip link set eth0 up
  at "$1" ip route add default via "$4"
}
netns() { echo "--net=/proc/${HOLDER[$1]}/ns/net"; }
at() { local n=$1; shift; nsenter "$(netns "$n")" "$@"; }

node relayA brA 198.18.1.2/24 198.18.1.1 02:00:00:00:01:02
node client brA 198.18.1.10/24 198.18.1.1 02:00:00:00:01:0a
node relayB brB 198.18.2.2/24 198.18.2.1 02:00:00:00:02:02
node server brB 198.18.2.10/24 198.18.2.1 02:00:00:00:02:0a

# nsenter execs the relay, so $! is the relay itself and gets our SIGTERM.
# Each relay's status socket in the test's own directory, never in the machine's /run.
nsenter "$(netns relayA)" "$BIN" -t eth0 --other-relays 198.18.2.2 --stats-file "$WORK/a.json" \
  --status-socket "$WORK/a.sock" > "$WORK/relayA.log" 2>&1 &
RELAY_A=$!
nsenter "$(netns relayB)" "$BIN" -t eth0 --other-relays 198.18.1.2 --stats-file "$WORK/b.json" \
  --status-socket "$WORK/b.sock" > "$WORK/relayB.log" 2>&1 &
RELAY_B=$!
for _ in $(seq 50); do
  grep -q "relay ready:" "$WORK/relayA.log" && grep -q "relay ready:" "$WORK/relayB.log" && break
  sleep 0.1
done
grep -q "relay ready:" "$WORK/relayA.log" && grep -q "relay ready:" "$WORK/relayB.log" ||
  fail "relays did not become ready"

at server timeout 10 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5076)); s.settimeout(4)
try:
    while True:
        data, source = s.recvfrom(65535)
        print("got", len(data), "from", source[0], flush=True)
        s.sendto(b"reply", source)
except socket.timeout:
    pass' > "$WORK/server.log" 2>&1 &
SERVER=$!
sleep 0.3
at client timeout 10 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("198.18.1.10", 45000)); s.settimeout(2)
for size in (53, 1337):  # a pvxs search, and pvxs split size (> SnowSignal 1024)
    s.sendto(b"\xca" * size, ("198.18.1.255", 5076))
    try:
        print("reply from", s.recvfrom(100)[1][0], flush=True)
    except socket.timeout:
        print("no reply for", size, flush=True)' > "$WORK/client.log" 2>&1
wait "$SERVER" || true

start=$(date +%s%N)
kill -TERM "$RELAY_A" "$RELAY_B"
wait "$RELAY_A" "$RELAY_B" || fail "a relay exited non-zero on SIGTERM"
stop_ms=$(( ($(date +%s%N) - start) / 1000000 ))
(( stop_ms < 1000 )) || fail "relays took ${stop_ms} ms to stop"

grep -qx "got 53 from 198.18.1.10" "$WORK/server.log" || fail "53-byte search not relayed with its source"
grep -qx "got 1337 from 198.18.1.10" "$WORK/server.log" || fail "1337-byte search not relayed intact"
[[ $(grep -c "^got" "$WORK/server.log") == 2 ]] || fail "server got duplicates"
[[ $(grep -cx "reply from 198.18.2.10" "$WORK/client.log") == 2 ]] || fail "unicast replies did not return"
python3 - "$WORK/a.json" "$WORK/b.json" << 'PY' || fail "stats files disagree"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["captured"] == 2 and a["forwarded"] == 2 and a["peers"] == ["198.18.2.2"], a
assert b["mesh_received"] == 2 and b["rebroadcast"] == 2 and b["send_errors"] == 0, b
assert sum(b["dropped"].values()) == 0, b
PY
echo "PASS: broadcasts crossed with source kept, replies returned, stopped in ${stop_ms} ms"

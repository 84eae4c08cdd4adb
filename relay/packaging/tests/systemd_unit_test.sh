#!/usr/bin/env bash
# The systemd unit: `systemd-analyze verify` is clean, `systemd-analyze security` rates
# it at most MAX_EXPOSURE (and rates a bare unit above that, so the bound can fail), it
# grants CAP_NET_RAW and nothing else, and its settings file names only variables the
# binary knows. Exit 77 (CTest: skipped) with the reason when systemd-analyze is missing.
#   systemd_unit_test.sh SNOWSIGNAL_BINARY
set -euo pipefail
binary=$1
here=$(cd "$(dirname "$0")/.." && pwd)
unit=$here/snowsignal.service
defaults=$here/snowsignal.default
MAX_EXPOSURE=2.5

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not installed (Debian package systemd)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# verify checks that ExecStart exists: point it (and the settings file) at this tree.
sed -e "s|^ExecStart=/usr/bin/snowsignal|ExecStart=$binary|" \
    -e "s|^EnvironmentFile=/etc/default/snowsignal|EnvironmentFile=$defaults|" \
    "$unit" > "$work/snowsignal.service"
grep -q "^ExecStart=$binary\$" "$work/snowsignal.service" || fail "unit has no ExecStart=/usr/bin/snowsignal"
grep -q "^EnvironmentFile=$defaults\$" "$work/snowsignal.service" ||
  fail "unit does not read EnvironmentFile=/etc/default/snowsignal"

out=$(systemd-analyze verify "$work/snowsignal.service" 2>&1) || fail "verify: $out"
[ -z "$out" ] || fail "verify is not clean: $out"
echo "systemd-analyze verify: clean"

exposure() {
  systemd-analyze security --offline=true "$1" 2>&1 |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p'
}
score=$(exposure "$work/snowsignal.service")
[ -n "$score" ] || fail "systemd-analyze security gave no score"
echo "systemd-analyze security: exposure $score (0 best, 10 worst; bound $MAX_EXPOSURE)"
awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }' ||
  fail "exposure $score is above $MAX_EXPOSURE"
# Negative control: the same ExecStart without the hardening is rated above the bound.
printf '[Service]\nExecStart=%s\n' "$binary" > "$work/bare.service"
bare=$(exposure "$work/bare.service")
awk -v s="$bare" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s > m) }' ||
  fail "a bare unit scores $bare, within the bound: the bound proves nothing"
echo "control: a bare unit scores $bare"

# One capability, granted and bounded, and the user is dynamic.
for key in AmbientCapabilities CapabilityBoundingSet; do
  [ "$(grep "^$key=" "$unit")" = "$key=CAP_NET_RAW" ] || fail "$key is not exactly CAP_NET_RAW"
done
grep -q '^DynamicUser=yes$' "$unit" || fail "not DynamicUser=yes"
grep -q '^NoNewPrivileges=yes$' "$unit" || fail "not NoNewPrivileges=yes"

# Every variable the settings file mentions is one the binary documents.
help=$("$binary" --help)
vars=$(sed -n 's/^#\{0,1\}\([A-Z_][A-Z_]*\)=.*/\1/p' "$defaults" | sort -u)
[ -n "$vars" ] || fail "no variables found in $defaults"
for v in $vars; do
  grep -q "$v" <<<"$help" || fail "$defaults sets $v, which snowsignal --help does not know"
done
echo "settings file: $(echo $vars | wc -w) variables, all in --help"
echo "PASS"

#!/usr/bin/env bash
# The Debian package: CPack builds it from the build tree; it holds the binary, the
# unit, the settings file as a conffile, the docs and the copyright; unpacked into a
# scratch root its snowsignal runs --version; lintian's verdict is printed, and every
# tag it still reports must be explained in relay/packaging/README.md.
# Exit 77 (CTest: skipped) with the reason when a tool is missing.
#   deb_test.sh BUILD_DIR VERSION
set -euo pipefail
build=$1
version=$2
here=$(cd "$(dirname "$0")/.." && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed (see ci/install-deps.sh)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

start=$(date +%s.%N)
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(ls "$work"/out/snowsignal_"$version"-1_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { ls -R "$work/out"; fail "no snowsignal_${version}-1_*.deb"; }
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes) in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

info=$(dpkg-deb -f "$deb")
for field in "Package: snowsignal" "Version: $version-1" "Section: net"; do
  grep -qx "$field" <<<"$info" || fail "control lacks '$field'"
done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libtins4.0 libpcap0.8 libmicrohttpd12 libspdlog1.10; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/default/snowsignal ||
  fail "/etc/default/snowsignal is not a conffile"

root=$work/root
dpkg-deb -x "$deb" "$root"
for f in usr/bin/snowsignal lib/systemd/system/snowsignal.service etc/default/snowsignal \
         usr/share/doc/snowsignal/copyright usr/share/doc/snowsignal/README.md \
         usr/share/doc/snowsignal/README.relay.md usr/share/doc/snowsignal/changelog.Debian.gz; do
  [ -e "$root/$f" ] || fail "package lacks /$f"
done
cmp -s "$root/lib/systemd/system/snowsignal.service" "$here/snowsignal.service" ||
  fail "the packaged unit differs from relay/packaging/snowsignal.service"
got=$("$root/usr/bin/snowsignal" --version)
[ "$got" = "snowsignal $version" ] || fail "--version from the package says '$got'"
echo "unpacked into a scratch root: /usr/bin/snowsignal --version: $got"

if ! command -v lintian >/dev/null; then
  echo "lintian: not installed, verdict not recorded (Debian package lintian)"
else
  lintian --tag-display-limit 0 --display-info "$deb" >"$work/lintian.txt" 2>&1 || true
  echo "lintian verdict ($(grep -c '' "$work/lintian.txt") line(s)):"
  sed 's/^/  /' "$work/lintian.txt"
  tags=$(sed -n 's/^[EWIXP]: snowsignal[^:]*: \([a-z0-9.-]*\).*/\1/p' "$work/lintian.txt" | sort -u)
  for tag in $tags; do
    grep -q -- "\`$tag\`" "$here/README.md" || fail "lintian tag $tag is not explained in relay/packaging/README.md"
  done
fi
echo "PASS"

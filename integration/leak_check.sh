#!/usr/bin/env bash
# Suite-level leak check, run by CTest before and after the integration tests:
#   leak_check.sh baseline STATE_FILE BIN_DIR   records what exists now
#   leak_check.sh compare  STATE_FILE BIN_DIR   fails if anything was added since
# "Anything" = network namespaces named in /run/netns, links in this namespace, and
# processes running one of our binaries from BIN_DIR.
set -euo pipefail
mode=$1 state=$2 bin_dir=$3

snapshot() {
  echo "# netns"; ip netns list 2>/dev/null | awk '{print $1}' | sort
  echo "# links"; ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort
  echo "# processes"
  for exe in /proc/[0-9]*/exe; do
    target=$(readlink "$exe" 2>/dev/null) || continue
    case "$target" in "$bin_dir"/*) echo "${exe%/exe} $target" ;; esac
  done | grep -v "^/proc/$$ " | sort || true
}

case "$mode" in
  baseline) snapshot > "$state"; echo "leak_check: baseline recorded ($(wc -l < "$state") lines)" ;;
  compare)
    added=$(comm -13 "$state" <(snapshot) || true)
    if [ -n "$added" ]; then
      echo "leak_check: left behind after the suite:"; echo "$added"; exit 1
    fi
    echo "leak_check: nothing left behind (namespaces, links, processes)" ;;
  *) echo "usage: $0 baseline|compare STATE_FILE BIN_DIR" >&2; exit 2 ;;
esac

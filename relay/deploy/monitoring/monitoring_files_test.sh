#!/usr/bin/env bash
# The shipped monitoring files hold: the alert rules parse (promtool check rules) and
# every alert fires when it should and stays quiet when it should not (promtool test
# rules, the cases in snowsignal-alerts.test.yml); the example scrape configuration is
# valid (promtool check config). Exit 77 (skipped) without promtool.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v promtool >/dev/null; then
  echo "SKIP: promtool not installed (Debian package prometheus)"
  exit 77
fi
promtool check rules snowsignal-alerts.yml
promtool test rules snowsignal-alerts.test.yml
# Every alert in the rules has at least one test case naming it.
missing=0
for alert in $(sed -n 's/^ *- alert: *//p' snowsignal-alerts.yml); do
  grep -q "alertname: $alert\$" snowsignal-alerts.test.yml || { echo "no test case for $alert"; missing=1; }
done
# The example scrape configuration as shipped (the Swarm job). Debian's Prometheus is
# built without Kubernetes service discovery, so its promtool cannot check the
# commented Kubernetes job; the relabelling there is Prometheus' documented pod pattern.
promtool check config prometheus-scrape.yml
exit $missing

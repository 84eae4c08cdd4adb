#!/usr/bin/env python3
"""Evaluates every query of the shipped dashboard and alert rules against a running
Prometheus, since Grafana itself is not a Debian package and cannot be run in the tests.

  check_queries.py PROMETHEUS_URL DASHBOARD_JSON RULES_YML [--within SECONDS]

Dashboard queries (with $instance as ".*" and $__rate_interval as 1m, what Grafana
would substitute for "All") must parse and return at least one series; so must the
instance variable's label_values() metric. Alert expressions must parse; they may
return nothing (an alert that is not firing), but every metric they read must return
series, so a misspelt name cannot pass as a quiet alert. Retries until every check passes or
--within seconds (default 40) run out, since rates need a few scrapes. Prints one line
per query; exit 0 only when all pass.
"""
import argparse
import json
import re
import sys
import time
import urllib.parse
import urllib.request

import yaml


def grafana_substitute(expr):
    return expr.replace("$__rate_interval", "1m").replace("$instance", ".*")


def dashboard_queries(path):
    dash = json.load(open(path))
    queries = []
    for panel in dash["panels"]:
        for target in panel.get("targets", []):
            queries.append((f'panel "{panel["title"]}" {target["refId"]}', target["expr"]))
    for var in dash.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            found = re.fullmatch(r"label_values\((\w+),\s*\w+\)", var["query"]["query"])
            if not found:
                raise SystemExit(f"variable {var['name']}: unsupported query {var['query']}")
            queries.append((f'variable ${var["name"]}', found.group(1)))
    return queries


def rule_queries(path):
    rules = yaml.safe_load(open(path))
    return [(f'alert {r["alert"]}', r["expr"]) for g in rules["groups"] for r in g["rules"]]


def alert_metrics(path):
    """Every metric an alert reads, asked alone: a quiet alert proves nothing when it
    reads a metric that does not exist, so each must return series."""
    names = set()
    for _, expr in rule_queries(path):
        names.update(re.findall(r"\b(snowsignal_[a-z_]+|up)\s*\{", expr))
    return [(f"alert metric {name}", name + '{job="snowsignal"}') for name in sorted(names)]


def query(base, expr):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        answer = json.load(urllib.request.urlopen(url, timeout=5))
    except urllib.error.HTTPError as error:  # 400: the expression does not parse
        answer = json.load(error)
    return answer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("prometheus")
    parser.add_argument("dashboard")
    parser.add_argument("rules")
    parser.add_argument("--within", type=float, default=40)
    args = parser.parse_args()
    checks = [(name, grafana_substitute(e), True) for name, e in dashboard_queries(args.dashboard)]
    checks += [(name, e, False) for name, e in rule_queries(args.rules)]
    checks += [(name, e, True) for name, e in alert_metrics(args.rules)]
    deadline = time.monotonic() + args.within
    while True:
        lines, failed = [], 0
        for name, expr, needs_series in checks:
            answer = query(args.prometheus, expr)
            if answer.get("status") != "success":
                failed += 1
                lines.append(f"FAIL {name}: does not parse: {answer.get('error')}")
                continue
            series = len(answer["data"]["result"])
            if needs_series and series == 0:
                failed += 1
                lines.append(f"FAIL {name}: no series: {expr}")
            else:
                lines.append(f"ok   {name}: {series} series")
        if failed == 0 or time.monotonic() > deadline:
            break
        time.sleep(1)
    print("\n".join(lines))
    print(f"queries: {len(checks) - failed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

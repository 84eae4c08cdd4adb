#!/usr/bin/env python3
"""Runs the GoogleTest binaries behind a CTest label once each, instead of once per test.

  ci/run-gtest-binaries.py BUILD_DIR LABEL

For the sanitizer pass: gtest_discover_tests makes every test its own process, and a
sanitized process takes ~0.2 s to start, which made 720 unit tests 99 s; one process
per binary runs them in seconds. The tests are the same ones CTest lists for the label
(in each test's working directory), two binaries at a time; tests that are not
GoogleTest cases (the layering checks, which only run CMake) are left to CTest. Exits 1
if any binary fails; skipped tests are counted as skipped, as gtest prints them.
"""
import collections
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor


SKIPPED = re.compile(r"\[  SKIPPED \] (\d+) tests?\b")


def binaries(build_dir, label):
    listing = subprocess.run(
        ["ctest", "--test-dir", build_dir, "-L", label, "-N", "--show-only=json-v1"],
        check=True, capture_output=True, text=True).stdout
    found = collections.OrderedDict()
    for test in json.loads(listing)["tests"]:
        command = test.get("command", [])
        if len(command) < 2 or not command[1].startswith("--gtest_filter="):
            continue
        cwd = next((p["value"] for p in test.get("properties", [])
                    if p["name"] == "WORKING_DIRECTORY"), build_dir)
        found.setdefault(command[0], {"cwd": cwd, "tests": 0})["tests"] += 1
    return found


def run(exe, info):
    start = time.monotonic()
    done = subprocess.run([exe, "--gtest_brief=1"], cwd=info["cwd"], capture_output=True,
                          text=True)
    out = done.stdout + done.stderr
    # The summary line, "[  SKIPPED ] N test(s)", when any was skipped.
    skipped = next((int(m.group(1)) for m in map(SKIPPED.match, out.splitlines()) if m), 0)
    return exe, info["tests"], done.returncode, skipped, time.monotonic() - start, out


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    build_dir, label = sys.argv[1], sys.argv[2]
    found = binaries(build_dir, label)
    if not found:
        print(f"no GoogleTest binary has label {label} in {build_dir}", file=sys.stderr)
        return 1
    failed = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for exe, tests, code, skipped, seconds, out in pool.map(lambda kv: run(*kv),
                                                               found.items()):
            verdict = "passed" if code == 0 else f"FAILED (exit {code})"
            print(f"{exe.rsplit('/', 1)[-1]}: {tests} tests ({skipped} skipped) {verdict} "
                  f"in {seconds:.1f} s", flush=True)
            if code != 0:
                failed += 1
                print(out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

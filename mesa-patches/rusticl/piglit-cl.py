#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Runs piglit's OpenCL tests (Debian's piglit package) on one device.

    piglit-cl.py [--filter REGEX] [--list FILE] [--timeout S] [--jobs N]
                 OUT.tsv

The tests are those of piglit's cl profile (tests/cl.xml.gz: the cl-api-*,
cl-custom-* and cl-program-* binaries, and cl-program-tester on every
tests/cl/**/*.cl and generated_tests/cl/**/*.cl), or the names listed in
--list (one a line, '#' comments). The device is rusticl's only one, chosen
by RUSTICL_ENABLE in the environment. Each test runs in piglit's directory
with a timeout; its result is the last 'PIGLIT: {"result": ...}' line it
printed ("crash" when it printed none, "timeout" when it ran out of time).
Writes one line a test to OUT.tsv: result, name, seconds; the output of
every test that did not pass or skip goes to OUT.log.

    piglit-cl.py --compare DEVICE.tsv REFERENCE.tsv [--xfail FILE]

compares two such runs (DEVICE vsvm, REFERENCE llvmpipe) and prints a line
a test, "<status> rusticl/piglit/<name>@<device> (...)": PASS when it
passed on the device (or warned); SKIP when it skipped there (a feature the device
does not advertise); XFAIL when it did not pass on the reference either,
or when FILE lists it ("name  reason" lines, '#' comments); FAIL when it
passed on the reference and failed, crashed or timed out on the device.
Exits 1 when a line is FAIL.
"""

import argparse
import concurrent.futures
import gzip
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

PIGLIT = "/usr/lib/x86_64-linux-gnu/piglit"


def load_tests():
    tests = []
    with gzip.open(os.path.join(PIGLIT, "tests", "cl.xml.gz")) as f:
        root = ET.parse(f).getroot()
    for t in root.iter("Test"):
        opts = {o.get("name"): o.get("value") for o in t.iter("option")}
        if t.get("type") == "cl_prog":
            cmd = ["cl-program-tester", eval(opts["filename"])]
        else:
            cmd = eval(opts["command"])
        tests.append((t.get("name"), cmd))
    return tests


def run_one(name, cmd, timeout):
    exe = os.path.join(PIGLIT, "bin", cmd[0])
    t0 = time.monotonic()
    try:
        p = subprocess.run([exe] + cmd[1:], cwd=PIGLIT, timeout=timeout,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)
        out = p.stdout.decode("utf-8", "replace")
        result = "crash"
        for line in out.splitlines():
            m = re.match(r'^PIGLIT: (\{.*\})\s*$', line)
            if not m:
                continue
            try:
                r = json.loads(m.group(1))
            except ValueError:
                continue
            if "result" in r:
                result = r["result"]
        if p.returncode < 0:
            result = "crash"
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        result = "timeout"
    return result, time.monotonic() - t0, out


def read_tsv(path):
    res = {}
    with open(path) as f:
        for line in f:
            r, name, secs = line.rstrip("\n").split("\t")
            res[name] = (r, secs)
    return res


def compare(dev_tsv, ref_tsv, xfail_path):
    dev, ref = read_tsv(dev_tsv), read_tsv(ref_tsv)
    devname = os.path.basename(dev_tsv).replace("piglit-", "")[:-4]
    xfail = {}
    if xfail_path:
        with open(xfail_path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    name, _, why = line.partition("  ")
                    xfail[name.strip()] = why.strip()
    rc = 0
    counts = {}
    for name, (r, secs) in dev.items():
        rr = ref.get(name, ("missing", "0"))[0]
        what = "%s; %s on the reference" % (r, rr)
        if r in ("pass", "warn"):
            st = "PASS"
        elif r == "skip":
            st = "SKIP"
        elif rr not in ("pass", "warn"):
            st = "XFAIL"
        elif name in xfail:
            st = "XFAIL"
            what += "; " + xfail[name]
        else:
            st = "FAIL"
            rc = 1
        counts[st] = counts.get(st, 0) + 1
        print("%s rusticl/piglit/%s@%s (%s, %s s)" % (
            st, name.replace(" ", "_"), devname, what, secs))
    print("piglit-cl: %s against the reference: %s" % (
        devname, ", ".join("%s %d" % kv for kv in sorted(counts.items()))),
        file=sys.stderr)
    return rc


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--compare":
        ap = argparse.ArgumentParser()
        ap.add_argument("--compare", nargs=2)
        ap.add_argument("--xfail", default=None)
        a = ap.parse_args()
        return compare(a.compare[0], a.compare[1], a.xfail)
    ap = argparse.ArgumentParser()
    ap.add_argument("--filter", default=None)
    ap.add_argument("--list", default=None)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("out")
    args = ap.parse_args()

    tests = load_tests()
    if args.list:
        with open(args.list) as f:
            want = [l.strip() for l in f
                    if l.strip() and not l.startswith("#")]
        byname = dict(tests)
        missing = [n for n in want if n not in byname]
        if missing:
            print("piglit-cl: not in the cl profile: " + ", ".join(missing),
                  file=sys.stderr)
            return 2
        tests = [(n, byname[n]) for n in want]
    if args.filter:
        tests = [t for t in tests if re.search(args.filter, t[0])]

    counts = {}
    t0 = time.monotonic()
    with open(args.out, "w") as tsv, open(args.out[:-4] + ".log"
                                          if args.out.endswith(".tsv")
                                          else args.out + ".log", "w") as log:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            futs = [ex.submit(run_one, n, c, args.timeout) for n, c in tests]
            for (name, cmd), fut in zip(tests, futs):
                result, secs, out = fut.result()
                counts[result] = counts.get(result, 0) + 1
                tsv.write("%s\t%s\t%.2f\n" % (result, name, secs))
                tsv.flush()
                if result not in ("pass", "skip"):
                    log.write("==== %s %s (%s)\n%s\n" %
                              (result, name, " ".join(cmd), out[-6000:]))
    print("piglit-cl: %d tests in %.0f s: %s" % (
        len(tests), time.monotonic() - t0,
        ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compares the output files of the OpenCL tests on two devices.

    compare-outputs.py DIR DEVICE REFERENCE

tests/cl_test.h's cl_test_dump() writes DIR/<test>.<buffer>.<kind>.<device>.
For every file of DEVICE, the file of REFERENCE must exist and match:
integer kinds (u8, u32, u64, i32, i64) bit for bit; f32uN within N ulp
(NaN matches NaN, +0 and -0 are 0 ulp apart). Prints one line a test:
"PASS|FAIL rusticl/<test>-vs-<reference>@<device> (...)"; exits 1 on a
failure or when no file was found.
"""

import os
import struct
import sys


def ordered(bits):
    # binary32 bits to an integer line on which adjacent floats differ by 1
    return bits if bits < 0x80000000 else 0x80000000 - bits


def compare(kind, a, b):
    """Returns (number of mismatches, first mismatch text, worst ulp)."""
    if len(a) != len(b):
        return 1, "sizes %d and %d" % (len(a), len(b)), 0
    if kind == "u8":
        bad = [i for i in range(len(a)) if a[i] != b[i]]
        return len(bad), (bad and "byte %d: %d vs %d" %
                          (bad[0], a[bad[0]], b[bad[0]])), 0
    if kind[0] == "f":
        ulps = int(kind[4:]) if kind.startswith("f32u") else 0
        n = len(a) // 4
        xa = struct.unpack("<%dI" % n, a)
        xb = struct.unpack("<%dI" % n, b)
        bad, first, worst = 0, "", 0
        for i in range(n):
            if xa[i] == xb[i]:
                continue
            nan_a = (xa[i] & 0x7fffffff) > 0x7f800000
            nan_b = (xb[i] & 0x7fffffff) > 0x7f800000
            if nan_a and nan_b:
                continue
            d = abs(ordered(xa[i]) - ordered(xb[i]))
            if nan_a or nan_b:
                d = 1 << 32
            worst = max(worst, d)
            if d > ulps:
                if not bad:
                    fa = struct.unpack("<f", struct.pack("<I", xa[i]))[0]
                    fb = struct.unpack("<f", struct.pack("<I", xb[i]))[0]
                    first = "element %d: %.9g vs %.9g (%d ulp)" % (i, fa, fb, d)
                bad += 1
        return bad, first, worst
    size = 8 if kind.endswith("64") else 4
    n = len(a) // size
    fmt = "<%d%s" % (n, "q" if size == 8 else "i")
    xa, xb = struct.unpack(fmt, a), struct.unpack(fmt, b)
    bad = [i for i in range(n) if xa[i] != xb[i]]
    return len(bad), (bad and "element %d: %d vs %d" %
                      (bad[0], xa[bad[0]], xb[bad[0]])), 0


def main():
    d, dev, ref = sys.argv[1:4]
    tests = {}
    for f in sorted(os.listdir(d)):
        parts = f.split(".")
        if len(parts) != 4 or parts[3] != dev:
            continue
        tests.setdefault(parts[0], []).append(parts)
    if not tests:
        print("FAIL rusticl/outputs@%s (no output files in %s)" % (dev, d))
        return 1
    rc = 0
    for test, files in sorted(tests.items()):
        msgs, failed, worst = [], False, 0
        for test_, buf, kind, _ in files:
            fa = os.path.join(d, ".".join([test_, buf, kind, dev]))
            fb = os.path.join(d, ".".join([test_, buf, kind, ref]))
            if not os.path.exists(fb):
                msgs.append("%s: no %s output" % (buf, ref))
                failed = True
                continue
            with open(fa, "rb") as x, open(fb, "rb") as y:
                bad, first, w = compare(kind, x.read(), y.read())
            worst = max(worst, w)
            if bad:
                msgs.append("%s (%s): %d differ, %s" % (buf, kind, bad, first))
                failed = True
        name = "rusticl/%s-vs-%s@%s" % (test, ref, dev)
        if failed:
            print("FAIL %s (%s)" % (name, "; ".join(msgs)))
            rc = 1
        else:
            print("PASS %s (%d buffers%s)" % (
                name, len(files),
                ", worst %d ulp" % worst if worst else ", bit for bit"))
    return rc


if __name__ == "__main__":
    sys.exit(main())

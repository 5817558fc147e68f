#!/bin/bash
# SPDX-License-Identifier: MIT
# vsvm's test command (README, .ci/run): installs what is missing, builds
# the test kernel (cached), vsvm.ko, the userspace parts and the kernel's
# hmm-tests, runs the host-side tests and static checks, then boots the guest
# and runs hmm-tests against test_hmm and every IGT test against vsvm.
# Prints one line per test and a closing "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$VSVM_TOP"

stage "test: start"
scripts/install-deps.sh
build=$(scripts/build-module.sh | tail -n 1)
src=$VSVM_CACHE/src-${build##*/kbuild-}
scripts/check-style.sh

stage "userspace: meson build"
if [ -f build/build.ninja ]; then
	meson setup --reconfigure build >/dev/null
else
	meson setup build >/dev/null
fi
meson compile -C build >/dev/null
gcc -Wall -O2 -I "$src" -I "$src/tools/include" \
	"$src/tools/testing/selftests/mm/hmm-tests.c" \
	-lrt -lpthread -lm -o build/hmm-tests

stage "userspace: host tests (meson test)"
meson test -C build --print-errorlogs >/dev/null || true
results=build/results.txt
python3 - build/meson-logs/testlog.json >"$results" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    r = {"OK": "PASS", "SKIP": "SKIP", "EXPECTEDFAIL": "XFAIL"}.get(t["result"], "FAIL")
    print(f"{r} host/{t['name']}")
PY

stage "guest: hmm-tests and IGT"
set +e
scripts/run-guest.sh --out build/guest --pmem -- "$VSVM_TOP/scripts/guest-tests.sh" "$VSVM_TOP/build"
grc=$?
set -e
cat build/guest/results.txt >>"$results" 2>/dev/null || true
if [ -s build/guest/gate.txt ]; then
	echo "FAIL guest/gate ($(cat build/guest/gate.txt))" >>"$results"
elif [ $grc -ne 0 ] && ! grep -q '^FAIL' "$results"; then
	echo "FAIL guest/run (exit status $grc)" >>"$results"
fi

stage "test: results"
cat "$results"
pass=$(grep -c -E '^(PASS|XPASS) ' "$results" || true)
fail=$(grep -c '^FAIL ' "$results" || true)
skip=$(grep -c '^SKIP ' "$results" || true)
xfail=$(grep -c '^XFAIL ' "$results" || true)
echo "known failures (XFAIL, listed above with their reason): $xfail"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

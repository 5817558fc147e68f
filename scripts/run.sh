#!/bin/bash
# SPDX-License-Identifier: MIT
# vsvm's main job: build everything, boot the debug guest, load vsvm, print its
# QUERY result and the verdict of the kernel's hmm-tests against test_hmm.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$VSVM_TOP"

scripts/install-deps.sh
build=$(scripts/build-module.sh | tail -n 1)
root=$(scripts/build-root.sh | tail -n 1)
scripts/build-userspace.sh "$root" "$build" build

stage "guest: vsvm QUERY and hmm-tests"
rc=0
scripts/run-guest.sh --out build/main --timeout 1800 -- bash -c '
	m="modprobe -d $VSVM_MODROOT"
	$m vsvm || exit 1
	echo "--- vsvm QUERY ---"
	build/tools/vsvm_info || exit 1
	echo "--- debugfs ---"
	cat /sys/kernel/debug/dri/*/vsvm_info
	$m -r vsvm
	echo "--- hmm-tests against test_hmm ---"
	$m test_hmm || exit 1
	build/hmm-tests 2>&1 | grep -E "^# (PASSED|FAILED|Totals)|^not ok"
	echo "--- vsvm-bench: vsvm against test_hmm and memcpy ---"
	$m vsvm || exit 1
	build/tools/vsvm_bench --max-mib "${VSVM_BENCH_MAX_MIB:-256}" || exit 1
	# test_hmm stays loaded: its unload leaks its device names (kmemleak),
	# a bug of the kernel test driver that the guest gate would report.
	$m -r vsvm
' || rc=$?
grep -av '^\[' build/main/console.log | sed -n '/--- vsvm QUERY/,/command exited/p' || true
exit $rc

#!/bin/bash
# SPDX-License-Identifier: MIT
# vsvm's main job: build everything, boot the benchmark kernel (the bench
# flavour: kernel/vsvm.config without its checkers, kernel/vsvm-bench.config;
# the tests run on the debug flavour), load vsvm, print its
# QUERY result and the verdict of the kernel's hmm-tests against test_hmm,
# then run the like-for-like benchmark (scripts/guest-bench.sh: vsvm_bench
# against test_hmm and memcpy with 2 vCPUs, then with cpu1 offline) in the
# same boot and plot its CSV files with gnuplot on the host.
#
# Results in build/main/: console.log, bench-2cpu.csv, bench-1cpu.csv,
# bench.png and bench.md (the figures as Markdown tables).
# VSVM_BENCH_ARGS: more vsvm_bench options (--sizes 2,8 --reps 5, say).
set -euo pipefail
export VSVM_KFLAVOUR=bench
. "$(dirname "$0")/lib.sh"
cd "$VSVM_TOP"

# gnuplot-nox for the plot: the main job's only, the test command's host
# packages stay as they are.
scripts/install-deps.sh gnuplot-nox
build=$(scripts/build-module.sh | tail -n 1)
root=$(scripts/build-root.sh | tail -n 1)
scripts/build-userspace.sh "$root" "$build" build

stage "guest: vsvm QUERY, hmm-tests and the benchmark"
rc=0
rm -f build/main/bench-*cpu.csv
# 4 GiB: the 256 MiB runs hold the buffer, test_hmm's copy of it, its
# bounce buffer and its device memory at once, beside vsvm's VRAM, and THP
# needs free 2 MiB blocks.
scripts/run-guest.sh --lane bench --out build/main --timeout 5400 --mem 4G -- bash -c '
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
	scripts/guest-bench.sh '"${VSVM_BENCH_ARGS:-}"' --extras
' || rc=$?
grep -av '^\[' build/main/console.log | sed -n '/--- vsvm QUERY/,/command exited/p' || true
if [ -f build/main/bench-2cpu.csv ]; then
	scripts/plot-bench.sh --title "vsvm_bench: $(git log -1 --format='%h %cs'), bench kernel 7.3.4 ($VSVM_KVER_VERSION, no lockdep/kmemleak/DEBUG_VM), TCG" \
		build/main/bench.png build/main/bench-*cpu.csv
fi
exit $rc

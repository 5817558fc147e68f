#!/bin/bash
# SPDX-License-Identifier: MIT
# The like-for-like benchmark, run in the debug guest by the main job
# (scripts/run.sh): vsvm_bench against test_hmm and memcpy with both vCPUs
# online, then again with cpu1 offline (one boot, one vCPU: parallel
# finalization cannot stand in for efficiency), each writing its CSV to
# $VSVM_OUT/bench-<N>cpu.csv. Loads vsvm with a job timeout long enough for
# the largest first-touch job under TCG, and test_hmm. Leaves test_hmm
# loaded: its unload leaks its device names (kmemleak), a bug of the
# kernel's test driver that the guest gate would report.
#
# usage: guest-bench.sh [VSVM_BENCH_ARGS...]   (passed to every run)
set -euo pipefail

m="modprobe -d $VSVM_MODROOT"
cpu1=/sys/devices/system/cpu/cpu1/online
bench=build/tools/vsvm_bench

$m vsvm job_timeout_ms=600000
$m test_hmm
rc=0
echo "--- vsvm-bench, $(nproc) vCPUs ---"
$bench --csv "$VSVM_OUT/bench-$(nproc)cpu.csv" "$@" || rc=$?
if [ $rc -eq 0 ] && [ -w $cpu1 ]; then
	echo 0 >$cpu1
	echo "--- vsvm-bench, $(nproc) vCPU (cpu1 offline) ---"
	$bench --csv "$VSVM_OUT/bench-$(nproc)cpu.csv" "$@" || rc=$?
	echo 1 >$cpu1
fi
$m -r vsvm
exit $rc

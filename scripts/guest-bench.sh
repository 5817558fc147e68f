#!/bin/bash
# SPDX-License-Identifier: MIT
# The like-for-like benchmark, run in the debug guest by the main job
# (scripts/run.sh): vsvm_bench against test_hmm and memcpy with both vCPUs
# online, then again with cpu1 offline (one boot, one vCPU: parallel
# finalization cannot stand in for efficiency), each writing its CSV to
# $VSVM_OUT/bench-<N>cpu.csv. Loads vsvm with two devices (the peer
# figures) and a job timeout long enough for the largest first-touch job
# under TCG, and test_hmm. Leaves test_hmm loaded: its unload leaks its
# device names (kmemleak), a bug of the kernel's test driver that the guest
# gate would report.
#
# usage: guest-bench.sh [VSVM_BENCH_ARGS...]   (passed to every run)
set -euo pipefail

m="modprobe -d $VSVM_MODROOT"
cpu1=/sys/devices/system/cpu/cpu1/online
bench=build/tools/vsvm_bench

# two devices: the peer figures (VRAM to VRAM) need a second one
$m vsvm job_timeout_ms=600000 num_devices=2
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

# The scale benchmark (tools/vsvm_scale.c: many processes, a sparse 1 TiB
# address space, fault throughput on every engine), on four devices of four
# engines; it migrates nothing, so little VRAM. Its CSV is
# $VSVM_OUT/scale.csv; the arguments above are vsvm_bench's, not its.
# Runs whatever vsvm_bench did; a failure of either fails the script.
$m vsvm num_devices=4 num_engines=4 vram_size_mb=64 job_timeout_ms=600000
echo "--- vsvm-scale, $(nproc) vCPUs ---"
build/tools/vsvm_scale --csv "$VSVM_OUT/scale.csv" || rc=$?
$m -r vsvm
exit $rc

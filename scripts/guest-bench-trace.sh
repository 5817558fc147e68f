#!/bin/bash
# SPDX-License-Identifier: MIT
# In the debug guest: one short vsvm_bench pass (32 MiB, 2 repetitions)
# with 2 vCPUs and again with cpu1 offline, traced with vsvm's vsvm_migrate
# and vsvm_copy tracepoints and the workqueue and sched events, for
# scripts/bench-phases.py (the phases of one migrated chunk). Writes
# $VSVM_OUT/trace-<N>.txt and the bench's output as trace-bench-<N>.txt.
# TRACE_SIZES (MiB, default 32) and TRACE_CPUS (the vCPU counts, default
# "2 1") choose other passes.
#
# usage: run-guest.sh --mem 4G --out DIR -- scripts/guest-bench-trace.sh
set -euo pipefail

m="modprobe -d $VSVM_MODROOT"
t=/sys/kernel/tracing
cpu1=/sys/devices/system/cpu/cpu1/online
$m vsvm job_timeout_ms=600000
$m test_hmm
for n in ${TRACE_CPUS:-2 1}; do
	[ "$n" = 1 ] && echo 0 >$cpu1
	echo 0 >$t/tracing_on
	echo >$t/trace
	echo 20000 >$t/buffer_size_kb
	for e in vsvm/vsvm_migrate vsvm/vsvm_copy \
		 workqueue/workqueue_queue_work workqueue/workqueue_execute_start \
		 workqueue/workqueue_execute_end sched/sched_switch \
		 sched/sched_wakeup; do
		echo 1 >$t/events/$e/enable
	done
	echo 1 >$t/tracing_on
	build/tools/vsvm_bench --sizes "${TRACE_SIZES:-32}" --reps 2 --latency-reps 3 \
		>"$VSVM_OUT/trace-bench-$n.txt"
	echo 0 >$t/tracing_on
	cat $t/trace >"$VSVM_OUT/trace-$n.txt"
done
echo 1 >$cpu1
$m -r vsvm

#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The OpenCL benchmark (cl_bench.c, README.md here) in a test guest: vsvm,
# rusticl on llvmpipe and pocl, one after the other in the same boot.
#
#   flock /tmp/vsvm-heavy.lock scripts/run-guest.sh --lane bench --mem 4G \
#       --out DIR --timeout 2400 -- bash mesa-patches/rusticl/bench/guest-bench.sh
#
# Loads vsvm.ko from $VSVM_MODROOT (one device, a 10 min job timeout),
# chroots into the rusticl root (as ../guest-rusticl.sh does: the guest's
# /dev, /proc, /sys, a tmpfs /tmp, the checkout), builds cl_bench there and
# runs it on every device, first with both vCPUs, then with cpu1 offline.
# vsvm's counters come from debugfs (vsvm_stats). Results in $VSVM_OUT:
# cl-bench.csv (all rows), cl-bench.md (tables, bench-table.sh),
# cl-bench-<run>.log, cl-bench-isa.txt (VSVM_DEBUG=isa of the kernels).
#
# Environment:
#   BENCH_PLAN  what to run: words VCPUS:RUN:SIZES, in order (default
#               below). RUN is vsvm (VSVM_ENGINES=1, the driver's default),
#               vsvm-e2 (VSVM_ENGINES=2: launches spread over two engines,
#               one per vCPU), llvmpipe or pocl; SIZES in Mi elements.
#   BENCH_REPS  timed repetitions after the warm-up (default 5)
#   VSVM_KO     a vsvm.ko to insmod instead of $VSVM_MODROOT's (a private
#               build, scripts/dev-module.sh)
#   BENCH_CROSSCHECK  with VSVM_KO: sizes (Mi) to run vsvm again on at the
#               end, on $VSVM_MODROOT's vsvm.ko (label vsvm-modroot)
set -uo pipefail

CACHE=${VSVM_CACHE:-/var/cache/vsvm}
ROOT=$CACHE/rusticl-root
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
HERE=$TOP/mesa-patches/rusticl/bench
ENV_FILE=${RUSTICL_ENV_FILE:-$CACHE/rusticl-current.env}
OUT=${VSVM_OUT:-/tmp}
PLAN=${BENCH_PLAN:-2:vsvm-e2:1,16,64 2:vsvm:1,16 2:llvmpipe:1,16,64 2:pocl:1,16,64 1:vsvm:1,16 1:llvmpipe:1,16 1:pocl:1,16}
REPS=${BENCH_REPS:-5}
JOB_TIMEOUT_MS=${VSVM_JOB_TIMEOUT_MS:-600000}
CPU1=/sys/devices/system/cpu/cpu1/online
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

[ -r "$ENV_FILE" ] || { echo "guest-bench: no $ENV_FILE" >&2; exit 1; }
t_start=$(date +%s)

if grep -q '^vsvm ' /proc/modules; then
	echo "guest-bench: vsvm already loaded"
elif [ -n "${VSVM_KO:-}" ]; then
	# the modules vsvm.ko depends on, from the kernel's module root
	modprobe -d "$VSVM_MODROOT" -a $(modprobe -d "$VSVM_MODROOT" -D vsvm |
		awk '/^insmod/ && !/vsvm.ko/ {sub(".*/", "", $2); sub("\\.ko.*", "", $2); print $2}') &&
		insmod "$VSVM_KO" num_devices=1 job_timeout_ms=$JOB_TIMEOUT_MS || {
		echo "guest-bench: insmod $VSVM_KO failed: the module root's vsvm.ko instead"
		VSVM_KO=
		modprobe -d "$VSVM_MODROOT" vsvm num_devices=1 job_timeout_ms=$JOB_TIMEOUT_MS || exit 1
	}
else
	modprobe -d "$VSVM_MODROOT" vsvm num_devices=1 job_timeout_ms=$JOB_TIMEOUT_MS || exit 1
fi
echo "guest-bench: vsvm.ko ${VSVM_KO:-from $VSVM_MODROOT}, srcversion $(cat /sys/module/vsvm/srcversion 2>/dev/null)"
grep -H . /sys/module/vsvm/parameters/* 2>/dev/null
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
stats=$(ls /sys/kernel/debug/dri/*/vsvm_stats 2>/dev/null | head -n 1)
echo "guest-bench: kernel $(uname -r), lane ${VSVM_LANE:-?}, $(nproc) vCPUs, stats ${stats:-none}"
[ -n "$stats" ] && cat "$stats"
grep -H . /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null

for d in proc sys dev; do mount --rbind /$d "$ROOT/$d" || exit 1; done
mount -t tmpfs tmpfs "$ROOT/tmp" || exit 1
mount --bind "$TOP" "$ROOT$TOP" || exit 1
cleanup() {
	[ -w $CPU1 ] && echo 1 >$CPU1
	umount -R "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" "$ROOT/tmp" "$ROOT$TOP" 2>/dev/null
}
trap cleanup EXIT

# rusticl's settings, or pocl's ICD file instead of rusticl's
in_root() {
	local icd=$1
	shift
	if [ "$icd" = pocl ]; then
		chroot "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 \
			OCL_ICD_VENDORS=/etc/OpenCL/vendors/pocl.icd "$@"
	else
		chroot "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 \
			$(grep -v '^RUSTICL_ENABLE=' "$ENV_FILE") "$@"
	fi
}

in_root rusticl gcc -O2 -Wall -Wextra -Werror -o /tmp/cl_bench "$HERE/cl_bench.c" -lOpenCL ||
	{ echo "FAIL cl-bench (build)"; exit 1; }
cat "$ENV_FILE"
lib=$(grep '^LD_LIBRARY_PATH=' "$ENV_FILE" | cut -d= -f2)
drv=$(grep '^OCL_ICD_VENDORS=' "$ENV_FILE" | cut -d= -f2)
drv=${drv%/build/*}/src/gallium/drivers/vsvm
echo "guest-bench: rusticl $(sha256sum "$ROOT$lib/libRusticlOpenCL.so.1" | cut -c1-16)," \
	"vsvm driver sources $(cat "$ROOT$drv"/*.[ch] | sha256sum | cut -c1-16)"
in_root rusticl RUSTICL_ENABLE=vsvm,llvmpipe clinfo -l
in_root pocl clinfo -l

# The vsvm programs, disassembled (static instruction counts), untimed.
in_root rusticl RUSTICL_ENABLE=vsvm VSVM_DEBUG=isa /tmp/cl_bench --device vsvm \
	--sizes 1 --reps 1 --label isa >"$OUT/cl-bench-isa.txt" 2>&1 ||
	{ echo "FAIL cl-bench (vsvm isa dump)"; tail -n 20 "$OUT/cl-bench-isa.txt"; exit 1; }

csv=$OUT/cl-bench.csv
echo "label,device,op,mi_elements,vcpus,reps,metric,unit,min,median,max" >"$csv"
rc=0
for step in $PLAN; do
	n=${step%%:*} run=${step#*:} sizes=${run#*:} run=${run%%:*}
	if [ "$n" = 1 ]; then
		[ -w $CPU1 ] || { echo "guest-bench: cannot take cpu1 offline"; rc=1; break; }
		echo 0 >$CPU1
	elif [ -w $CPU1 ]; then
		echo 1 >$CPU1
	fi
	[ "$(nproc)" = "$n" ] || { echo "guest-bench: $(nproc) vCPUs online, want $n"; rc=1; break; }
	args=()
	case $run in
	vsvm) icd=rusticl env=(RUSTICL_ENABLE=vsvm VSVM_ENGINES=1) dev=vsvm ;;
	vsvm-e2) icd=rusticl env=(RUSTICL_ENABLE=vsvm VSVM_ENGINES=2) dev=vsvm ;;
	llvmpipe) icd=rusticl env=(RUSTICL_ENABLE=llvmpipe) dev=llvmpipe ;;
	pocl) icd=pocl env=() dev=cpu ;;
	*) echo "guest-bench: unknown run $run"; rc=1; continue ;;
	esac
	[ "$dev" = vsvm ] && [ -n "$stats" ] && args=(--stats "$stats")
	log=$OUT/cl-bench-$run-${n}cpu.log
	echo "== $run, $n vCPU(s), $sizes Mi: ${env[*]}"
	t0=$(date +%s)
	in_root $icd "${env[@]}" /tmp/cl_bench --device "$dev" --sizes "$sizes" \
		--reps "$REPS" --label "$run" --vcpus "$n" --csv "/tmp/cl-bench.csv" \
		"${args[@]}" >"$log" 2>&1
	st=$?
	grep -v '^MESA-LOADER' "$log"
	if [ $st = 0 ]; then
		echo "PASS cl-bench/$run@${n}cpu ($(( $(date +%s) - t0 )) s)"
	else
		echo "FAIL cl-bench/$run@${n}cpu (status $st, $(( $(date +%s) - t0 )) s)"
		rc=1
	fi
	[ -n "$stats" ] && [ "$dev" = vsvm ] && tr '\n' ' ' <"$stats" && echo
done
[ -w $CPU1 ] && echo 1 >$CPU1
# With a private vsvm.ko: the same small vsvm run again on the module root's
# vsvm.ko, to show what the private build changes.
if [ -n "${VSVM_KO:-}" ] && [ -n "${BENCH_CROSSCHECK:-}" ] && rmmod vsvm &&
   modprobe -d "$VSVM_MODROOT" vsvm num_devices=1 job_timeout_ms=$JOB_TIMEOUT_MS; then
	n=$(nproc)
	echo "== vsvm-modroot, $n vCPU(s), $BENCH_CROSSCHECK Mi: srcversion $(cat /sys/module/vsvm/srcversion)"
	in_root rusticl RUSTICL_ENABLE=vsvm VSVM_ENGINES=1 /tmp/cl_bench --device vsvm \
		--sizes "$BENCH_CROSSCHECK" --reps "$REPS" --label vsvm-modroot --vcpus "$n" \
		--csv /tmp/cl-bench.csv >"$OUT/cl-bench-vsvm-modroot-${n}cpu.log" 2>&1 &&
		echo "PASS cl-bench/vsvm-modroot@${n}cpu" ||
		{ echo "FAIL cl-bench/vsvm-modroot@${n}cpu"; rc=1; }
	grep -v '^MESA-LOADER' "$OUT/cl-bench-vsvm-modroot-${n}cpu.log"
fi
[ -f "$ROOT/tmp/cl-bench.csv" ] && cat "$ROOT/tmp/cl-bench.csv" >>"$csv"
# The straight-line vector-add program's length (the shortest program
# with an fadd: rusticl's variant without offsets, the one launched)
insts=$(awk '/^vsvm: kernel: [0-9]+ instructions/ { if (n) print n, f; n = $3; f = 0 }
	/fadd\.f32/ { f = 1 } END { if (n) print n, f }' "$OUT/cl-bench-isa.txt" |
	awk '$2 { if (!m || $1 < m) m = $1 } END { print m + 0 }')
echo "guest-bench: vadd program: $insts instructions"
VADD_INSTS=$insts bash "$HERE/bench-table.sh" "$csv" >"$OUT/cl-bench.md" && cat "$OUT/cl-bench.md"
dmesg | grep -i vsvm | tail -n 20
echo "guest-bench: $(( $(date +%s) - t_start )) s in the guest script"
exit $rc

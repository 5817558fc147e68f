#!/bin/bash
# SPDX-License-Identifier: MIT
#
# rusticl on vsvm, run in the test guest (scripts/run-guest.sh; the guest
# shows $VSVM_CACHE and the checkout at their host paths):
#
#   flock /tmp/vsvm-heavy.lock scripts/run-guest.sh --lane debug \
#       --out /tmp/rusticl-guest -- bash mesa-patches/rusticl/guest-rusticl.sh
#
# Loads vsvm.ko from $VSVM_MODROOT unless it is loaded already (the debug
# lane loads it; here with job_timeout_ms=$VSVM_JOB_TIMEOUT_MS, 6000 by
# default), then chroots into the trixie root of scripts/build-rusticl.sh
# (which must have run on the host: it writes $VSVM_CACHE/rusticl-current.env)
# with the guest's /dev, /proc, /sys and a tmpfs /tmp, and:
#
# 1. builds every mesa-patches/rusticl/tests/*.c and runs it on vsvm and on
#    llvmpipe (cpu_gpu_atomics also on vsvm with VSVM_ENGINES=4);
# 2. compares the output buffers of each test on vsvm with llvmpipe's
#    (compare-outputs.py: integers bit for bit, floats within the ulp the
#    test states);
# 3. runs the piglit OpenCL tests of piglit-ci.txt (RUSTICL_PIGLIT=full: all
#    of piglit's cl profile) on llvmpipe and on vsvm (piglit-cl.py) and
#    compares: a test that passes on llvmpipe must pass on vsvm or skip
#    there (a feature vsvm does not advertise); piglit-xfail.txt lists the
#    known exceptions, with reasons.
#
# One line per result, "PASS|FAIL|SKIP|XFAIL rusticl/<name>@<run> (...)";
# the exit status is 1 when any line is FAIL. Logs go to $VSVM_OUT (else
# /tmp/rusticl-out).
set -uo pipefail

CACHE=${VSVM_CACHE:-/var/cache/vsvm}
ROOT=$CACHE/rusticl-root
TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/mesa-patches/rusticl
ENV_FILE=${RUSTICL_ENV_FILE:-$CACHE/rusticl-current.env}
OUT=${VSVM_OUT:-/tmp/rusticl-out}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p "$OUT"
T0=$(date +%s)

[ -r "$ENV_FILE" ] || { echo "FAIL rusticl/setup (no $ENV_FILE: run scripts/build-rusticl.sh)"; exit 1; }

if ! grep -q '^vsvm ' /proc/modules; then
	[ -n "${VSVM_MODROOT:-}" ] || { echo "FAIL rusticl/setup (vsvm not loaded, no VSVM_MODROOT)"; exit 1; }
	modprobe -d "$VSVM_MODROOT" vsvm num_devices=1 \
		job_timeout_ms="${VSVM_JOB_TIMEOUT_MS:-6000}" ||
		{ echo "FAIL rusticl/setup (modprobe vsvm)"; exit 1; }
fi
ls -l /dev/dri/ > "$OUT/rusticl-dri.txt" 2>&1

# The chroot: the guest's /dev, /proc and /sys, a tmpfs /tmp, the checkout
# (its mount point was made by the host's in_root).
cleanup() {
	umount -R "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" "$ROOT/tmp" \
		"$ROOT$TOP" 2>/dev/null
}
trap cleanup EXIT
for d in proc sys dev; do
	mount --rbind /$d "$ROOT/$d" || { echo "FAIL rusticl/setup (mount /$d)"; exit 1; }
done
mount -t tmpfs tmpfs "$ROOT/tmp" || exit 1
mkdir -p "$ROOT$TOP" "$ROOT/tmp/out"
mount --bind "$TOP" "$ROOT$TOP" || exit 1
in_root() {
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 \
		$(grep -v '^RUSTICL_ENABLE=' "$ENV_FILE") "$@"
}

rc=0
result() {	# result LINE: print it, remember a FAIL
	echo "$1"
	case $1 in FAIL*) rc=1 ;; esac
}

in_root RUSTICL_ENABLE=vsvm,llvmpipe clinfo -l > "$OUT/rusticl-clinfo-l.txt" 2>&1
in_root RUSTICL_ENABLE=vsvm clinfo > "$OUT/rusticl-clinfo.txt" 2>&1
if grep -q 'Device Name *vsvm' "$OUT/rusticl-clinfo.txt"; then
	result "PASS rusticl/clinfo@vsvm"
else
	result "FAIL rusticl/clinfo@vsvm (no vsvm device, $OUT/rusticl-clinfo.txt)"
fi

# 1. the C tests
for t in "$HERE"/tests/*.c; do
	name=$(basename "$t" .c)
	if ! in_root gcc -O2 -Wall -Werror -o "/tmp/$name" "$t" -lOpenCL -lm \
		> "$OUT/rusticl-$name-build.log" 2>&1; then
		result "FAIL rusticl/$name@build ($OUT/rusticl-$name-build.log)"
		continue
	fi
	runs="vsvm llvmpipe"
	[ "$name" = cpu_gpu_atomics ] && runs="$runs vsvm-engines4"
	for run in $runs; do
		dev=${run%%-*}
		extra=
		[ "$run" = vsvm-engines4 ] && extra=VSVM_ENGINES=4
		log=$OUT/rusticl-$name-$run.log
		t0=$(date +%s%N)
		in_root RUSTICL_ENABLE=$dev CL_TEST_DEVICE=$dev $extra \
			CL_TEST_OUT=$([ "$run" = "$dev" ] && echo /tmp/out) \
			${VSVM_DEBUG:+VSVM_DEBUG=$VSVM_DEBUG} \
			timeout "${TEST_TIMEOUT:-300}" "/tmp/$name" > "$log" 2>&1
		st=$?
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		secs=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
		case $st in
		0) result "PASS rusticl/$name@$run (${secs}s)" ;;
		77) result "SKIP rusticl/$name@$run ($(tail -n 1 "$log"))" ;;
		*) result "FAIL rusticl/$name@$run (status $st, ${secs}s, $log)"
		   tail -n 20 "$log" ;;
		esac
	done
done

# 2. vsvm against llvmpipe
in_root python3 "$HERE/compare-outputs.py" /tmp/out vsvm llvmpipe \
	> "$OUT/rusticl-compare.txt" 2>&1
while read -r line; do result "$line"; done < "$OUT/rusticl-compare.txt"
cp -r "$ROOT/tmp/out" "$OUT/rusticl-outputs" 2>/dev/null

# 3. piglit
if [ "${RUSTICL_PIGLIT:-ci}" != none ]; then
	list=--list=$HERE/piglit-ci.txt
	[ "${RUSTICL_PIGLIT:-ci}" = full ] && list=
	# both devices at once: the guest has two CPUs
	t0=$(date +%s)
	for dev in llvmpipe vsvm; do
		in_root RUSTICL_ENABLE=$dev python3 "$HERE/piglit-cl.py" $list \
			--timeout "${PIGLIT_TIMEOUT:-120}" "/tmp/piglit-$dev.tsv" \
			> "$OUT/rusticl-piglit-$dev.txt" 2>&1 &
	done
	wait
	for dev in llvmpipe vsvm; do
		cp "$ROOT/tmp/piglit-$dev.tsv" "$ROOT/tmp/piglit-$dev.log" "$OUT/" 2>/dev/null
		echo "rusticl: piglit on $dev: $(tail -n 1 "$OUT/rusticl-piglit-$dev.txt")"
	done
	echo "rusticl: piglit: $(( $(date +%s) - t0 )) s"
	in_root python3 "$HERE/piglit-cl.py" --compare /tmp/piglit-vsvm.tsv \
		/tmp/piglit-llvmpipe.tsv --xfail "$HERE/piglit-xfail.txt" \
		> "$OUT/rusticl-piglit-compare.txt" 2>&1 ||
		[ -s "$OUT/rusticl-piglit-compare.txt" ] ||
		echo "FAIL rusticl/piglit@vsvm (no comparison)" >> "$OUT/rusticl-piglit-compare.txt"
	while read -r line; do result "$line"; done < "$OUT/rusticl-piglit-compare.txt"
fi

dmesg | grep -i vsvm | tail -n 20 > "$OUT/rusticl-dmesg.txt"
echo "rusticl: done in $(( $(date +%s) - T0 )) s, status $rc"
exit $rc

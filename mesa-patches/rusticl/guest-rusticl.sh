#!/bin/bash
# SPDX-License-Identifier: MIT
#
# rusticl on vsvm, run in the test guest (scripts/run-guest.sh; the guest
# shows $VSVM_CACHE and the checkout at their host paths):
#
#   flock /tmp/vsvm-heavy.lock scripts/run-guest.sh --out /tmp/rusticl-guest \
#       -- bash mesa-patches/rusticl/guest-rusticl.sh
#
# Loads vsvm.ko from $VSVM_MODROOT (one device; a long job timeout, as the
# ISA runs emulated under TCG), then chroots into the trixie root of
# scripts/build-rusticl.sh (which must have run on the host: it writes
# $VSVM_CACHE/rusticl-current.env) with the guest's /dev, /proc, /sys and a
# tmpfs /tmp, lists the OpenCL devices, and builds and runs every
# mesa-patches/rusticl/tests/*.c on vsvm and, to compare, on llvmpipe.
# One line per run: PASS|FAIL|SKIP rusticl/<test>@<run> (<seconds>), the
# runs being vsvm, llvmpipe and vsvm-engines4 (vsvm, launches spread over
# four engines: VSVM_ENGINES=4).
set -uo pipefail

CACHE=${VSVM_CACHE:-/var/cache/vsvm}
ROOT=$CACHE/rusticl-root
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ENV_FILE=${RUSTICL_ENV_FILE:-$CACHE/rusticl-current.env}
OUT=${VSVM_OUT:-/tmp}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

[ -r "$ENV_FILE" ] || { echo "guest-rusticl: no $ENV_FILE: run scripts/build-rusticl.sh" >&2; exit 1; }

if [ -n "${VSVM_MODROOT:-}" ] && ! grep -q '^vsvm ' /proc/modules; then
	modprobe -d "$VSVM_MODROOT" vsvm num_devices=1 \
		job_timeout_ms="${VSVM_JOB_TIMEOUT_MS:-60000}" || exit 1
fi
ls -l /dev/dri/ || exit 1

# The chroot: the guest's /dev, /proc and /sys, a tmpfs /tmp, the checkout
# (its mount point was made by the host's in_root).
for d in proc sys dev; do mount --rbind /$d "$ROOT/$d" || exit 1; done
mount -t tmpfs tmpfs "$ROOT/tmp" || exit 1
# (a checkout under /tmp gets its mount point in the tmpfs)
mkdir -p "$ROOT$TOP"
mount --bind "$TOP" "$ROOT$TOP" || exit 1
in_root() {
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 \
		$(cat "$ENV_FILE" | grep -v '^RUSTICL_ENABLE=') "$@"
}

rc=0
echo "== clinfo -l (RUSTICL_ENABLE=vsvm,llvmpipe)"
in_root RUSTICL_ENABLE=vsvm,llvmpipe clinfo -l 2>&1 | tee "$OUT/rusticl-clinfo-l.txt"
in_root RUSTICL_ENABLE=vsvm clinfo > "$OUT/rusticl-clinfo.txt" 2>&1
sed '/NULL platform behavior/,$d' "$OUT/rusticl-clinfo.txt" |
	grep -E 'Device Name|Device Type|Device Version|Max compute units|Max work group size|Local memory size|grained|Global memory size' || true
grep -q 'Device Name *vsvm' "$OUT/rusticl-clinfo.txt" || { echo "FAIL rusticl/clinfo: no vsvm device"; rc=1; }

for t in "$TOP"/mesa-patches/rusticl/tests/*.c; do
	name=$(basename "$t" .c)
	in_root gcc -O2 -Wall -Werror -o "/tmp/$name" "$t" -lOpenCL -lm ||
		{ echo "FAIL rusticl/$name (build)"; rc=1; continue; }
	for run in vsvm llvmpipe vsvm-engines4; do
		dev=${run%%-*}
		extra=
		[ "$run" = vsvm-engines4 ] && extra=VSVM_ENGINES=4
		echo "== $name on $run"
		t0=$(date +%s%N)
		in_root RUSTICL_ENABLE=$dev CL_TEST_DEVICE=$dev SVM_VADD_DEVICE=$dev $extra \
			${VSVM_DEBUG:+VSVM_DEBUG=$VSVM_DEBUG} \
			timeout "${TEST_TIMEOUT:-900}" "/tmp/$name" > "$OUT/rusticl-$name-$run.log" 2>&1
		st=$?
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		secs=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
		tail -n 30 "$OUT/rusticl-$name-$run.log"
		case $st in
		0) echo "PASS rusticl/$name@$run (${secs}s)" ;;
		77) echo "SKIP rusticl/$name@$run" ;;
		*) echo "FAIL rusticl/$name@$run (status $st, ${secs}s)"; rc=1 ;;
		esac
	done
done
dmesg | grep -i vsvm | tail -n 20
umount -R "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" "$ROOT/tmp" "$ROOT$TOP" 2>/dev/null
exit $rc

#!/bin/bash
# SPDX-License-Identifier: MIT
# vsvm's test command (README, .ci/run): installs what is missing, builds
# the 7.3 test kernel (cached), vsvm.ko in tree (sparse, W=1) and out of
# tree, the Debian 13 guest root (cached), the userspace parts and the
# kernel's hmm-tests in that root, vsvm.ko by dkms for Debian's stock
# kernel, Mesa's rusticl with the vsvm Gallium driver (mesa-patches/rusticl/)
# in a Debian 13 root of its own, runs the host-side tests and static
# checks, then boots three
# guests: the debug lane (our kernel: lockdep, kmemleak, DEBUG_VM,
# DMA_API_DEBUG), the swiotlb lane (the same kernel with every DMA mapping
# bounced) and the stock lane (Debian's linux-image-7.3.4+deb13-amd64 as
# shipped). Each runs hmm-tests against test_hmm and every IGT test
# against vsvm. Prints one line per test and a closing
# "N passed, N failed, N skipped".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$VSVM_TOP"

# VSVM_BUILD: the Meson build directory (default build/ in the checkout).
bdir=${VSVM_BUILD:-$VSVM_TOP/build}
stage "test: start"
scripts/install-deps.sh
build=$(scripts/build-module.sh | tail -n 1)
src=$(vsvm_src_dir)
root=$(scripts/build-root.sh | tail -n 1)
scripts/check-style.sh
scripts/build-userspace.sh "$root" "$build" "$bdir"
scripts/dkms-build.sh "$root" "$src" >/dev/null

stage "mesa: rusticl + gallium/vsvm (mesa-patches/rusticl/, cached by series hash)"
rm -f "$VSVM_CACHE/rusticl-current.env"
mesa_ok=1
scripts/build-rusticl.sh --jobs 2 >&2 || mesa_ok=0

stage "userspace: host tests (meson test in the Debian 13 root)"
in_root "$root" meson test -C "$bdir" --print-errorlogs >/dev/null || true
results=$bdir/results.txt
python3 - "$bdir/meson-logs/testlog.json" >"$results" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    r = {"OK": "PASS", "SKIP": "SKIP", "EXPECTEDFAIL": "XFAIL"}.get(t["result"], "FAIL")
    print(f"{r} host/{t['name']}")
PY
[ $mesa_ok -eq 1 ] || echo "FAIL rusticl/build (scripts/build-rusticl.sh)" >>"$results"

# guest_lane LANE PREFIX: boot LANE, run the suite, add its results under
# PREFIX/ (and a gate failure when the kernel reported anything)
guest_lane() {
	local lane=$1 prefix=$2 out=$bdir/guest-$1 grc
	stage "guest ($lane lane): hmm-tests and IGT"
	set +e
	# KASAN's guest runs several times slower than the debug one.
	local timeout=1200 kernel=$lane opts=()
	[ "$lane" = kasan ] && timeout=5400
	# the debug lane runs the OpenCL tests and piglit's on top
	[ "$lane" = debug ] && timeout=2700
	# swiotlb: the debug kernel with every DMA mapping bounced (1 GiB of
	# bounce buffers: mirrored pages stay mapped while the GPU may use them)
	[ "$lane" = swiotlb ] && kernel=debug &&
		opts=(--mem 5G --append "swiotlb=524288,force")
	scripts/run-guest.sh --lane "$kernel" "${opts[@]}" --out "$out" --pmem \
		--timeout $timeout -- "$VSVM_TOP/scripts/guest-tests.sh" "$bdir"
	grc=$?
	set -e
	sed -E "s#^([A-Z]+) #\\1 $prefix#" "$out/results.txt" >>"$results" 2>/dev/null || true
	if [ -s "$out/gate.txt" ]; then
		echo "FAIL ${prefix}guest/gate ($(cat "$out/gate.txt"))" >>"$results"
	elif [ $grc -ne 0 ] && ! grep -q "^FAIL $prefix" "$results"; then
		echo "FAIL ${prefix}guest/run (exit status $grc)" >>"$results"
	fi
	grep -a -m1 '^guest: 7' "$out/console.log" >&2 || true
}
# VSVM_LANES: the guest lanes to run (default "debug swiotlb stock"; the
# KASAN lane is scripts/test-kasan.sh, which sets VSVM_LANES=kasan)
for lane in ${VSVM_LANES:-debug swiotlb stock}; do
	case $lane in
	debug) guest_lane debug "" ;;
	swiotlb) guest_lane swiotlb "swiotlb/" ;;
	stock) guest_lane stock "stock/" ;;
	kasan)
		VSVM_KFLAVOUR=kasan scripts/build-module.sh >/dev/null
		guest_lane kasan "kasan/"
		;;
	*) die "unknown lane $lane" ;;
	esac
done

stage "test: results"
cat "$results"
pass=$(grep -c -E '^(PASS|XPASS) ' "$results" || true)
fail=$(grep -c '^FAIL ' "$results" || true)
skip=$(grep -c '^SKIP ' "$results" || true)
xfail=$(grep -c '^XFAIL ' "$results" || true)
echo "known failures (XFAIL, listed above with their reason): $xfail"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

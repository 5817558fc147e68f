#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs inside the test guest: the kernel's hmm-tests against test_hmm (the
# platform check and our baseline), then every IGT test binary against vsvm.
# Each result is one line in $VSVM_OUT/results.txt:
#   PASS|FAIL|SKIP|XFAIL|XPASS <suite>/<test> [reason]
# XFAIL is a known failure with its reason, never hidden, never counted as a
# pass. Exit status: 0 when nothing failed unexpectedly.
#
# usage: guest-tests.sh BUILD_DIR   (the Meson build directory)
set -uo pipefail
bdir=$1
res=$VSVM_OUT/results.txt
: >"$res"
modprobe="modprobe -d $VSVM_MODROOT"

# hmm-tests that fail on an unpatched 6.12 and why (see README).
declare -A known=(
	[hmm.hmm_device_private.exclusive]="make_device_exclusive_range() returns -EBUSY on 6.12 (issue 4)"
	[hmm.hmm_device_private.exclusive_mprotect]="make_device_exclusive_range() returns -EBUSY on 6.12 (issue 4)"
	[hmm.hmm_device_private.exclusive_cow]="make_device_exclusive_range() returns -EBUSY on 6.12 (issue 4)"
)

section() { echo "=== $* ($(cut -d' ' -f1 /proc/uptime)s)"; }

section "hmm-tests against test_hmm"
echo 64 > /proc/sys/vm/nr_hugepages
if $modprobe test_hmm; then
	timeout 1200 "$bdir/hmm-tests" 2>&1 | tee "$VSVM_OUT/hmm-tests.log" |
		grep -E '^(not )?ok |^# (FAIL|PASS|Totals)'
	# test_hmm stays loaded: its unload leaks its device names (kmemleak),
	# a bug of the kernel's test driver, not of what we test.
	while read -r line; do
		[[ $line =~ ^(not\ )?ok\ [0-9]+\ ([^ ]+)(.*)$ ]] || continue
		name=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]}
		if [[ $rest == *"# SKIP"* ]]; then
			echo "SKIP hmm-tests/$name${rest#*# SKIP}"
		elif [ -z "${BASH_REMATCH[1]}" ]; then
			[ -n "${known[$name]:-}" ] && echo "XPASS hmm-tests/$name" ||
				echo "PASS hmm-tests/$name"
		elif [ -n "${known[$name]:-}" ]; then
			echo "XFAIL hmm-tests/$name ${known[$name]}"
		else
			echo "FAIL hmm-tests/$name"
		fi
	done < "$VSVM_OUT/hmm-tests.log" >>"$res"
	grep -q 'hmm-tests/' "$res" || echo "FAIL hmm-tests/run (no results)" >>"$res"
else
	echo "FAIL hmm-tests/load-test_hmm" >>"$res"
fi

# DAX: an ext4 on the legacy pmem region, mounted with -o dax.
if [ -b /dev/pmem0 ]; then
	mkdir -p /tmp/dax
	if mkfs.ext4 -q -F -b 4096 /dev/pmem0 && mount -o dax /dev/pmem0 /tmp/dax; then
		export VSVM_DAX_DIR=/tmp/dax
	else
		echo "FAIL setup/dax-mount" >>"$res"
	fi
fi

section "vsvm: load"
if ! $modprobe vsvm; then
	echo "FAIL vsvm/load" >>"$res"
	exit 1
fi
echo "PASS vsvm/load" >>"$res"

for t in $(sed -n "/^TESTLIST$/,/^END TESTLIST$/{/TESTLIST/d;p}" "$bdir/igt-tests/test-list.txt"); do
	section "igt: $t"
	timeout 600 "$bdir/igt-tests/$t" 2>&1 | tee "$VSVM_OUT/igt-$t.log"
	status=${PIPESTATUS[0]}
	n=0
	while read -r _ name verdict _; do
		name=${name%:}
		case "$verdict" in
		SUCCESS) echo "PASS igt/$t/$name" ;;
		SKIP) echo "SKIP igt/$t/$name" ;;
		*) echo "FAIL igt/$t/$name ($verdict)" ;;
		esac
		n=$((n + 1))
	done < <(grep -E '^Subtest [^ ]+: [A-Z]+' "$VSVM_OUT/igt-$t.log") >>"$res"
	if [ "$status" -ne 0 ] && [ "$status" -ne 77 ] &&
	   ! grep -q "^FAIL igt/$t/" "$res"; then
		echo "FAIL igt/$t (exit status $status)" >>"$res"
	fi
done

section "opencl: clover on vsvm (Mesa with mesa-patches/)"
if [ -r /var/cache/vsvm/mesa-current.env ]; then
	timeout 900 "$VSVM_TOP/scripts/guest-opencl.sh" 2>&1 | tee "$VSVM_OUT/opencl.log"
	status=${PIPESTATUS[0]}
	sed -nE 's/^(PASS|FAIL): ([^(]*).*/\1 \2/p' "$VSVM_OUT/opencl.log" |
	while read -r verdict what; do
		echo "$verdict opencl/$(echo "$what" | tr -cs 'A-Za-z0-9' '-' | sed 's/-$//')"
	done >>"$res"
	if [ "$status" -ne 0 ] && ! grep -q '^FAIL opencl/' "$res"; then
		echo "FAIL opencl/run (exit status $status)" >>"$res"
	fi
else
	echo "FAIL opencl/no-mesa-build" >>"$res"
fi

[ -n "${VSVM_DAX_DIR:-}" ] && umount /tmp/dax
echo 0 > /proc/sys/vm/nr_hugepages

section "vsvm: unload"
if $modprobe -r vsvm; then
	echo "PASS vsvm/unload" >>"$res"
else
	echo "FAIL vsvm/unload" >>"$res"
fi

! grep -q '^FAIL' "$res"

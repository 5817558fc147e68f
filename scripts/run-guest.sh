#!/bin/bash
# SPDX-License-Identifier: MIT
# Boot a test kernel under QEMU (TCG) with the Debian 13 root as its
# read-only 9p root, run one command in the guest and return its exit
# status. The host's root is shared too (read-only, at /host in the guest):
# the guest sees the checkout and $VSVM_CACHE at their host paths. The run
# fails when the kernel logged a WARNING, BUG, Oops, lockdep, KASAN or
# kmemleak report, whatever the command returned.
#
# When the run fails for a reason other than the command's status (timeout,
# kernel reports, no status), the reason is written to DIR/gate.txt.
#
# usage: run-guest.sh [--lane debug|stock] [--out DIR] [--timeout SEC]
#                     [--mem SIZE] [--pmem] [--append ARGS] [--] COMMAND...
#   --lane L       debug: our test kernel (lockdep, kmemleak, DEBUG_VM, ...);
#                  kasan: the same with KASAN (kernel/vsvm-kasan.config);
#                  bench: the same without the checkers (vsvm-bench.config);
#                  stock: Debian's unmodified $VSVM_STOCK_KREL kernel with
#                  its own modules and vsvm.ko from dkms (default debug)
#   --out DIR      results directory (writable in the guest as $VSVM_OUT);
#                  console.log, dmesg.txt, kmemleak.txt and rc land there
#   --timeout SEC  hard limit for the whole guest run (default 1200)
#   --mem SIZE     guest memory (default 3G)
#   --pmem         reserve 512 MiB of guest RAM as legacy pmem (/dev/pmem0)
#   --append ARGS  more kernel parameters (swiotlb=force, say)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$VSVM_TOP/build/guest
timeout=1200
mem=3G
pmem=
lane=debug
extra=
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--pmem) pmem="memmap=512M!2G"; shift ;;
	--lane) lane=$2; shift 2 ;;
	--append) extra=$2; shift 2 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || die "no command given"

root=$("$VSVM_TOP/scripts/build-root.sh" | tail -n 1)
case $lane in debug|kasan|bench) VSVM_KFLAVOUR=$lane ;; esac
build=$(vsvm_kbuild_dir)
init=/usr/local/sbin/vsvm-guest-init
case $lane in
debug|kasan|bench)
	kernel=$build/arch/x86/boot/bzImage
	[ -f "$kernel" ] || die "no kernel at $kernel: run scripts/build-kernel.sh"
	initrd=()
	rootargs="root=root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=1048576,cache=loose ro init=$init"
	# PCI interrupts from the BIOS's PIRQ table, not from ACPI. The
	# test kernel has no PCI_MSI: each virtio-9p device interrupts on
	# its INTx line, which ACPI looks up by running \_SB.PCI0._PRT, an
	# AML While loop of 128 steps, once per device. Under TCG that took
	# the debug kernel 10 s a device and the KASAN kernel more than
	# ACPICA's 30 s loop limit: _PRT was aborted (AE_AML_LOOP_TIMEOUT),
	# the devices had no interrupt ("PCI INT A: no GSI") and the root
	# mount waited for its first reply forever. With acpi=noirq the
	# KASAN kernel mounts the root at 24 s, the debug one at 4-6 s
	# (37 s before).
	rootargs+=" acpi=noirq"
	modroot=$build/modroot
	cpu=max
	accel=tcg
	;;
stock)
	kernel=$root/usr/lib/modules/$VSVM_STOCK_KREL/vmlinuz
	initrd=(-initrd "$("$VSVM_TOP/scripts/build-initramfs.sh" "$root" | tail -n 1)")
	rootargs="vsvm_init=$init"
	modroot=/
	# Debian's kernel hangs early in boot under TCG with -cpu max (after
	# the futex hash table line); the baseline x86-64 model boots in 4 s.
	cpu=qemu64
	# Debian's kernel patches its text at boot (static keys: "sched_clock:
	# Marking stable") while the other vCPU runs; multi-threaded TCG does
	# not keep cross-modified code coherent, and about one boot in five
	# died of an int3 Oops in sched_clock_cpu(). One TCG thread runs both
	# vCPUs in turn: code writes are seen at once.
	accel=tcg,thread=single
	;;
*) die "unknown lane $lane" ;;
esac
# What the guest needs in its root: our init, and mount points for the
# host's root, the checkout and the cache.
install -D -m 0755 "$VSVM_TOP/scripts/guest-init.sh" "$root$init"
mkdir -p "$root/host" "$root$VSVM_CACHE"
case $VSVM_TOP in /tmp/*) ;; *) mkdir -p "$root$VSVM_TOP" ;; esac

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/{console.log,dmesg.txt,kmemleak.txt,rc,cmd,cmd.env,gate.txt}
# The command travels as a file: the kernel command line is short.
printf 'export VSVM_TOP=%q VSVM_MODROOT=%q VSVM_KBUILD=%q VSVM_LANE=%q VSVM_CACHE=%q\n' \
	"$VSVM_TOP" "$modroot" "$build" "$lane" "$VSVM_CACHE" >"$out/cmd.env"
{
	echo '. /mnt/cmd.env'
	printf 'cd %q\n' "$PWD"
	printf '%q ' "$@"
	echo
} >"$out/cmd"

stage "guest: booting the $lane kernel ($mem, timeout ${timeout}s): $*"
set +e
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
	-accel "$accel" -cpu "$cpu" -smp 2 -m "$mem" \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$kernel" "${initrd[@]}" \
	-append "console=ttyS0 $rootargs panic=-1 oops=panic loglevel=7 rcupdate.rcu_cpu_stall_timeout=300 $pmem $extra" \
	-fsdev local,id=root,path="$root",security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=root \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev local,id=results,path="$out",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=results,mount_tag=results \
	</dev/null >"$out/console.log" 2>&1
qrc=$?
set -e

if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	tail -30 "$out/console.log"
	echo "timeout after ${timeout}s" >"$out/gate.txt"
	stage "guest: TIMEOUT: the guest did not finish within ${timeout}s (console: $out/console.log)"
	exit 124
fi

# Kernel reports that fail the run. Search the console and the dmesg the
# guest saved, plus kmemleak's final scan.
pattern='WARNING:|BUG:|Oops|Kernel panic|general protection fault|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|turning off the locking correctness validator|trying to register non-static key|KASAN|UBSAN|unreferenced object|suspected memory leak|INFO: task .* blocked|Call Trace:'
# Only kernel lines (printk timestamps) count: test programs print words
# like "DEBUG:" or "WARNING:" of their own.
reports=$(grep -ahE "^\[ *[0-9]+\.[0-9]+\] .*($pattern)" "$out/console.log" "$out/dmesg.txt" 2>/dev/null | head -20 || true)
if [ -s "$out/kmemleak.txt" ]; then
	reports+=$'\n'"kmemleak: $(grep -c unreferenced "$out/kmemleak.txt") leaks, see $out/kmemleak.txt"
fi

if [ ! -f "$out/rc" ]; then
	tail -40 "$out/console.log"
	# Say why in the one line CI shows: the first kernel report, if any.
	echo "no exit status${reports:+; kernel: $(echo "$reports" | head -1 | cut -c1-160)}" >"$out/gate.txt"
	stage "guest: FAILED: the guest ended without reporting an exit status"
	exit 1
fi
rc=$(cat "$out/rc")

if [ -n "$reports" ]; then
	echo "$reports"
	echo "kernel reports: $(echo "$reports" | head -1)" >"$out/gate.txt"
	stage "guest: FAILED: kernel reports in the log ($out/console.log)"
	exit 1
fi
stage "guest: command exited $rc"
exit "$rc"

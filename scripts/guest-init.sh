#!/bin/bash
# SPDX-License-Identifier: MIT
# PID 1 of the test guest (see run-guest.sh), installed in the Debian 13
# root as /usr/local/sbin/vsvm-guest-init. Sets up a minimal system on the
# read-only root, mounts the host's root at /host and shows the checkout
# and the cache at their host paths, runs the command in results/cmd, saves
# its exit status, the kernel log and a final kmemleak scan, then reboots,
# which QEMU's -no-reboot turns into an exit.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LANG=C.UTF-8

mount -t proc proc /proc
mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm /dev/hugepages
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
p9="trans=virtio,version=9p2000.L,msize=1048576"
mount -t 9p -o "$p9,cache=loose,ro" hostroot /host
mount -t 9p -o "$p9" results /mnt
. /mnt/cmd.env
# The checkout and the cache at their host paths (a checkout under /tmp
# needs its mount point made in the guest's own /tmp).
mkdir -p "$VSVM_TOP" 2>/dev/null
mount --bind "/host$VSVM_TOP" "$VSVM_TOP"
mount --bind "/host$VSVM_CACHE" "$VSVM_CACHE"
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t hugetlbfs hugetlbfs /dev/hugepages
export VSVM_OUT=/mnt

leak=/sys/kernel/debug/kmemleak
# Boot-time objects are not ours to judge: forget them.
[ -w $leak ] && echo clear > $leak

echo "guest: $(uname -r), $(nproc) cpus, running: $(tail -n 1 /mnt/cmd)"
bash -c '. /mnt/cmd' </dev/null
rc=$?
echo "guest: command exited $rc"

if [ -w $leak ]; then
	# kmemleak only reports objects older than 5 s: scan twice.
	echo scan > $leak
	sleep 6
	echo scan > $leak
	cat $leak > /mnt/kmemleak.txt
fi
dmesg > /mnt/dmesg.txt
echo "$rc" > /mnt/rc
sync
umount /mnt
busybox reboot -f

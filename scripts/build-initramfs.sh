#!/bin/bash
# SPDX-License-Identifier: MIT
# The stock lane's initramfs. Debian's stock kernel has 9p as modules, so it
# cannot mount the guest's 9p root by itself: this small initramfs (busybox
# and the four modules, decompressed, from the stock kernel in the Debian 13
# root) loads them, mounts the root read-only and switches to it. Cached by
# the root's path. Prints the initramfs path on the last line.
#
# usage: build-initramfs.sh ROOT
set -euo pipefail
. "$(dirname "$0")/lib.sh"

root=$1
out=$VSVM_CACHE/initrd-$(basename "$root").cpio.gz
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi

stage "initramfs: busybox and 9p modules of $VSVM_STOCK_KREL"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,newroot,lib}
cp "$root/usr/bin/busybox" "$tmp/bin/busybox"
for t in sh mount umount insmod mkdir switch_root; do
	ln -s busybox "$tmp/bin/$t"
done
mods=$root/usr/lib/modules/$VSVM_STOCK_KREL/kernel
# in dependency order
for m in fs/netfs/netfs net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p; do
	xz -dc "$mods/$m.ko.xz" >"$tmp/lib/${m##*/}.ko"
done
cat >"$tmp/init" <<'INIT'
#!/bin/sh
# The kernel hands unknown boot parameters (vsvm_init=...) to us as
# environment variables.
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in netfs 9pnet 9pnet_virtio 9p; do
	insmod /lib/$m.ko || echo "initramfs: insmod $m failed"
done
mount -t 9p -o trans=virtio,version=9p2000.L,msize=1048576,cache=loose,ro \
	root /newroot || { echo "initramfs: cannot mount the 9p root"; exec sh; }
umount /dev /proc
exec switch_root /newroot "${vsvm_init:-/sbin/init}"
INIT
chmod +x "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -9) >"$out.tmp"
mv "$out.tmp" "$out"
rm -f "$VSVM_CACHE"/initrd-*.cpio.gz.old
for f in "$VSVM_CACHE"/initrd-*.cpio.gz; do
	[ "$f" = "$out" ] || rm -f "$f"
done
echo "$out"

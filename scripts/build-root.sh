#!/bin/bash
# SPDX-License-Identifier: MIT
# The guest's userspace: a Debian 13 (trixie) root made by debootstrap,
# holding everything the tests run and build with (libdrm, libigt from
# intel-gpu-tools, clinfo, gcc and meson), what Mesa's rusticl builds with,
# Debian's stock 7.3 kernel modules and headers, and dkms for the stock
# lane. The bookworm host only builds the kernel and boots QEMU; the guest
# boots with this root as its read-only 9p root.
#
# Cached as $VSVM_CACHE/root-<hash>, the hash taken over the package list,
# the pinned stock kernel and this script: a warm run only checks the stamp.
# Prints the root's path on the last line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# What the guest runs, what userspace builds with, and the stock lane.
pkgs=(
	kmod util-linux procps e2fsprogs busybox-static xz-utils
	libdrm2 libdrm-dev intel-gpu-tools clinfo ocl-icd-libopencl1
	gcc libc6-dev make meson ninja-build pkg-config python3
	dkms
	# What the rusticl series (Mesa 25.0.7) builds with, and pocl to
	# compare against: bookworm lacks bindgen >= 0.65.
	rustc bindgen llvm-19-dev libclang-19-dev libclc-19-dev llvm-spirv-19
	libllvmspirvlib-19-dev spirv-tools glslang-tools python3-mako
	python3-yaml python3-ply flex bison libelf-dev zlib1g-dev libzstd-dev
	libexpat1-dev ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd
)
# From trixie-backports, pinned: the kernel the stock lane boots.
bpo_pkgs=(
	"linux-headers-$VSVM_STOCK_KREL=$VSVM_KVER_VERSION"
)
stock_debs=(
	"linux-binary-$VSVM_STOCK_KREL=$VSVM_KVER_VERSION"
	"linux-modules-$VSVM_STOCK_KREL=$VSVM_KVER_VERSION"
)

key=$({
	printf '%s\n' "${pkgs[@]}" "${bpo_pkgs[@]}" "${stock_debs[@]}"
	cat "$0"
} | sha256sum | cut -c1-16)
root=$VSVM_CACHE/root-$key

if [ -f "$root/.vsvm-done" ]; then
	stage "root: cached Debian 13 root $root"
	echo "$root"
	exit 0
fi

command -v debootstrap >/dev/null || die "debootstrap missing: run scripts/install-deps.sh"
rm -rf "$root" "$root.tmp"
mkdir -p "$root.tmp"
stage "root: debootstrap --variant=minbase trixie"
debootstrap --variant=minbase trixie "$root.tmp" "$VSVM_MIRROR" >"$VSVM_CACHE/debootstrap.log" 2>&1 ||
	{ tail -20 "$VSVM_CACHE/debootstrap.log" >&2; die "debootstrap failed"; }

cat >"$root.tmp/etc/apt/sources.list" <<EOF
deb $VSVM_MIRROR trixie main
deb $VSVM_MIRROR trixie-backports main
EOF
# No daemons start inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root.tmp/usr/sbin/policy-rc.d"
chmod +x "$root.tmp/usr/sbin/policy-rc.d"

stage "root: installing ${#pkgs[@]} packages and the stock 7.3 headers"
rootrun() {
	chroot "$root.tmp" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"
}
mount -t proc proc "$root.tmp/proc"
trap 'umount "$root.tmp/proc" 2>/dev/null || true' EXIT
rootrun apt-get update -q >/dev/null
rootrun apt-get install -y -q --no-install-recommends "${pkgs[@]}" >"$VSVM_CACHE/root-apt.log" 2>&1 ||
	{ tail -20 "$VSVM_CACHE/root-apt.log" >&2; die "installing the root's packages failed"; }
rootrun apt-get install -y -q --no-install-recommends -t trixie-backports "${bpo_pkgs[@]}" \
	>>"$VSVM_CACHE/root-apt.log" 2>&1 ||
	{ tail -20 "$VSVM_CACHE/root-apt.log" >&2; die "installing the stock kernel headers failed"; }

# The stock kernel's image and modules, unpacked as the archive ships them
# (no initramfs hooks run: the stock lane makes its own small initramfs).
stage "root: unpacking Debian's stock $VSVM_STOCK_KREL image and modules"
rm -rf "$root.tmp/var/cache/vsvm-debs"
mkdir -p "$root.tmp/var/cache/vsvm-debs"
(cd "$root.tmp/var/cache/vsvm-debs" && rootrun sh -c "cd /var/cache/vsvm-debs && apt-get download -q ${stock_debs[*]}" >/dev/null)
for deb in "$root.tmp"/var/cache/vsvm-debs/*.deb; do
	dpkg-deb -x "$deb" "$root.tmp"
done
rm -rf "$root.tmp/var/cache/vsvm-debs"
rootrun depmod "$VSVM_STOCK_KREL"
[ -f "$root.tmp/usr/lib/modules/$VSVM_STOCK_KREL/vmlinuz" ] ||
	die "no vmlinuz in Debian's $VSVM_STOCK_KREL image"
rootrun apt-get clean

umount "$root.tmp/proc"
trap - EXIT
touch "$root.tmp/.vsvm-done"
mv "$root.tmp" "$root"
for d in "$VSVM_CACHE"/root-*; do
	case "$d" in "$root") ;; *) rm -rf "$d" ;; esac
done
stage "root: ready, $(du -sh "$root" | cut -f1)"
echo "$root"

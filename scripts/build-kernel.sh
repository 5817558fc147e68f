#!/bin/bash
# SPDX-License-Identifier: MIT
# Build vsvm's test kernel: Debian's linux-source-7.3, allnoconfig plus
# kernel/vsvm.config, with drivers-gpu linked into the tree as
# drivers/gpu/drm/vsvm. The build lives in $VSVM_CACHE keyed by the kernel
# version, the fragment, vsvm's Kconfig and our kernel patches, so a warm run
# only checks the stamp. Prints the build directory on the last line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball=$VSVM_KSRC_TARBALL
mkdir -p "$VSVM_CACHE/debs"
if [ ! -f "$tarball" ]; then
	# The pinned source package from trixie-backports, fetched with a
	# private apt configuration; the host's apt sources stay untouched.
	stage "kernel: fetching $VSVM_KVER_PKG=$VSVM_KVER_VERSION"
	(cd "$VSVM_CACHE/debs" && tapt download -q "$VSVM_KVER_PKG=$VSVM_KVER_VERSION" >/dev/null)
	deb=$(ls "$VSVM_CACHE"/debs/"$VSVM_KVER_PKG"_*.deb)
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/$VSVM_KVER_PKG.tar.xz" >"$tarball.tmp"
	mv "$tarball.tmp" "$tarball"
	rm -f "$deb"
fi

key=$(vsvm_kernel_key)
src=$(vsvm_src_dir)
build=$VSVM_CACHE/kbuild-$key

# One build of a key at a time: a second caller (a module build, say) waits
# for the first one and then finds the stamp.
exec 8>"$VSVM_CACHE/kbuild-$key.lock"
if ! flock -n 8; then
	stage "kernel: another build of $key is running, waiting for it"
	flock 8
fi

if [ -f "$build/.vsvm-done" ]; then
	stage "kernel: cached build $build"
	echo "$build"
	exit 0
fi

# Source tree: pristine unpack + our patches + vsvm hooked into drm's Kconfig.
if [ ! -f "$src/.vsvm-src-done" ]; then
	stage "kernel: unpacking $tarball"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$tarball" -C "$src.tmp" --strip-components=1
	for p in "$VSVM_TOP"/kernel/patches/*.patch; do
		[ -f "$p" ] || continue
		stage "kernel: applying $(basename "$p")"
		patch -d "$src.tmp" -p1 --quiet < "$p"
	done
	echo 'source "drivers/gpu/drm/vsvm/Kconfig"' >> "$src.tmp/drivers/gpu/drm/Kconfig"
	echo 'obj-$(CONFIG_DRM_VSVM) += vsvm/' >> "$src.tmp/drivers/gpu/drm/Makefile"
	touch "$src.tmp/.vsvm-src-done"
	mv "$src.tmp" "$src"
fi

# Only vsvm's Kconfig takes part in the cached kernel build (it selects
# DRM_SCHED, DRM_BUDDY, HMM_MIRROR). The module itself is built for every
# run by scripts/build-module.sh, in tree and out of tree.
mkdir -p "$src/drivers/gpu/drm/vsvm"
cp "$VSVM_TOP/drivers-gpu/Kconfig" "$src/drivers/gpu/drm/vsvm/Kconfig"
[ -f "$src/drivers/gpu/drm/vsvm/Makefile" ] ||
	echo '# filled by scripts/build-module.sh' > "$src/drivers/gpu/drm/vsvm/Makefile"

mkdir -p "$build"
frags=$(vsvm_kconfig_fragments)
stage "kernel ($VSVM_KFLAVOUR): configuring (allnoconfig +" $(basename -a $frags) ")"
make -s -C "$src" O="$build" allnoconfig >/dev/null
# shellcheck disable=SC2086
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
	$frags >/dev/null
make -s -C "$src" O="$build" olddefconfig >/dev/null

# Every line of the fragments must have survived: Kconfig silently drops
# options whose dependencies are missing. A later fragment overrides an
# earlier one; "# CONFIG_X is not set" must leave X unset.
bad=0
declare -A want=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*) want[${line%%=*}]=$line ;;
	"# CONFIG_"*" is not set") line=${line#\# }; want[${line%% *}]=unset ;;
	esac
done < <(cat $frags)
for sym in "${!want[@]}"; do
	line=${want[$sym]}
	if [ "$line" = unset ]; then
		grep -q "^$sym=" "$build/.config" || continue
	elif grep -qxF "$line" "$build/.config"; then
		continue
	fi
	echo "config: wanted $line for $sym, got: $(grep "^$sym=" "$build/.config" || echo unset)" >&2
	bad=1
done
[ $bad -eq 0 ] || die "kernel config fragment not applied"

jobs=$(( $(nproc) + 1 ))
stage "kernel: building bzImage and modules (-j$jobs); cold takes ~10-15 min"
start=$(date +%s)
(
	while sleep 60; do
		n=$(find "$build" -name '*.o' 2>/dev/null | wc -l)
		stage "kernel: still building, $n objects"
	done
) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
make -s -C "$src" O="$build" -j"$jobs" bzImage modules >"$build/build.log" 2>&1 ||
	{ tail -40 "$build/build.log" >&2; die "kernel build failed ($build/build.log)"; }
# The uapi headers hmm-tests build against.
make -s -C "$src" O="$build" headers >/dev/null
rm -rf "$build/modroot"
make -s -C "$src" O="$build" INSTALL_MOD_PATH="$build/modroot" \
	INSTALL_MOD_STRIP=1 modules_install >/dev/null
kill $ticker 2>/dev/null || true
stage "kernel: built in $(( $(date +%s) - start ))s"
touch "$build/.vsvm-done"
# Builds for other keys are stale now: keep the disk in check (the other
# flavour's current build stays). VSVM_KEEP_KERNELS=1 keeps them, for
# checkouts that still use another key on the same machine.
keep="$(vsvm_kernel_key debug) $(vsvm_kernel_key kasan) $(vsvm_kernel_key bench)"
[ "${VSVM_KEEP_KERNELS:-0}" = 1 ] ||
for d in "$VSVM_CACHE"/kbuild-* "$VSVM_CACHE"/src-*; do
	case " $keep " in *" ${d##*-} "*) ;; *) rm -rf "$d" ;; esac
done
echo "$build"

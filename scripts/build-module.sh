#!/bin/bash
# SPDX-License-Identifier: MIT
# Build vsvm.ko against the cached test kernel, twice:
#  - in tree, as drivers/gpu/drm/vsvm, with sparse (C=2) and W=1: any
#    compiler, sparse or kernel-doc warning fails the build;
#  - out of tree (M=), the module the guest loads, installed as
#    extra/vsvm.ko in the kernel's module root with depmod run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

build=$("$VSVM_TOP/scripts/build-kernel.sh" | tail -n 1)
key=${build##*/kbuild-}
src=$VSVM_CACHE/src-$key
kver=$(cat "$build/include/config/kernel.release")

# The uapi header goes where it would live upstream; both builds find it
# as <drm/vsvm_drm.h>.
cp "$VSVM_TOP/uapi/drm/vsvm_drm.h" "$src/include/uapi/drm/vsvm_drm.h"

stage "module: in-tree build with C=2 W=1"
rsync -a --delete "$VSVM_TOP/drivers-gpu/" "$src/drivers/gpu/drm/vsvm/"
log=$build/vsvm-intree.log
make -C "$src" O="$build" C=2 W=1 drivers/gpu/drm/vsvm/ >"$log" 2>&1 ||
	{ cat "$log" >&2; die "in-tree build of vsvm failed"; }
if grep -E 'warning|error|: note:' "$log" >&2; then
	die "in-tree build of vsvm is not warning-free (C=2 W=1)"
fi

stage "module: out-of-tree build"
oot=$build/vsvm-oot
rsync -a --delete "$VSVM_TOP/drivers-gpu/" "$oot/"
log=$build/vsvm-oot.log
make -C "$src" O="$build" M="$oot" W=1 CONFIG_DRM_VSVM=m modules >"$log" 2>&1 ||
	{ cat "$log" >&2; die "out-of-tree build of vsvm failed"; }
if grep -E 'warning|error' "$log" >&2; then
	die "out-of-tree build of vsvm is not warning-free"
fi
mkdir -p "$build/modroot/lib/modules/$kver/extra"
cp "$oot/vsvm.ko" "$build/modroot/lib/modules/$kver/extra/vsvm.ko"
depmod -b "$build/modroot" "$kver"
stage "module: $build/modroot/lib/modules/$kver/extra/vsvm.ko"
echo "$build"

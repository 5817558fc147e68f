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
src=$(vsvm_src_dir)
kver=$(cat "$build/include/config/kernel.release")

# The uapi header goes where it would live upstream; both builds find it
# as <drm/vsvm_drm.h> and <drm/vsvm_isa.h>.
cp "$VSVM_TOP/uapi/drm/vsvm_drm.h" "$VSVM_TOP/uapi/drm/vsvm_isa.h" "$src/include/uapi/drm/"

sparse=$("$VSVM_TOP/scripts/build-sparse.sh" | tail -n 1)

# intree_build LOG [TARGET]: vsvm in tree (or one object of it) with sparse
# on every file (C=2) and W=1
intree_build() {
	make -C "$src" O="$build" C=2 CHECK="$sparse" W=1 \
		"drivers/gpu/drm/vsvm/${2:-}" >"$1" 2>&1
}

# Sparse must really run: Kbuild silently drops C=2 when the checker fails
# its checker-valid.sh test. A planted sparse-only warning (a global that
# should be static: gcc says nothing) must show up first.
stage "module: sparse self-test (a planted warning must be reported)"
rsync -a --delete "$VSVM_TOP/drivers-gpu/" "$src/drivers/gpu/drm/vsvm/"
printf '// SPDX-License-Identifier: GPL-2.0-only\nint vsvm_planted_sparse_warning;\n' \
	>"$src/drivers/gpu/drm/vsvm/vsvm_planted.c"
log=$build/vsvm-sparse-selftest.log
intree_build "$log" vsvm_planted.o || true
grep -q "vsvm_planted.c:.*warning: symbol 'vsvm_planted_sparse_warning' was not declared" "$log" ||
	{ cat "$log" >&2; die "sparse did not report the planted warning: C=2 is not running sparse"; }

stage "module: in-tree build with C=2 W=1 ($(basename "$(dirname "$sparse")"))"
rsync -a --delete "$VSVM_TOP/drivers-gpu/" "$src/drivers/gpu/drm/vsvm/"
log=$build/vsvm-intree.log
intree_build "$log" ||
	{ cat "$log" >&2; die "in-tree build of vsvm failed"; }
nfiles=$(ls "$VSVM_TOP"/drivers-gpu/*.c | wc -l)
nchecked=$(grep -c '^ *CHECK ' "$log" || true)
[ "$nchecked" -ge "$nfiles" ] ||
	{ cat "$log" >&2; die "sparse checked $nchecked of $nfiles files"; }
if grep -E 'warning|error|: note:' "$log" >&2; then
	die "in-tree build of vsvm is not warning-free (C=2 W=1)"
fi

stage "module: out-of-tree build"
oot=$build/vsvm-oot
rsync -a --delete "$VSVM_TOP/drivers-gpu/" "$oot/"
install -D -m 0644 -t "$oot/uapi/drm" "$VSVM_TOP/uapi/drm/vsvm_drm.h" "$VSVM_TOP/uapi/drm/vsvm_isa.h"
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

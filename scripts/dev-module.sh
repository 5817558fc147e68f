#!/bin/bash
# SPDX-License-Identifier: MIT
# A private build of this checkout's vsvm.ko for development: out of tree
# against the cached test kernel, with sparse (C=2) and W=1, in DIR. Nothing
# shared is touched (build-module.sh installs into the kernel's module root;
# this does not), so several checkouts can build at once. In a guest, load
# the result with
#   modprobe -d $VSVM_MODROOT -a $(modprobe -d $VSVM_MODROOT -D vsvm |
#       awk '/^insmod/ && !/vsvm.ko/ {sub(".*/", "", $2); sub("\\.ko.*", "", $2); print $2}')
#   insmod DIR/vsvm.ko job_timeout_ms=6000
#
# usage: dev-module.sh DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: dev-module.sh DIR"
dir=$(realpath -m "$1")

build=$("$VSVM_TOP/scripts/build-kernel.sh" | tail -n 1)
src=$(vsvm_src_dir)
sparse=$("$VSVM_TOP/scripts/build-sparse.sh" | tail -n 1)

mkdir -p "$dir"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	"$VSVM_TOP/drivers-gpu/" "$dir/"
install -D -m 0644 -t "$dir/uapi/drm" "$VSVM_TOP/uapi/drm/vsvm_drm.h" "$VSVM_TOP/uapi/drm/vsvm_isa.h"
stage "dev-module: $dir (C=2 W=1)"
log=$dir/build.log
make -C "$src" O="$build" M="$dir" C=2 CHECK="$sparse" W=1 \
	CONFIG_DRM_VSVM=m modules >"$log" 2>&1 ||
	{ cat "$log" >&2; die "build failed"; }
if grep -E 'warning|error|: note:' "$log" >&2; then
	die "build is not warning-free"
fi
stage "dev-module: $dir/vsvm.ko"

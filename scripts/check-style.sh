#!/bin/bash
# SPDX-License-Identifier: MIT
# checkpatch --strict over the driver and the uapi header: any ERROR,
# WARNING or CHECK fails; then kernel-doc -Wall over both, which also
# covers the uapi header that no kernel build compiles with W=1. (sparse
# and the W=1 kernel-doc of the driver run in build-module.sh.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$(vsvm_src_dir)
cp=$src/scripts/checkpatch.pl
[ -x "$cp" ] || die "no checkpatch.pl at $cp: run scripts/build-kernel.sh"

cd "$VSVM_TOP"
files=$(ls drivers-gpu/*.[ch] uapi/drm/*.h)
stage "checks: checkpatch --strict on $(echo "$files" | wc -l) files"
# uapi headers cannot use BIT(): that one CHECK is expected there.
out=$("$cp" --no-tree --strict --terse --show-types -f $files 2>&1 |
	grep -E 'ERROR|WARNING|CHECK' | grep -v '^uapi/.*CHECK:BIT_MACRO' || true)
if [ -n "$out" ]; then
	echo "$out"
	die "checkpatch --strict is not clean"
fi

stage "checks: kernel-doc -Wall on $(echo "$files" | wc -l) files"
out=$("$src/scripts/kernel-doc" -none -Wall $files 2>&1 || true)
if [ -n "$out" ]; then
	echo "$out"
	die "kernel-doc -Wall is not clean"
fi

#!/bin/bash
# SPDX-License-Identifier: MIT
# checkpatch --strict over the driver and the uapi header: any ERROR,
# WARNING or CHECK fails. (sparse and kernel-doc run in build-module.sh.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$VSVM_CACHE/src-$(vsvm_kernel_key)
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

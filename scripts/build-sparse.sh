#!/bin/bash
# SPDX-License-Identifier: MIT
# sparse for Linux 7.3: bookworm's 0.6.4 fails 7.3's checker-valid.sh
# (__typeof_unqual__), and Kbuild then turns C=2 off without a word. This
# builds Debian's sparse 0.6.5~rc1 source package (sid) into $VSVM_CACHE.
# Prints the sparse binary's path on the last line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=0.6.5~rc1-2
dir=$VSVM_CACHE/sparse-$ver
if [ -x "$dir/sparse" ]; then
	echo "$dir/sparse"
	exit 0
fi
stage "sparse: building Debian's sparse $ver"
rm -rf "$dir" "$dir.dl" "$dir.src"
mkdir -p "$dir.dl"
(cd "$dir.dl" && tapt source -q --download-only "sparse=$ver" >/dev/null)
dpkg-source -x "$dir.dl"/sparse_*.dsc "$dir.src" >/dev/null
# CC=gcc: Debian's packaging pins a compiler version (gcc-16 in sid) that
# bookworm does not have; sparse builds with any C compiler.
make -s -C "$dir.src" -j"$(nproc)" CC=gcc sparse >"$dir.dl/build.log" 2>&1 ||
	{ tail -20 "$dir.dl/build.log" >&2; die "building sparse failed"; }
mkdir -p "$dir"
cp "$dir.src/sparse" "$dir/sparse"
rm -rf "$dir.src" "$dir.dl" "$VSVM_CACHE"/sparse_*
"$dir/sparse" --version >&2
echo "$dir/sparse"

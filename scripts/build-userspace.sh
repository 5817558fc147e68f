#!/bin/bash
# SPDX-License-Identifier: MIT
# Build vsvm's userspace (libdrm_vsvm, the IGT tests against Debian 13's
# libigt 2.0, tools) and the kernel's hmm-tests in the Debian 13 root, with
# its compiler and libraries: what the guest runs is built where it runs.
#
# usage: build-userspace.sh ROOT KBUILD BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

root=$1 kbuild=$2 bdir=$3
src=$(vsvm_src_dir)
mkdir -p "$bdir"
bdir=$(cd "$bdir" && pwd)
case $bdir in "$VSVM_TOP"/*) ;; *) die "the build directory must be inside the checkout" ;; esac

stage "userspace: meson build in the Debian 13 root"
in_root "$root" /bin/bash -c '
	set -e
	cd "$1"
	if [ -f "$2/build.ninja" ]; then
		meson setup --reconfigure "$2" >"$2/meson-setup.log" 2>&1 ||
			{ cat "$2/meson-setup.log"; exit 1; }
	else
		meson setup "$2" >"$2/meson-setup.log" 2>&1 ||
			{ cat "$2/meson-setup.log"; exit 1; }
	fi
	meson compile -C "$2" >"$2/meson-compile.log" 2>&1 ||
		{ tail -50 "$2/meson-compile.log"; exit 1; }
' build "$VSVM_TOP" "$bdir"

stage "userspace: hmm-tests from $VSVM_KVER_PKG"
sel=$src/tools/testing/selftests
in_root "$root" gcc -Wall -O2 -U_FORTIFY_SOURCE -no-pie \
	-I "$src" -I "$sel" -isystem "$kbuild/usr/include" \
	-isystem "$src/tools/include/uapi" \
	"$sel/mm/hmm-tests.c" "$sel/mm/vm_util.c" "$sel/mm/hugepage_settings.c" \
	-lrt -lpthread -lm -o "$bdir/hmm-tests"

#!/bin/bash
# SPDX-License-Identifier: MIT
# The stock lane's vsvm.ko, built the way a user builds it: the driver's
# source laid out as /usr/src/vsvm-VERSION with its dkms.conf, then
# `dkms add`, `dkms build` and `dkms install` against Debian's
# linux-headers-$VSVM_STOCK_KREL, inside the Debian 13 root. VERSION carries
# a hash of the sources, so a changed driver is a new dkms version.
#
# Debian's stock kernel has no TEST_HMM; lib/test_hmm.c of the same 7.3
# source builds out of tree (every symbol it needs is exported), so the
# stock lane runs hmm-tests as well. It goes to extra/ in the root.
#
# usage: dkms-build.sh ROOT KSRC   (KSRC: the unpacked linux-source-7.3)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

root=$1 ksrc=$2
# the driver reports the uapi version (vsvm_drv.h)
major=$(sed -n 's/^#define VSVM_UAPI_MAJOR *//p' "$VSVM_TOP/uapi/drm/vsvm_drm.h")
minor=$(sed -n 's/^#define VSVM_UAPI_MINOR *//p' "$VSVM_TOP/uapi/drm/vsvm_drm.h")
hash=$(cat "$VSVM_TOP"/drivers-gpu/* "$VSVM_TOP"/uapi/drm/vsvm_*.h | sha256sum | cut -c1-8)
ver=$major.$minor+$hash
usr=$root/usr/src/vsvm-$ver

stage "dkms: vsvm $ver for $VSVM_STOCK_KREL"
# Older versions go first: one vsvm at a time in the root.
for old in "$root"/usr/src/vsvm-*; do
	[ -d "$old" ] || continue
	[ "$old" = "$usr" ] && continue
	in_root "$root" dkms remove -m vsvm -v "${old##*/vsvm-}" --all >/dev/null 2>&1 || true
	rm -rf "$old"
done
if ! in_root "$root" dkms status -m vsvm -v "$ver" -k "$VSVM_STOCK_KREL" | grep -q installed; then
	rm -rf "$usr"
	mkdir -p "$usr/uapi/drm"
	cp "$VSVM_TOP"/drivers-gpu/* "$usr/"
	cp "$VSVM_TOP"/uapi/drm/vsvm_*.h "$usr/uapi/drm/"
	sed -i "s/@VERSION@/$ver/" "$usr/dkms.conf"
	in_root "$root" dkms remove -m vsvm -v "$ver" --all >/dev/null 2>&1 || true
	log=$VSVM_CACHE/dkms.log
	{
		in_root "$root" dkms add -m vsvm -v "$ver" &&
		in_root "$root" dkms build -m vsvm -v "$ver" -k "$VSVM_STOCK_KREL" &&
		in_root "$root" dkms install -m vsvm -v "$ver" -k "$VSVM_STOCK_KREL"
	} >"$log" 2>&1 || {
		tail -30 "$log" >&2
		find "$root/var/lib/dkms/vsvm/$ver" -name make.log -exec cat {} + >&2 2>/dev/null || true
		die "dkms could not build vsvm $ver"
	}
	# dkms 3 keeps the build log per kernel, older ones in build/
	mlog=$(find "$root/var/lib/dkms/vsvm/$ver" -name make.log | head -n 1)
	[ -n "$mlog" ] || die "no make.log of the dkms build of vsvm $ver"
	if grep -iE '\bwarning\b' "$mlog" >&2; then
		die "the dkms build of vsvm is not warning-free"
	fi
fi
in_root "$root" dkms status -m vsvm >&2

extra=$root/usr/lib/modules/$VSVM_STOCK_KREL/extra
if [ ! -f "$extra/test_hmm.ko" ] || ! cmp -s "$ksrc/lib/test_hmm.c" "$extra/test_hmm.c"; then
	stage "dkms: test_hmm.ko for $VSVM_STOCK_KREL (out of tree)"
	thm=$VSVM_CACHE/test_hmm-stock
	rm -rf "$thm"
	mkdir -p "$thm" "$extra"
	cp "$ksrc/lib/test_hmm.c" "$ksrc/lib/test_hmm_uapi.h" "$thm/"
	echo 'obj-m := test_hmm.o' >"$thm/Kbuild"
	in_root "$root" make -C "/lib/modules/$VSVM_STOCK_KREL/build" M="$thm" modules \
		>"$thm.log" 2>&1 || { tail -20 "$thm.log" >&2; die "test_hmm.ko did not build"; }
	cp "$thm/test_hmm.ko" "$thm/test_hmm.c" "$extra/"
	in_root "$root" depmod "$VSVM_STOCK_KREL"
fi
in_root "$root" modinfo -k "$VSVM_STOCK_KREL" -F filename vsvm

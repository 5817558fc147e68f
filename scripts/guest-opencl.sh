#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# OpenCL on vsvm through Mesa's clover, run in the guest once the vsvm
# module is loaded:
#
#   scripts/run-guest.sh --out /tmp/mesa-guest -- \
#       bash -c 'modprobe -d $VSVM_MODROOT vsvm && /work/main/scripts/guest-opencl.sh'
#
# Uses the uninstalled Mesa build of scripts/build-mesa.sh (which must have
# run on the host first: it writes $VSVM_CACHE/mesa-current.env), checks
# with clinfo that the vsvm device reports fine-grained system SVM, then
# builds and runs mesa-patches/tests/cl_svm.c.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VSVM_CACHE:-/var/cache/vsvm}
ENV_FILE=$CACHE/mesa-current.env
TMP=${TMPDIR:-/tmp}/guest-opencl
export PATH=/usr/bin:/bin:/usr/sbin:/sbin:$PATH

[ -r "$ENV_FILE" ] || { echo "guest-opencl: no $ENV_FILE: run scripts/build-mesa.sh on the host" >&2; exit 1; }
# shellcheck disable=SC1090
. "$ENV_FILE"
export OCL_ICD_VENDORS GALLIUM_PIPE_SEARCH_DIR LD_LIBRARY_PATH
# Only the vsvm pipe driver and llvmpipe (pipe_swrast.so, when built).
echo "OCL_ICD_VENDORS=$OCL_ICD_VENDORS"
echo "GALLIUM_PIPE_SEARCH_DIR=$GALLIUM_PIPE_SEARCH_DIR"
ls -l /dev/dri/ 2>/dev/null || true

mkdir -p "$TMP"
rc=0

echo "== clinfo"
# clover reports OpenCL 1.1 for every driver unless told otherwise, and
# clinfo shows SVM capabilities only for OpenCL 2.0 and later devices.
CLOVER_DEVICE_VERSION_OVERRIDE=3.0 CLOVER_DEVICE_CLC_VERSION_OVERRIDE=3.0 \
	clinfo > "$TMP/clinfo.txt" 2>&1 || rc=1
grep -E "Platform Name|Device Name|Device Type|Device Vendor |Driver Version|Shared Virtual Memory|Coarse-grained|Fine-grained" \
	"$TMP/clinfo.txt" || true
if grep -q "Device Name.*vsvm" "$TMP/clinfo.txt" &&
   awk '/Device Name.*vsvm/{d=1} d && /Fine-grained system/{print; exit}' "$TMP/clinfo.txt" | grep -q Yes; then
	echo "PASS: clinfo shows the vsvm device with fine-grained system SVM"
else
	echo "FAIL: clinfo does not show the vsvm device with fine-grained system SVM"
	tail -30 "$TMP/clinfo.txt"
	rc=1
fi
if [ -n "${VSVM_OUT:-}" ]; then
	cp "$TMP/clinfo.txt" "$VSVM_OUT/" 2>/dev/null || true
fi

echo "== cl_svm"
DRM_VSVM_INC=(-I"$ROOT/libdrm-ext" -I"$ROOT/uapi/drm" -I/usr/include/libdrm)
DRM_VSVM_LIB=${LD_LIBRARY_PATH##*:}
cc -O2 -Wall -o "$TMP/cl_svm" "$ROOT/mesa-patches/tests/cl_svm.c" \
	"${DRM_VSVM_INC[@]}" -L"$DRM_VSVM_LIB" -ldrm_vsvm -ldrm -lOpenCL
"$TMP/cl_svm" || rc=1

exit $rc

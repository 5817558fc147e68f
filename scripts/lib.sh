# SPDX-License-Identifier: MIT
# Shared helpers for vsvm's scripts: paths, progress output, timing.

VSVM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VSVM_CACHE=${VSVM_CACHE:-/var/cache/vsvm}
VSVM_KVER_PKG=linux-source-6.12
VSVM_KSRC=$VSVM_CACHE/$VSVM_KVER_PKG
VSVM_T0=${VSVM_T0:-$(date +%s)}
export VSVM_T0

# stage NAME: print a stage banner with the elapsed time of the whole run.
# Banners go to stderr: scripts print their result (a path) on stdout.
stage() {
	local now
	now=$(date +%s)
	printf '==> [%4ds] %s\n' $((now - VSVM_T0)) "$*" >&2
}

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# vsvm_kernel_key: hash of everything the cached kernel build depends on
vsvm_kernel_key() {
	{
		dpkg-query -W -f='${Version}\n' "$VSVM_KVER_PKG" 2>/dev/null
		cat "$VSVM_TOP/kernel/vsvm.config" "$VSVM_TOP/drivers-gpu/Kconfig"
		cat "$VSVM_TOP"/kernel/patches/*.patch 2>/dev/null
		echo v1
	} | sha256sum | cut -c1-16
}

vsvm_kbuild_dir() {
	echo "$VSVM_CACHE/kbuild-$(vsvm_kernel_key)"
}

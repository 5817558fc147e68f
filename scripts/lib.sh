# SPDX-License-Identifier: MIT
# Shared helpers for vsvm's scripts: paths, progress output, timing.

VSVM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VSVM_CACHE=${VSVM_CACHE:-/var/cache/vsvm}
# The test kernel's source: Debian's linux-source-7.3 from trixie-backports,
# pinned. The stock lane boots Debian's own build of the same version.
VSVM_KVER_PKG=linux-source-7.3
VSVM_KVER_VERSION=7.3.4-1~bpo13+1
VSVM_STOCK_KREL=7.3.4+deb13-amd64
VSVM_KSRC_TARBALL=$VSVM_CACHE/debs/linux-source-7.3.tar.xz
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

# The test kernel's flavour: debug (the default: lockdep, kmemleak,
# DEBUG_VM, DMA_API_DEBUG, ...), kasan (the same plus
# kernel/vsvm-kasan.config) or bench (the same without the checkers,
# kernel/vsvm-bench.config: the benchmark's). All build from one unpacked
# source tree.
VSVM_KFLAVOUR=${VSVM_KFLAVOUR:-debug}

# vsvm_kernel_key [FLAVOUR]: hash of everything the cached kernel build of
# FLAVOUR (default $VSVM_KFLAVOUR) depends on
vsvm_kernel_key() {
	local flavour=${1:-$VSVM_KFLAVOUR}
	{
		echo "$VSVM_KVER_PKG $VSVM_KVER_VERSION"
		cat "$VSVM_TOP/kernel/vsvm.config" "$VSVM_TOP/drivers-gpu/Kconfig"
		cat "$VSVM_TOP"/kernel/patches/*.patch 2>/dev/null
		echo v2
		[ "$flavour" = debug ] || cat "$VSVM_TOP/kernel/vsvm-$flavour.config"
	} | sha256sum | cut -c1-16
}

# vsvm_kconfig_fragments: the fragments of $VSVM_KFLAVOUR's configuration
vsvm_kconfig_fragments() {
	echo "$VSVM_TOP/kernel/vsvm.config"
	[ "$VSVM_KFLAVOUR" = debug ] || echo "$VSVM_TOP/kernel/vsvm-$VSVM_KFLAVOUR.config"
}

vsvm_kbuild_dir() {
	echo "$VSVM_CACHE/kbuild-$(vsvm_kernel_key)"
}

# The unpacked and patched source, shared by every flavour.
vsvm_src_dir() {
	echo "$VSVM_CACHE/src-$(vsvm_kernel_key debug)"
}

# tapt APT-GET-ARGS...: apt-get on Debian 13 (trixie, trixie-backports) with
# a private configuration under $VSVM_CACHE/apt, so that the host's own
# sources, lists and cache stay as they are. tapt_cache runs apt-cache.
VSVM_TAPT_DIR=$VSVM_CACHE/apt
VSVM_MIRROR=${VSVM_MIRROR:-http://deb.debian.org/debian}
tapt_opts() {
	echo "-o Dir::Etc::SourceList=$VSVM_TAPT_DIR/sources.list" \
		"-o Dir::Etc::SourceParts=/dev/null" \
		"-o Dir::State::Lists=$VSVM_TAPT_DIR/lists" \
		"-o Dir::Cache=$VSVM_TAPT_DIR/cache" \
		"-o Debug::NoLocking=1 -o APT::Sandbox::User=root"
}
tapt_update() {
	mkdir -p "$VSVM_TAPT_DIR/lists/partial" "$VSVM_TAPT_DIR/cache/archives/partial"
	if [ ! -f "$VSVM_TAPT_DIR/sources.list" ] ||
	   [ -z "$(find "$VSVM_TAPT_DIR/lists" -name '*Packages*' -mmin -720 2>/dev/null | head -1)" ]; then
		cat >"$VSVM_TAPT_DIR/sources.list" <<-EOF
		deb $VSVM_MIRROR trixie main
		deb $VSVM_MIRROR trixie-backports main
		deb-src $VSVM_MIRROR trixie main
		deb-src $VSVM_MIRROR sid main
		EOF
		stage "apt: reading the trixie, trixie-backports and sid lists (private config)"
		# shellcheck disable=SC2046
		apt-get $(tapt_opts) update -q >/dev/null
	fi
}
tapt() {
	tapt_update
	# shellcheck disable=SC2046
	apt-get $(tapt_opts) "$@"
}

# in_root ROOT COMMAND...: run COMMAND in the Debian 13 root ROOT, in a
# private mount namespace that shows the checkout and $VSVM_CACHE at their
# host paths; the mounts go away with the command.
in_root() {
	local root=$1
	shift
	unshare -m --propagation private -- /bin/bash -c '
		set -e
		root=$1 top=$2 cache=$3
		shift 3
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs tmpfs "$root/tmp"
		mkdir -p "$root$top" "$root$cache"
		mount --bind "$top" "$root$top"
		mount --bind "$cache" "$root$cache"
		exec chroot "$root" /usr/bin/env -i \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			TERM=dumb "$@"
	' in_root "$root" "$VSVM_TOP" "$VSVM_CACHE" "$@"
}

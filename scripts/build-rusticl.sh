#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build Mesa's rusticl (OpenCL in Rust, Gallium frontend) from Debian 13's
# Mesa source in a Debian 13 (trixie) root of its own, with two Gallium
# drivers: llvmpipe and vsvm (mesa-patches/rusticl/series: kernels compiled
# to the vsvm ISA and run by DRM_VSVM_CMD_DISPATCH).
#
#   scripts/build-rusticl.sh [--jobs N] [--test]
#
#   --jobs N   ninja jobs (default 1, at most 2: the machine is shared)
#   --test     after the build, run clinfo and the programs of
#              mesa-patches/rusticl/tests/ in the root
#
# Idempotent, cached under $VSVM_CACHE (default /var/cache/vsvm):
#   rusticl-root/                  the trixie root (debootstrap minbase),
#                                  with Debian's rusticl build dependencies;
#                                  stamped with a hash of the package list
#   rusticl-root/build/dl/         apt-get source mesa=$MESA_DEB_VERSION
#   rusticl-root/build/src-<key>/  the source, mesa-patches/rusticl/series
#                                  applied on top of Debian's own patches
#   rusticl-root/build/src-<key>/build/ the Meson build: inside the source,
#                                  so that the compile commands name files
#                                  as ../src/...  whatever the key, and
#                                  ccache hits across keys
#   rusticl-root/build/ccache/     compiler cache
#   rusticl-*.log                  logs of the last run of each step
# <key> hashes the Debian version, the series (its files' contents) and the
# Meson options. Nothing here touches the root of scripts/build-root.sh or
# the host's Mesa (scripts/build-mesa.sh).
#
# Heavy steps run with nice -n 19 and a low I/O priority.
#
# The last line printed holds what runs rusticl uninstalled inside the root
# (the paths are the root's):
#   OCL_ICD_VENDORS=<file.icd> LD_LIBRARY_PATH=<dir> RUSTICL_ENABLE=llvmpipe
# and $VSVM_CACHE/rusticl-current.env holds it too, one setting a line
# (RUSTICL_ENABLE=vsvm selects the vsvm device where there is one: in a
# guest, mesa-patches/rusticl/guest-rusticl.sh).
# Run something with it:
#   . scripts/lib.sh; in_root $VSVM_CACHE/rusticl-root \
#       $(cat $VSVM_CACHE/rusticl-current.env) clinfo
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MESA_DEB_VERSION=${MESA_DEB_VERSION:-25.0.7-2+deb13u1}
PATCHES=$VSVM_TOP/mesa-patches/rusticl
JOBS=1
RUN_TESTS=

while [ $# -gt 0 ]; do
	case $1 in
	--jobs) JOBS=$2; shift 2 ;;
	--test) RUN_TESTS=1; shift ;;
	-h|--help) sed -n '3,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) die "build-rusticl: unknown argument $1" ;;
	esac
done
case $JOBS in 1|2) ;; *) die "build-rusticl: --jobs must be 1 or 2" ;; esac

# Everything this script starts runs at the lowest CPU priority and a low
# I/O priority: it shares the machine with kernel builds and benchmark VMs.
renice -n 19 -p $$ >/dev/null
ionice -c 2 -n 7 -p $$ 2>/dev/null || true

ROOT=$VSVM_CACHE/rusticl-root
mkdir -p "$VSVM_CACHE"
# One run at a time: a second one waits for the first.
exec 9>"$VSVM_CACHE/rusticl.lock"
if ! flock -n 9; then
	stage "rusticl: waiting for another build-rusticl.sh to finish"
	flock 9
fi

# What Debian's mesa 25.0.7 build-depends on for rusticl, llvmpipe and
# the common parts (debian/control), less X11/Wayland/Vulkan/video; the
# compilers; what the checks run with; and piglit (its OpenCL tests, the
# external suite) and pocl (the benchmark's third OpenCL implementation).
pkgs=(
	gcc g++ libc6-dev make dpkg-dev xz-utils ccache
	meson ninja-build pkgconf python3 python3-mako python3-ply python3-yaml
	flex bison libdrm-dev libexpat1-dev libzstd-dev zlib1g-dev libelf-dev
	llvm-19-dev libclang-19-dev libclang-cpp19-dev libclc-19 libclc-19-dev
	llvm-spirv-19 libllvmspirvlib-19-dev spirv-tools
	rustc rustfmt bindgen
	ocl-icd-libopencl1 ocl-icd-opencl-dev opencl-c-headers clinfo
	piglit pocl-opencl-icd
)

# shellcheck disable=SC2054 # commas are inside option values
MESON_OPTS=(
	-Dbuildtype=release -Db_ndebug=true
	-Dgallium-drivers=llvmpipe,vsvm
	-Dgallium-rusticl=true
	-Dllvm=enabled -Dshared-llvm=enabled -Ddraw-use-llvm=true
	-Dvulkan-drivers= -Dplatforms=
	-Dopengl=false -Dgles1=disabled -Dgles2=disabled
	-Dglx=disabled -Degl=disabled -Dgbm=disabled -Dglvnd=disabled
	-Dgallium-vdpau=disabled -Dgallium-va=disabled -Dgallium-xa=disabled
	-Dgallium-nine=false -Dosmesa=false -Dvideo-codecs=
	-Dvalgrind=disabled -Dlibunwind=disabled -Dlmsensors=disabled
	-Dbuild-tests=false -Dmicrosoft-clc=disabled
)

# in_root with the root's compile environment
rrun() {
	in_root "$ROOT" DEBIAN_FRONTEND=noninteractive "$@"
}

#
# The root
#
pkg_key=$(printf '%s\n' "${pkgs[@]}" | sha256sum | cut -c1-16)
if [ ! -f "$ROOT/.vsvm-debootstrap-done" ]; then
	command -v debootstrap >/dev/null || die "debootstrap missing: run scripts/install-deps.sh"
	stage "rusticl root: debootstrap --variant=minbase trixie $ROOT"
	rm -rf "$ROOT" "$ROOT.tmp"
	mkdir -p "$ROOT.tmp"
	debootstrap --variant=minbase trixie "$ROOT.tmp" "$VSVM_MIRROR" \
		>"$VSVM_CACHE/rusticl-debootstrap.log" 2>&1 ||
		{ tail -20 "$VSVM_CACHE/rusticl-debootstrap.log" >&2; die "debootstrap failed"; }
	cat >"$ROOT.tmp/etc/apt/sources.list" <<-EOF
	deb $VSVM_MIRROR trixie main
	deb-src $VSVM_MIRROR trixie main
	EOF
	# No daemons start inside the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$ROOT.tmp/usr/sbin/policy-rc.d"
	chmod +x "$ROOT.tmp/usr/sbin/policy-rc.d"
	touch "$ROOT.tmp/.vsvm-debootstrap-done"
	mv "$ROOT.tmp" "$ROOT"
fi
if [ "$(cat "$ROOT/.vsvm-pkgs" 2>/dev/null)" != "$pkg_key" ]; then
	stage "rusticl root: installing ${#pkgs[@]} packages (build deps, clinfo)"
	log=$VSVM_CACHE/rusticl-apt.log
	{ rrun apt-get update -q &&
	  rrun apt-get install -y -q --no-install-recommends "${pkgs[@]}" &&
	  rrun apt-get clean; } >"$log" 2>&1 ||
		{ tail -20 "$log" >&2; die "installing the rusticl root's packages failed (see $log)"; }
	echo "$pkg_key" >"$ROOT/.vsvm-pkgs"
else
	stage "rusticl root: cached, $ROOT"
fi

# libclang (bindgen) names the C++ headers it read through the merged /usr
# as /../lib/gcc/<triplet>/14/../../../../include/...; ninja shortens that
# lexically to /../include/..., which only exists through this link: without
# it every run regenerates the LLVM bindings and relinks rusticl.
[ -e "$ROOT/include" ] || ln -s usr/include "$ROOT/include"

#
# Source and key
#
series=()
if [ -f "$PATCHES/series" ]; then
	while read -r p; do
		case $p in ''|'#'*) ;; *) series+=("$p") ;; esac
	done <"$PATCHES/series"
fi
key=$({
	echo "mesa $MESA_DEB_VERSION"
	printf '%s\n' "${MESON_OPTS[@]}"
	for p in "${series[@]}"; do
		echo "patch $p"
		cat "$PATCHES/$p"
	done
} | sha256sum | cut -c1-16)
SRC=/build/src-$key		# paths inside the root
BUILD=$SRC/build
mkdir -p "$ROOT/build"

if [ ! -f "$ROOT$SRC/.vsvm-series-applied" ]; then
	dsc=/build/dl/mesa_${MESA_DEB_VERSION#*:}.dsc
	if [ ! -f "$ROOT$dsc" ]; then
		stage "rusticl source: apt-get source mesa=$MESA_DEB_VERSION"
		mkdir -p "$ROOT/build/dl"
		rrun sh -c "cd /build/dl && apt-get source -q --download-only mesa=$MESA_DEB_VERSION" \
			>"$VSVM_CACHE/rusticl-source.log" 2>&1 ||
			{ tail -20 "$VSVM_CACHE/rusticl-source.log" >&2
			  die "apt-get source mesa=$MESA_DEB_VERSION failed (is it still in trixie?)"; }
	fi
	stage "rusticl source: unpacking, applying ${#series[@]} patches (key $key)"
	rm -rf "$ROOT$SRC" "$ROOT$SRC.tmp"
	# Format 3.0 (quilt): dpkg-source applies debian/patches; the series
	# goes on top of them.
	rrun dpkg-source -q -x "$dsc" "$SRC.tmp" >"$VSVM_CACHE/rusticl-source.log" 2>&1 ||
		{ tail -20 "$VSVM_CACHE/rusticl-source.log" >&2; die "dpkg-source -x failed"; }
	for p in "${series[@]}"; do
		stage "rusticl source: applying $p"
		patch -d "$ROOT$SRC.tmp" -p1 -s --no-backup-if-mismatch <"$PATCHES/$p" ||
			die "$p does not apply"
	done
	touch "$ROOT$SRC.tmp/.vsvm-series-applied"
	mv "$ROOT$SRC.tmp" "$ROOT$SRC"
fi

#
# Configure and build
#
ccache_env=(CC="ccache gcc" CXX="ccache g++" CCACHE_DIR=/build/ccache)
if [ ! -f "$ROOT$BUILD/build.ninja" ]; then
	stage "rusticl configure: $BUILD"
	rm -rf "$ROOT$BUILD"
	log=$VSVM_CACHE/rusticl-configure.log
	rrun "${ccache_env[@]}" nice -n 19 meson setup "$BUILD" "$SRC" "${MESON_OPTS[@]}" \
		>"$log" 2>&1 || { tail -30 "$log" >&2; die "meson setup failed (see $log)"; }
fi

# Builds left over from older keys go; the download and ccache stay.
for d in "$ROOT"/build/src-* "$ROOT"/build/build-*; do
	case ${d##*/} in "src-$key") ;; *) rm -rf "$d" ;; esac
done

stage "rusticl build: nice -n 19 ninja -j$JOBS"
log=$VSVM_CACHE/rusticl-build.log
build_t0=$(date +%s)
# In a process group of its own, so that an interrupted run ends it too.
set -m
rrun "${ccache_env[@]}" nice -n 19 ninja -C "$BUILD" -j "$JOBS" >"$log" 2>&1 &
ninja_pid=$!
set +m
trap 'kill -- "-$ninja_pid" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
# A line a minute, with ninja's progress, so that nothing looks hung.
while kill -0 "$ninja_pid" 2>/dev/null; do
	for _ in $(seq 60); do
		sleep 1
		kill -0 "$ninja_pid" 2>/dev/null || break
	done
	kill -0 "$ninja_pid" 2>/dev/null || break
	progress=$(grep -o '^\[[0-9]*/[0-9]*\]' "$log" | tail -1 || true)
	stage "rusticl build: ${progress:-starting} ($(( $(date +%s) - build_t0 ))s)"
done
rc=0
wait "$ninja_pid" || rc=$?
trap - EXIT
[ "$rc" = 0 ] || { tail -40 "$log" >&2; die "ninja failed (see $log)"; }
stage "rusticl build: $(tail -1 "$log" | cut -c1-100)"

LIBDIR=$BUILD/src/gallium/targets/rusticl
LIB=$LIBDIR/libRusticlOpenCL.so.1
[ -e "$ROOT$LIB" ] || die "$LIB was not built"
ICD=$BUILD/rusticl-uninstalled.icd
echo "$LIB" >"$ROOT$ICD"
env_line="OCL_ICD_VENDORS=$ICD LD_LIBRARY_PATH=$LIBDIR RUSTICL_ENABLE=llvmpipe"

if [ -n "$RUN_TESTS" ]; then
	stage "rusticl test: clinfo -l"
	# shellcheck disable=SC2086 # the settings are words
	rrun $env_line clinfo -l >&2
	# shellcheck disable=SC2086
	info=$(rrun $env_line clinfo) || die "clinfo failed"
	# the device's own section, not the NULL-platform checks after it
	info=$(printf '%s\n' "$info" | sed '/NULL platform behavior/,$d')
	printf '%s\n' "$info" |
		grep -E 'Platform Name|Device Name|Device Type|Device Version|Max compute units|grained' >&2 || true
	printf '%s\n' "$info" | grep -q 'Device Name .*llvmpipe' ||
		die "clinfo lists no llvmpipe device on rusticl"
	for t in "$PATCHES"/tests/*.c; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .c)
		stage "rusticl test: $name"
		# /tmp is the root's own tmpfs, new for each in_root
		rrun sh -c "gcc -O2 -Wall -Werror -o /tmp/$name $t -lOpenCL -lm && env $env_line /tmp/$name" >&2 ||
			die "$name failed"
	done
fi

# shellcheck disable=SC2086 # one setting a line
printf '%s\n' $env_line >"$VSVM_CACHE/rusticl-current.env"
stage "rusticl: done: root $ROOT $(du -sh -x "$ROOT" | cut -f1) in all, of it build $(du -sh "$ROOT$BUILD" | cut -f1), source $(du -sh "$ROOT$SRC" | cut -f1)"
echo "$env_line"

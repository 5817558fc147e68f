#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build Mesa's OpenCL ICD (clover) with the vsvm gallium driver, from
# Debian's Mesa source and the series in mesa-patches/.
#
#   scripts/build-mesa.sh [--jobs N]
#
# Idempotent, and cached under $VSVM_CACHE (default /var/cache/vsvm):
#   mesa-dl/                  the Debian source package (apt-get source)
#   mesa-src-<hash>/          the source with the series applied
#   mesa-build-<hash>/        the Meson build
#   mesa-dep-build/           libdrm_vsvm, built from this tree (uninstalled)
#   ccache/                   compiler cache, when ccache is installed
# <hash> covers the Debian version, the series and the Meson options.
#
# Installs missing build dependencies with apt-get (and enables Debian's
# deb-src entries if apt knows no source for mesa). Compiles run with
# nice -n 19 and at most 2 jobs unless --jobs says otherwise.
#
# The last line printed holds the paths needed to run uninstalled:
#   OCL_ICD_VENDORS=<file.icd> GALLIUM_PIPE_SEARCH_DIR=<dir> LD_LIBRARY_PATH=<dirs>
# and $VSVM_CACHE/mesa-current.env holds them too, for scripts/guest-opencl.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VSVM_CACHE:-/var/cache/vsvm}
PATCHES=$ROOT/mesa-patches
MESA_DEB_VERSION=${MESA_DEB_VERSION:-22.3.6-1+deb12u2}
JOBS=2

while [ $# -gt 0 ]; do
	case $1 in
	--jobs) JOBS=$2; shift 2 ;;
	-h|--help) sed -n '3,24p' "$0"; exit 0 ;;
	*) echo "build-mesa: unknown argument $1" >&2; exit 2 ;;
	esac
done

# Debian's python3 (python3-mako) comes first, not a pyenv shim.
export PATH=/usr/bin:/bin:/usr/sbin:/sbin:$PATH

T0=$(date +%s)
stage() { echo "== build-mesa: $* (+$(( $(date +%s) - T0 ))s)"; }

# shellcheck disable=SC2054 # commas are inside option values
MESON_OPTS=(
	-Dbuildtype=release
	-Dgallium-drivers=swrast,vsvm
	-Dgallium-opencl=icd -Dopencl-spirv=true
	-Dllvm=enabled -Dshared-llvm=enabled
	-Dvulkan-drivers= -Dplatforms=
	-Dopengl=false -Dgles1=disabled -Dgles2=disabled
	-Dglx=disabled -Degl=disabled -Dgbm=disabled -Dglvnd=false -Ddri3=disabled
	-Dgallium-vdpau=disabled -Dgallium-va=disabled -Dgallium-xa=disabled
	-Dgallium-omx=disabled -Dgallium-nine=false -Dosmesa=false
	-Dvalgrind=disabled -Dlibunwind=disabled -Dlmsensors=disabled
	-Dbuild-tests=false -Dmicrosoft-clc=disabled -Dvideo-codecs=
	-Dshader-cache=disabled
)

#
# Build dependencies
#
stage "dependencies"
DEPS=(meson ninja-build pkg-config bison flex python3-mako
      llvm-15-dev libclang-15-dev libclang-cpp15-dev libclc-15 libclc-15-dev
      libllvmspirvlib-15-dev spirv-tools libelf-dev zlib1g-dev libzstd-dev
      libexpat1-dev libdrm-dev ocl-icd-libopencl1 ocl-icd-opencl-dev
      opencl-c-headers dpkg-dev ccache clinfo)
missing=()
for p in "${DEPS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
apt_updated=
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing: ${missing[*]}"
	apt-get update -qq
	apt_updated=1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

#
# Series hash and source
#
[ -s "$PATCHES/series" ] || { echo "build-mesa: no $PATCHES/series" >&2; exit 1; }
HASH=$( { echo "$MESA_DEB_VERSION"; echo "${MESON_OPTS[*]}";
	  while read -r p; do [ -n "$p" ] && cat "$PATCHES/$p"; done < "$PATCHES/series"; } |
	sha256sum | cut -c1-16)
SRC=$CACHE/mesa-src-$HASH
BUILD=$CACHE/mesa-build-$HASH
DL=$CACHE/mesa-dl
DEP_BUILD=$CACHE/mesa-dep-build
mkdir -p "$CACHE"

stage "source (series $HASH)"
if [ ! -e "$SRC/.vsvm-series-applied" ]; then
	dsc=$DL/mesa_${MESA_DEB_VERSION#*:}.dsc
	if [ ! -e "$dsc" ]; then
		if ! apt-cache showsrc mesa 2>/dev/null | grep -q "^Version: $MESA_DEB_VERSION\$"; then
			if ! apt-cache showsrc mesa 2>/dev/null | grep -q '^Package: mesa'; then
				echo "enabling deb-src entries for Debian bookworm"
				cat > /etc/apt/sources.list.d/vsvm-deb-src.sources <<-'EOF'
				Types: deb-src
				URIs: http://deb.debian.org/debian
				Suites: bookworm bookworm-updates
				Components: main
				Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

				Types: deb-src
				URIs: http://deb.debian.org/debian-security
				Suites: bookworm-security
				Components: main
				Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
				EOF
				# the lists must be read again for the new entries
				apt_updated=
			fi
			[ -n "$apt_updated" ] || apt-get update -qq
		fi
		mkdir -p "$DL"
		(cd "$DL" && apt-get source -q --download-only "mesa=$MESA_DEB_VERSION" >/dev/null 2>&1) ||
			{ echo "build-mesa: apt-get source mesa=$MESA_DEB_VERSION failed" >&2; exit 1; }
	fi
	tmp=$CACHE/mesa-src-$HASH.tmp.$$
	rm -rf "$tmp"
	dpkg-source -q -x "$dsc" "$tmp" > "$CACHE/mesa-dpkg-source.log" 2>&1 ||
		{ cat "$CACHE/mesa-dpkg-source.log"; exit 1; }
	while read -r p; do
		[ -n "$p" ] || continue
		echo "applying $p"
		patch -d "$tmp" -p1 -s --no-backup-if-mismatch < "$PATCHES/$p"
	done < "$PATCHES/series"
	touch "$tmp/.vsvm-series-applied"
	rm -rf "$SRC"
	mv "$tmp" "$SRC"
fi

#
# libdrm_vsvm (uninstalled; Mesa finds it through meson-uninstalled/)
#
stage "libdrm_vsvm"
# The build belongs to one checkout: a clone elsewhere starts it afresh.
if [ "$(cat "$DEP_BUILD/.vsvm-root" 2>/dev/null)" != "$ROOT" ]; then
	rm -rf "$DEP_BUILD"
fi
if [ ! -e "$DEP_BUILD/build.ninja" ]; then
	nice -n 19 meson setup "$DEP_BUILD" "$ROOT" >/dev/null
	echo "$ROOT" > "$DEP_BUILD/.vsvm-root"
fi
nice -n 19 meson compile -C "$DEP_BUILD" -j "$JOBS" libdrm-ext/drm_vsvm >/dev/null
DRM_VSVM_LIBDIR=$DEP_BUILD/libdrm-ext
PKG_DIR=$DEP_BUILD/meson-uninstalled

#
# Mesa
#
if command -v ccache >/dev/null; then
	export CC="ccache gcc" CXX="ccache g++" CCACHE_DIR=$CACHE/ccache
fi

stage "configure $BUILD"
if [ ! -e "$BUILD/build.ninja" ]; then
	rm -rf "$BUILD"
	nice -n 19 meson setup "$BUILD" "$SRC" "${MESON_OPTS[@]}" \
		-Dpkg_config_path="$PKG_DIR" > "$CACHE/mesa-configure-$HASH.log" ||
		{ tail -20 "$CACHE/mesa-configure-$HASH.log"; exit 1; }
fi

stage "build (ninja -j$JOBS)"
nice -n 19 ninja -C "$BUILD" -j "$JOBS" > "$CACHE/mesa-build-$HASH.log" ||
	{ tail -40 "$CACHE/mesa-build-$HASH.log"; exit 1; }
tail -1 "$CACHE/mesa-build-$HASH.log"

CL_DIR=$BUILD/src/gallium/targets/opencl
PIPE_DIR=$BUILD/src/gallium/targets/pipe-loader
for f in "$CL_DIR/libMesaOpenCL.so.1" "$PIPE_DIR/pipe_vsvm.so"; do
	[ -e "$f" ] || { echo "build-mesa: $f was not built" >&2; exit 1; }
done
ICD=$BUILD/vsvm-mesa.icd
echo "$CL_DIR/libMesaOpenCL.so.1" > "$ICD"

# For scripts/guest-opencl.sh: the paths of the latest build.
{
	echo "OCL_ICD_VENDORS=$ICD"
	echo "GALLIUM_PIPE_SEARCH_DIR=$PIPE_DIR"
	echo "LD_LIBRARY_PATH=$CL_DIR:$DRM_VSVM_LIBDIR"
} > "$CACHE/mesa-current.env"

stage "done"
echo "OCL_ICD_VENDORS=$ICD GALLIUM_PIPE_SEARCH_DIR=$PIPE_DIR LD_LIBRARY_PATH=$CL_DIR:$DRM_VSVM_LIBDIR"

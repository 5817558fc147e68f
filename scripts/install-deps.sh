#!/bin/bash
# SPDX-License-Identifier: MIT
# Install what vsvm's build and tests need from Debian. Idempotent: packages
# already present are not asked for again, so warm runs cost nothing.
#
# usage: install-deps.sh [PACKAGE...]
#   PACKAGE: more packages a caller needs on top of the list below (the main
#   job's plotting tool, say); the test command passes none.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(
	build-essential flex bison bc cpio kmod
	libelf-dev libssl-dev python3 rsync
	qemu-system-x86 e2fsprogs debootstrap xz-utils dpkg-dev patch
	libdrm-dev
	meson ninja-build pkg-config
	"$@"
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	stage "deps: all ${#pkgs[@]} packages present"
	exit 0
fi

stage "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
stage "deps: done"

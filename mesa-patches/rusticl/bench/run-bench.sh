#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The OpenCL benchmark from the host: optionally a private vsvm.ko of this
# checkout (scripts/dev-module.sh, for the bench kernel), then one guest of
# the bench lane running guest-bench.sh. Run it under the machine's lock:
#
#   flock /tmp/vsvm-heavy.lock mesa-patches/rusticl/bench/run-bench.sh \
#       [--dev-module DIR] [--out DIR] [--lane L] [VAR=VALUE...]
#
# VAR=VALUE settings go to guest-bench.sh (BENCH_PLAN, BENCH_REPS,
# BENCH_CROSSCHECK). --dev-module builds drivers-gpu/ into DIR and has the
# guest load that vsvm.ko (VSVM_KO) instead of the module root's. Results:
# OUT/cl-bench.csv, OUT/cl-bench.md, logs (default OUT build/cl-bench).
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$top/build/cl-bench
lane=bench
mod=
while [ $# -gt 0 ]; do
	case $1 in
	--dev-module) mod=$(realpath -m "$2"); shift 2 ;;
	--out) out=$2; shift 2 ;;
	--lane) lane=$2; shift 2 ;;
	*=*) break ;;
	*) echo "run-bench: unknown option $1" >&2; exit 1 ;;
	esac
done
cd "$top"
envs=("$@")
if [ -n "$mod" ]; then
	mkdir -p "$out"
	if VSVM_KFLAVOUR=$lane scripts/dev-module.sh "$mod"; then
		# the guest sees the host's root at /host
		envs+=(VSVM_KO=/host$mod/vsvm.ko)
		{ git rev-parse HEAD; git status --short drivers-gpu; git diff drivers-gpu | sha256sum; } \
			>"$out/vsvm-ko-source.txt"
	else
		echo "run-bench: dev-module.sh failed: the module root's vsvm.ko instead" |
			tee "$out/vsvm-ko-source.txt"
	fi
fi
start=$(date +%s)
scripts/run-guest.sh --lane "$lane" --mem 4G --out "$out" --timeout 2400 -- \
	env "${envs[@]}" bash mesa-patches/rusticl/bench/guest-bench.sh
echo "run-bench: guest $(( $(date +%s) - start )) s; results in $out/cl-bench.md"
